import sys, csv, collections, os, glob
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", ".."))
from corpus.document import Document, Drop
from filters.unsafe_words import UnsafeWordsConfig, UnsafeWordsFilter
L = "/work/shared/data/unsafe/ldnoobw"
tweets = [(r["tweet"], r["class"]) for r in csv.DictReader(open("/work/shared/data/unsafe/davidson_hate_offensive/labeled_data.csv", encoding="utf-8"))]
clean = [t for t, c in tweets if c == "2"]
rules = {"old min_hits=3": dict(min_hits=3, max_hit_ratio=0.0, inflections=False),
         "new default": dict()}
S1 = "/work/shared/data/langid/lingua_testdata"
for name, kw in rules.items():
    f = UnsafeWordsFilter(UnsafeWordsConfig(lists=L, **kw))
    fp = [t for t in clean if isinstance(f(Document("t", t, "d", annotations={"lang": "en"})), Drop)]
    print(f"{name}: davidson 'neither' tweets dropped {len(fp)}/{len(clean)} = {len(fp)/len(clean):.3f}")
    tot = drop = 0; ex = collections.Counter()
    for lang in ["en","fr","es","pt","it","nl","de"]:
        sents = open(f"{S1}/{lang}/sentences.txt", encoding="utf-8").read().splitlines()
        for s in sents:
            r = f(Document("t", s, "d", annotations={"lang": lang})); tot += 1
            if isinstance(r, Drop): drop += 1; ex[(lang, r.detail)] += 1
    print(f"   lingua real web sentences (7 langs): dropped {drop}/{tot}", ex.most_common(25))
f = UnsafeWordsFilter(UnsafeWordsConfig(lists=L))
for lang in ["es","pt","it","nl","de"]:
    for s in open(f"{S1}/{lang}/sentences.txt", encoding="utf-8").read().splitlines():
        r = f(Document("t", s, "d", annotations={"lang": lang}))
        if isinstance(r, Drop): print(lang, r.detail, "|", s[:150])
import random
fp = [t for t in clean if isinstance(f(Document("t", t, "d", annotations={"lang": "en"})), Drop)]
random.Random(0).shuffle(fp)
for t in fp[:12]: print("TWEET:", t[:140].replace("\n"," "))
