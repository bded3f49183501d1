"""Per-source accounting computed from the data itself: read = kept + dropped + errors.

Counted from PCollections, not from metrics, because PCollection contents are
exactly-once on every runner while metrics may be approximate or missing.
"""
from __future__ import annotations

import apache_beam as beam

COUNTS_FILE = "counts.json"


def _keys_read(item):
    return [(item.source, "read")]


def _keys_kept(doc):
    return [(doc.source, "kept")]


def _keys_rejected(row):
    return [(row.source, "dropped"), (row.source, f"drop.{row.stage}.{row.reason}")]


def _keys_error(error):
    return [(error.source, "errors"), (error.source, f"error.{error.stage}.{error.error_type}")]


def _to_report(pairs, every_source=()) -> dict:
    """`every_source`: the sources of the inputs; each is reported, even one that read nothing."""
    sources: dict = {}
    for source in sorted(every_source):
        sources[source] = _empty_entry()
    for (source, key), count in sorted(pairs):
        entry = sources.setdefault(source, _empty_entry())
        if key.startswith("drop."):
            entry["drops"][key[5:]] = count
        elif key.startswith("error."):
            entry["error_types"][key[6:]] = count
        else:
            entry[key] = count
    return {"sources": sources}


def _empty_entry() -> dict:
    return {"read": 0, "kept": 0, "dropped": 0, "errors": 0, "drops": {}, "error_types": {}}


class CountOutcomes(beam.PTransform):
    """Takes a dict of PCollections: read (items and read errors), kept, rejected, errors.

    Returns the per-source report (one element), with an entry for each of `sources`.
    """

    def __init__(self, sources=()):
        super().__init__()
        self._sources = sorted(set(sources))

    def expand(self, pcolls):
        keyed = [
            pcolls["read"] | "KeyRead" >> beam.FlatMap(_keys_read),
            pcolls["kept"] | "KeyKept" >> beam.FlatMap(_keys_kept),
            pcolls["rejected"] | "KeyRejected" >> beam.FlatMap(_keys_rejected),
            pcolls["errors"] | "KeyErrors" >> beam.FlatMap(_keys_error),
        ]
        report = (keyed
                  | "AllOutcomes" >> beam.Flatten()
                  | "One" >> beam.Map(lambda key: (key, 1))
                  | "Sum" >> beam.CombinePerKey(sum)
                  | "Gather" >> beam.combiners.ToList()
                  | "Report" >> beam.Map(_to_report, self._sources))
        return report


def accounting_problems(report: dict) -> list:
    """One line per source whose numbers do not add up."""
    problems = []
    for source, entry in sorted(report["sources"].items()):
        accounted = entry["kept"] + entry["dropped"] + entry["errors"]
        if entry["read"] != accounted:
            problems.append(f"source {source}: read {entry['read']} != kept {entry['kept']} + dropped "
                            f"{entry['dropped']} + errors {entry['errors']} = {accounted}")
    return problems
