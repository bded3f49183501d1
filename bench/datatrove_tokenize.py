"""datatrove's JsonlReader -> DocumentTokenizer, one task, timed; run as its own process by tokenize_speed.py.

    python bench/datatrove_tokenize.py INPUT_JSONL WORK_DIR TOKENIZER_JSON on|off

"off" times the reader alone. Prints one JSON line: {"seconds": ...}.
"""
from __future__ import annotations

import json
import os
import shutil
import sys
import time

from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.tokens import DocumentTokenizer


def main() -> None:
    jsonl, output, tokenizer_json, tokenize = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "on"
    shutil.rmtree(output, ignore_errors=True)    # datatrove skips tasks its logs call finished
    steps = [JsonlReader(os.path.dirname(jsonl), glob_pattern=os.path.basename(jsonl))]
    if tokenize:
        steps.append(DocumentTokenizer(output_folder=os.path.join(output, "tokens"),
                                       local_working_dir=os.path.join(output, "work"),
                                       tokenizer_name_or_path=tokenizer_json, eos_token="</s>"))
    start = time.perf_counter()
    LocalPipelineExecutor(steps, tasks=1, workers=1, logging_dir=os.path.join(output, "logs")).run()
    print(json.dumps({"seconds": time.perf_counter() - start}))


if __name__ == "__main__":
    main()
