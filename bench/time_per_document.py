"""Time per document of the regex-heavy stages on 1 MB pages, real and pathological: the bound, measured.

    python bench/time_per_document.py [--mb 0.25 1]

Each page is built here (seeded) or from real text, and each stage runs on it
alone, one core, with its default configuration:

- PII (filters/pii/): a page of real prose (dolma's Common Crawl documents
  joined to --mb), pathological pages (digits and dashes; a directory of
  telephone numbers at the per-block limit and above it; long tokens around
  '@'; dotted tokens), and the outcome (analysed, or dropped with its reason);
- normalisation, each quality rule set on its own (so that an early drop by
  one does not hide the time of another), the unsafe-word lists (LDNOOBW,
  every language) and the URL filter (UT1 lists, datatrove's banned words) on
  the same pages, among them their own worst cases (a run of sentence
  punctuation, one word per line), each page with a 4 KB URL.

A stage is linear when its seconds per MB stay flat as the page grows: each
page is built at every --mb size (0.25 and 1 by default). Writes
bench/out/time_per_document.json.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))

from measure import print_table, write_json  # noqa: E402

SHARED = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data")
DOLMA = os.path.join(SHARED, "web", "dolma", "CC-MAIN-20190717121559-20190717143559-00140.jsonl.gz")


def pages(size: int) -> dict:
    rng = random.Random(0)
    with gzip.open(DOLMA, "rt", encoding="utf-8") as handle:
        prose = "\n\n".join(json.loads(line)["text"] for line in handle)
    while len(prose) < size:
        prose += "\n\n" + prose
    return {
        "real prose (dolma CC, joined)": prose[:size],
        "digits and dashes": "".join(rng.choice("0123456789-") for _ in range(size)),
        "telephone directory, 100 numbers per 10 KB (the limit)": _directory(rng, size, 100),
        "telephone directory, 400 numbers per 10 KB": _directory(rng, size, 28),
        "long tokens around '@'": "".join(rng.choice("a-.") for _ in range(size // 2)).replace("...", "@") + " x",
        "dotted tokens": ("a." * 2000 + " ") * (size // 4001),
        "a run of sentence punctuation": "!?" * (size // 2),
        "lines with runs of punctuation (C4's worst)": "\n".join(["One two three " + "!?" * 495 + "x."] *
                                                                  (size // 1008)),
        "one word per line": "word\n" * (size // 5),
    }


def _directory(rng, size: int, line_chars: int) -> str:
    lines, length = [], 0
    while length < size:
        number = f"0{rng.randrange(200, 999)} {rng.randrange(100, 999)} {rng.randrange(1000, 9999)}"
        line = f"Tel: {number}".ljust(line_chars - 1, " ") + "\n"
        lines.append(line)
        length += len(line)
    return "".join(lines)[:size]


def stages() -> dict:
    from corpus.document import Document
    from corpus.normalize import NormalizeConfig, Normalizer
    from filters.pii.pii_filter import PiiConfig, PiiFilter
    from filters.quality.c4_lines import C4Config, c4_lines
    from filters.quality.fineweb_lines import FineWebConfig, fineweb_lines
    from filters.quality.gopher_quality import GopherQualityConfig, gopher_quality
    from filters.quality.gopher_repetition import GopherRepetitionConfig, gopher_repetition
    from filters.quality.text_view import TextView
    from filters.unsafe_words import UnsafeWordsConfig, UnsafeWordsFilter
    from filters.url_filter import UrlFilterConfig, UrlFilter
    unsafe_dir = os.path.join(SHARED, "unsafe")
    unsafe = UnsafeWordsFilter(UnsafeWordsConfig(lists=os.path.join(unsafe_dir, "ldnoobw")))
    assets = os.path.join(unsafe_dir, "datatrove_assets")
    url = UrlFilter(UrlFilterConfig(lists=[os.path.join(unsafe_dir, "ut1_blacklists", "blacklists")],
                                    banned_words=os.path.join(assets, "banned_words.txt"),
                                    soft_banned_words=os.path.join(assets, "soft_banned_words.txt"),
                                    banned_subwords=os.path.join(assets, "banned_subwords.txt")))

    def document(text: str, lang: str = "en") -> Document:
        return Document("d", text, "s", url="https://example.com/" + "a/" * 2000, annotations={"lang": lang})

    def rule(function, config):
        return lambda doc: function(TextView(doc.text, doc.annotations["lang"]), config) or doc

    return {"pii": (PiiFilter(PiiConfig()), document),
            "normalize": (Normalizer(NormalizeConfig(max_chars=10 ** 9)), document),
            "gopher repetition": (rule(gopher_repetition, GopherRepetitionConfig()), document),
            "gopher quality": (rule(gopher_quality, GopherQualityConfig(max_words=10 ** 9)), document),
            "c4 lines": (rule(c4_lines, C4Config()), document),
            "fineweb lines": (rule(fineweb_lines, FineWebConfig()), document),
            "unsafe words (en)": (unsafe, document),
            "unsafe words (zh)": (unsafe, lambda text: document(text, "zh")),
            "url filter": (url, document)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, nargs="+", default=[0.25, 1.0])
    args = parser.parse_args()
    rows = []
    built = {mb: pages(int(mb * 1e6)) for mb in args.mb}
    for stage, (run, document) in stages().items():
        for name, text in ((name, text) for mb in args.mb for name, text in built[mb].items()):
            start = time.process_time()
            result = run(document(text))
            seconds = time.process_time() - start
            outcome = f"dropped: {result.reason}" if hasattr(result, "reason") else "kept"   # c4 may give text
            rows.append({"stage": stage, "page": name, "mb": len(text.encode()) / 1e6, "seconds": seconds,
                         "s_per_mb": seconds / (len(text.encode()) / 1e6), "outcome": outcome})
            print(f"{stage:18s} {name:56s} {seconds:7.2f} s  {outcome}", flush=True)
    print_table(rows, ["stage", "page", "mb", "seconds", "s_per_mb", "outcome"])
    write_json(os.path.join(os.path.dirname(__file__), "out", "time_per_document.json"),
               {"mb": args.mb, "rows": rows})


if __name__ == "__main__":
    main()
