"""Per-source accounting computed from the data itself: read = kept + dropped + errors.

Counted from PCollections, not from metrics, because PCollection contents are
exactly-once on every runner while metrics may be approximate or missing. Each
worker counts what its bundle holds and sends one dict of counts per bundle, so
only a few small dicts cross to the step that adds them up, not one key per record.
"""
from __future__ import annotations

import apache_beam as beam
from apache_beam.transforms.window import GlobalWindows

COUNTS_FILE = "counts.json"


def _keys_kept(batch):
    return [(doc.source, "kept") for doc in batch]


def _keys_rejected(row):
    return [(row.source, "dropped"), (row.source, f"drop.{row.stage}.{row.reason}")]


def _keys_error(error):
    return [(error.source, "errors"), (error.source, f"error.{error.stage}.{error.error_type}")]


class _CountKeys(beam.DoFn):
    """Elements -> one dict {(source, key): count} per bundle, of the keys `keys_of` gives each element."""

    def __init__(self, keys_of):
        self._keys_of = keys_of
        self._counts = {}

    def start_bundle(self):
        self._counts = {}

    def process(self, element):
        counts = self._counts
        for key in self._keys_of(element):
            counts[key] = counts.get(key, 0) + 1
        return ()

    def finish_bundle(self):
        if self._counts:
            yield GlobalWindows.windowed_value(self._counts)


class _CountReads(_CountKeys):
    """(source, records read from one input file) -> the same dicts: one element per file, not per record."""

    def __init__(self):
        super().__init__(None)

    def process(self, read):
        source, count = read
        if count:           # as no record of it would have been counted
            self._counts[(source, "read")] = self._counts.get((source, "read"), 0) + count
        return ()


def _added(counts: list) -> dict:
    total: dict = {}
    for part in counts:
        for key, count in part.items():
            total[key] = total.get(key, 0) + count
    return total


def _to_report(counts: list, every_source=()) -> dict:
    """`counts`: dicts {(source, key): count}, added up; `every_source`: the sources of the inputs; each is
    reported, even one that read nothing."""
    sources: dict = {}
    for source in sorted(every_source):
        sources[source] = _empty_entry()
    for (source, key), count in sorted(_added(counts).items()):
        entry = sources.setdefault(source, _empty_entry())
        if key.startswith("drop."):
            entry["drops"][key[5:]] = count
        elif key.startswith("error."):
            entry["error_types"][key[6:]] = count
        else:
            entry[key] = count
    return {"sources": sources}


def _report_of_parts(_, sources: list, *parts) -> dict:
    return _to_report([counts for part in parts for counts in part], sources)


def _empty_entry() -> dict:
    return {"read": 0, "kept": 0, "dropped": 0, "errors": 0, "drops": {}, "error_types": {}}


def parts(name: str, pcolls: list) -> dict:
    """The dict entries CountOutcomes takes for `name` given as several PCollections."""
    return {f"{name}.{index}": pcoll for index, pcoll in enumerate(pcolls)}


class CountOutcomes(beam.PTransform):
    """Takes a dict of PCollections: read ((source, records read) per input file), kept (lists of kept documents),
    rejected, errors. Kept, rejected and errors may each be given as several PCollections (the outputs of
    several steps, under keys NAME.0, NAME.1, ...: `parts`), counted one by one where they are made: a
    flatten of them, read again only to be counted, would cost the runner a pass over every row. `read` is
    given whole; a key of another name is an error.

    Returns the per-source report (one element), with an entry for each of `sources`.
    """

    def __init__(self, sources=()):
        super().__init__()
        self._sources = sorted(set(sources))

    def expand(self, pcolls):
        counters = {"read": _CountReads(), "kept": _CountKeys(_keys_kept), "rejected": _CountKeys(_keys_rejected),
                    "errors": _CountKeys(_keys_error)}
        counted = [pcoll | f"Count{key.capitalize()}" >> beam.ParDo(counters[key.split(".")[0]])
                   for key, pcoll in sorted(pcolls.items())]
        # The few dicts reach one step as side inputs: a global combine would cost three fused stages,
        # and a flatten of side inputs one more.
        return (pcolls["read"].pipeline | "Once" >> beam.Impulse()
                | "Report" >> beam.Map(_report_of_parts, self._sources, *map(beam.pvalue.AsList, counted)))


def accounting_problems(report: dict) -> list:
    """One line per source whose numbers do not add up."""
    problems = []
    for source, entry in sorted(report["sources"].items()):
        accounted = entry["kept"] + entry["dropped"] + entry["errors"]
        if entry["read"] != accounted:
            problems.append(f"source {source}: read {entry['read']} != kept {entry['kept']} + dropped "
                            f"{entry['dropped']} + errors {entry['errors']} = {accounted}")
    return problems
