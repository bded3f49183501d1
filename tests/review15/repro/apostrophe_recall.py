import os
import sys, json
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", ".."))
from corpus.document import Document, Drop
from filters.decontam import BenchmarkIndex, DecontamConfig, Decontaminator, item_keys
rows = [json.loads(l) for l in open("/work/shared/data/decontam/gsm8k/test.jsonl")]
c = DecontamConfig()
idx = BenchmarkIndex.build([(0, i, item_keys([r["question"]], c)) for i, r in enumerate(rows)], ["g"], c)
d = Decontaminator(c, idx)
FILL = "The harbour was quiet that morning and the boats rocked slowly against the old stone wall. " * 3
with_apos = [r["question"] for r in rows if "'" in r["question"]]
def recall(tx): return sum(isinstance(d(Document("x", FILL + tx(q) + " " + FILL, "s")), Drop) for q in with_apos) / len(with_apos)
print("questions with ASCII apostrophe:", len(with_apos))
print("verbatim:", recall(lambda q: q))
print("smart quotes ’ (WordPress wptexturize):", recall(lambda q: q.replace("'", "\u2019")))
print("smart quotes + one word in 20 changed:", recall(lambda q: " ".join(w if i % 20 != 10 else "edited" for i, w in enumerate(q.replace("'", "\u2019").split()))))
print("non-breaking spaces after commas (&nbsp;):", recall(lambda q: q.replace(", ", ",\u00a0")))
print("$ amounts as '$ 5' vs '$5':", recall(lambda q: q.replace("$", "$ ")))
