"""The typed `meta` and `annotations` structs of documents/ and rejected/, and their values for one row.

In memory, `Document.meta` and `Document.annotations` stay plain dicts that the
stages fill. Only the stored form is typed: one Arrow struct per column, one
field per key a stage writes, null where no stage computed the value. Keys the
config names (PII entities, the word lists of unsafe_words.also_check) are
struct fields too, not Arrow maps, which Hugging Face datasets cannot load;
keys nobody declares (a JSONL record's `read.keep_meta` fields, a plugin's
annotations) go, as one JSON object with sorted keys, into the string field
`extra`. docs/output-format.md says why.

The `quality` struct takes its fields from the quality rules' own code
(filters/quality/quality_filter.py: signal_types, handed in by the pipeline), so
that a new signal is stored without a second list to keep up to date.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import pyarrow as pa

EXTRA = "extra"
_ARROW_OF = {bool: pa.bool_(), int: pa.int64(), float: pa.float64()}

META_TYPE = pa.struct([
    ("file", pa.string()),               # archives: the name below the input pattern's root
    ("offset", pa.int64()),              # archives: the record's offset in the decompressed stream
    ("location", pa.string()),           # JSONL and Parquet: name:line, name#row=N
    ("crawl_date", pa.string()),
    ("warc_record_id", pa.string()),
    ("warc_content_type", pa.string()),
    ("arc_content_type", pa.string()),
    ("http_status", pa.int64()),
    ("content_type", pa.string()),
    ("charset", pa.string()),
    ("source_id", pa.string()),          # an id field given in the input
    (EXTRA, pa.string()),
])


@dataclass(frozen=True)
class ConfigFields:
    """The field names a run's config decides (pipelines/output_schemas.py gathers them)."""
    quality: dict          # signal name -> bool, int or float (filters.quality.quality_filter.signal_types)
    pii: list              # entity names (filters.pii.pii_filter.entities_for)
    unsafe_lists: list     # keys of unsafe_word_hits_by_list (filters.unsafe_words.hit_list_names)


def _struct_field(name: str, children: list) -> list:
    """The field `name` of struct type `children`, or nothing: Parquet cannot store a struct without fields."""
    return [(name, pa.struct(children))] if children else []


def annotations_type(fields: ConfigFields) -> pa.StructType:
    return pa.struct([
        ("extract_path", pa.string()),             # main_content | whole_page | trafilatura
        ("lang", pa.string()),
        ("lang_score", pa.float64()),
        ("lang_second", pa.string()),              # the model's second-best language
        ("lang_second_score", pa.float64()),
        *_struct_field("quality", [(name, _ARROW_OF[kind]) for name, kind in fields.quality.items()]),
        ("unsafe_word_hits", pa.int64()),          # all lists together: what min_hits compares
        *_struct_field("unsafe_word_hits_by_list", [(name, pa.int64()) for name in fields.unsafe_lists]),
        ("unsafe_score", pa.float64()),
        *_struct_field("pii", [(name, pa.int64()) for name in fields.pii]),   # spans per entity, 0: looked for
        ("dup_cluster", pa.string()),              # the id of the cluster's kept document
        ("dup_cluster_size", pa.int64()),
        ("contamination_hits", pa.int64()),        # benchmark items found
        ("contamination", pa.list_(pa.string())),  # the first 20, as benchmark:item
        (EXTRA, pa.string()),
    ])


class StructColumns:
    """Dicts -> one Arrow array of `struct`, converted by pyarrow itself (its C++ converter walks the
    dicts, about 2.5 times faster than one Python list per field). A value is its dict's key for that
    field (absent keys null, a nested struct's dict in turn, None a null struct); the stored row never
    depends on the order in which a stage set its keys. Keys the struct has no field for go, as one JSON
    object with sorted keys, into `extra` where the struct has one (a key named `extra` itself is dropped,
    as any other reserved name). Only the outer struct may have `extra`: no stored struct nests one."""

    def __init__(self, struct: pa.StructType):
        self._struct = struct
        self._names = frozenset(struct.names)
        self._extra_at = struct.get_field_index(EXTRA)
        self._known = pa.struct([field for field in struct if field.name != EXTRA])
        if any(_nests_extra(field.type) for field in self._known):
            raise ValueError(f"only the outer struct may have an {EXTRA!r} field: {struct}")

    def array(self, dicts: list) -> pa.StructArray:
        if self._extra_at < 0:
            return pa.array(dicts, type=self._struct)
        children = pa.array(dicts, type=self._known).flatten()
        children.insert(self._extra_at, pa.array([self._extra(values) for values in dicts], type=pa.string()))
        return pa.StructArray.from_arrays(children, fields=list(self._struct))

    def _extra(self, values: dict):
        if values.keys() <= self._names:
            return None
        unknown = {key: value for key, value in values.items() if key not in self._names}
        return json.dumps(unknown, sort_keys=True, ensure_ascii=False, default=str)


def _nests_extra(kind: pa.DataType) -> bool:
    return pa.types.is_struct(kind) and any(field.name == EXTRA or _nests_extra(field.type) for field in kind)


def from_struct(value, struct: pa.StructType) -> dict:
    """A stored struct read back (pyarrow's to_pylist) as the dict a stage wrote: nulls left out,
    maps as dicts, `extra` merged back. For readers of documents/ and rejected/."""
    found = {}
    for field in struct if value else ():
        item = value.get(field.name)
        if item is None:
            continue
        if field.name == EXTRA:
            found.update(json.loads(item))
        elif pa.types.is_struct(field.type):
            found[field.name] = from_struct(item, field.type)
        else:
            found[field.name] = item
    return found


def stored_dicts(table: pa.Table, column: str) -> list:
    """Each row's `meta` or `annotations` of a documents/ or rejected/ table, as from_struct gives it."""
    struct = table.schema.field(column).type
    return [from_struct(value, struct) for value in table.column(column).to_pylist()]


def value_problem(values, struct: pa.StructType, where: str):
    """Why `values` cannot be stored as `struct`, or None: for what a plugin leaves in `meta` and
    `annotations`, checked per document, so that one odd value fails that document (an error row) instead
    of the shard that holds it. Undeclared keys must be JSON as it is (no set, bytes, object or NaN): a
    value only str() could store would differ from run to run."""
    if not isinstance(values, dict):
        return f"{where} is a {type(values).__name__}, not a dict"
    for key, value in values.items():
        if not isinstance(key, str):
            return f"{where} has the key {key!r}, not a str"
        index = struct.get_field_index(key) if key != EXTRA else -1
        problem = (_typed_problem(value, struct.field(index).type, f"{where}.{key}") if index >= 0
                   else _json_problem(value, f"{where}.{key}"))
        if problem:
            return problem
    return None


def _typed_problem(value, kind: pa.DataType, where: str):
    if value is None:
        return None
    if pa.types.is_struct(kind):
        return value_problem(value, kind, where) or next(
            (f"{where} has the key {key!r}, which that struct has no field for" for key in value
             if kind.get_field_index(key) < 0), None)
    if pa.types.is_list(kind):
        if not isinstance(value, list):
            return f"{where} is a {type(value).__name__}, not a list"
        return next((problem for item in value if (problem := _typed_problem(item, kind.value_type, where))), None)
    wanted = (str if pa.types.is_string(kind) else bool if pa.types.is_boolean(kind)
              else int if pa.types.is_integer(kind) else (int, float))
    if isinstance(value, bool) and wanted is not bool or not isinstance(value, wanted):
        return f"{where} is a {type(value).__name__} ({value!r:.40}), the stored column holds {kind}"
    if wanted is str and not utf8(value):
        return f"{where} has a lone surrogate, which UTF-8 cannot hold"
    if pa.types.is_integer(kind) and not _INT64_MIN <= value <= _INT64_MAX:
        return f"{where} is {value!r:.40}, outside the stored column's {kind}"
    if pa.types.is_floating(kind) and type(value) is int and abs(value) > _EXACT_IN_DOUBLE:
        return f"{where} is {value!r:.40}, an int the stored column's {kind} cannot hold exactly"
    return None


_INT64_MIN, _INT64_MAX = -(1 << 63), (1 << 63) - 1
_EXACT_IN_DOUBLE = 1 << 53          # pyarrow refuses a larger int for a double column


def _json_problem(value, where: str):
    """As the `extra` column stores it: keys sorted (so no mix of key types), UTF-8 (no lone surrogate)."""
    try:
        json.dumps(value, allow_nan=False, sort_keys=True, ensure_ascii=False).encode("utf-8")
    except (TypeError, ValueError) as error:
        return f"{where} cannot be stored as JSON ({str(error)[:200]})"
    return None


def utf8(text: str) -> bool:
    """Whether `text` is UTF-8 text (no lone surrogate), as Parquet's and Arrow's strings must be."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
