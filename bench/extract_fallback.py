"""Extraction fallback: pages lost and token F1, before and after, with trafilatura as the peer.

    python bench/extract_fallback.py

Pages with expected main text: mozilla/readability's test pages (the text
of expected.html), newspaper's (text/*.txt) and goose3's (cleaned_text, which
is often only the article's first sentence there: scored by recall, since
precision against a prefix means nothing). Pages without expected text
(trafilatura's cache, HPLT's raw HTML, dclm's) count pages lost only.

Each page goes through tokenmill's HtmlExtractor as the pipeline runs it
(bytes in, charset chosen, then extraction): with no fallback (before), with
the whole-page fallback, and with the trafilatura fallback; trafilatura alone
is the peer, run on the same decoded HTML. A page is lost when it comes out
empty (the pipeline drops it as empty_after_extraction). F1 is over word
tokens (lower case, multiset overlap). Speed: MB of HTML per second, one
core, median of 3. Writes bench/out/extract_fallback.json.
"""
from __future__ import annotations

import collections
import glob
import json
import os
import re
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))

from measure import print_table, write_json  # noqa: E402

import trafilatura  # noqa: E402
import zstandard  # noqa: E402
from resiliparse.parse.encoding import bytes_to_str  # noqa: E402

from corpus.document import Drop, RawPage  # noqa: E402
from corpus.html_extract import (MAIN_CONTENT_FLOOR, ExtractConfig, HtmlExtractor, choose_encoding,  # noqa: E402
                                 plain_text)
from resiliparse.parse.html import HTMLTree  # noqa: E402

HTML = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data", "html")
WEB = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data", "web")
EXTRACTORS = {
    "main content, no fallback (before)": ExtractConfig(fallback="none"),
    "fallback: whole page (default)": ExtractConfig(fallback="whole_page"),
    "fallback: trafilatura": ExtractConfig(fallback="trafilatura"),
}


def read(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def labelled_pages() -> list:
    """(set, html bytes, expected text)."""
    pages = []
    for folder in sorted(glob.glob(os.path.join(HTML, "mozilla_readability", "*", ""))):
        expected = os.path.join(folder, "expected.html")
        if os.path.exists(expected):
            pages.append(("mozilla_readability", read(os.path.join(folder, "source.html")),
                          plain_text(HTMLTree.parse(read(expected).decode("utf-8", "replace")), False)))
    for path in sorted(glob.glob(os.path.join(HTML, "newspaper", "html", "*.html"))):
        text = os.path.join(HTML, "newspaper", "text", os.path.basename(path)[:-5] + ".txt")
        if os.path.exists(text):
            pages.append(("newspaper", read(path), read(text).decode("utf-8", "replace")))
    for path in sorted(glob.glob(os.path.join(HTML, "goose3", "*.html"))):
        expected = json.loads(read(path[:-5] + ".json"))["expected"].get("cleaned_text") or ""
        pages.append(("goose3", read(path), expected))
    return pages


def unlabelled_pages() -> list:
    """(set, html bytes) of real pages with no expected text."""
    pages = [("trafilatura_cache", read(path)) for path in sorted(glob.glob(os.path.join(HTML, "trafilatura_cache",
                                                                                           "*.html")))]
    pages += [("dclm_html", read(path)) for path in sorted(glob.glob(os.path.join(WEB, "dclm_html", "*", "*.html")))]
    for name in ("CC.zst", "wide.zst"):
        with open(os.path.join(WEB, "hplt_sample100", name), "rb") as handle:
            data = zstandard.ZstdDecompressor().stream_reader(handle).read().decode("utf-8", "replace")
        pages += [("hplt_sample100", row["h"].encode("utf-8", "surrogatepass"))
                  for row in map(json.loads, filter(str.strip, data.splitlines())) if row.get("h")]
    return pages


def tokens(text: str) -> collections.Counter:
    return collections.Counter(re.findall(r"\w+", text.lower()))


def scores(predicted: str, expected: str) -> tuple:
    """(F1, precision, recall) over word tokens."""
    got, want = tokens(predicted), tokens(expected)
    overlap = sum((got & want).values())
    if not overlap:
        return 0.0, 0.0, 0.0
    precision, recall = overlap / sum(got.values()), overlap / sum(want.values())
    return 2 * precision * recall / (precision + recall), precision, recall


def as_page(body: bytes) -> RawPage:
    return RawPage(id="p", source="bench", url="https://bench.test/", body=body, content_type="text/html",
                   charset=None, meta={"http_status": 200})


def run_all(pages: list) -> dict:
    """name -> [(text, path)] per page, for each configuration and for trafilatura alone."""
    results = {}
    for name, config in EXTRACTORS.items():
        extract = HtmlExtractor(config)
        outputs = []
        for body in pages:
            result = extract(as_page(body))
            outputs.append(("", "dropped") if isinstance(result, Drop) else (result.text,
                                                                             result.annotations["extract_path"]))
        results[name] = outputs
    results["trafilatura alone (peer)"] = [
        (trafilatura.extract(bytes_to_str(body, choose_encoding(body, None)), include_comments=False,
                             include_tables=True) or "", "trafilatura") for body in pages]
    return results


RATIOS = (0.0, 0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.1, 0.2)


def ratio_sweep(labelled: list) -> list:
    """Mean F1 with the whole-page fallback at each ratio, on the pages whose expected text is whole
    (goose3's is often a first sentence): how fallback_ratio was chosen."""
    scored = []
    for group, body, expected in labelled:
        if group == "goose3":
            continue
        html = bytes_to_str(body, choose_encoding(body, None))
        tree = HTMLTree.parse(html)
        main, whole = plain_text(tree, True).strip(), plain_text(tree, False).strip()
        scored.append((len(main), len(whole), scores(main, expected)[0], scores(whole, expected)[0]))
    return [{"ratio": ratio, "pages": len(scored),
             "fallbacks": sum(main == 0 or main < ratio * whole for main, whole, _, _ in scored),
             "mean_f1": statistics.mean(f1_whole if (main == 0 or main < ratio * whole) else f1_main
                                        for main, whole, f1_main, f1_whole in scored)} for ratio in RATIOS]


FLOORS = (0, 50, 100, 150, 200, 300, 500, 1000)


def floor_sweep(labelled: list, unlabelled: list) -> list:
    """At each MAIN_CONTENT_FLOOR (with fallback_ratio as configured): mean F1 on the pages whose
    expected text is whole; and on the pages without expected text, how many non-empty main texts the
    whole page replaces, and the mean F1 of what is kept against trafilatura's text (a second
    extractor's opinion, where it finds any)."""
    ratio = ExtractConfig().fallback_ratio
    measured = {"labelled": [], "unlabelled": []}
    for kind, pages in (("labelled", [(body, expected) for group, body, expected in labelled if group != "goose3"]),
                        ("unlabelled", [(body, None) for _, body in unlabelled])):
        for body, expected in pages:
            html = bytes_to_str(body, choose_encoding(body, None))
            tree = HTMLTree.parse(html)
            main, whole = plain_text(tree, True).strip(), plain_text(tree, False).strip()
            if expected is None:
                expected = trafilatura.extract(html, include_comments=False, include_tables=True) or ""
                if not expected.strip() or not main:
                    continue
            measured[kind].append((len(main), len(whole), len(html), scores(main, expected)[0],
                                   scores(whole, expected)[0]))

    def falls_back(main, whole, html, floor):
        return main == 0 or (main < floor and main < ratio * html and main < ratio * whole)

    rows = []
    for floor in FLOORS:
        row = {"floor": floor}
        for kind, scored in measured.items():
            back = [falls_back(main, whole, html, floor) for main, whole, html, _, _ in scored]
            row[f"{kind}_pages"] = len(scored)
            row[f"{kind}_fallbacks"] = sum(back)
            row[f"{kind}_mean_f1"] = statistics.mean(f1_whole if fell else f1_main
                                                      for fell, (_, _, _, f1_main, f1_whole) in zip(back, scored))
        rows.append(row)
    return rows


def speed(pages: list) -> dict:
    megabytes = sum(map(len, pages)) / 1e6
    rates = {}
    for name, config in EXTRACTORS.items():
        extract = HtmlExtractor(config)
        times = []
        for _ in range(3):
            start = time.perf_counter()
            for body in pages:
                extract(as_page(body))
            times.append(time.perf_counter() - start)
        rates[name] = megabytes / statistics.median(times)
    start = time.perf_counter()
    for body in pages:
        trafilatura.extract(bytes_to_str(body, choose_encoding(body, None)), include_comments=False,
                            include_tables=True)
    rates["trafilatura alone (peer)"] = megabytes / (time.perf_counter() - start)
    return rates


def main() -> None:
    labelled, unlabelled = labelled_pages(), unlabelled_pages()
    results = run_all([body for _, body, _ in labelled])
    rows = []
    for name, outputs in results.items():
        for group in sorted({group for group, _, _ in labelled}):
            chosen = [(output, expected) for (g, _, expected), output in zip(labelled, outputs) if g == group]
            measured = [scores(text, expected) for (text, _), expected in chosen]
            rows.append({"extraction": name, "set": group, "pages": len(chosen),
                         "lost": sum(not text.strip() for (text, _), _ in chosen),
                         "f1": statistics.mean(m[0] for m in measured),
                         "recall": statistics.mean(m[2] for m in measured),
                         "paths": dict(collections.Counter(path for (_, path), _ in chosen))})
    unlabelled_results = run_all([body for _, body in unlabelled])
    lost = []
    for name, outputs in unlabelled_results.items():
        for group in sorted({group for group, _ in unlabelled}):
            chosen = [output for (g, _), output in zip(unlabelled, outputs) if g == group]
            lost.append({"extraction": name, "set": group, "pages": len(chosen),
                         "lost": sum(not text.strip() for text, _ in chosen),
                         "paths": dict(collections.Counter(path for _, path in chosen))})
    before = results["main content, no fallback (before)"]
    rescued = [{"set": group, "f1_before": scores(old[0], expected)[0],
                **{name: {"path": outputs[number][1], "f1": scores(outputs[number][0], expected)[0]}
                   for name, outputs in results.items() if name != "main content, no fallback (before)"}}
               for number, ((group, _, expected), old) in enumerate(zip(labelled, before))
               if results["fallback: whole page (default)"][number][1] != "main_content"]
    sweep = ratio_sweep(labelled)
    floors = floor_sweep(labelled, unlabelled)
    rates = speed([body for _, body, _ in labelled] + [body for _, body in unlabelled])
    print_table(rows, ["extraction", "set", "pages", "lost", "f1", "recall", "paths"])
    print_table(lost, ["extraction", "set", "pages", "lost", "paths"])
    print(f"pages that took a fallback (labelled sets): {len(rescued)}")
    for page in rescued:
        print(f"  {page['set']}: F1 before {page['f1_before']:.2f}, "
              + ", ".join(f"{name}: {value['path']} {value['f1']:.2f}" for name, value in page.items()
                          if isinstance(value, dict)))
    print_table(sweep, ["ratio", "pages", "fallbacks", "mean_f1"])
    print_table(floors, ["floor", "labelled_pages", "labelled_fallbacks", "labelled_mean_f1", "unlabelled_pages",
                         "unlabelled_fallbacks", "unlabelled_mean_f1"])
    print_table([{"extraction": name, "MB/s per core": rate} for name, rate in rates.items()],
                ["extraction", "MB/s per core"])
    write_json(os.path.join(os.path.dirname(__file__), "out", "extract_fallback.json"),
               {"fallback_ratio": ExtractConfig().fallback_ratio, "main_content_floor": MAIN_CONTENT_FLOOR,
                "labelled": rows, "unlabelled": lost, "fallback_pages": rescued, "ratio_sweep": sweep,
                "floor_sweep": floors, "mb_per_s_per_core": rates})


if __name__ == "__main__":
    main()
