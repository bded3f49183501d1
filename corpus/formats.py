"""Which reader a file needs, told by its name."""
from __future__ import annotations

FORMATS = ("warc", "wet", "arc", "jsonl", "parquet")
_SUFFIXES = (
    (("wet", "wet.gz"), "wet"),
    (("warc", "warc.gz", "warc.zst", "wat", "wat.gz"), "warc"),
    (("arc", "arc.gz"), "arc"),
    (("jsonl", "jsonl.gz", "jsonl.zst", "json", "json.gz", "json.zst", "ndjson", "ndjson.gz"), "jsonl"),
    (("parquet",), "parquet"),
)


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


def sniff_format(head: bytes):
    """The format told by a file's first decompressed bytes, or None."""
    stripped = head.lstrip()
    if stripped.startswith(b"WARC/"):
        return "warc"
    if stripped.startswith(b"filedesc://"):
        return "arc"
    if stripped.startswith(b"{"):
        return "jsonl"
    if head.startswith(b"PAR1"):
        return "parquet"
    return None
