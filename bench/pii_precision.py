"""PII precision on real web text: the redactions of the PII stage, judged one by one by a person.

    python bench/pii_precision.py                  # precision per entity on the judged sample
    python bench/pii_precision.py --dump FILE      # every redaction on the real text
    python bench/pii_precision.py --sample FILE    # the sample to judge (SAMPLE_SIZE, at most 3 per document)

The real text is every document of ../shared/data/web that comes from Common
Crawl, HPLT or dolma: dolma's Common Crawl and CCNet JSONL files, HPLT's two
samples (their extracted text), and the HTML responses of the Common Crawl,
ClueWeb and Wayback WARC/ARC files (extracted and normalised as the pipeline
does). Each document gets the pipeline's language (fastText lid.176), then the
PII stage's detector runs on it.

The judged sample is tests/filters/pii_judged_sample.jsonl: one line per
redaction with a pointer to its document, the span, 48 characters of context on
each side, the entity and the verdict of the person who read it ("pii": the span
is what the entity says; "not_pii": it is not), and the round it was judged in.
Round 1 is the sample drawn with `--sample`; its false positives led to rules,
and round 2 is a fresh sample of redactions drawn after them. Precision counts
the sample's redactions that the detector still makes: a judged span no longer
found is not counted (it is listed), and a span found now but never judged is
counted as unjudged. The false positives of each round as judged are reported
too. Writes bench/out/pii_precision.json.
"""
from __future__ import annotations

import argparse
import collections
import glob
import gzip
import io
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))

from measure import print_table, write_json  # noqa: E402

SHARED = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data")
FIXTURE = os.path.join(os.path.dirname(__file__), "..", "tests", "filters", "pii_judged_sample.jsonl")
JSONL = ["web/dolma/CC-MAIN-20190717121559-20190717143559-00140.jsonl.gz",
         "web/dolma/multiple_files__cc_en_head-0091.jsonl.gz", "web/dolma/multiple_files__cc_en_head-0174.jsonl.gz",
         "web/dolma/provided__documents__000.json.gz"]
HPLT = ["web/hplt_sample100/CC.zst", "web/hplt_sample100/wide.zst"]
ARCHIVES = ["web/dolma/warc__sample-000*.warc.gz", "web/resiliparse_warc/*.warc.gz", "web/copycat_cc_arc/*.warc.gz",
            "web/copycat_cc_arc/*.arc", "web/cc_format_samples/whirlwind__whirlwind.warc.gz"]
CONTEXT = 60
SAMPLE_SIZE = 420
PER_DOCUMENT = 3


def real_documents():
    """(pointer, normalised text) of every real web document; the pointer names the file and the record."""
    from corpus.normalize import normalize_text
    for name in JSONL:
        with gzip.open(os.path.join(SHARED, name), "rt", encoding="utf-8") as handle:
            for number, line in enumerate(handle):
                yield f"{name}#{number}", normalize_text(json.loads(line)["text"])
    import zstandard
    for name in HPLT:
        with open(os.path.join(SHARED, name), "rb") as raw:
            lines = io.TextIOWrapper(zstandard.ZstdDecompressor().stream_reader(raw), encoding="utf-8",
                                     errors="replace")
            for number, line in enumerate(lines):
                yield f"{name}#{number}", normalize_text(json.loads(line).get("t") or "")
    yield from _archive_documents(normalize_text)


def _archive_documents(normalize_text):
    from corpus.document import Document, RawPage
    from corpus.html_extract import ExtractConfig, HtmlExtractor
    from corpus.warc_reader import read_archive
    extract = HtmlExtractor(ExtractConfig())
    for pattern in ARCHIVES:
        for path in sorted(glob.glob(os.path.join(SHARED, pattern))):
            name = os.path.relpath(path, SHARED)
            with open(path, "rb") as handle:
                for number, item in enumerate(read_archive(handle, path, "bench", 64 << 20)):
                    if isinstance(item, RawPage):
                        item = extract(item)
                    if isinstance(item, Document):
                        yield f"{name}#{number}", normalize_text(item.text)


def redactions(detector, language) -> list:
    """Every span the PII stage redacts in the real text, with its context."""
    found = []
    for pointer, text in real_documents():
        if not text:
            continue
        lang = language.predict(text)[0][0]
        for span in detector.spans(text, lang):
            found.append({"source": pointer, "lang": lang, "start": span.start, "end": span.end,
                          "entity": span.entity, "text": text[span.start:span.end],
                          "before": text[max(0, span.start - CONTEXT):span.start],
                          "after": text[span.end:span.end + CONTEXT]})
    return found


def sample(found: list, size: int = SAMPLE_SIZE, per_document: int = PER_DOCUMENT) -> list:
    """A deterministic sample: redactions in the order of a hash of where they are, at most `per_document`
    from one document, so that a page repeating one number does not fill the sample."""
    import hashlib
    order = sorted(found, key=lambda item: hashlib.sha256(f"{item['source']}:{item['start']}".encode()).hexdigest())
    taken, per_source = [], collections.Counter()
    for item in order:
        if per_source[item["source"]] < per_document and len(taken) < size:
            per_source[item["source"]] += 1
            taken.append(item)
    return sorted(taken, key=lambda item: (item["source"], item["start"]))


def judged_precision(found: list, judged: list) -> dict:
    key = lambda item: (item["source"], item["start"], item["end"], item["entity"])  # noqa: E731
    verdicts = {key(item): item["verdict"] for item in judged}
    counts = collections.defaultdict(collections.Counter)
    for item in found:
        counts[item["entity"]][verdicts.get(key(item), "unjudged")] += 1
    now = {key(item) for item in found}
    no_longer_found = [item for item in judged if key(item) not in now]
    rows = []
    for entity in sorted(counts, key=lambda e: -sum(counts[e].values())):
        c = counts[entity]
        judged_here = c["pii"] + c["not_pii"]
        rows.append({"entity": entity, "redactions": sum(c.values()), "judged": judged_here, "pii": c["pii"],
                     "not_pii": c["not_pii"], "unjudged": c["unjudged"],
                     "false_positive_rate": c["not_pii"] / judged_here if judged_here else 0.0})
    total = collections.Counter()
    for c in counts.values():
        total.update(c)
    judged_total = total["pii"] + total["not_pii"]
    rounds = collections.defaultdict(collections.Counter)
    for item in judged:
        rounds[item.get("round", 1)][item["verdict"]] += 1
    return {"rows": rows, "judged": judged_total, "not_pii": total["not_pii"], "unjudged": total["unjudged"],
            "as_judged_by_round": {str(r): dict(c) for r, c in sorted(rounds.items())},
            "false_positive_rate": total["not_pii"] / max(judged_total, 1),
            "judged_no_longer_found": [{k: item[k] for k in ("source", "entity", "text", "verdict")}
                                       for item in no_longer_found]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dump", help="write every redaction (JSONL) instead of scoring the judged sample")
    parser.add_argument("--sample", help="write the sample to judge (JSONL) instead of scoring the judged sample")
    args = parser.parse_args()
    from filters.language import FastTextLID
    from filters.pii.pii_filter import PiiConfig, PiiDetector
    found = redactions(PiiDetector(PiiConfig()), FastTextLID())
    if args.dump or args.sample:
        chosen = found if args.dump else sample(found)
        with open(args.dump or args.sample, "w", encoding="utf-8") as handle:
            handle.writelines(json.dumps(item, ensure_ascii=False) + "\n" for item in chosen)
        print(f"{len(chosen)} of {len(found)} redactions written to {args.dump or args.sample}")
        return
    with open(FIXTURE, encoding="utf-8") as handle:
        judged = [json.loads(line) for line in handle]
    result = judged_precision(found, judged)
    print_table([dict(row, false_positives=f"{row['false_positive_rate']:.1%}") for row in result["rows"]],
                ["entity", "redactions", "judged", "pii", "not_pii", "unjudged", "false_positives"])
    print(f"overall: {result['not_pii']} false of {result['judged']} judged redactions "
          f"({result['false_positive_rate']:.1%}); {result['unjudged']} redactions not in the sample; "
          f"{len(result['judged_no_longer_found'])} judged redactions no longer made")
    for round_, counts in result["as_judged_by_round"].items():
        judged_here = counts.get("pii", 0) + counts.get("not_pii", 0)
        print(f"round {round_} as judged: {counts.get('not_pii', 0)} false of {judged_here} "
              f"({counts.get('not_pii', 0) / judged_here:.1%})")
    write_json(os.path.join(os.path.dirname(__file__), "out", "pii_precision.json"), result)


if __name__ == "__main__":
    main()
