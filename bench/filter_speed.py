"""Speed of the language, quality, URL and unsafe-word stages, per core, on real text.

    python bench/filter_speed.py [--mb 20] [--repeats 3]

Text: the 697 Common Crawl documents of ../shared/data/web/dolma, normalised,
repeated under new ids up to --mb MB (the repetition does not change the
per-byte cost of these stages). For each stage: the stage's callable alone
(what the Beam DoFn calls), and its added wall time inside the pipeline
(in-memory runner, one core: the run with the stage minus the run without).
fastText called directly on the same texts is measured in the same run.
Writes bench/out/filter_speed.json.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))

from measure import median_seconds, print_table, remove_output_cache, write_json  # noqa: E402
from real_corpus import real_text_rows  # noqa: E402

from corpus.document import Document  # noqa: E402
from filters.language import FastTextLID, LanguageConfig, LanguageFilter  # noqa: E402
from filters.quality.quality_filter import QualityConfig, QualityFilter  # noqa: E402
from filters.side_files import read_local  # noqa: E402
from filters.unsafe_words import UnsafeWordsFilter, load_word_lists  # noqa: E402
from filters.url_filter import UrlFilter, side_files  # noqa: E402

SHARED = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data")
UNSAFE = os.path.join(SHARED, "unsafe")
OUT = os.path.join(os.path.dirname(__file__), "out", "filter_speed")
URL_SETTINGS = [f"url_filter.lists=['{UNSAFE}/ut1_blacklists/blacklists', "
                f"'adult={UNSAFE}/hplt_adult_domains/hplt_adult_domains']",
                "url_filter.categories=[adult, gambling, phishing, malware]",
                f"url_filter.banned_words={UNSAFE}/datatrove_assets/banned_words.txt",
                f"url_filter.soft_banned_words={UNSAFE}/datatrove_assets/soft_banned_words.txt",
                f"url_filter.banned_subwords={UNSAFE}/datatrove_assets/banned_subwords.txt",
                f"unsafe_words.lists={UNSAFE}/ldnoobw"]


def callables(rows: list) -> dict:
    from pipelines.config import load_config
    config = load_config(overrides=URL_SETTINGS)
    model = FastTextLID()
    url_filter = UrlFilter(config.url_filter, read_local(side_files(config.url_filter)))
    unsafe = UnsafeWordsFilter(config.unsafe_words, load_word_lists(config.unsafe_words.lists,
                                                                    config.unsafe_words.inflections))
    language, quality = LanguageFilter(LanguageConfig(), model), QualityFilter(QualityConfig())
    docs = [Document(r["id"], r["text"], "dolma", url=r["url"]) for r in rows]
    for doc in docs:
        language(doc)                 # quality and unsafe rules read the language annotation

    def fresh():
        return [Document(d.id, d.text, d.source, url=d.url, annotations=dict(d.annotations)) for d in docs]
    return {
        "fastText predict alone": lambda: [model.predict(d.text) for d in docs],
        "language": lambda: [language(d) for d in fresh()],
        "quality (all rule sets)": lambda: [quality(d) for d in fresh()],
        "url_filter + unsafe_words": lambda: [unsafe(d) for d in fresh() if url_filter(d) is d],
    }


def pipeline_seconds(jsonl: str, enabled: list, repeats: int) -> float:
    from pipelines.config import load_config
    from pipelines.run import run_curation
    switches = {"url_filter": "false", "language": "false", "quality": "false", "unsafe_words": "false",
                "exact_dedup": "false", "near_dedup": "false", "pii": "false", "tokenize": "false"}
    switches.update({name: "true" for name in enabled})
    overrides = [f"{name}.enabled={value}" for name, value in switches.items()] + URL_SETTINGS
    config = load_config(inputs=[jsonl], output=os.path.join(OUT, "run"), overrides=overrides)

    def cold_run():         # the output's cache would make every repeat but the first a replay (docs/reuse.md)
        remove_output_cache(config.output)
        run_curation(config, [], workers=1, out=io.StringIO())
    return median_seconds(cold_run, repeats)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    rows = real_text_rows(args.mb)
    mb = sum(len(r["text"].encode()) for r in rows) / 1e6
    os.makedirs(OUT, exist_ok=True)
    jsonl = os.path.join(OUT, "text.jsonl")
    with open(jsonl, "w", encoding="utf-8") as handle:
        handle.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    print(f"{len(rows)} documents, {mb:.1f} MB of normalised text")
    results = [{"stage": name, "where": "callable alone", "MB/s/core": mb / median_seconds(run, args.repeats)}
               for name, run in callables(rows).items()]
    base = pipeline_seconds(jsonl, [], args.repeats)
    for label, enabled, needs in (("language", ["language"], []),
                                  ("quality (all rule sets)", ["language", "quality"], ["language"]),
                                  ("url_filter + unsafe_words", ["language", "url_filter", "unsafe_words"],
                                   ["language"])):
        before = pipeline_seconds(jsonl, needs, args.repeats) if needs else base
        added = pipeline_seconds(jsonl, enabled, args.repeats) - before
        results.append({"stage": label, "where": "added to the Beam pipeline", "MB/s/core": mb / added})
    print_table(results, ["stage", "where", "MB/s/core"])
    write_json(os.path.join(os.path.dirname(OUT), "filter_speed.json"),
               {"documents": len(rows), "mb": mb, "repeats": args.repeats, "rows": results,
                "date": time.strftime("%Y-%m-%d")})


if __name__ == "__main__":
    main()
