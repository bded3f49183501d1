"""Decontamination in Beam: the benchmark index is built in the pipeline and used as a side input.

The index never travels inside the pickled pipeline (Dataflow limits a job
graph's size); workers receive it like any side input. Benchmark files are
also parsed once on the launcher, from the contents it read, so a malformed
file, or one that gives nothing to match, stops the run with one line instead
of failing a worker or silently checking nothing. The workers that build the
index read the staged copies (pipelines/staging.py), never the launcher's path.
"""
from __future__ import annotations

import io
from functools import partial

import apache_beam as beam

from filters.decontam import (TOO_SHORT, BenchmarkFormatError, BenchmarkIndex, DecontamConfig, Decontaminator,
                              coverage, item_keys, iter_items, parse_spec)
from pipelines.stage import ApplyStage
from pipelines.stage_time import StageTime
from pipelines.staging import fetch
from tokenmill.usage import UsageError

STAGE = "decontaminate"
COVERAGE = "coverage"


class BenchmarkError(UsageError):
    """A benchmark file that cannot be parsed or gives nothing to match: reported as one line."""


def _read_items(data: bytes, path: str, fields: list) -> list:
    return list(iter_items(io.BytesIO(data), path, fields))


def fields_of(config: DecontamConfig, name: str) -> list:
    """The field paths of a benchmark as given (a path or a list of them); parse_path checks each."""
    chosen = config.fields.get(name, [])
    return list(chosen) if isinstance(chosen, list) else [chosen]


def check_benchmarks(config: DecontamConfig, contents: dict) -> None:
    """Raises BenchmarkError on the first bad benchmark, from the files' contents (path -> bytes, read by
    the launcher): every line must parse, and some item must give the index something to match. Names,
    fields and counts were checked with the config (DecontamConfig.problems). Nothing is read when
    decontamination is off. The keys are hashed only up to the first item that has some: the workers
    hash them all for the index and count the coverage there, and hashing every item here too cost the
    launcher 0.4-0.8 s of every run."""
    if not config.enabled:
        return
    for spec in config.benchmarks:
        try:
            name, path = parse_spec(spec)
            items = _read_items(contents[path], path, fields_of(config, name))
            if not any(item_keys(texts, config).kind != TOO_SHORT for _, texts in items):
                raise BenchmarkError(_nothing_to_match(len(items), config))
        except (BenchmarkFormatError, UnicodeDecodeError, OSError, ValueError) as error:
            raise BenchmarkError(f"benchmark {spec}: {error}") from None


def _nothing_to_match(items: int, config: DecontamConfig) -> str:
    """Why a benchmark adds nothing to the index (a field path that found nothing failed earlier)."""
    shortest = min(config.ngram, config.min_words)
    return f"nothing to match: none of its {items} items has a text of {shortest} words or more"


def _benchmark_keys(spec: tuple, config: DecontamConfig):
    number, name, staged = spec
    for item, texts in _read_items(fetch(staged), staged.location, fields_of(config, name)):
        yield number, item, item_keys(texts, config)


def _coverage_by_benchmark(entries: list, names: list) -> dict:
    return {name: coverage([keys for number, _, keys in entries if number == index])
            for index, name in enumerate(names)}


def _index_and_coverage(_, specs: list, config: DecontamConfig):
    """The index of every benchmark's items, and (tagged COVERAGE) how each benchmark is checked. Building
    them is the decontaminate stage's time in the report, as building its engine is the PII stage's."""
    index, checked = StageTime(STAGE).call(_built_index, specs, config)
    yield index
    yield beam.pvalue.TaggedOutput(COVERAGE, checked)


def _built_index(specs: list, config: DecontamConfig) -> tuple:
    names = [name for _, name, _ in specs]
    entries = [entry for spec in specs for entry in _benchmark_keys(spec, config)]
    return BenchmarkIndex.build(entries, names, config), _coverage_by_benchmark(entries, names)


class BuildBenchmarkIndex(beam.PTransform):
    """pipeline -> {"index": the BenchmarkIndex, "coverage": {benchmark: how its items are checked}},
    each a single element.

    One step on one worker reads every benchmark and builds both: the index is one value, made in
    one place whatever reads the files, and benchmark files are small beside the corpus. Spreading
    the reading over workers cost eight fused stages for nothing."""

    def __init__(self, config: DecontamConfig, staged: dict):
        """`staged`: benchmark path -> its StagedFile."""
        super().__init__()
        self._config = config
        self._specs = [(number, name, staged[path])
                       for number, (name, path) in enumerate(map(parse_spec, config.benchmarks))]

    def expand(self, pipeline):
        built = (pipeline | "Once" >> beam.Impulse()
                 | "Build" >> beam.FlatMap(_index_and_coverage, self._specs, self._config)
                 .with_outputs(COVERAGE, main="index"))
        return {"index": built.index, "coverage": built[COVERAGE]}


class Decontaminate(beam.PTransform):
    """Batches of documents -> DoOutputsTuple(kept batches, rejected, errors), dropping or cutting
    contaminated text. `index`: the "index" of BuildBenchmarkIndex."""

    def __init__(self, config: DecontamConfig, index):
        super().__init__()
        self._config, self._index = config, index

    def expand(self, docs):
        return docs | STAGE >> ApplyStage(STAGE, partial(Decontaminator, self._config),
                                                    side_input=beam.pvalue.AsSingleton(self._index))
