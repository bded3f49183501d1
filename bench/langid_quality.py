"""Language ID quality on lingua's test sentences (75 languages), and pipeline = fastText.

    python bench/langid_quality.py [--threshold 0.0] [--per-language 1000]

Reports accuracy and macro-F1 over the languages the model knows, per-language
accuracy, and the confusion pairs that cause most errors. Then runs the Beam
pipeline on the same sentences (as JSONL) and checks that every label it
annotates equals a direct fastText call on the text the pipeline classified.
Writes bench/out/langid_quality.json.
"""
from __future__ import annotations

import argparse
import collections
import glob
import io
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))

from measure import remove_output_cache, write_json  # noqa: E402

from filters.language import FastTextLID  # noqa: E402

LINGUA = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data", "langid", "lingua_testdata")
OUT = os.path.join(os.path.dirname(__file__), "out")
# lingua's codes where lid.176 uses another one for the same language
GOLD_TO_MODEL = {"nb": "no"}


def load_sentences(per_language: int) -> list:
    rows = []
    for path in sorted(glob.glob(os.path.join(LINGUA, "*", "sentences.txt"))):
        code = os.path.basename(os.path.dirname(path))
        with open(path, encoding="utf-8") as handle:
            lines = [line.strip() for line in handle if line.strip()][:per_language]
        rows += [(GOLD_TO_MODEL.get(code, code), line) for line in lines]
    if not rows:
        raise SystemExit(f"no sentences under {LINGUA}: ../shared/data/langid is needed")
    return rows


def model_languages(model: FastTextLID) -> set:
    return {lang for lang, _ in model.predict("x", k=1000)}


def scores(rows: list, predictions: list, known: set, threshold: float) -> dict:
    per_lang = collections.defaultdict(lambda: collections.Counter())
    confusions = collections.Counter()
    for (gold, _), (lang, score) in zip(rows, predictions):
        predicted = lang if score >= threshold else "und"
        per_lang[gold]["n"] += 1
        per_lang[gold]["tp"] += predicted == gold
        per_lang[predicted]["fp"] += predicted != gold
        if predicted != gold:
            confusions[(gold, predicted)] += 1
    evaluated = sorted(lang for lang in per_lang if per_lang[lang]["n"] and lang in known)
    f1s, accuracy = {}, {}
    for lang in evaluated:
        c = per_lang[lang]
        precision = c["tp"] / max(c["tp"] + c["fp"], 1)
        recall = c["tp"] / c["n"]
        f1s[lang] = 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)
        accuracy[lang] = recall
    total = sum(per_lang[lang]["n"] for lang in evaluated)
    correct = sum(per_lang[lang]["tp"] for lang in evaluated)
    return {"accuracy": correct / total, "macro_f1": sum(f1s.values()) / len(f1s), "sentences": total,
            "languages": len(evaluated), "per_language_accuracy": accuracy, "per_language_f1": f1s,
            "not_in_model": sorted(lang for lang in per_lang if per_lang[lang]["n"] and lang not in known),
            "top_confusions": [[gold, predicted, count] for (gold, predicted), count in
                               confusions.most_common(15) if gold in known]}


def pipeline_agreement(rows: list, model: FastTextLID, workdir: str) -> dict:
    """Run the real pipeline on the sentences; compare its labels with direct fastText calls."""
    from pipelines.config import load_config
    from pipelines.run import run_curation
    import pyarrow.parquet as pq
    os.makedirs(workdir, exist_ok=True)
    path = os.path.join(workdir, "sentences.jsonl")
    with open(path, "w", encoding="utf-8") as handle:
        for number, (gold, text) in enumerate(rows):
            handle.write(json.dumps({"id": f"{gold}-{number}", "text": text}, ensure_ascii=False) + "\n")
    config = load_config(inputs=[f"lingua={path}"], output=os.path.join(workdir, "out"),
                         overrides=["normalize.min_chars=1", "quality.enabled=false", "url_filter.enabled=false",
                                    "unsafe_words.enabled=false", "exact_dedup.enabled=false",
                                    "near_dedup.enabled=false", "pii.enabled=false", "tokenize.enabled=false"])
    remove_output_cache(os.path.join(workdir, "out"))    # a cold run, not a replay
    start = time.perf_counter()
    run_curation(config, [], workers=1, out=io.StringIO())
    seconds = time.perf_counter() - start
    compared = disagreements = 0
    for shard in sorted(glob.glob(os.path.join(workdir, "out", "documents", "*.parquet"))):
        for row in pq.read_table(shard, columns=["text", "annotations"]).to_pylist():
            annotations = row["annotations"]        # a struct: lang and lang_score are fields
            direct_lang, direct_score = model.predict(row["text"])[0]
            compared += 1
            disagreements += (annotations["lang"] != direct_lang
                              or abs(annotations["lang_score"] - round(direct_score, 4)) > 1e-9)
    return {"documents_compared": compared, "disagreements": disagreements, "pipeline_seconds": seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threshold", type=float, default=0.0)
    parser.add_argument("--per-language", type=int, default=1000)
    args = parser.parse_args()
    rows = load_sentences(args.per_language)
    model = FastTextLID()
    known = model_languages(model)
    predictions = [model.predict(text)[0] for _, text in rows]
    result = {"threshold": args.threshold, **scores(rows, predictions, known, args.threshold)}
    result["pipeline"] = pipeline_agreement(rows, model, os.path.join(OUT, "langid_pipeline"))
    print(f"{result['sentences']} sentences, {result['languages']} languages the model knows "
          f"(not in lid.176: {', '.join(result['not_in_model'])})")
    print(f"accuracy {result['accuracy']:.4f}  macro-F1 {result['macro_f1']:.4f}  threshold {args.threshold}")
    worst = sorted(result["per_language_accuracy"].items(), key=lambda kv: kv[1])[:12]
    print("lowest per-language accuracy: " + ", ".join(f"{lang} {acc:.3f}" for lang, acc in worst))
    print("top confusions (gold -> predicted): " + ", ".join(
        f"{g}->{p} {c}" for g, p, c in result["top_confusions"][:10]))
    pipe = result["pipeline"]
    print(f"pipeline vs direct fastText: {pipe['disagreements']} disagreements in "
          f"{pipe['documents_compared']} documents")
    write_json(os.path.join(OUT, "langid_quality.json"), result)


if __name__ == "__main__":
    main()
