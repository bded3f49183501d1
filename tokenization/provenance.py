"""From a training batch or a token row back to the documents it holds.

Every row of a format-2 shard names its documents: the ids that start in it
(`doc_ids`, aligned with `doc_starts`) and the one it continues. Their url and
source are in documents/, where an id's shard is fixed by the id's hash, so a
lookup reads only the documents/ files that can hold the ids asked for.
Needed for takedown requests, contamination audits and data attribution.
"""
from __future__ import annotations

import re
from collections import defaultdict

import pyarrow.compute as pc
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from corpus.parquet_rows import shard_of
from tokenization.loader import PlanLoader
from tokenization.storage import Location, locate

DOCUMENTS_DIR = "documents"
_SHARD_NAME = re.compile(r"documents-(\d{5})-of-(\d{5})\.parquet$")


def row_documents(shard, row: int) -> list:
    """[{"id", "offset"}] of every document with tokens in `row`, in row order."""
    return [{"id": doc_id, "offset": offset} for offset, doc_id in shard.documents(row)]


def document_records(location: Location, ids: list) -> dict:
    """id -> {"url", "source"} for each id found in documents/."""
    files = _document_files(location)
    if not files:
        return {}
    groups = defaultdict(list)
    for doc_id in {doc_id for doc_id in ids if doc_id is not None}:
        groups[shard_of(doc_id, len(files))].append(doc_id)
    found = {}
    for index, wanted in sorted(groups.items()):
        table = pq.read_table(files[index], columns=["id", "url", "source"], filesystem=location.filesystem,
                              filters=pc.field("id").isin(sorted(wanted)))
        found.update({row["id"]: {"url": row["url"], "source": row["source"]} for row in table.to_pylist()})
    return found


def batch_documents(output_dir: str, budget: str, step: int, batch_size: int, host: int = 0,
                    hosts: int | None = None, state: dict | None = None, filesystem=None) -> list:
    """Per row of host `host`'s batch at job step `step`: [{"id", "offset", "url", "source"}].

    `state` is the one the run started from (None: the plan's beginning), as given to the loader,
    so steps after an elastic resumption map to the sequences they really read.
    """
    loader = PlanLoader(output_dir, budget, batch_size, host, hosts, state, filesystem)
    relative = step - loader.first_step
    if not 0 <= relative < loader.steps:
        raise ValueError(f"step {step} is outside this run's steps {loader.first_step}..."
                         f"{loader.first_step + loader.steps - 1}")
    rows = [row_documents(loader.shard(path), row) for path, _, row in loader.origins(relative)]
    records = document_records(loader.location, [doc["id"] for row in rows for doc in row])
    return [[{**doc, **records.get(doc["id"], {"url": None, "source": None})} for doc in row] for row in rows]


def has_documents(location: Location) -> bool:
    """Whether `location` holds a complete documents/ set to look ids up in."""
    return bool(_document_files(location))


def _document_files(location: Location) -> list:
    """documents/ shard paths by index; empty when there is no complete set."""
    if not location.exists(DOCUMENTS_DIR):
        return []
    infos = location.filesystem.get_file_info(pafs.FileSelector(location.path(DOCUMENTS_DIR)))
    named = {int(m.group(1)): (int(m.group(2)), info.path) for info in infos
             if (m := _SHARD_NAME.search(info.path))}
    counts = {count for count, _ in named.values()}
    if len(counts) != 1 or len(named) != next(iter(counts)):
        return []
    return [named[index][1] for index in range(len(named))]

