"""How many typed signals documents/ stores, on the real web data plus a 20 MB real-text JSONL.

    python bench/typed_signals.py [--mb 20]

Inputs: the files of ../shared/data/web in an input format, one source per format (WARC, ARC, WET,
Dolma's JSONL, HPLT's zstd JSONL), and bench/end_to_end.py's `mixed_corpus` of --mb MB (source `mixed`).
Every default stage runs, with the URL lists, LDNOOBW word lists and GSM8K + HumanEval for
decontamination (the settings of bench/end_to_end.py), tokenization off. It then reads documents/ back
and counts, per kept document, the non-null numeric (int, float) values of `annotations`, nested
structs included. Writes bench/out/typed_signals.json.
"""
from __future__ import annotations

import argparse
import collections
import glob
import io
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))

from end_to_end import DECONTAM, SHARED, mixed_corpus  # noqa: E402
from filter_speed import URL_SETTINGS  # noqa: E402
from measure import write_json  # noqa: E402

import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

from pipelines.config import load_config  # noqa: E402
from pipelines.run import run_curation  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "out", "typed_signals.json")
WEB = [f"{source}={SHARED}/web/{pattern}" for source, pattern in (
    ("warc", "**/*.warc.gz"), ("arc", "**/*.arc"), ("wet", "**/*.warc.wet.gz"), ("dolma", "dolma/*.jsonl.gz"),
    ("hplt", "hplt_sample100/*.zst"))]


def numbers(value) -> int:
    if isinstance(value, dict):
        return sum(numbers(item) for item in value.values())
    return int(isinstance(value, (int, float)) and not isinstance(value, bool))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=20.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        corpus = os.path.join(workdir, "mixed.jsonl")
        built = mixed_corpus(args.mb, corpus)
        config = load_config(inputs=[*WEB, f"mixed={corpus}"],
                             output=os.path.join(workdir, "out"),
                             overrides=[*URL_SETTINGS, *DECONTAM, "read.text_field=[text, t]",
                                        "tokenize.enabled=false"])
        start = time.perf_counter()
        assert run_curation(config, [], workers=1, out=io.StringIO()) == 0
        seconds = time.perf_counter() - start
        table = pa.concat_tables(pq.read_table(path) for path in
                                 sorted(glob.glob(os.path.join(workdir, "out", "documents", "*.parquet"))))
        per_doc = [numbers(row) for row in table.column("annotations").to_pylist()]
        sources = collections.Counter(table.column("source").to_pylist())
        annotations = table.schema.field("annotations").type
        second = sum(value is not None for value in table.column("annotations").combine_chunks()
                     .field("lang_second").to_pylist())
    result = {"mixed_corpus": built, "run_seconds": round(seconds, 1), "documents": table.num_rows,
              "documents_by_source": dict(sorted(sources.items())),
              "numeric_signals_per_document": {"min": min(per_doc), "median": sorted(per_doc)[len(per_doc) // 2],
                                               "max": max(per_doc)},
              "documents_under_10_signals": sum(n < 10 for n in per_doc),
              "documents_with_second_language": second,
              "annotations_type": str(annotations)}
    write_json(OUT, result)
    print({key: value for key, value in result.items() if key != "annotations_type"})


if __name__ == "__main__":
    main()
