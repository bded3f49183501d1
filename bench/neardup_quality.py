"""Precision and recall of near-duplicate decisions on real documents with controlled edits.

    python bench/neardup_quality.py [--pairs 250]

Built from the Common Crawl documents of ../shared/data/web (dolma's JSONL,
those with at least 150 words). For each of --pairs originals a copy is made
with a random mix of word insertions, deletions and substitutions and
prepended or appended boilerplate, at a strength drawn so that true Jaccard
similarities (of tokenmill's 5-word shingles) spread from about 0.4 to 1.
The other documents stay as unrelated distractors. A pair counts as found when
both end in one cluster; the truth at threshold t is "true Jaccard >= t".
Clusters come from the same functions the Beam stage runs (signatures, band
keys, union-find; tests show Beam gives the same clusters). Reported for the
default setting and each preset. Writes bench/out/neardup_quality.json.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(__file__))

from measure import print_table, write_json  # noqa: E402

from corpus.normalize import normalize_text  # noqa: E402
from filters.dedup.components import union_find_labels  # noqa: E402
from filters.dedup.lsh import PRESETS, band_keys  # noqa: E402
from filters.dedup.minhash import Permutations, signature  # noqa: E402
from filters.dedup.shingles import jaccard, shingle_hashes  # noqa: E402

DOLMA = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data", "web", "dolma",
                     "CC-MAIN-20190717121559-20190717143559-00140.jsonl.gz")
BOILERPLATE = ("Home About Contact Privacy Terms Subscribe to our newsletter Follow us on social media "
               "Copyright all rights reserved Cookie settings Accept Read more Share this page").split()


def edit(rng: random.Random, words: list, strength: float) -> list:
    words = list(words)
    for _ in range(int(len(words) * strength)):
        operation, where = rng.random(), rng.randrange(len(words))
        if operation < 0.33:
            words.insert(where, rng.choice(words))
        elif operation < 0.66 and len(words) > 10:
            del words[where]
        else:
            words[where] = rng.choice(BOILERPLATE).lower()
    if rng.random() < 0.5:
        words = rng.sample(BOILERPLATE, 8) + words
    if rng.random() < 0.5:
        words = words + rng.sample(BOILERPLATE, 8)
    return words


def build(pairs: int, seed: int = 0) -> tuple:
    with gzip.open(DOLMA, "rt", encoding="utf-8") as handle:
        texts = [normalize_text(json.loads(line)["text"]) for line in handle]
    texts = [text for text in texts if len(text.split()) >= 150]
    rng = random.Random(seed)
    rng.shuffle(texts)
    originals = texts[:pairs]
    copies = [" ".join(edit(rng, text.split(), rng.uniform(0.0, 0.12))) for text in originals]
    documents = originals + copies + texts[pairs:]
    pair_ids = [(i, pairs + i) for i in range(pairs)]
    return documents, pair_ids


def clusters(shingles: list, params) -> dict:
    permutations = Permutations.create(params.num_perm, seed=1)
    buckets: dict = {}
    for number, doc_shingles in enumerate(shingles):
        if len(doc_shingles):
            for key in band_keys(signature(doc_shingles, permutations), params):
                buckets.setdefault(key, []).append(number)
    edges = [(member, min(members)) for members in buckets.values() for member in members if member != min(members)]
    return union_find_labels(edges)


def score(labels: dict, truths: list, pair_ids: list, threshold: float, joined: list) -> dict:
    """`joined`: true Jaccard of the other pairs the clustering put together (dolma itself
    holds near-duplicate pages of one site: those at or above the threshold are right)."""
    tp = sum(1 for value in joined if value >= threshold)
    fp = len(joined) - tp
    fn = 0
    for (a, b), true_jaccard in zip(pair_ids, truths):
        found = labels.get(a, a) == labels.get(b, b)
        positive = true_jaccard >= threshold
        tp += found and positive
        fp += found and not positive
        fn += positive and not found
    precision, recall = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
    return {"precision": precision, "recall": recall,
            "f1": 2 * precision * recall / max(precision + recall, 1e-9), "positives": tp + fn}



def other_pairs_joined(labels: dict, pair_ids: list, shingles: list) -> list:
    """True Jaccard of every clustered pair that is not an original and its copy."""
    partner = {a: b for a, b in pair_ids} | {b: a for a, b in pair_ids}
    groups: dict = {}
    for node, label in labels.items():
        groups.setdefault(label, []).append(node)
    return [jaccard(shingles[first], shingles[second]) for members in groups.values()
            for i, first in enumerate(members) for second in members[i + 1:] if partner.get(first) != second]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=250)
    args = parser.parse_args()
    documents, pair_ids = build(args.pairs)
    shingles = [shingle_hashes(text) for text in documents]
    truths = [jaccard(shingles[a], shingles[b]) for a, b in pair_ids]
    rows = []
    for name in ("fineweb", "j0.7", "j0.8", "j0.9"):
        params = PRESETS[name]
        labels = clusters(shingles, params)
        joined = other_pairs_joined(labels, pair_ids, shingles)
        for threshold in (0.7, 0.8, 0.9):
            rows.append({"setting": f"{name} ({params.bands}x{params.rows})", "jaccard": threshold,
                         **score(labels, truths, pair_ids, threshold, joined), "other_pairs_joined": len(joined)})
    print(f"{len(documents)} documents: {len(pair_ids)} original/copy pairs (true Jaccard "
          f"{min(truths):.2f}-{max(truths):.2f}, median {sorted(truths)[len(truths) // 2]:.2f}), "
          f"{len(documents) - 2 * len(pair_ids)} unrelated documents")
    print_table(rows, ["setting", "jaccard", "precision", "recall", "f1", "positives", "other_pairs_joined"])
    write_json(os.path.join(os.path.dirname(__file__), "out", "neardup_quality.json"),
               {"documents": len(documents), "pairs": len(pair_ids), "rows": rows})


if __name__ == "__main__":
    main()
