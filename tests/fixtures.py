"""Builders for small input files: WARC, JSONL, Parquet, written where a test asks."""
from __future__ import annotations

import gzip
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from corpus.warc_writer import gzip_member, http_response, warc_record, warcinfo_record

ARTICLE = ("The river carried silt from the mountains down to the plain, where farmers had learned "
           "over centuries to plant after each flood. Their fields were rich because the water "
           "returned every spring with a new layer of fine soil.")


def html_page(text: str = ARTICLE, title: str = "A page") -> bytes:
    return (f"<html><head><title>{title}</title></head><body><article><p>{text}</p>"
            f"</article></body></html>").encode("utf-8")


def write_warc(path: Path, records: list, compress: bool = True) -> Path:
    """`records` are raw WARC record bytes (see corpus.warc_writer)."""
    records = [warcinfo_record(path.name)] + list(records)
    data = b"".join(gzip_member(r) for r in records) if compress else b"".join(records)
    path.write_bytes(data)
    return path


def page_record(url: str, body: bytes = None, content_type: str = "text/html; charset=utf-8",
                status: str = "200 OK") -> bytes:
    return warc_record(url, http_response(html_page() if body is None else body, content_type, status))


def write_jsonl(path: Path, rows: list, compress: str = "") -> Path:
    lines = b"".join((row if isinstance(row, bytes) else json.dumps(row).encode()) + b"\n"
                     for row in rows)
    if compress == "gz":
        lines = gzip.compress(lines, mtime=0)
    elif compress == "zst":
        import zstandard
        lines = zstandard.ZstdCompressor().compress(lines)
    path.write_bytes(lines)
    return path


def write_parquet(path: Path, columns: dict) -> Path:
    pq.write_table(pa.table(columns), path)
    return path
