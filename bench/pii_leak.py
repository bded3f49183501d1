"""Leak check: PII planted into real documents with Faker, counted after the pipeline ran.

    python bench/pii_leak.py [--documents 400]

Each of --documents real Common Crawl texts (dolma) gets one planted value of
each kind (e-mail, phone number, card number, IBAN, IPv4) from a Faker
locale chosen in turn (en_US, de_DE, fr_FR, es_ES, it_IT, nl_NL, pl_PL,
pt_BR, en_GB, sv_SE), inside an ordinary sentence. The pipeline runs with
only normalisation and PII on. Each planted sentence ends with a tag naming
its document, so its remains are found in the output: a value *leaks* when it is
still there verbatim, and is *partly redacted* when a placeholder took some of
it and left digits or letters of it in the text. Target: no e-mail, card or
IBAN leaks, and no partial redaction of any kind. Writes bench/out/pii_leak.json.
"""
from __future__ import annotations

import argparse
import collections
import glob
import gzip
import io
import json
import os
import re
import sys

import pyarrow.parquet as pq
from faker import Faker

sys.path.insert(0, os.path.dirname(__file__))

from measure import print_table, write_json  # noqa: E402

from pipelines.config import load_config  # noqa: E402
from pipelines.run import run_curation  # noqa: E402

DOLMA = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data", "web", "dolma",
                     "CC-MAIN-20190717121559-20190717143559-00140.jsonl.gz")
OUT = os.path.join(os.path.dirname(__file__), "out", "pii_leak")
LOCALES = ["en_US", "de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "pl_PL", "pt_BR", "en_GB", "sv_SE"]
ONLY_PII = ["url_filter.enabled=false", "language.enabled=false", "quality.enabled=false",
            "unsafe_words.enabled=false", "exact_dedup.enabled=false", "near_dedup.enabled=false",
            "normalize.min_chars=1", "tokenize.enabled=false", "decontaminate.enabled=false"]
KINDS = {
    "email": lambda fake: fake.email(),
    "phone": lambda fake: fake.phone_number(),
    "card": lambda fake: fake.credit_card_number(),
    "iban": lambda fake: fake.iban(),
    "ip": lambda fake: fake.ipv4_public(),
}
SENTENCES = {"email": "Write to {} for details.", "phone": "You can call {} on weekdays.",
             "card": "The order was paid with card {} yesterday.", "iban": "Please transfer the fee to {} this week.",
             "ip": "The server at {} was restarted."}


def build(documents: int) -> tuple:
    with gzip.open(DOLMA, "rt", encoding="utf-8") as handle:
        texts = [json.loads(line)["text"] for line in handle][:documents]
    fakers = [Faker(locale) for locale in LOCALES]
    for number, fake in enumerate(fakers):
        fake.seed_instance(number)
    rows, planted = [], []
    for number, text in enumerate(texts):
        fake = fakers[number % len(fakers)]
        paragraphs = text.split("\n\n")
        for kind, make in KINDS.items():
            value = make(fake)
            planted.append((kind, value, LOCALES[number % len(fakers)], _tagged(kind, value, number)))
            paragraphs.insert(len(paragraphs) // 2, _tagged(kind, value, number))
        rows.append({"id": f"leak-{number}", "text": "\n\n".join(paragraphs)})
    return rows, planted


def _tagged(kind: str, value: str, number: int) -> str:
    return SENTENCES[kind].format(value) + f" [leak {number}]"


def outcome(output: str, kind: str, value: str, sentence: str) -> str:
    """What became of a planted value: leaked, partly redacted, redacted, or gone (its document was dropped)."""
    before, after = sentence.split(value, 1)
    found = re.search(re.escape(before) + "(.*?)" + re.escape(after), output)
    if found is None:
        return "gone"
    remains = found.group(1)
    if remains == value:
        return "leaked"
    return "redacted" if re.fullmatch(r"(?:<[A-Z_]+>|[\s.,;:()+\-/])+", remains) else "partly redacted"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=400)
    args = parser.parse_args()
    rows, planted = build(args.documents)
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, "planted.jsonl")
    with open(path, "w", encoding="utf-8") as handle:
        handle.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    config = load_config(inputs=[path], output=os.path.join(OUT, "out"), overrides=ONLY_PII)
    run_curation(config, [], workers=1, out=io.StringIO())
    output = "\n".join(row["text"] for shard in glob.glob(os.path.join(OUT, "out", "documents", "*.parquet"))
                       for row in pq.read_table(shard, columns=["text"]).to_pylist())
    outcomes = collections.defaultdict(collections.Counter)
    examples = collections.defaultdict(list)
    for kind, value, locale, sentence in planted:
        result = outcome(output, kind, value, sentence)
        outcomes[kind][result] += 1
        if result in ("leaked", "partly redacted"):
            examples[kind].append(f"{locale}: {value} ({result})")
    rows_out = [{"kind": kind, "planted": sum(outcomes[kind].values()), "leaked": outcomes[kind]["leaked"],
                 "partly redacted": outcomes[kind]["partly redacted"], "gone": outcomes[kind]["gone"],
                 "examples": "; ".join(examples[kind][:3])} for kind in KINDS]
    print_table(rows_out, ["kind", "planted", "leaked", "partly redacted", "gone", "examples"])
    write_json(os.path.join(os.path.dirname(OUT), "pii_leak.json"),
               {"documents": len(rows), "rows": rows_out, "leaked_examples": dict(examples)})


if __name__ == "__main__":
    main()
