"""Reuse of a per-document stage's results after the thresholds (unsafe words, PII), document by document.

The documents that reach these stages depend on every threshold before them, so their results cannot be
kept per input file. But a document that reaches one unchanged gets the same result, so each result is
kept under the hash of the stage's key (its options, the contents of its side files, the code and library
versions) and of what the stage reads of the document (pipelines/memo_forms.py: for PII the whole
document as it entered, dedup's cluster annotations among them; for unsafe words its text and language):
a document kept in both runs is looked up, any other is computed.

Results live under OUT/cache/stages/STAGE-KEY/, one file per bundle, named by the run that wrote it. A
run writes every result it used, looked up or computed, so its own output can be reused in turn; at
its successful end it removes the files of earlier runs there (`remove_earlier_results`). The earlier
results reach the workers through FileSystems, as a side input (a dict of hash -> result). Errors are
not kept: a stage that failed on a document tries again.

A result file ends with a trailer naming the stage's key and its count of results, written last; a file
is used only when its whole frame decodes, its checksum passes, its trailer is there and every result in
it parses (`results_in`): any damage skips the whole file, and its documents are computed again. A
document hash that two files give different results for is not used either (`agreed_results`).
"""
from __future__ import annotations

import functools
import hashlib
import json
import logging
import uuid
from typing import List

import apache_beam as beam
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics import Metrics

from corpus.cache_codec import CacheCodecError, compressed_lines, decode_line, decode_text
from corpus.document import Document, ErrorRecord, Rejected
from pipelines.memo_forms import DIGEST_LENGTH, parses_as
from pipelines.reuse import CACHE_DIR, ENTRY_SUFFIX, EntryWriter
from pipelines.reuse_keys import by_content, code_digest, library_versions
from pipelines.stage import COUNTER_NAMESPACE, ERRORS, REJECTED, _StageFn
from pipelines.stage_time import CACHE, StageTime

STAGES_DIR = "stages"
# presidio-analyzer matches its patterns with the `regex` module, whose Unicode tables change by release.
STAGE_LIBRARIES = {"pii": ("presidio-analyzer", "regex", "phonenumbers", "spacy", "python-stdnum")}


def stage_key(config, name: str, side_file_hashes: dict) -> str:
    """`side_file_hashes`: {location as the config gives it: sha256} of the stage's side files."""
    options = by_content(config.to_dict()[name], side_file_hashes)
    libraries = {**library_versions(), **library_versions(STAGE_LIBRARIES.get(name, ()))}
    if name == "pii" and config.pii.ner_model and not side_file_hashes:      # an installed spaCy package
        libraries.update(library_versions([config.pii.ner_model]))
    described = {"stage": name, "options": options, "side_files": sorted(side_file_hashes.values()), "code": code_digest(),
                 "libraries": libraries}
    return hashlib.sha256(json.dumps(described, sort_keys=True).encode()).hexdigest()


def results_dir(output: str, stage: str, key: str) -> str:
    return FileSystems.join(output, CACHE_DIR, STAGES_DIR, f"{stage}-{key[:32]}")


def result_places(output: str, reuse: list, stage: str, key: str) -> tuple:
    """(this run's own results directory, every directory to look in: the own first, then `reuse`'s)."""
    own = results_dir(output, stage, key)
    return own, [own] + [results_dir(earlier, stage, key) for earlier in reuse]


def _result_files(place: str) -> list:
    if not FileSystems.exists(place):
        return []
    pattern = FileSystems.join(place, f"*{ENTRY_SUFFIX}")
    return sorted(meta.path for match in FileSystems.match([pattern]) for meta in match.metadata_list)


class ReusedStage(beam.PTransform):
    """ApplyStage's transform, with earlier results looked up: batches in; kept batches, rejected, errors out.

    `output`: this run's output (its own files are those of an earlier run into it, a resumed one);
    `reuse`: earlier outputs; `run_id`: names this run's result files."""

    def __init__(self, stage: str, factory, key: str, output: str, reuse: list, run_id: str, form):
        """`form`: how its results are named and stored (pipelines/memo_forms.py)."""
        super().__init__(label=stage)
        self._stage, self._factory, self._key, self._form = stage, factory, key, form
        self._own, self._places = result_places(output, reuse, stage, key)
        self._run_id = run_id

    def expand(self, batches):
        earlier = earlier_results(batches.pipeline, self._stage, self._places, self._key,
                                  functools.partial(parses_as, self._form))
        fn = _ReusingStageFn(self._stage, self._factory, self._key, self._own, self._run_id, self._form)
        # Typed as ApplyStage's outputs are, so that Beam sizes them with pipelines/coders.py instead of pickling.
        return batches | beam.ParDo(fn, beam.pvalue.AsSingleton(earlier)).with_output_types(
            List[Document], **{REJECTED: Rejected, ERRORS: ErrorRecord}).with_outputs(REJECTED, ERRORS, main="kept")


def earlier_results(pipeline, stage: str, places: list, key: str, parses):
    """One element: a dict (document hash -> result as text) of every whole result file under `places` with
    the stage's `key`, the side input's contents. `parses(result)` is True for a result the stage can use.
    Read when the pipeline runs, by a worker (a dry run touches no output), into one dict: an element per
    result would cost Beam a dispatch, a shuffle and a coding each. The side input is complete before the
    stage starts, so this run's own new files are not among them."""
    return (pipeline
            | f"{stage}_ResultPlaces" >> beam.Create([tuple(places)])
            | f"{stage}_EarlierResults" >> beam.Map(_timed_agreed_results, key, parses))


def _timed_agreed_results(places, key: str, parses) -> dict:
    """agreed_results, its time the report's `cache`."""
    return StageTime(CACHE).call(agreed_results, places, key, parses)


def agreed_results(places, key: str, parses) -> dict:
    """Each document hash's result when every file holding it gives the same; a conflict means one of them
    is wrong, and which one cannot be told, so the hash is left out and its document computed again (and
    the choice does not depend on the order in which files or directories are read)."""
    agreed, conflicts = {}, set()
    for place in places:
        for path in _result_files(place):
            for digest, result in results_in(path, key, parses):
                if agreed.setdefault(digest, result) != result:
                    conflicts.add(digest)
    for digest in conflicts:
        del agreed[digest]
    return agreed


class ResultLog:
    """The results a bundle used, looked up or computed, written as one file of `place` when it ends
    (each run writes all it used, so its own output can be reused in turn)."""

    def __init__(self, place: str, run_id: str, key: str):
        self._place, self._run_id, self._key, self._lines = place, run_id, key, []

    def keep(self, digest: str, result: str) -> None:
        self._lines.append(f"{digest}\t{result}\n".encode("utf-8", "surrogatepass"))

    def write(self) -> None:
        if self._lines:
            name = f"{self._run_id}-{uuid.uuid4().hex}{ENTRY_SUFFIX}"
            writer = EntryWriter(FileSystems.join(self._place, name))
            for line in self._lines:
                writer.add_line(line)
            writer.finish({"key": self._key, "results": len(self._lines)})
            self._lines = []


def results_in(path: str, key: str, parses) -> list:
    """(document hash, its result as text) for each line of a whole result file of the stage `key`; none
    when the file is damaged in any way (cut off, failing its checksum, without its trailer, another key's,
    a line that does not parse): its documents are then computed again, as if it had been deleted."""
    try:
        with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
            *lines, last = compressed_lines(handle)
        pairs = [tuple(line.decode("utf-8", "surrogatepass").split("\t")) for line in lines]
        if decode_line(last) != {"end": {"key": key, "results": len(pairs)}}:
            raise CacheCodecError("no trailer of this stage's key and count")
        for pair in pairs:
            if len(pair) != 2 or len(pair[0]) != DIGEST_LENGTH or not _is_hex(pair[0]) or not parses(pair[1]):
                raise CacheCodecError(f"a line that does not parse: {pair[0][:40]!r}")
        return pairs
    except Exception as error:  # noqa: BLE001 - any damage (or a filesystem's own error) means: compute again
        logging.getLogger(__name__).warning("not reused: %s (%s)", path, error)
        Metrics.counter(COUNTER_NAMESPACE, "cache.damaged_files").inc()
        return []


def _is_hex(text: str) -> bool:
    return all(character in "0123456789abcdef" for character in text)


class _ReusingStageFn(_StageFn):
    """The stage's own DoFn (counters, rejected rows, errors), with each document's result looked up
    first; the stage itself is built only when some document is not found."""

    def __init__(self, stage: str, factory, key: str, place: str, run_id: str, form):
        super().__init__(stage, factory)
        self._key, self._place, self._run_id, self._form = key.encode(), place, run_id, form
        self._reused = Metrics.counter(COUNTER_NAMESPACE, f"cache.{stage}.reused")
        self._computed = Metrics.counter(COUNTER_NAMESPACE, f"cache.{stage}.computed")

    def setup(self):
        self._fn, self._built, self._earlier = self._reuse_or_run, None, {}
        self._log = ResultLog(self._place, self._run_id, self._key.decode())

    def process(self, batch, earlier):
        self._earlier = earlier
        yield from super().process(batch)

    def finish_bundle(self):
        super().finish_bundle()
        self._log.write()

    def _reuse_or_run(self, doc):
        if not self._form.usable(doc):
            self._computed.inc()
            return self._stage_fn()(doc)
        try:
            digest = self._form.digest(self._key, doc)
        except CacheCodecError:
            return self._stage_fn()(doc)
        found = self._earlier.get(digest)
        if found is not None:
            self._reused.inc()
            self._log.keep(digest, found)
            return self._form.apply(doc, decode_text(found))
        self._computed.inc()
        result, stored = self._form.run(self._stage_fn(), doc)
        if stored is not None:
            self._log.keep(digest, stored)
        return result

    def _stage_fn(self):
        if self._built is None:
            self._built = self._factory()
        return self._built


def remove_earlier_results(output: str, run_id: str) -> None:
    """After a successful run: the result files of earlier runs into `output` (each run writes all it used)."""
    root = FileSystems.join(output, CACHE_DIR, STAGES_DIR)
    if not FileSystems.exists(root):
        return
    pattern = FileSystems.join(root, "*", f"*{ENTRY_SUFFIX}")
    stale = [meta.path for match in FileSystems.match([pattern]) for meta in match.metadata_list
             if not meta.path.rsplit("/", 1)[-1].startswith(run_id)]
    if stale:
        FileSystems.delete(stale)
