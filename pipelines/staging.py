"""Side files on their way to the workers: read on the launcher, staged, fetched by each worker.

A run's side files (URL and word lists, a language or NER model, benchmark
files, the tokenizer) are named by their stages (`side_files_of`). The
launcher reads every one through Beam's FileSystems, so local, gs:// and
s3:// locations all work, and the stages are built from those contents to
check them, before any output is touched. Once the run may start, each is
written, content-addressed by its sha256, to a staging folder that workers
reach through FileSystems too:

- under --temp_location when given (every distributed runner has one),
  kept there like Beam's own staged files;
- else under the output, in `_side_files/`, removed when the run ends:
  workers write the output, so they can read there.

Workers fetch a file by its staged URI and check its sha256. A launcher-local
path is never read on a worker, and no file travels inside the job graph
(Dataflow bounds a graph at 10 MB).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems
from apache_beam.options.pipeline_options import GoogleCloudOptions

from filters import language, unsafe_words, url_filter
from filters.pii import ner_model
from filters.side_files import SideFile, pack_tree, unpack_tree
from pipelines.atomic_files import write_atomically
from tokenmill.usage import UsageError, first_line

OWN_STAGING_DIR = "_side_files"
TEMP_STAGING_DIR = "tokenmill-side-files"


class SideFileError(UsageError):
    """A side file that is missing, unreadable or not what its option wants."""


@dataclass(frozen=True)
class StagedFile:
    option: str
    location: str       # as the config gives it: the key stages look contents up by
    folder: bool
    sha256: str
    uri: str            # where workers read it


def side_files_by_stage(config) -> dict:
    """Stage -> the side files it reads, for each enabled stage of a RunConfig."""
    found = {
        "url_filter": url_filter.side_files(config.url_filter),
        "language": language.side_files(config.language),
        "unsafe_words": unsafe_words.side_files(config.unsafe_words),
        "pii": ner_model.side_files(config.pii.ner_model) if config.pii.enabled else [],
        "decontaminate": [SideFile("decontaminate.benchmarks", spec.partition("=")[2])
                          for spec in config.decontaminate.benchmarks],
        "tokenize": [SideFile("tokenize.tokenizer", config.tokenize.tokenizer)] if config.tokenize.tokenizer else [],
    }
    return {stage: files for stage, files in found.items() if getattr(config, stage).enabled}


def side_files_of(config) -> list:
    return [side_file for files in side_files_by_stage(config).values() for side_file in files]


def read_side_files(side_files: list) -> dict:
    """location -> contents (bytes, or a tree for a folder), read through FileSystems."""
    contents = {}
    for side_file in side_files:
        if side_file.location not in contents:
            contents[side_file.location] = (_read_folder(side_file) if side_file.folder
                                            else _read_file(side_file))
    return contents


def _missing(side_file: SideFile) -> SideFileError:
    kind = "folder" if side_file.folder else "file"
    return SideFileError(f"{side_file.option}: {side_file.missing or f'{kind} {side_file.location} does not exist'}")


def _read_file(side_file: SideFile) -> bytes:
    try:
        exists = FileSystems.exists(side_file.location)
    except Exception as error:  # noqa: BLE001 - each filesystem raises its own types
        raise SideFileError(f"{side_file.option}: cannot read {side_file.location}: "
                            f"{first_line(error, 200)}") from None
    if not exists:
        raise _missing(side_file)
    return read_bytes(side_file.location, side_file.option)


def _read_folder(side_file: SideFile) -> dict:
    prefix = side_file.location.rstrip("/") + "/"
    try:
        found = FileSystems.match([prefix + "**"])[0].metadata_list
    except Exception:  # noqa: BLE001 - a folder that does not exist fails to list on some filesystems
        found = []
    if not found:
        raise _missing(side_file)
    tree = {}
    for metadata in found:
        relative = metadata.path[len(prefix):] if metadata.path.startswith(prefix) else metadata.path
        if relative and not relative.endswith("/") and side_file.wants(relative):
            tree[relative] = read_bytes(metadata.path, side_file.option)
    return tree


def read_bytes(path: str, option: str = "side file") -> bytes:
    try:
        with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
            return handle.read()
    except Exception as error:  # noqa: BLE001 - each filesystem raises its own types
        raise SideFileError(f"{option}: cannot read {path}: {first_line(error, 200)}") from None


class Staging:
    """Where each side file goes, known before anything is written (so the pipeline can be built first)."""

    def __init__(self, root: str, owned: bool, side_files: list, contents: dict):
        self.root, self.owned = root, owned
        self._payloads: dict = {}
        self.staged: dict = {}
        for side_file in side_files:
            content = contents[side_file.location]
            payload = pack_tree(content) if side_file.folder else content
            digest = hashlib.sha256(payload).hexdigest()
            uri = FileSystems.join(root, digest + (".tar" if side_file.folder else ""))
            self._payloads[uri] = payload
            self.staged[side_file.location] = StagedFile(side_file.option, side_file.location, side_file.folder,
                                                         digest, uri)

    @classmethod
    def for_run(cls, options, output: str, side_files: list, contents: dict) -> "Staging":
        temp = options.view_as(GoogleCloudOptions).temp_location
        if temp:
            return cls(FileSystems.join(temp, TEMP_STAGING_DIR), False, side_files, contents)
        return cls(FileSystems.join(output, OWN_STAGING_DIR), True, side_files, contents)

    def select(self, side_files: list) -> dict:
        """location -> StagedFile for the given side files: what one stage needs on its workers."""
        return {side_file.location: self.staged[side_file.location] for side_file in side_files}

    def payload(self, staged: StagedFile) -> bytes:
        """On the launcher, before anything is written: the bytes a worker will read at `staged.uri`."""
        return self._payloads[staged.uri]

    def write(self) -> None:
        for uri, payload in self._payloads.items():
            if not FileSystems.exists(uri):        # content-addressed: an earlier copy is the same bytes
                write_atomically(uri, lambda handle, data=payload: handle.write(data))

    def remove(self) -> None:
        if self.owned and self._payloads and FileSystems.exists(self.root):
            FileSystems.delete([self.root])


def fetch(staged: StagedFile):
    """On a worker: the contents of a staged side file, as the launcher read them."""
    data = read_bytes(staged.uri, staged.option)
    if hashlib.sha256(data).hexdigest() != staged.sha256:
        raise RuntimeError(f"{staged.option}: the staged copy {staged.uri} of {staged.location} has changed")
    return unpack_tree(data) if staged.folder else data


def fetch_all(staged: dict) -> dict:
    return {location: fetch(one) for location, one in staged.items()}
