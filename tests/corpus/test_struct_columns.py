"""StructColumns (pyarrow's own conversion of the dicts) against the row-by-row form the writer once used:
the same Arrow array and the same Parquet bytes for any dicts a stage or plugin can leave, nested structs
and `extra` included."""
import io
import json

import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.parquet_rows import document_schema
from corpus.signal_schema import EXTRA, META_TYPE, ConfigFields, StructColumns, annotations_type
from filters.quality.quality_filter import QualityConfig, signal_types

ANNOTATIONS = annotations_type(ConfigFields(quality=signal_types(QualityConfig()), pii=["EMAIL_ADDRESS"],
                                            unsafe_lists=["en"]))


def row_by_row(values: dict, struct: pa.StructType) -> dict:
    """The form the writer used before (one dict per row, in the struct's field order), kept as the oracle."""
    row = {}
    for field in struct:
        if field.name == EXTRA:
            continue
        value = values.get(field.name)
        if value is not None and pa.types.is_struct(field.type):
            value = row_by_row(value, field.type)
        row[field.name] = value
    if EXTRA in struct.names:
        unknown = {key: value for key, value in values.items() if struct.get_field_index(key) < 0}
        row[EXTRA] = json.dumps(unknown, sort_keys=True, ensure_ascii=False, default=str) if unknown else None
    return row


def _value_for(kind: pa.DataType):
    if pa.types.is_struct(kind):
        return st.none() | _dict_for(kind)
    if pa.types.is_list(kind):
        return st.none() | st.lists(st.text(max_size=5), max_size=3)
    if pa.types.is_boolean(kind):
        return st.none() | st.booleans()
    if pa.types.is_integer(kind):
        return st.none() | st.integers(-2**63, 2**63 - 1)
    if pa.types.is_floating(kind):
        return st.none() | st.floats(allow_nan=False) | st.integers(-2**53, 2**53)
    return st.none() | st.text(max_size=8)


def _dict_for(struct: pa.StructType):
    """Some of the struct's fields (in any order), keys it has no field for, `extra` itself sometimes."""
    known = st.fixed_dictionaries({}, optional={field.name: _value_for(field.type) for field in struct
                                                if field.name != EXTRA})
    unknown = st.dictionaries(st.text(max_size=6).filter(lambda key: key not in struct.names) | st.just(EXTRA),
                              st.none() | st.integers() | st.text(max_size=4) | st.lists(st.integers(), max_size=2),
                              max_size=3)
    return st.tuples(known, unknown, st.booleans()).map(
        lambda parts: dict(reversed([*parts[0].items(), *parts[1].items()])) if parts[2]
        else {**parts[1], **parts[0]})


def _parquet(table: pa.Table) -> bytes:
    sink = io.BytesIO()
    with pq.ParquetWriter(sink, table.schema, compression="zstd", write_statistics=False) as writer:
        writer.write_table(table)
    return sink.getvalue()


@settings(max_examples=150, deadline=None)
@given(st.lists(_dict_for(ANNOTATIONS), max_size=6), st.lists(_dict_for(META_TYPE), min_size=6, max_size=6))
def test_the_columns_are_the_rows_arrays_and_bytes(annotations, metas):
    built = StructColumns(ANNOTATIONS).array(annotations)
    expected = pa.array([row_by_row(values, ANNOTATIONS) for values in annotations], type=ANNOTATIONS)
    assert built.equals(expected)
    assert built.to_pylist() == expected.to_pylist()
    metas = metas[:len(annotations)]
    schema = document_schema(ConfigFields(quality=signal_types(QualityConfig()), pii=["EMAIL_ADDRESS"],
                                          unsafe_lists=["en"]))
    strings = pa.array([f"d{number}" for number in range(len(annotations))], type=pa.string())
    columns = [strings, strings, strings, strings]
    by_columns = pa.Table.from_arrays([*columns, StructColumns(META_TYPE).array(metas), built], schema=schema)
    by_rows = pa.Table.from_arrays([*columns, pa.array([row_by_row(values, META_TYPE) for values in metas],
                                                       type=META_TYPE), expected], schema=schema)
    assert _parquet(by_columns) == _parquet(by_rows)
