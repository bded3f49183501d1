"""Small, varied documents for tokenization tests: prose, digits, whitespace runs, rare scripts."""
from __future__ import annotations

import random

WORDS = ("river mountain farmer harvest bread oven yeast window station engine letter garden "
         "winter summer market bridge lantern harbour signal copper forest valley meadow").split()
ODDITIES = ["  two spaces", "\ttab", "digits 12345 and 3.14159", "emoji 🙂🚀", "CJK 漢字かな",
            "Ελληνικά", "ｆｕｌｌ ｗｉｄｔｈ", "e\u0301 combining", "trailing space ", "\n\nblank lines"]


def varied_documents(count: int, seed: int = 7) -> list:
    """`count` distinct texts; lengths from one character to a few thousand tokens."""
    rng = random.Random(seed)
    texts = ["x"]
    while len(texts) < count:
        words = [rng.choice(WORDS) for _ in range(rng.choice([5, 40, 200, 1500]))]
        for _ in range(rng.randint(0, 3)):
            words.insert(rng.randrange(len(words) + 1), rng.choice(ODDITIES))
        texts.append(f"Document {len(texts)}. " + " ".join(words) + ".")
    return texts
