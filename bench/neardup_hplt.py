"""tokenmill's near-dedup against HPLT's MinHash on its 30 Finnish test documents.

    python bench/neardup_hplt.py

HPLT's monotextor (Jaccard 0.8, 17 bands x 15 rows) keeps the 18 documents
listed in dedup.out. This runs the tokenmill pipeline with the same bands and
rows (preset "hplt") and only near-dedup switched on, then compares the kept
sets by URL. Writes bench/out/neardup_hplt.json.
"""
from __future__ import annotations

import glob
import io
import json
import os
import sys

import pyarrow.parquet as pq

sys.path.insert(0, os.path.dirname(__file__))

from measure import write_json  # noqa: E402

from pipelines.config import load_config  # noqa: E402
from pipelines.run import run_curation  # noqa: E402

DATA = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data", "neardup", "hplt_monotextor_minhash")
OUT = os.path.join(os.path.dirname(__file__), "out", "neardup_hplt")
ONLY_NEAR_DEDUP = ["extract.enabled=false", "normalize.min_chars=1", "url_filter.enabled=false", "pii.enabled=false",
                   "language.enabled=false", "quality.enabled=false", "unsafe_words.enabled=false",
                   "exact_dedup.enabled=false", "near_dedup.preset=hplt", "read.id_field=[]", "tokenize.enabled=false"]


def main() -> None:
    with open(os.path.join(DATA, "dedup.out"), encoding="utf-8") as handle:
        hplt_kept = {json.loads(line)["url"] for line in handle}
    config = load_config(inputs=[os.path.join(DATA, "sample*.jsonl.zst")], output=OUT,
                         overrides=ONLY_NEAR_DEDUP)
    run_curation(config, [], workers=1, out=io.StringIO())
    kept = set()
    for shard in glob.glob(os.path.join(OUT, "documents", "*.parquet")):
        kept |= {row["url"] for row in pq.read_table(shard, columns=["url"]).to_pylist()}
    rejected = []
    for shard in glob.glob(os.path.join(OUT, "rejected", "*.parquet")):
        rejected += pq.read_table(shard, columns=["url", "reason", "detail"]).to_pylist()
    result = {"documents": len(kept) + len(rejected), "hplt_kept": len(hplt_kept), "tokenmill_kept": len(kept),
              "kept_by_both": len(kept & hplt_kept), "only_tokenmill_kept": sorted(kept - hplt_kept),
              "only_hplt_kept": sorted(hplt_kept - kept)}
    print(f"{result['documents']} documents: HPLT keeps {result['hplt_kept']}, tokenmill keeps "
          f"{result['tokenmill_kept']}, both keep {result['kept_by_both']}")
    for name in ("only_tokenmill_kept", "only_hplt_kept"):
        for url in result[name]:
            print(f"  {name}: {url}")
    write_json(os.path.join(os.path.dirname(OUT), "neardup_hplt.json"), result)


if __name__ == "__main__":
    main()
