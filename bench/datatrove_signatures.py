"""datatrove's MinHash signature computation alone, on documents in memory; run by dedup_speed.py.

    python bench/datatrove_signatures.py CORPUS_JSONL BANDS ROWS PASSES

Runs in datatrove's own environment and imports nothing from tokenmill. The texts are read before the
clock starts; timed is what MinhashDedupSignature.run does per document apart from its reader and its
writer: `get_shingles` (datatrove's text simplification, its spaCy word tokenizer, the n-gram hashes)
and `get_signature` (the minimum over its permutations), through the stage's own methods, in its
default form (English tokenizer, 5-grams, 64-bit hashes as bench/datatrove_minhash.py configures them).
The bucket files, the sort and the reader are left out, as tokenmill's side leaves out its own; one
warm-up document first (spaCy's tokenizer loads lazily). Prints one JSON line: seconds of each pass.
"""
from __future__ import annotations

import json
import sys
import tempfile
import time

from datatrove.pipeline.dedup.minhash import MinhashConfig, MinhashDedupSignature
from datatrove.utils.hashing import HashConfig


def main() -> None:
    corpus, bands, rows, passes = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    with open(corpus, encoding="utf-8") as handle:
        texts = [json.loads(line)["text"] for line in handle]
    config = MinhashConfig(hash_config=HashConfig(precision=64), num_buckets=bands, hashes_per_bucket=rows)
    with tempfile.TemporaryDirectory() as unused_output:
        stage = MinhashDedupSignature(output_folder=unused_output, config=config)
        stage.get_signature(stage.get_shingles(texts[0]))
        seconds, signed = [], 0
        for _ in range(passes):
            start, signed = time.perf_counter(), 0
            for text in texts:
                shingles = stage.get_shingles(text)
                if shingles.size:                      # as run() does: no signature for a text without n-grams
                    stage.get_signature(shingles)
                    signed += 1
            seconds.append(time.perf_counter() - start)
    print(json.dumps({"seconds": seconds, "documents": len(texts), "signed": signed}))


if __name__ == "__main__":
    main()
