"""Tokenizer engines on one core, and the tokenize stage inside the pipeline before and after batching.

    taskset -c 0 python bench/tokenizer_engine.py [--mb 20] [--repeats 3] [--baseline DIR]

Text: the Common Crawl documents of ../shared/data/web/dolma, normalised and
repeated under new ids up to --mb MB (bench/real_corpus.py). Models: Llama 2's,
Mistral's v2 (both 32k, ../shared/data/tokenizers) and one trained the Gemma way
by tokenmill's own training (BPE, byte fallback, split digits; 8k pieces on the
distinct real text).

1. Encoding alone, texts in the pipeline's batches (about 1M characters) in,
   ids out, one core, each engine in a fresh process (its own peak RSS):
   - SentencePiece in its strongest ordinary form: `encode_as_numpy(batch)`,
     the batch API with numpy outputs, one thread;
   - tokenmill's encode step (tokenization/engines.py and `frame_flat`: flat
     uint32 ids and lengths, framed), with either engine;
   - kitoken's `encode_all(batch)` and gigatoken's `encode_batch(batch,
     parallel=False)`, as their APIs give them;
   with, for each candidate, the documents whose ids differ from SentencePiece's.
2. The stage inside the pipeline: `tokenmill run` on the same text, every filter
   off, one worker, Llama 2's model, tokenization on minus tokenization off
   (medians of wall and of CPU time), for the code in --baseline (a checkout
   before batching, 5ca0295^) and for this checkout with
   tokenize.engine=sentencepiece and =auto; peak RSS of each.
Writes bench/out/tokenizer_engine.json.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))

from measure import print_table, run_alone, write_json  # noqa: E402
from real_corpus import real_text_rows, unique_real_text  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
OUT = os.path.join(os.path.dirname(__file__), "out", "tokenizer_engine")
TOKENIZERS = os.path.abspath(os.path.join(ROOT, "..", "shared", "data", "tokenizers"))
LLAMA2 = os.path.join(TOKENIZERS, "llama2_c", "tokenizer.model")
MISTRAL = os.path.join(TOKENIZERS, "mistral_common_1.13.1", "mistral_instruct_tokenizer_240216.model.v2")
FILTERS_OFF = [f"{stage}.enabled=false" for stage in (
    "normalize", "url_filter", "language", "quality", "unsafe_words", "exact_dedup", "near_dedup", "pii",
    "decontaminate")]
ENGINES = ("sentencepiece encode_as_numpy", "tokenmill (sentencepiece)", "tokenmill (kitoken)",
           "kitoken encode_all", "gigatoken encode_batch")

# One engine on one model in a fresh process: median seconds, ids compared with SentencePiece's, peak RSS.
_CHILD = r"""
import json, resource, statistics, sys, time
import numpy as np
engine, model_path, texts_path, repeats = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
from pipelines.stage import BATCH_CHARS
texts = [json.loads(line)["text"] for line in open(texts_path, encoding="utf-8")]
batches, current, size = [], [], 0
for text in texts:
    current.append(text); size += len(text)
    if size >= BATCH_CHARS:
        batches.append(current); current, size = [], 0
batches += [current] if current else []
model = open(model_path, "rb").read()
rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
import sentencepiece as spm
reference = spm.SentencePieceProcessor(model_proto=model)
if engine == "sentencepiece encode_as_numpy":
    encode = lambda batch: reference.encode_as_numpy(batch, num_threads=1)
    as_lists = lambda out: [ids.tolist() for ids in out]
elif engine.startswith("tokenmill"):
    from tokenization.encoding import Framing, frame_flat
    from tokenization.engines import make_encoder
    encoder = make_encoder(engine[len("tokenmill ("):-1], model)
    encode = lambda batch: frame_flat(*encoder.encode(batch), Framing())
    def as_lists(out):
        flat, lengths = out
        ends = np.cumsum(lengths)
        return [flat[e - n:e].tolist() for e, n in zip(ends, lengths)]
elif engine == "kitoken encode_all":
    from kitoken import Kitoken
    kit = Kitoken.from_sentencepiece(model)
    encode = lambda batch: kit.encode_all(batch, False)
    as_lists = lambda out: out
else:
    import gigatoken
    giga = gigatoken.Tokenizer.from_sentencepiece(model)
    encode = lambda batch: giga.encode_batch(batch, parallel=False)
    as_lists = lambda out: out.to_list()
times = []
for _ in range(repeats):
    start = time.perf_counter()
    for batch in batches:
        encode(batch)
    times.append(time.perf_counter() - start)
differ, ids = 0, 0
for batch in batches:
    got = as_lists(encode(batch))
    want = reference.encode(batch)
    differ += sum(a != b for a, b in zip(got, want)) + abs(len(got) - len(want))
    ids += sum(map(len, want))
print(json.dumps({"seconds": statistics.median(times), "runs_s": times, "documents_differing": differ,
                  "ids": ids, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "rss_with_text_mb": rss_before}))
"""


def _child(engine: str, model: str, texts: str, repeats: int) -> dict:
    try:
        done = subprocess.run([sys.executable, "-c", _CHILD, engine, model, texts, str(repeats)], check=True,
                              capture_output=True, text=True, cwd=ROOT)
    except subprocess.CalledProcessError as error:
        return {"error": error.stderr.strip().splitlines()[-1][:200]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def gemma_way_model(path: str) -> str:
    from tokenization.training import TrainingSettings, train_model
    if not os.path.exists(path):
        with open(path, "wb") as handle:
            handle.write(train_model(unique_real_text(6), TrainingSettings(vocab_size=8000, threads=1)))
    return path


def engines(texts_path: str, mb: float, documents: int, repeats: int) -> list:
    models = {"llama2": LLAMA2, "mistral_v2": MISTRAL,
              "gemma_way_8k": gemma_way_model(os.path.join(OUT, "gemma_way_8k.model"))}
    rows = []
    for model_name, model in models.items():
        for engine in ENGINES:
            result = _child(engine, model, texts_path, repeats)
            row = {"model": model_name, "engine": engine, **result}
            if "seconds" in result:
                row.update({"MB/s/core": mb / result["seconds"], "docs/s/core": documents / result["seconds"]})
            rows.append(row)
            print(row, flush=True)
    for row in rows:
        base = next(r for r in rows if r["model"] == row["model"] and r["engine"] == ENGINES[0])
        if "seconds" in row:
            row["speedup_vs_sentencepiece"] = base["seconds"] / row["seconds"]
    return rows


def pipeline_run(code: str, jsonl: str, output: str, tokenize: bool, engine: str | None) -> dict:
    """One `tokenmill run` of `code`: wall s, CPU s, peak RSS MB. The report's charts are drawn inside
    the run (TOKENMILL_REPORT_CHARTS=wait, as the checkout before batching always did): drawn in the
    background they would land in the next run's time on the same core."""
    sets = [*FILTERS_OFF, f"tokenize.enabled={'true' if tokenize else 'false'}"]
    if engine and tokenize:
        sets.append(f"tokenize.engine={engine}")
    command = [sys.executable, os.path.join(code, "beam_runner.py"), "run", "--input", jsonl, "--output", output,
               "--workers", "1", "--quiet", "--tokenizer", LLAMA2, *[a for s in sets for a in ("--set", s)]]
    saved = {name: os.environ.get(name) for name in ("PYTHONPATH", "TOKENMILL_REPORT_CHARTS")}
    os.environ.update({"PYTHONPATH": code, "TOKENMILL_REPORT_CHARTS": "wait"})
    try:
        return run_alone(command)
    finally:
        for name, value in saved.items():
            if value is None:
                del os.environ[name]
            else:
                os.environ[name] = value


def stage_in_pipeline(jsonl: str, baseline: str | None, repeats: int) -> dict:
    variants = [("after, engine=sentencepiece", ROOT, "sentencepiece"), ("after, engine=auto (kitoken)", ROOT, "auto")]
    if baseline:
        variants.insert(0, ("before (one document at a time)", os.path.abspath(baseline), None))
    scratch = tempfile.mkdtemp(dir=OUT)
    runs = {}
    for _ in range(repeats):                        # interleaved, so that drift hits every variant alike
        for name, code, engine in variants:
            for tokenize in (True, False):
                if not tokenize and engine == "auto":
                    continue                        # the same code as the sentencepiece variant
                key = f"{name} | {'on' if tokenize else 'off'}"
                runs.setdefault(key, []).append(pipeline_run(code, jsonl, os.path.join(scratch, "out"),
                                                             tokenize, engine))
    result = {}
    for name, code, engine in variants:
        on, off = runs[f"{name} | on"], runs[f"{name if engine != 'auto' else variants[-2][0]} | off"]
        figures = {"peak_rss_on_mb": max(run["peak_rss_mb"] for run in on),
                   "peak_rss_off_mb": max(run["peak_rss_mb"] for run in off)}
        for measure, unit in (("wall_s", "s"), ("cpu_s", "cpu_s")):
            median_on = statistics.median(run[measure] for run in on)
            median_off = statistics.median(run[measure] for run in off)
            figures.update({f"run_on_{unit}": median_on, f"run_off_{unit}": median_off,
                            f"stage_{unit}": median_on - median_off,
                            f"runs_on_{unit}": [round(run[measure], 2) for run in on],
                            f"runs_off_{unit}": [round(run[measure], 2) for run in off]})
        result[name] = figures
    if baseline:
        before = result[variants[0][0]]
        for name in result:
            for unit in ("s", "cpu_s"):
                result[name][f"stage_{unit}_speedup_vs_before"] = before[f"stage_{unit}"] / result[name][f"stage_{unit}"]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--baseline", help="a checkout of tokenmill before batching, for the stage's 'before'")
    parser.add_argument("--skip-engines", action="store_true")
    args = parser.parse_args()
    os.makedirs(OUT, exist_ok=True)
    rows = real_text_rows(args.mb)
    mb = sum(len(row["text"].encode()) for row in rows) / 1e6
    jsonl = os.path.join(OUT, "text.jsonl")
    with open(jsonl, "w", encoding="utf-8") as handle:
        handle.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    print(f"{len(rows)} documents, {mb:.1f} MB of normalised text")
    engine_rows = [] if args.skip_engines else engines(jsonl, mb, len(rows), args.repeats)
    if engine_rows:
        print_table(engine_rows, ["model", "engine", "seconds", "MB/s/core", "docs/s/core",
                                  "speedup_vs_sentencepiece", "documents_differing", "peak_rss_mb"])
    stage = stage_in_pipeline(jsonl, args.baseline, args.repeats)
    print_table([{"variant": name, **values} for name, values in stage.items()],
                ["variant", "run_on_s", "run_off_s", "stage_s", "stage_s_speedup_vs_before", "stage_cpu_s",
                 "stage_cpu_s_speedup_vs_before", "peak_rss_on_mb", "peak_rss_off_mb"])
    write_json(os.path.join(os.path.dirname(OUT), "tokenizer_engine.json"), {
        "mb": mb, "documents": len(rows), "repeats": args.repeats, "engines": engine_rows,
        "stage_in_pipeline": stage, "baseline": args.baseline,
        "pinned_cores": sorted(os.sched_getaffinity(0))})


if __name__ == "__main__":
    main()
