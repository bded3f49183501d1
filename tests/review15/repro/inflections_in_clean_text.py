import sys, collections, os, glob
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", ".."))
from filters.inflections import inflected_forms, RULES
from filters.word_lists import read_entries
from filters.unsafe_words import _EDGE_PUNCTUATION
L = "/work/shared/data/unsafe/ldnoobw"
S1 = "/work/shared/data/langid/lingua_testdata"; S2="/work/shared/data/langid/laser_tatoeba/data/tatoeba/v1"
iso3 = {"en":"eng","fr":"fra","es":"spa","pt":"por","it":"ita","nl":"nld","de":"deu","eo":"epo"}
def sentences(lang):
    out = []
    p = os.path.join(S1, lang, "sentences.txt")
    if os.path.exists(p): out += open(p, encoding="utf-8").read().splitlines()
    for p in glob.glob(f"{S2}/tatoeba.{iso3.get(lang,'xxx')}-eng.{iso3.get(lang,'xxx')}"):
        out += open(p, encoding="utf-8").read().splitlines()
    return out
def newforms(lang):
    entries = set(read_entries(os.path.join(L, lang)))
    return entries, {f: e for e in entries for f in inflected_forms(e, lang) if f not in entries and " " not in f}
allsent = {l: sentences(l) for l in RULES}
for lang in RULES:
    entries, new = newforms(lang)
    for target in ([lang] if lang != "en" else list(RULES)):
        cnt = collections.Counter()
        for line in allsent[target]:
            for tok in line.lower().split():
                t = tok.strip(_EDGE_PUNCTUATION)
                if t in new and t not in entries: cnt[t] += 1
        if cnt: print(f"{lang}-list forms in {target} text ({len(allsent[target])} sents):", [(f"{w}<-{new[w]}", c) for w, c in cnt.most_common(10)])
