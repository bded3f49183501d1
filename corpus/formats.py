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
# UTF-32 first: its little-endian BOM begins with UTF-16's.
_WIDE_BOMS = ((b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"),
              (b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16"))
_TEXT_BYTES = frozenset(b"\t\n\r" + bytes(range(0x20, 0x7f)))
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
    wide = wide_unicode(head)
    if wide:
        return f"{wide} text; re-encode as UTF-8"
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


def wide_unicode(head: bytes):
    """"UTF-16" or "UTF-32" when the file starts with that encoding's BOM or with ASCII characters
    interleaved with its NULs (a BOM-less Windows 'Unicode' save); otherwise None."""
    for bom, name in _WIDE_BOMS:
        if head.startswith(bom):
            return name
    for width, name in ((4, "UTF-32"), (2, "UTF-16")):
        units = [head[i:i + width] for i in range(0, min(len(head), 4 * width), width)]
        if len(units) == 4 and all(len(unit) == width for unit in units) and (
                all(_is_ascii_unit(unit) for unit in units) or all(_is_ascii_unit(unit[::-1]) for unit in units)):
            return name
    return None


def _is_ascii_unit(unit: bytes) -> bool:
    """A little-endian code unit of one printable ASCII character or white space (not a control byte:
    binary data with NULs is no text)."""
    return unit[0] in _TEXT_BYTES and not any(unit[1:])


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
