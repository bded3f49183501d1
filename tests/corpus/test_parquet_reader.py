from corpus.document import Document
from corpus.parquet_reader import read_parquet
from corpus.record_fields import FieldMap
from tests.fixtures import write_parquet


def read(path, fields=FieldMap()):
    with open(path, "rb") as handle:
        return list(read_parquet(handle, str(path), "src", fields))


def test_rows_become_documents(tmp_path):
    path = write_parquet(tmp_path / "a.parquet", {"id": ["a", "b"], "text": ["one", None],
                                                   "url": ["https://a.test", None]})
    items = read(path)
    assert isinstance(items[0], Document) and items[0].text == "one" and items[0].url == "https://a.test"
    assert items[1].error_type == "missing_text_field"


def test_wrong_schema_is_one_error(tmp_path):
    path = write_parquet(tmp_path / "a.parquet", {"content": ["x"]})
    (item,) = read(path)
    assert item.error_type == "wrong_schema"


def test_not_a_parquet_file(tmp_path):
    path = tmp_path / "a.parquet"
    path.write_bytes(b"this is not parquet at all")
    (item,) = read(path)
    assert item.error_type == "unrecognised_file" and "looks like text" in item.message


def test_a_parquet_file_cut_short_is_one_error(tmp_path):
    path = write_parquet(tmp_path / "a.parquet", {"text": ["one", "two"]})
    path.write_bytes(path.read_bytes()[:-20])
    (item,) = read(path)
    assert item.error_type == "unreadable_parquet"
