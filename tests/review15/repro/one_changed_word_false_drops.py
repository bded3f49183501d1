import os
"""Items = 8-12 word windows/sentences from one real corpus; pages = another real corpus. Any drop is false.
Compare changed_word True vs False."""
import gzip, json, random, re, io, zstandard, sys
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", ".."))
from corpus.document import Document, Drop
from filters.decontam import BenchmarkIndex, DecontamConfig, Decontaminator, item_keys
S = "/work/shared/data"
dolma = [json.loads(l)["text"] for l in gzip.open(f"{S}/web/dolma/CC-MAIN-20190717121559-20190717143559-00140.jsonl.gz", "rt")]
sents = [l.split("\t")[-1].strip() for l in open(f"{S}/langid/lingua_testdata/en/sentences.txt")]
rng = random.Random(1)
def run(items, pages, label):
    out = {}
    for cw in (False, True):
        c = DecontamConfig(changed_word=cw)
        idx = BenchmarkIndex.build([(0, i, item_keys([t], c)) for i, t in enumerate(items)], ["b"], c)
        d = Decontaminator(c, idx)
        drops = [(p, r.detail) for p, page in enumerate(pages) if isinstance(r := d(Document("d", page, "s")), Drop)]
        out[cw] = drops
    print(label, "items", len(items), "pages", len(pages), "dropped exact", len(out[False]), "tolerant", len(out[True]))
    return out
# 1. lingua sentences of 8-12 words as items; dolma pages
items = [s for s in sents if 8 <= len(s.split()) <= 12]
o = run(items, dolma, "lingua 8-12w sentences vs dolma:")
# 2. 8-word windows of dolma pages (first half) vs second half
half = len(dolma)//2
wins = []
for page in dolma[:half]:
    w = page.split()
    for _ in range(20):
        if len(w) > 8:
            s = rng.randrange(len(w)-8); wins.append(" ".join(w[s:s+8]))
o2 = run(wins, dolma[half:], "dolma 8-word windows (A) vs dolma pages (B):")
for cw in (True,):
    for p, det in o2[cw][:0]: pass
import collections
ex = set(p for p,_ in o2[False]); 
for p, det in o2[True]:
    if p in ex: continue
    item = int(det.split(",")[0].split(":")[1]); print("  TOL-ONLY:", repr(wins[item]))
