"""Which reader a file needs, told by its name; and what a file's first bytes look like."""
from __future__ import annotations

import re

FORMATS = ("warc", "wet", "arc", "jsonl", "parquet")
_SUFFIXES = (
    (("wet", "wet.gz"), "wet"),
    (("warc", "warc.gz", "warc.zst", "wat", "wat.gz"), "warc"),
    (("arc", "arc.gz"), "arc"),
    (("jsonl", "jsonl.gz", "jsonl.zst", "json", "json.gz", "json.zst", "ndjson", "ndjson.gz"), "jsonl"),
    (("parquet",), "parquet"),
)
UTF8_BOM = b"\xef\xbb\xbf"
_ARC_LINE = re.compile(rb"\S+ \S+ \d{14} \S* \d+\s")
_MAGIC = ((b"PAR1", "parquet"), (b"\x1f\x8b", "gzip data"), (b"\x28\xb5\x2f\xfd", "zstd data"),
          (b"%PDF", "pdf"), (b"PK\x03\x04", "zip"), (b"\x89PNG", "png"), (b"\xff\xd8\xff", "jpeg"),
          (b"BZh", "bzip2 data"), (b"\xfd7zXZ", "xz data"))


class UnknownFormat(ValueError):
    pass


def detect_format(path: str) -> str:
    name = path.rsplit("/", 1)[-1].lower()
    for suffixes, fmt in _SUFFIXES:
        if any(name.endswith("." + suffix) for suffix in suffixes):
            return fmt
    raise UnknownFormat(f"cannot tell the format of {path} from its name; pass --format "
                        f"({'|'.join(FORMATS)})")


def reader_kind(fmt: str) -> str:
    """WET and ARC files go through the archive reader, like WARC."""
    return "archive" if fmt in ("warc", "wet", "arc") else fmt


def looks_like(head: bytes) -> str:
    """What a file's first (decompressed) bytes look like.

    A format name (warc, arc, jsonl, parquet), a kind of file tokenmill does not
    read (gzip data, pdf, html ...), "text", "binary data", or "empty" for
    nothing but white space.
    """
    for magic, name in _MAGIC:
        if head.startswith(magic):
            return name
    stripped = head[len(UTF8_BOM):] if head.startswith(UTF8_BOM) else head
    stripped = stripped.lstrip(b" \t\r\n")
    if not stripped:
        return "empty"
    if stripped.startswith(b"WARC/"):
        return "warc"
    if stripped.startswith(b"filedesc://") or _ARC_LINE.match(stripped):
        return "arc"
    if stripped[:1] in (b"{", b"["):
        return "jsonl"
    if b"\x00" in head or not _mostly_utf8(head):
        return "binary data"
    if stripped[:1] == b"<":
        return "html or xml"
    return "text"


def _mostly_utf8(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        return error.start >= len(head) - 3          # only a character cut at the end
    return True


def sniff_format(head: bytes):
    """The format told by a file's first decompressed bytes, or None."""
    kind = looks_like(head)
    return kind if kind in ("warc", "arc", "jsonl", "parquet") else None
