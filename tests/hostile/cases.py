"""Every hostile input of issue 13, and more, each with the count its files hold, known by construction.

A case writes its files into a directory of its own and returns what a correct
reader must report: `read`, the records the files hold (each good record, and
each bad record or damaged stretch once), and `errors`, how many of those are
bad. The good ones (`read - errors`) must end in documents/ or rejected/ for a
content reason. The counts come from the generator (or zlib / zstandard on
the damaged bytes), never from tokenmill's readers.

Used by tests/hostile/test_pipeline.py and by bench/hostile_cases.py and
bench/hostile_run.py, which run all of them through the pipeline.
"""
from __future__ import annotations

import gzip
import json
import random
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import brotli
import zstandard

from corpus.warc_writer import gzip_member, http_response, warc_record, warcinfo_record
from tests.fixtures import html_page, write_parquet

_SUBJECTS = ("The old farmer", "A young teacher", "The harbour master", "My grandmother", "A tired cyclist",
             "The village baker", "An engineer", "The museum guide", "A quiet student", "The ferry captain",
             "Our neighbour", "The choir leader")
_VERBS = ("carried", "painted", "repaired", "counted", "described", "sold", "found", "measured", "cleaned",
          "photographed", "borrowed", "planted")
_OBJECTS = ("a basket of apples", "the broken fence", "three wooden chairs", "an old map of the coast",
            "the blue fishing boat", "a box of letters", "the church bells", "a row of olive trees",
            "the stone bridge", "a heavy winter coat", "the garden gate", "a jar of honey")
_PLACES = ("near the river", "behind the market", "at the edge of the forest", "in the main square",
           "beside the lighthouse", "on the hill above the town", "under the railway arch", "by the canal",
           "in the school yard", "along the harbour wall", "at the foot of the mountain", "inside the barn")
_TIMES = ("before dawn", "after the storm", "on a cold morning", "late in the evening", "during the festival",
          "in early spring", "while it rained", "at noon")


@dataclass(frozen=True)
class Expected:
    read: int
    errors: int


@dataclass(frozen=True)
class Case:
    name: str
    issue_item: str            # which finding of issue 13 it reproduces ("" for the extra ones)
    build: Callable[[Path], Expected]


def text(i: int, salt: str = "") -> str:
    """A paragraph of its own for record i of case `salt`: no two are exact or near duplicates."""
    draw = random.Random(f"{salt}:{i}")
    sentences = [f"{draw.choice(_SUBJECTS)} {draw.choice(_VERBS)} {draw.choice(_OBJECTS)} "
                 f"{draw.choice(_PLACES)} {draw.choice(_TIMES)}." for _ in range(8)]
    return " ".join(sentences) + f" This note is number {i} of the {salt or 'plain'} set."


def jsonl_line(i: int, salt: str = "", **extra) -> bytes:
    return json.dumps({"text": text(i, salt), **extra}).encode() + b"\n"


def page(i: int, salt: str = "", url: str = "") -> bytes:
    """A good WARC response record (uncompressed bytes)."""
    return warc_record(url or f"https://{salt or 'good'}.test/{i}",
                       http_response(html_page(text(i, salt), f"Page {i}")))


def warc_file(path: Path, records: list, compress: bool = True) -> Path:
    records = [warcinfo_record(path.name)] + records
    path.write_bytes(b"".join(gzip_member(r) for r in records) if compress else b"".join(records))
    return path


def decodable_prefix(data: bytes, codec: str) -> bytes:
    """What zlib / zstandard decode of (possibly cut) bytes, member after member: the independent view."""
    out = []
    while data:
        decoder = (zlib.decompressobj(wbits=31) if codec == "gzip"
                   else zstandard.ZstdDecompressor().decompressobj())
        try:
            out.append(decoder.decompress(data))
        except (zlib.error, zstandard.ZstdError):
            break
        if not decoder.eof:
            break
        data = decoder.unused_data
    return b"".join(out)


def decodable_lines(data: bytes, codec: str) -> int:
    """Complete lines in what zlib / zstandard decode of (damaged) bytes."""
    return decodable_prefix(data, codec).count(b"\n")


# -- the findings of issue 13

def jsonl_deep_nesting(directory: Path) -> Expected:
    d = directory.name
    deep = b'{"text": "deep", "x": ' + b"[" * 10_000 + b"]" * 10_000 + b"}\n"
    (directory / "deep.jsonl").write_bytes(jsonl_line(0, salt=d) + deep + jsonl_line(1, salt=d))
    return Expected(read=3, errors=1)


def jsonl_huge_integer(directory: Path) -> Expected:
    d = directory.name
    huge = b'{"text": "big", "n": ' + b"7" * 5000 + b"}\n"
    (directory / "int.jsonl").write_bytes(jsonl_line(0, salt=d) + huge + jsonl_line(1, salt=d) + jsonl_line(2, salt=d))
    return Expected(read=4, errors=1)


def warc_length_too_large(directory: Path) -> Expected:
    d = directory.name
    records = [page(0, d), warc_record("https://bad.test/", http_response(html_page(text(1, d))),
                                    declared_length=len(http_response(html_page(text(1, d)))) + 500),
               page(2, d), page(3, d)]
    warc_file(directory / "long.warc", records, compress=False)
    return Expected(read=4, errors=1)


def warc_headerless_record(directory: Path) -> Expected:
    d = directory.name
    warc_file(directory / "headerless.warc.gz", [page(0, d), b"WARC/1.0\r\n\r\n", page(1, d)])
    return Expected(read=3, errors=1)


def warc_gz_cut_in_member(directory: Path) -> Expected:
    d = directory.name
    data = warc_file(directory / "cut.warc.gz", [page(i, d) for i in range(7)]).read_bytes()
    last = data.rfind(b"\x1f\x8b\x08")
    (directory / "cut.warc.gz").write_bytes(data[:last + 12])      # a few bytes into the last member
    return Expected(read=7, errors=1)


def jsonl_gz_cut_at_60_percent(directory: Path) -> Expected:
    d = directory.name
    data = gzip.compress(b"".join(jsonl_line(i, salt=d) for i in range(200)), mtime=0)
    cut = data[:len(data) * 6 // 10]
    (directory / "cut.jsonl.gz").write_bytes(cut)
    return Expected(read=decodable_lines(cut, "gzip") + 1, errors=1)


def random_bytes_named_warc_gz(directory: Path) -> Expected:
    d = directory.name
    (directory / "random.warc.gz").write_bytes(bytes((i * 7919 + 13) % 251 for i in range(20_000)))
    return Expected(read=1, errors=1)


def parquet_named_warc(directory: Path) -> Expected:
    d = directory.name
    write_parquet(directory / "table.warc", {"text": [text(0, d), text(1, d)]})
    return Expected(read=1, errors=1)


def warc_gzip_bomb_small(directory: Path) -> Expected:
    d = directory.name
    """A body that inflates to 80 MB, over the default read.max_record_bytes (64 MB)."""
    bomb = gzip.compress(b"\0" * (80 << 20), compresslevel=9, mtime=0)
    body = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n"
            b"Content-Length: %d\r\n\r\n" % len(bomb)) + bomb
    warc_file(directory / "bomb.warc.gz", [page(0, d), warc_record("https://bomb.test/", body), page(1, d)])
    return Expected(read=3, errors=1)


def jsonl_shards_numbering_ids_from_zero(directory: Path) -> Expected:
    d = directory.name
    for shard in range(2):
        (directory / f"shard-{shard}.jsonl").write_bytes(
            b"".join(jsonl_line(10 * shard + i, id=i, salt=d) for i in range(3)))
    return Expected(read=6, errors=0)


def jsonl_without_ids(directory: Path) -> Expected:
    d = directory.name
    (directory / "plain.jsonl").write_bytes(b"".join(jsonl_line(i, salt=d) for i in range(3)))
    return Expected(read=3, errors=0)


def arc_file(directory: Path) -> Expected:
    d = directory.name
    header = b"filedesc://x.arc 0.0.0.0 20080619093439 text/plain 10\n1 0 test\n\n\n"
    records = []
    for i in range(3):
        body = b"HTTP/1.0 200 OK\nContent-Type:text/html\n\n" + html_page(text(i, d))
        records.append(b"http://arc.test/%d 1.2.3.4 20080509190241 text/html %d\n" % (i, len(body))
                       + body + b"\n")
    (directory / "old.arc").write_bytes(header + b"".join(records))
    return Expected(read=3, errors=0)


def charsets_that_are_no_text_codecs(directory: Path) -> Expected:
    d = directory.name
    names = ("base64", "rot13", "zlib", "hex", "punycode")
    records = [warc_record(f"https://charset.test/{name}",
                           http_response(html_page(text(i, d) + " Caf\u00e9."), f"text/html; charset={name}"))
               for i, name in enumerate(names)]
    warc_file(directory / "charsets.warc.gz", records)
    return Expected(read=len(names), errors=0)


def jsonl_with_byte_order_mark(directory: Path) -> Expected:
    d = directory.name
    (directory / "bom.jsonl").write_bytes(b"\xef\xbb\xbf" + b"".join(jsonl_line(i, salt=d) for i in range(3)))
    return Expected(read=3, errors=0)


# -- more of the same kind

def warc_length_off_by_one(directory: Path) -> Expected:
    d = directory.name
    block = http_response(html_page(text(1, d)))
    records = [page(0, d), warc_record("https://short.test/", block, declared_length=len(block) - 1),
               page(2, d), warc_record("https://long.test/", block, declared_length=len(block) + 1), page(4, d)]
    warc_file(directory / "off_by_one.warc", records, compress=False)
    return Expected(read=5, errors=2)


def warc_length_too_small(directory: Path) -> Expected:
    d = directory.name
    block = http_response(html_page(text(1, d)))
    records = [page(0, d), warc_record("https://short.test/", block, declared_length=len(block) - 300), page(2, d)]
    warc_file(directory / "short.warc.gz", records)
    return Expected(read=3, errors=1)


def warc_nul_bytes_in_headers(directory: Path) -> Expected:
    d = directory.name
    nul_type = page(1, d).replace(b"WARC-Type: response", b"WARC-Type: resp\x00onse")
    nul_uri = page(2, d).replace(b".test/2\r\n", b".test/\x002\r\n", 1)
    assert b"\x00" in nul_uri
    warc_file(directory / "nul.warc.gz", [page(0, d), nul_type, nul_uri, page(3, d)])
    return Expected(read=4, errors=1)        # a NUL in the type makes it unknown; in the URI it is kept


def warc_mixed_record_types(directory: Path) -> Expected:
    d = directory.name
    records = [
        warc_record("https://m.test/", b"GET / HTTP/1.1\r\n\r\n", record_type="request",
                    content_type="application/http; msgtype=request"),
        page(0, d, "https://m.test/"),
        warc_record("https://m.test/", b"fetchTimeMs: 12\r\n", record_type="metadata",
                    content_type="application/warc-fields"),
        warc_record("https://m.test/r", b"", record_type="revisit"),
        warc_record("https://m.test/res", html_page(text(1, d)), record_type="resource", content_type="text/html"),
        warc_record("https://m.test/wet", text(2, d).encode(), record_type="conversion", content_type="text/plain"),
        warc_record("https://m.test/odd", b"???", record_type="no-such-type"),
        page(3, d, "https://m.test/3"),
    ]
    warc_file(directory / "mixed.warc.gz", records)
    return Expected(read=5, errors=1)        # response, resource, conversion, response + the unknown type


def warc_garbage_between_records(directory: Path) -> Expected:
    d = directory.name
    data = b"".join([warcinfo_record("garbage.warc"), page(0, d), b"this line is no record\r\n\x00\x01\x02\r\n",
                     page(1, d), b"trailing junk"])
    (directory / "garbage.warc").write_bytes(data)
    return Expected(read=4, errors=2)


def warc_garbage_header(directory: Path) -> Expected:
    d = directory.name
    garbage = b"WARC/1.0\r\n\x00\x13\x37 not a header\r\nContent-Length: lots\r\n\r\nbody bytes\r\n\r\n"
    warc_file(directory / "header.warc.gz", [page(0, d), garbage, page(1, d)])
    return Expected(read=3, errors=1)


def warc_gz_corrupt_member(directory: Path) -> Expected:
    d = directory.name
    members = [gzip_member(r) for r in [warcinfo_record("c.warc.gz")] + [page(i, d) for i in range(4)]]
    broken = bytearray(members[2])
    broken[30:60] = b"\xff" * 30
    members[2] = bytes(broken)
    (directory / "corrupt.warc.gz").write_bytes(b"".join(members))
    return Expected(read=4, errors=1)


def warc_single_stream_gz_cut(directory: Path) -> Expected:
    d = directory.name
    records = [warcinfo_record("one.warc.gz")] + [page(i, d) for i in range(6)]
    whole = b"".join(records)
    data = gzip.compress(whole, mtime=0)
    cut = data[:len(data) * 3 // 4]
    decoded = zlib.decompressobj(wbits=31).decompress(cut)
    ends = [sum(len(r) for r in records[:i + 1]) - len(b"\r\n\r\n") for i in range(1, len(records))]
    complete = sum(1 for end in ends if len(decoded) >= end)     # a record is complete with its block
    (directory / "one.warc.gz").write_bytes(cut)
    return Expected(read=complete + 1, errors=1)


def warc_uncompressed_cut_in_block(directory: Path) -> Expected:
    d = directory.name
    data = warc_file(directory / "cut.warc", [page(i, d) for i in range(3)], compress=False).read_bytes()
    (directory / "cut.warc").write_bytes(data[:-200])
    return Expected(read=3, errors=1)


def warc_http_encodings(directory: Path) -> Expected:
    d = directory.name
    body = html_page(text(0, d))

    def response(encoding_headers: bytes, payload: bytes) -> bytes:
        return b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n" + encoding_headers + b"\r\n" + payload

    def chunked(data: bytes) -> bytes:
        return b"".join(b"%x\r\n%s\r\n" % (len(data[i:i + 100]), data[i:i + 100])
                        for i in range(0, len(data), 100)) + b"0\r\n\r\n"
    deflater = zlib.compressobj(wbits=-15)
    raw_deflate = deflater.compress(body) + deflater.flush()
    blocks = {
        "identity": response(b"", body),
        "gzip": response(b"Content-Encoding: gzip\r\n", gzip.compress(body, mtime=0)),
        "deflate": response(b"Content-Encoding: deflate\r\n", zlib.compress(body)),
        "raw-deflate": response(b"Content-Encoding: deflate\r\n", raw_deflate),
        "br": response(b"Content-Encoding: br\r\n", brotli.compress(body)),
        "chunked": response(b"Transfer-Encoding: chunked\r\n", chunked(body)),
        "chunked-gzip": response(b"Transfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n",
                                 chunked(gzip.compress(body, mtime=0))),
        "decoded-but-labelled-gzip": response(b"Content-Encoding: gzip\r\n", body),
    }
    warc_file(directory / "encodings.warc.gz",
              [warc_record(f"https://enc.test/{name}", block) for name, block in blocks.items()])
    return Expected(read=len(blocks), errors=0)


def jsonl_bad_lines(directory: Path) -> Expected:
    d = directory.name
    lines = [jsonl_line(0, salt=d), b'{"text": "unterminated\n', b'{"text": "caf\xe9"}\n', b"[1, 2]\n",
             b'{"body": "no text"}\n', b'{"text": 42}\n', b'{"text": "a\\ud800b and more text"}\n', b"\n",
             b"not json at all\n", jsonl_line(1, salt=d)]
    (directory / "bad.jsonl").write_bytes(b"".join(lines))
    return Expected(read=9, errors=6)


def jsonl_gz_corrupt_member(directory: Path) -> Expected:
    d = directory.name
    members = [gzip.compress(b"".join(jsonl_line(10 * m + i, salt=d) for i in range(5)), mtime=0) for m in range(3)]
    broken = bytearray(members[1])
    broken[20:40] = b"\0" * 20
    (directory / "members.jsonl.gz").write_bytes(members[0] + bytes(broken) + members[2])
    return Expected(read=11, errors=1)


def jsonl_zst_cut(directory: Path) -> Expected:
    d = directory.name
    data = zstandard.ZstdCompressor(level=3).compress(b"".join(jsonl_line(i, salt=d) for i in range(2000)))
    cut = data[:len(data) // 2]
    (directory / "cut.jsonl.zst").write_bytes(cut)
    return Expected(read=decodable_lines(cut, "zstd") + 1, errors=1)


def jsonl_named_but_warc(directory: Path) -> Expected:
    d = directory.name
    (directory / "archive.jsonl").write_bytes(page(0, d))
    return Expected(read=1, errors=1)


def parquet_cut_short(directory: Path) -> Expected:
    d = directory.name
    path = write_parquet(directory / "cut.parquet", {"text": [text(i, d) for i in range(5)]})
    path.write_bytes(path.read_bytes()[:-30])
    return Expected(read=1, errors=1)


def parquet_bad_rows(directory: Path) -> Expected:
    d = directory.name
    write_parquet(directory / "rows.parquet", {"id": [1, 1, 2], "text": [text(0, d), None, text(2, d)]})
    return Expected(read=3, errors=1)


def jsonl_equal_ids_near_duplicate(directory: Path) -> Expected:
    """`y` is a near duplicate of `x`; another file has an unrelated document with the id `y` too."""
    original = ORIGINAL
    (directory / "a.jsonl").write_bytes(json.dumps({"id": "x", "text": original}).encode() + b"\n"
                                        + json.dumps({"id": "y", "text": original + " Seen again."}).encode()
                                        + b"\n")
    (directory / "b.jsonl").write_bytes(json.dumps({"id": "y", "text": UNRELATED}).encode() + b"\n")
    return Expected(read=3, errors=0)


ORIGINAL = (
    "Every autumn the cooperative in the valley presses its apples on the same wooden machine that the "
    "founders bought in 1921. Members bring their fruit in trailers, wait their turn beside the barn, and "
    "argue about whether the early frost made this year's juice sweeter or only thinner. The cider is sold "
    "at the Saturday market, and the pulp goes back to the farms to feed the pigs through the winter. "
    "Nobody remembers a year without the pressing, not even the oldest members, who still come to watch. "
    "Last year the machine broke twice. Both times a retired mechanic fixed it with parts from his shed.")
UNRELATED = (
    "The observatory on the ridge opened its telescope to visitors for one night in March, and more than "
    "four hundred people climbed the gravel road to look at Jupiter and its moons. Volunteers explained how "
    "the mirror had been ground by hand during the fifties, handed out hot tea, and kept a list of children "
    "who wanted to come back for the summer course. The clouds stayed away until almost midnight, when a "
    "cold wind from the north finally closed the dome and sent everyone home. The road was icy on the way "
    "down. Nobody slipped, and the volunteers counted the cars twice to be sure.")


def empty_files(directory: Path) -> Expected:
    d = directory.name
    for name in ("empty.warc.gz", "empty.jsonl", "empty.parquet"):
        (directory / name).write_bytes(b"")
    (directory / "empty.jsonl.gz").write_bytes(gzip.compress(b"", mtime=0))
    (directory / "blank.jsonl").write_bytes(b"\n\n  \n")
    (directory / "only_warcinfo.warc").write_bytes(warcinfo_record("only_warcinfo.warc"))
    (directory / "part-00001").write_bytes(b"")             # no format in its name, and nothing to sniff
    (directory / "unfetched.jsonl").symlink_to(directory / "annex" / "missing.jsonl")   # a link to nothing
    # A file that yields nothing is an error, not silence: one no_records error each; the link, one
    # unopenable_file error.
    return Expected(read=8, errors=8)


CASES = [
    Case("jsonl_deep_nesting", "1", jsonl_deep_nesting),
    Case("jsonl_huge_integer", "2", jsonl_huge_integer),
    Case("warc_length_too_large", "3", warc_length_too_large),
    Case("warc_headerless_record", "3", warc_headerless_record),
    Case("warc_gz_cut_in_member", "4", warc_gz_cut_in_member),
    Case("jsonl_gz_cut_at_60_percent", "4", jsonl_gz_cut_at_60_percent),
    Case("random_bytes_named_warc_gz", "5", random_bytes_named_warc_gz),
    Case("parquet_named_warc", "5", parquet_named_warc),
    Case("warc_gzip_bomb_80mb", "6", warc_gzip_bomb_small),
    Case("jsonl_shards_numbering_ids_from_zero", "7", jsonl_shards_numbering_ids_from_zero),
    Case("jsonl_equal_ids_near_duplicate", "7", jsonl_equal_ids_near_duplicate),
    Case("jsonl_without_ids", "8", jsonl_without_ids),
    Case("arc_file", "8", arc_file),
    Case("charsets_that_are_no_text_codecs", "9", charsets_that_are_no_text_codecs),
    Case("jsonl_with_byte_order_mark", "10", jsonl_with_byte_order_mark),
    Case("warc_length_off_by_one", "", warc_length_off_by_one),
    Case("warc_length_too_small", "", warc_length_too_small),
    Case("warc_nul_bytes_in_headers", "", warc_nul_bytes_in_headers),
    Case("warc_mixed_record_types", "", warc_mixed_record_types),
    Case("warc_garbage_between_records", "", warc_garbage_between_records),
    Case("warc_garbage_header", "", warc_garbage_header),
    Case("warc_gz_corrupt_member", "", warc_gz_corrupt_member),
    Case("warc_single_stream_gz_cut", "", warc_single_stream_gz_cut),
    Case("warc_uncompressed_cut_in_block", "", warc_uncompressed_cut_in_block),
    Case("warc_http_encodings", "", warc_http_encodings),
    Case("jsonl_bad_lines", "", jsonl_bad_lines),
    Case("jsonl_gz_corrupt_member", "", jsonl_gz_corrupt_member),
    Case("jsonl_zst_cut", "", jsonl_zst_cut),
    Case("jsonl_named_but_warc", "", jsonl_named_but_warc),
    Case("parquet_cut_short", "", parquet_cut_short),
    Case("parquet_bad_rows", "", parquet_bad_rows),
    Case("empty_files", "", empty_files),
]


def build_cases(root: Path, cases=CASES) -> dict:
    """Write every case into root/<name>/: name -> Expected."""
    expected = {}
    for case in cases:
        directory = root / case.name
        directory.mkdir(parents=True, exist_ok=True)
        expected[case.name] = case.build(directory)
    return expected
