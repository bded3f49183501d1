"""Decontamination in Beam: the benchmark index is built in the pipeline and used as a side input.

The index never travels inside the pickled pipeline (Dataflow limits a job
graph's size); workers receive it like any side input. Benchmark files are
also parsed once when the run starts, so a missing or malformed file, or one
that gives nothing to match, stops the run with one line instead of failing
a worker or silently checking nothing.
"""
from __future__ import annotations

from functools import partial

import apache_beam as beam
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems

from filters.benchmark_fields import select_leaves
from filters.decontam import (BenchmarkFormatError, BenchmarkIndex, DecontamConfig, Decontaminator, coverage,
                              item_keys, iter_items, parse_spec, read_rows)
from pipelines.stage import ApplyStage


class BenchmarkError(ValueError):
    """A benchmark file that is missing, cannot be parsed or gives nothing to match: reported as one line."""


def _read_items(path: str, fields: list) -> list:
    with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
        return list(iter_items(handle, path, fields))


def fields_of(config: DecontamConfig, name: str) -> list:
    chosen = config.fields.get(name, [])
    return [chosen] if isinstance(chosen, str) else list(chosen)


def check_benchmarks(config: DecontamConfig) -> list:
    """(name, path, coverage) for each benchmark; raises BenchmarkError on the first bad one."""
    names = [parse_spec(spec)[0] for spec in config.benchmarks if "=" in spec]
    unknown = sorted(set(config.fields) - set(names))
    if unknown:
        raise BenchmarkError(f"decontaminate.fields names {unknown[0]!r}, which is not in decontaminate.benchmarks")
    if config.min_words < 1 or config.ngram < 1:
        raise BenchmarkError("decontaminate.ngram and decontaminate.min_words must be at least 1")
    checked = []
    for spec in config.benchmarks:
        try:
            name, path = parse_spec(spec)
            if names.count(name) > 1:
                raise BenchmarkError(f"benchmark name {name} is given twice")
            if not FileSystems.exists(path):
                raise BenchmarkError(f"benchmark file {path} does not exist")
            counted = coverage([item_keys(texts, config) for _, texts in _read_items(path, fields_of(config, name))])
            if not counted["ngrams"] and not counted["whole_texts"]:
                raise BenchmarkError(_nothing_to_match(path, counted["items"], config, fields_of(config, name)))
            checked.append((name, path, counted))
        except (BenchmarkFormatError, UnicodeDecodeError, OSError, ValueError) as error:
            raise BenchmarkError(f"benchmark {spec}: {error}") from None
    return checked


def _nothing_to_match(path: str, items: int, config: DecontamConfig, fields: list) -> str:
    """Why a benchmark adds nothing to the index, naming the field paths that found nothing."""
    with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
        rows = read_rows(handle, path)
    missing = [field for field in fields if not any(select_leaves(row, field) for row in rows)]
    where = f"; decontaminate.fields {', '.join(missing)} found in no item" if missing else ""
    shortest = min(config.ngram, config.min_words)
    return (f"nothing to match: none of its {items} items has a text of {shortest} words or more"
            f"{where}")


def _benchmark_keys(spec: tuple, config: DecontamConfig):
    number, name, path = spec
    for item, texts in _read_items(path, fields_of(config, name)):
        yield number, item, item_keys(texts, config)


def _coverage_by_benchmark(entries: list, names: list) -> dict:
    return {name: coverage([keys for number, _, keys in entries if number == index])
            for index, name in enumerate(names)}


class BuildBenchmarkIndex(beam.PTransform):
    """pipeline -> {"index": the BenchmarkIndex, "coverage": {benchmark: how its items are checked}},
    each a single element."""

    def __init__(self, config: DecontamConfig):
        super().__init__()
        self._config = config
        self._specs = [(number, *parse_spec(spec)) for number, spec in enumerate(config.benchmarks)]

    def expand(self, pipeline):
        names = [name for _, name, _ in self._specs]
        entries = (pipeline
                   | "Benchmarks" >> beam.Create(self._specs)
                   | "BenchmarkItems" >> beam.FlatMap(_benchmark_keys, self._config)
                   | "AllItems" >> beam.combiners.ToList())
        return {"index": entries | "Index" >> beam.Map(BenchmarkIndex.build, names, self._config),
                "coverage": entries | "Coverage" >> beam.Map(_coverage_by_benchmark, names)}


class Decontaminate(beam.PTransform):
    """Batches of documents -> DoOutputsTuple(kept batches, rejected, errors), dropping or cutting
    contaminated text. `index`: the "index" of BuildBenchmarkIndex."""

    def __init__(self, config: DecontamConfig, index):
        super().__init__()
        self._config, self._index = config, index

    def expand(self, docs):
        return docs | "decontaminate" >> ApplyStage("decontaminate", partial(Decontaminator, self._config),
                                                    side_input=beam.pvalue.AsSingleton(self._index))
