"""Decontamination in Beam: the benchmark n-gram index is built in the pipeline and used as a side input.

The index never travels inside the pickled pipeline (Dataflow limits a job
graph's size); workers receive it like any side input. Benchmark files are
also parsed once when the run starts, so a missing or malformed file stops
the run with one line instead of failing a worker.
"""
from __future__ import annotations

from functools import partial

import apache_beam as beam
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems

from filters.decontam import (BenchmarkFormatError, DecontamConfig, Decontaminator, NgramIndex, word_ngrams,
                              iter_items, parse_spec)
from pipelines.stage import ApplyStage


class BenchmarkError(ValueError):
    """A benchmark file that is missing or cannot be parsed: reported as one line."""


def _read_items(path: str, fields: list) -> list:
    with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
        return list(iter_items(handle, path, fields))


def check_benchmarks(config: DecontamConfig) -> list:
    """(name, path, item count) for each benchmark; raises BenchmarkError on the first bad one."""
    checked = []
    for spec in config.benchmarks:
        try:
            name, path = parse_spec(spec)
            if not FileSystems.exists(path):
                raise BenchmarkError(f"benchmark file {path} does not exist")
            checked.append((name, path, len(_read_items(path, config.fields.get(name, [])))))
        except (BenchmarkFormatError, UnicodeDecodeError, OSError, ValueError) as error:
            raise BenchmarkError(f"benchmark {spec}: {error}") from None
    return checked


def _benchmark_ngrams(spec: tuple, config: DecontamConfig):
    number, name, path = spec
    for item, text in _read_items(path, config.fields.get(name, [])):
        hashes = word_ngrams(text, config.ngram)
        if len(hashes):
            yield number, item, hashes


class Decontaminate(beam.PTransform):
    """Batches of documents -> DoOutputsTuple(kept batches, rejected, errors), dropping or cutting
    contaminated text."""

    def __init__(self, config: DecontamConfig):
        super().__init__()
        self._config = config
        self._specs = [(number, *parse_spec(spec)) for number, spec in enumerate(config.benchmarks)]

    def expand(self, docs):
        names = [name for _, name, _ in self._specs]
        index = (docs.pipeline
                 | "Benchmarks" >> beam.Create(self._specs)
                 | "BenchmarkNgrams" >> beam.FlatMap(_benchmark_ngrams, self._config)
                 | "AllNgrams" >> beam.combiners.ToList()
                 | "Index" >> beam.Map(lambda entries: NgramIndex.build(sorted(entries, key=lambda e: e[:2]),
                                                                        names)))
        return docs | "decontaminate" >> ApplyStage("decontaminate", partial(Decontaminator, self._config),
                                                    side_input=beam.pvalue.AsSingleton(index))
