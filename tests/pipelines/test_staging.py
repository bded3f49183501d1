"""Side files on their way to workers: read through FileSystems, staged by sha256, fetched and checked."""
import pytest

from filters.side_files import SideFile, pack_tree, unpack_tree
from pipelines.staging import SideFileError, Staging, fetch, read_side_files


def test_a_folder_packs_to_the_same_bytes_whatever_the_order_and_unpacks_whole():
    files = {"b/urls": b"x.example/path\n", "a/domains": b"casino.example\n", "README": b""}
    packed = pack_tree(files)
    assert packed == pack_tree(dict(reversed(list(files.items()))))
    assert unpack_tree(packed) == files


def test_staged_files_are_content_addressed_written_once_and_checked_on_fetch(tmp_path):
    (tmp_path / "lists" / "gambling").mkdir(parents=True)
    (tmp_path / "lists" / "gambling" / "domains").write_text("casino.example\n")
    (tmp_path / "lists" / "adult").mkdir()
    (tmp_path / "lists" / "adult" / "domains").write_text("not carried\n")
    (tmp_path / "words.txt").write_text("badword\n")
    side_files = [SideFile("url_filter.lists", str(tmp_path / "lists"), True, "gambling/(domains|urls)"),
                  SideFile("url_filter.banned_words", str(tmp_path / "words.txt"))]
    contents = read_side_files(side_files)
    assert contents[str(tmp_path / "lists")] == {"gambling/domains": b"casino.example\n"}
    staging = Staging(str(tmp_path / "out" / "_side_files"), True, side_files, contents)
    staging.write()
    staged = staging.staged[str(tmp_path / "words.txt")]
    assert staged.uri.endswith(staged.sha256) and fetch(staged) == b"badword\n"
    assert fetch(staging.staged[str(tmp_path / "lists")]) == {"gambling/domains": b"casino.example\n"}
    with open(staged.uri, "wb") as handle:
        handle.write(b"changed\n")
    with pytest.raises(RuntimeError, match="has changed"):
        fetch(staged)
    staging.remove()
    assert not (tmp_path / "out" / "_side_files").exists()


def test_a_missing_side_file_names_its_option(tmp_path):
    for side_file, message in ((SideFile("language.model_path", str(tmp_path / "lid.bin")), "file"),
                               (SideFile("unsafe_words.lists", str(tmp_path / "lists"), True), "folder")):
        with pytest.raises(SideFileError, match=f"^{side_file.option}: {message} .* does not exist$"):
            read_side_files([side_file])
