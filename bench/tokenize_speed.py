"""Tokenization speed per core on real text, beside datatrove's DocumentTokenizer; loader and training.

    python bench/tokenize_speed.py [--mb 20] [--repeats 3]

Text: the Common Crawl documents of ../shared/data/web/dolma, normalised and
repeated under new ids up to --mb MB. Tokenizer: Llama 2's 32k SentencePiece
model; datatrove gets the same vocabulary and merges as a Hugging Face
tokenizer (bench/hf_from_sentencepiece.py: identical ids on these texts).
Measured in one run:
- SentencePiece encode alone, and HF tokenizers alone, on the same texts;
- tokenmill's tokenize + pack + write functions (no Beam);
- `tokenmill run` with every filter off and tokenization on, one worker, minus
  the same run with tokenization off: the stage's cost inside the pipeline
  (it includes the fixed cost of building the extra transforms);
- datatrove JsonlReader -> DocumentTokenizer, one task, and its reader alone
  (TOKENIZERS_PARALLELISM=false, so both tools use one core);
- the loader reading a 30M-token plan (about 4 epochs of 20 MB) from the
  memory-mapped shards, batches of 32 x 8192;
- training a 32k tokenizer (time, peak RSS of a fresh process) on distinct
  real text: the repeated benchmark text would be counted once by SentencePiece,
  so it uses everything distinct in ../shared/data (dolma, the HTML test pages,
  lingua's sentences): about 18 MB.
Writes bench/out/tokenize_speed.json.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
# Per core: HF tokenizers' batch encoding would otherwise use every core.
os.environ["TOKENIZERS_PARALLELISM"] = "false"

from hf_from_sentencepiece import LLAMA2, hf_tokenizer  # noqa: E402
from measure import datatrove_python, median_seconds, print_table, write_json  # noqa: E402
from real_corpus import real_text_rows, unique_real_text  # noqa: E402

from tokenization.encoding import Framing, encode_texts  # noqa: E402
from tokenization.packing import pack  # noqa: E402
from tokenization.sentencepiece_model import processor_from_bytes  # noqa: E402
from tokenization.shard_format import token_checksum, write_shard  # noqa: E402
from tokenization.training import sample_key  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "out", "tokenize_speed")
FILTERS_OFF = [f"{stage}.enabled=false" for stage in (
    "normalize", "url_filter", "language", "quality", "unsafe_words", "exact_dedup", "near_dedup", "pii",
    "decontaminate")]
_TRAIN_CHILD = """
import json, resource, sys, time
from tokenization.training import TrainingSettings, train_model
texts = [json.loads(line)["text"] for line in open(sys.argv[1], encoding="utf-8")]
start = time.perf_counter()
model = train_model(texts, TrainingSettings(vocab_size=32000, threads=int(sys.argv[2])))
print(json.dumps({"seconds": time.perf_counter() - start, "model_bytes": len(model),
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def tokenmill_functions(rows: list, processor, directory: str):
    """What the pipeline's encode and write steps call, in one process."""
    framing = Framing(processor.bos_id(), processor.eos_id())
    ordered = sorted(rows, key=lambda row: (sample_key(row["id"]), row["id"]))
    ids = encode_texts(processor, [row["text"] for row in ordered], framing)
    packed = pack(ids, 8192, "drop")
    tokens = packed.tokens.astype("uint16")
    metadata = {"seq_len": 8192, "token_dtype": "uint16", "checksum": token_checksum(tokens)}
    with open(os.path.join(directory, "bench.arrow"), "wb") as handle:
        write_shard(handle, tokens, packed.doc_starts, metadata)


def tokenmill_run(jsonl: str, output: str, tokenize: bool) -> float:
    sets = [*FILTERS_OFF, f"tokenize.enabled={'true' if tokenize else 'false'}",
            "plans.budgets=[2T, 8T, 13T, loader=30M]"]
    command = [os.path.join(os.path.dirname(sys.executable), "tokenmill"), "run", "--input", jsonl,
               "--output", output, "--workers", "1", "--tokenizer", LLAMA2,
               *[arg for item in sets for arg in ("--set", item)]]
    shutil.rmtree(output, ignore_errors=True)
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def datatrove_run(jsonl: str, output: str, tokenizer_json: str, tokenize: bool) -> float:
    """Seconds of datatrove's run, timed inside its own process (bench/datatrove_tokenize.py)."""
    script = os.path.join(os.path.dirname(__file__), "datatrove_tokenize.py")
    done = subprocess.run([datatrove_python(), script, jsonl, output, tokenizer_json, "on" if tokenize else "off"],
                          check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])["seconds"]


def loader_speed(output: str) -> dict:
    from tokenization.loader import PlanLoader
    loader = PlanLoader(output, "loader", batch_size=32)
    start, token_bytes, batches = time.perf_counter(), 0, 0
    for batch in loader:
        token_bytes += batch.tokens.nbytes
        batches += 1
    seconds = time.perf_counter() - start
    return {"GB/s": token_bytes / seconds / 1e9, "batches": batches, "token_bytes": token_bytes}


def train_in_child(jsonl: str, threads: int) -> dict:
    done = subprocess.run([sys.executable, "-c", _TRAIN_CHILD, jsonl, str(threads)], check=True,
                          capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    os.makedirs(OUT, exist_ok=True)
    rows = real_text_rows(args.mb)
    texts = [row["text"] for row in rows]
    mb = sum(len(text.encode()) for text in texts) / 1e6
    jsonl = os.path.join(OUT, "text.jsonl")
    with open(jsonl, "w", encoding="utf-8") as handle:
        handle.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    print(f"{len(rows)} documents, {mb:.1f} MB of normalised text")

    training_text = os.path.join(OUT, "training_text.jsonl")
    distinct = unique_real_text(20)
    with open(training_text, "w", encoding="utf-8") as handle:
        handle.writelines(json.dumps({"text": text}, ensure_ascii=False) + "\n" for text in distinct)
    training = train_in_child(training_text, 4)
    training["mb"] = sum(len(text.encode()) for text in distinct) / 1e6
    with open(LLAMA2, "rb") as handle:
        processor = processor_from_bytes(handle.read())
    hf = hf_tokenizer(LLAMA2)
    tokenizer_json = os.path.join(OUT, "llama2_hf_tokenizer.json")
    hf.save(tokenizer_json)
    scratch = tempfile.mkdtemp(dir=OUT)
    results = [
        {"what": "SentencePiece encode alone", "seconds": median_seconds(     # its batch API, numpy outputs
            lambda: processor.encode_as_numpy(texts, num_threads=1), args.repeats)},
        {"what": "HF tokenizers encode alone (datatrove's)", "seconds": median_seconds(
            lambda: [hf.encode(text) for text in texts], args.repeats)},
        {"what": "tokenmill encode+pack+write functions", "seconds": median_seconds(
            lambda: tokenmill_functions(rows, processor, scratch), args.repeats)},
    ]
    tm_on = [tokenmill_run(jsonl, os.path.join(OUT, "tokenmill"), True) for _ in range(args.repeats)]
    tm_off = [tokenmill_run(jsonl, os.path.join(OUT, "tokenmill-off"), False) for _ in range(args.repeats)]
    dt_on = [datatrove_run(jsonl, os.path.join(OUT, f"datatrove-{i}"), tokenizer_json, True)
             for i in range(args.repeats)]
    dt_off = [datatrove_run(jsonl, os.path.join(OUT, "datatrove-read"), tokenizer_json, False)
              for _ in range(args.repeats)]
    results += [
        {"what": "tokenmill run, tokenize on (whole run)", "seconds": statistics.median(tm_on)},
        {"what": "tokenmill tokenize stage inside the run (on - off)",
         "seconds": statistics.median(tm_on) - statistics.median(tm_off)},
        {"what": "datatrove read + DocumentTokenizer (whole run)", "seconds": statistics.median(dt_on)},
        {"what": "datatrove DocumentTokenizer step (on - read only)",
         "seconds": statistics.median(dt_on) - statistics.median(dt_off)},
    ]
    for row in results:
        row["MB/s/core"] = mb / row["seconds"]
    print_table(results, ["what", "seconds", "MB/s/core"])
    stage = mb / (statistics.median(tm_on) - statistics.median(tm_off))
    step = mb / (statistics.median(dt_on) - statistics.median(dt_off))
    whole = statistics.median(dt_on) / statistics.median(tm_on)
    loader = loader_speed(os.path.join(OUT, "tokenmill"))
    print(f"ratio tokenmill/datatrove: tokenize stage {stage / step:.2f}x, whole run {whole:.2f}x")
    print(f"loader: {loader['GB/s']:.2f} GB/s of tokens from memory-mapped shards ({loader['batches']} batches)")
    print(f"training a 32k tokenizer on {training['mb']:.1f} MB of distinct text (4 threads): {training['seconds']:.1f} s, "
          f"peak RSS {training['peak_rss_mb']:.0f} MB")
    write_json(os.path.join(os.path.dirname(OUT), "tokenize_speed.json"), {
        "mb": mb, "documents": len(rows), "results": results, "stage_ratio": stage / step,
        "whole_run_ratio": whole, "loader": loader, "training": training,
        "runs": {"tokenmill_on": tm_on, "tokenmill_off": tm_off, "datatrove_on": dt_on, "datatrove_off": dt_off}})


if __name__ == "__main__":
    main()
