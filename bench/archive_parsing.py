"""Benchmark: splitting WARC files into records, tokenmill's parser against fastwarc, on one core.

    taskset -c 0 python bench/archive_parsing.py [--repeats 5]

The scope is the real WARC/1.x files of ../shared/data/web that fastwarc reads
(it refuses ARC and WARC/0.18). Both decompress every gzip member and hand out
every record's block; fastwarc is used as its docs advise for speed
(parse_http=False). Reports MB/s of compressed input (best of the repeats) and
writes bench/out/archive_parsing.json.
"""
from __future__ import annotations

import argparse
import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, os.path.dirname(__file__))

from fastwarc.warc import ArchiveIterator  # noqa: E402
from measure import write_json  # noqa: E402

from corpus.archive_records import iter_records  # noqa: E402
from corpus.compression import Decoded  # noqa: E402

WEB = ROOT.parent / "shared" / "data" / "web"


def tokenmill_blocks(data: bytes) -> tuple:
    decoded, records, size = Decoded(io.BytesIO(data)), 0, 0
    for stream in decoded.segments():
        for event in iter_records(stream, 64 << 20):
            records, size = records + 1, size + len(getattr(event, "block", b""))
    return records, size


def fastwarc_blocks(data: bytes) -> tuple:
    records, size = 0, 0
    for record in ArchiveIterator(io.BytesIO(data), parse_http=False):
        records, size = records + 1, size + len(record.reader.read())
    return records, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    files = sorted(p for p in WEB.glob("*/*.warc.gz") if "clueweb09" not in p.name)
    data = [path.read_bytes() for path in files]
    megabytes = sum(map(len, data)) / 1e6
    results = {}
    for name, parse in (("fastwarc", fastwarc_blocks), ("tokenmill", tokenmill_blocks)):
        times, counts = [], None
        for _ in range(args.repeats):
            start = time.perf_counter()
            counts = [parse(item) for item in data]
            times.append(time.perf_counter() - start)
        results[name] = {"mb_per_s": round(megabytes / min(times), 1), "records": sum(c[0] for c in counts),
                         "block_bytes": sum(c[1] for c in counts)}
        print(f"{name:10} {results[name]['mb_per_s']:6.1f} MB/s compressed  {results[name]['records']} records")
    write_json(str(Path(__file__).parent / "out" / "archive_parsing.json"),
               {"command": "taskset -c 0 python bench/archive_parsing.py", "files": [p.name for p in files],
                "compressed_mb": round(megabytes, 2), "repeats": args.repeats, **results})


if __name__ == "__main__":
    main()
