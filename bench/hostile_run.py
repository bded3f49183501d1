"""Issue 13's "done when": one run over every hostile case, 600 MB decompression bombs and real crawl data.

    python bench/hostile_run.py [--bomb-mb 600] [--skip-portable]

Each case of tests/hostile/cases.py is its own source, and so are three bombs
built here in a temporary directory (never committed): an HTTP body with
Content-Encoding gzip, a gzip member holding one WARC record, and a JSONL line,
each inflating to --bomb-mb MB; next to them every WARC, ARC, WET and JSONL
file of ../shared/data/web. The run is repeated with --workers 1, --workers 2,
the PortableRunner with a separate worker pool, and a relative glob from
another directory. Checked: exit 0 and no traceback; every source in
counts.json with the number of records its files hold (the cases' own counts;
for the real files the grep counts of tests/corpus/test_real_archives.py, and
lines counted here with gzip and zstandard); the same bytes from every run; the peak resident
memory of all processes together (launcher, workers, job service) under 2 GB.
Writes bench/out/hostile_run.json.
"""
from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import zstandard

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from corpus.warc_writer import gzip_member, warc_record, warcinfo_record  # noqa: E402
from tests.beam_services import portable_services  # noqa: E402
from tests.corpus.test_real_archives import EXPECTED_RECORDS  # noqa: E402
from tests.hostile.cases import build_cases, jsonl_line, page  # noqa: E402
from tests.outputs import file_bytes  # noqa: E402

WEB = ROOT.parent / "shared" / "data" / "web"
SETTINGS = ["read.text_field=[text, t]", "tokenize.vocab_size=2000", "tokenize.train_threads=1"]
LIMIT_MB = 2048


def build_bombs(directory: Path, megabytes: int) -> dict:
    """Three bombs, each a source of its own with a good record before and after it."""
    size = megabytes << 20
    expected = {}
    http = directory / "bomb_http_gzip"
    http.mkdir()
    body = _gzip_of_zeros(size)
    message = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n"
               b"Content-Length: %d\r\n\r\n" % len(body)) + body
    (http / "bomb.warc.gz").write_bytes(b"".join(gzip_member(r) for r in (
        warcinfo_record("bomb.warc.gz"), page(0, "bomb"), warc_record("https://bomb.test/", message),
        page(1, "bomb"))))
    expected["bomb_http_gzip"] = (3, 1)
    member = directory / "bomb_warc_member"
    member.mkdir()
    http_head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"
    record_head = (b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://huge.test/\r\n"
                   b"WARC-Date: 2024-05-01T12:00:00Z\r\nContent-Type: application/http; msgtype=response\r\n"
                   b"Content-Length: %d\r\n\r\n" % (len(http_head) + size)) + http_head
    with open(member / "member.warc.gz", "wb") as handle:
        handle.write(gzip_member(warcinfo_record("member.warc.gz")) + gzip_member(page(0, "member")))
        handle.write(_gzip_stream(record_head, size, b"\r\n\r\n"))
        handle.write(gzip_member(page(1, "member")))
    expected["bomb_warc_member"] = (3, 1)
    line = directory / "bomb_jsonl_line"
    line.mkdir()
    with open(line / "line.jsonl.gz", "wb") as handle:
        handle.write(gzip.compress(jsonl_line(0, "line"), mtime=0))
        handle.write(_gzip_stream(b'{"text": "', size, b'"}\n', fill=b"a"))
        handle.write(gzip.compress(jsonl_line(1, "line"), mtime=0))
    expected["bomb_jsonl_line"] = (3, 1)
    return expected


def _gzip_of_zeros(size: int) -> bytes:
    return _gzip_stream(b"", size, b"")


def _gzip_stream(head: bytes, size: int, tail: bytes, fill: bytes = b"\0") -> bytes:
    """One gzip member of head + `size` fill bytes + tail, compressed in pieces (never all in memory)."""
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9, mtime=0) as handle:
        handle.write(head)
        piece = fill * (1 << 20)
        for _ in range(size >> 20):
            handle.write(piece)
        handle.write(tail)
    return out.getvalue()


def real_sources() -> dict:
    """SOURCE=PATTERN -> (records, errors) for the real crawl files, counted without tokenmill."""
    sources = {}
    sources[f"real_warc={WEB}/*/*.warc.gz"] = (_archives(WEB.glob("*/*.warc.gz")), 0)
    sources[f"real_arc={WEB}/*/*.arc"] = (_archives(WEB.glob("*/*.arc")), 0)
    sources[f"real_wet={WEB}/*/*.warc.wet.gz"] = (_archives(WEB.glob("*/*.warc.wet.gz")), 0)
    sources[f"real_wat={WEB}/*/*.warc.wat.gz"] = (_archives(WEB.glob("*/*.warc.wat.gz")), 0)   # metadata only
    sources[f"real_dolma={WEB}/dolma/*.jsonl.gz"] = _lines_and_bad_lines(
        gzip.decompress(path.read_bytes()) for path in WEB.glob("dolma/*.jsonl.gz"))
    sources[f"real_hplt={WEB}/hplt_sample100/*.zst"] = _lines_and_bad_lines(
        _unzstd(path) for path in WEB.glob("hplt_sample100/*.zst"))
    return sources


def _archives(paths) -> int:
    return sum(EXPECTED_RECORDS[f"{path.parent.name}/{path.name}"] for path in paths)


def _unzstd(path: Path) -> bytes:
    with open(path, "rb") as handle:
        return zstandard.ZstdDecompressor().stream_reader(handle).read()


def _lines_and_bad_lines(files) -> tuple:
    """(records, records that are errors) of JSONL data, told by the json module: a line is a
    record unless blank; an error unless it is UTF-8 JSON with a string "text" or "t"."""
    records = errors = 0
    for data in files:
        for line in data.splitlines():
            if not line.strip():
                continue
            records += 1
            try:
                value = json.loads(line.decode("utf-8"))
            except ValueError:
                errors += 1
                continue
            text = next((value[key] for key in ("text", "t") if isinstance(value, dict)
                         and value.get(key) is not None), None)
            errors += not isinstance(text, str)
    return records, errors


def run(inputs: list, output: Path, beam_args: list, cwd: Path, services: list = ()) -> dict:
    """`tokenmill run` as a process of its own; peak RSS summed over it, its children and `services`."""
    command = [sys.executable, str(ROOT / "beam_runner.py"), "run", "--output", str(output), "--quiet"]
    for spec in inputs:
        command += ["--input", spec]
    for setting in SETTINGS:
        command += ["--set", setting]
    started = time.perf_counter()
    env = dict(os.environ, PYTHONPATH=str(ROOT), NO_GCE_CHECK="True")
    process = psutil.Popen(command + beam_args, cwd=str(cwd), env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    peak = 0
    roots = [process] + [psutil.Process(pid) for pid in services]
    while process.poll() is None:
        peak = max(peak, _tree_rss(roots))
        time.sleep(0.1)
    stdout, stderr = process.communicate()
    return {"exit": process.returncode, "traceback": "Traceback" in stderr, "seconds": round(time.perf_counter()
                                                                                              - started, 1),
            "peak_rss_mb_all_processes": round(peak / 2**20), "stderr_tail": stderr[-1500:],
            "stdout_tail": stdout[-1500:]}


def _tree_rss(roots: list) -> int:
    total, seen = 0, set()
    for root in roots:
        try:
            for process in [root] + root.children(recursive=True):
                if process.pid not in seen:
                    seen.add(process.pid)
                    total += process.memory_info().rss
        except psutil.Error:
            pass
    return total


def _service_pids() -> list:
    """The job service and worker pool that tests.beam_services started (children of this process)."""
    return [child.pid for child in psutil.Process().children() if "apache_beam" in " ".join(child.cmdline())]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bomb-mb", type=int, default=600)
    parser.add_argument("--skip-portable", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hostile-run-") as scratch:
        scratch = Path(scratch)
        cases = scratch / "cases"
        expected = {name: (want.read, want.errors) for name, want in build_cases(cases).items()}
        expected.update(build_bombs(cases, args.bomb_mb))
        real = real_sources()
        inputs = [f"{name}={cases}/{name}/*" for name in sorted(expected)] + sorted(real)
        expected.update({spec.split("=", 1)[0]: want for spec, want in real.items()})
        elsewhere = scratch / "elsewhere"
        elsewhere.mkdir()
        relative = [f"{name}={os.path.relpath(cases, elsewhere)}/{name}/*" for name in sorted(expected)
                    if not name.startswith("real_")] + [
            f"{spec.split('=', 1)[0]}={os.path.relpath(spec.split('=', 1)[1], elsewhere)}" for spec in sorted(real)]
        runs = {"workers_1": run(inputs, scratch / "w1", ["--workers", "1"], ROOT),
                "workers_2": run(inputs, scratch / "w2", ["--workers", "2"], ROOT),
                "relative_glob": run(relative, scratch / "rel", ["--workers", "1"], elsewhere)}
        if not args.skip_portable:
            with portable_services() as portable_args:
                runs["portable"] = run(inputs, scratch / "portable", portable_args, ROOT,
                                       _service_pids())
        reference = file_bytes(scratch / "w1")
        counts = json.loads((scratch / "w1" / "stats" / "counts.json").read_text())["sources"]
        identical = {}
        for label, folder in (("workers_2", "w2"), ("relative_glob", "rel"), ("portable", "portable")):
            if label in runs:
                other = file_bytes(scratch / folder) if (scratch / folder).exists() else {}
                identical[label] = sorted(reference) == sorted(other) and all(
                    reference[name] == other[name] for name in reference)
    found = {name: (entry["read"], entry["errors"]) for name, entry in counts.items()}
    mismatches = {name: {"holds": list(want), "counted": list(found.get(name, (None, None)))}
                  for name, want in expected.items() if found.get(name) != want}
    report = {
        "command": "python bench/hostile_run.py" + (f" --bomb-mb {args.bomb_mb}" if args.bomb_mb != 600 else ""),
        "bomb_mb": args.bomb_mb, "sources": len(expected), "settings": SETTINGS,
        "runs": runs, "identical_to_workers_1": identical, "count_mismatches": mismatches,
        "counts": {name: counts.get(name) for name in sorted(expected)},
        "all_exit_0": all(r["exit"] == 0 and not r["traceback"] for r in runs.values()),
        "peak_rss_mb_max": max(r["peak_rss_mb_all_processes"] for r in runs.values()),
        "memory_limit_mb": LIMIT_MB,
    }
    report["done"] = (report["all_exit_0"] and not mismatches and all(identical.values())
                      and report["peak_rss_mb_max"] < LIMIT_MB)
    (HERE / "out").mkdir(exist_ok=True)
    (HERE / "out" / "hostile_run.json").write_text(json.dumps(report, indent=1, sort_keys=True))
    for label, result in runs.items():
        print(f"{label:14} exit {result['exit']}  traceback {result['traceback']}  {result['seconds']:7.1f} s  "
              f"peak RSS (all processes) {result['peak_rss_mb_all_processes']} MB")
    print(f"sources {len(expected)}, count mismatches {len(mismatches)}, identical {identical}, "
          f"done {report['done']}")
    if mismatches:
        print(json.dumps(mismatches, indent=1))


if __name__ == "__main__":
    main()
