"""Side files reach workers through Beam, never as launcher paths (issue 14).

Every side file of a run (a UT1 folder, a word-list folder, a fastText model,
a benchmark file, a spaCy model directory and the tokenizer) lives on a
filesystem scheme that only this process has registered. The run goes to the
PortableRunner with an EXTERNAL worker pool started in other processes, which
do not know the scheme (checked first). It must still use every file, and
write the same bytes as an in-process run.
"""
import io
import json
import os
import shutil

import apache_beam as beam
import pytest
from apache_beam.io.filesystem import FileMetadata, FileSystem
from apache_beam.io.localfilesystem import LocalFileSystem

from filters.language import default_model_path
from pipelines.config import load_config
from pipelines.run import run_curation
from tests.beam_services import portable_services
from tests.filters.test_decontam import FILLER, QUESTION
from tests.fixtures import write_jsonl
from tests.outputs import counts, file_bytes, table_rows

spacy = pytest.importorskip("spacy", reason="spaCy is not installed (pip install spacy)")

SCHEME = "launcher-only"


class LauncherOnlyFileSystem(FileSystem):
    """launcher-only://PATH is ROOT/PATH on local disk, but only in the process that imported this module."""

    root = ""

    @classmethod
    def scheme(cls):
        return SCHEME

    def _local(self, path: str) -> str:
        return os.path.join(self.root, path[len(SCHEME) + 3:])

    def _remote(self, local: str) -> str:
        return f"{SCHEME}://" + os.path.relpath(local, self.root).replace(os.sep, "/")

    def join(self, base, *paths):
        return "/".join([base.rstrip("/"), *[path.strip("/") for path in paths]])

    def split(self, path):
        head, _, tail = path.rpartition("/")
        return head, tail

    def has_dirs(self):
        return False

    def mkdirs(self, path):
        os.makedirs(self._local(path), exist_ok=True)

    def _list(self, dir_or_prefix):
        prefix = self._local(dir_or_prefix)
        for folder, _, names in os.walk(self.root):
            for name in names:
                local = os.path.join(folder, name)
                if local.startswith(prefix):
                    yield FileMetadata(self._remote(local), os.path.getsize(local), os.path.getmtime(local))

    def create(self, path, mime_type="application/octet-stream", compression_type="auto"):
        return LocalFileSystem(None).create(self._local(path), mime_type, compression_type)

    def open(self, path, mime_type="application/octet-stream", compression_type="auto"):
        return LocalFileSystem(None).open(self._local(path), mime_type, compression_type)

    def copy(self, source_file_names, destination_file_names):
        for source, destination in zip(source_file_names, destination_file_names):
            shutil.copyfile(self._local(source), self._local(destination))

    def rename(self, source_file_names, destination_file_names):
        for source, destination in zip(source_file_names, destination_file_names):
            os.replace(self._local(source), self._local(destination))

    def exists(self, path):
        return os.path.exists(self._local(path))

    def size(self, path):
        return os.path.getsize(self._local(path))

    def last_updated(self, path):
        return os.path.getmtime(self._local(path))

    def metadata(self, path):
        return FileMetadata(path, self.size(path), self.last_updated(path))

    def delete(self, paths):
        for path in paths:
            os.remove(self._local(path))


def _side_files(root, tokenizer_model) -> None:
    (root / "ut1" / "gambling").mkdir(parents=True)
    (root / "ut1" / "gambling" / "domains").write_text("casino.example\n")
    (root / "words").mkdir()
    (root / "words" / "en").write_text("darn\nheck\nfudge\n")
    shutil.copyfile(default_model_path(), root / "lid.ftz")
    (root / "bench.jsonl").write_text(json.dumps({"question": QUESTION}) + "\n")
    shutil.copyfile(tokenizer_model, root / "tokenizer.model")
    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns([{"label": "PERSON", "pattern": [{"LOWER": "ada"},
                                                                               {"LOWER": "lovelace"}]}])
    nlp.to_disk(root / "ner")


SIDE = f"{SCHEME}://side"
OVERRIDES = [
    "quality.enabled=false", "exact_dedup.enabled=false", "near_dedup.enabled=false",
    f"url_filter.lists=['{SIDE}/ut1']", "url_filter.categories=[gambling]",
    f"unsafe_words.lists={SIDE}/words", "unsafe_words.min_hits=3",
    f"language.model_path={SIDE}/lid.ftz", "language.keep=[en]",
    f"decontaminate.benchmarks=['sheep={SIDE}/bench.jsonl']", "decontaminate.fields={sheep: [question]}",
    f"pii.ner_model={SIDE}/ner",
    f"tokenize.tokenizer={SIDE}/tokenizer.model", "tokenize.seq_len=64", "tokenize.shard_tokens=2000",
    "plans.budgets=[tiny=20K]",
]


def _corpus(path):
    return write_jsonl(path, [
        {"id": "clean", "url": "https://harbour.example/a", "text": FILLER},
        {"id": "casino", "url": "https://www.casino.example/x", "text": FILLER + " Cards and chips."},
        {"id": "swear", "url": "https://harbour.example/b", "text": FILLER + " Darn, heck and fudge!"},
        {"id": "german", "url": "https://harbour.example/c",
         "text": "Der Hafen war an diesem Morgen ruhig, und die Boote schaukelten langsam an der alten Mauer. " * 3},
        {"id": "bench", "url": "https://harbour.example/d", "text": FILLER + QUESTION},
        {"id": "person", "url": "https://harbour.example/e", "text": FILLER + " Ada Lovelace wrote to the harbour."},
    ])


def _workers_cannot_see_the_scheme(portable_args, path) -> str:
    with pytest.raises(Exception) as failure:
        with beam.Pipeline(argv=portable_args) as pipeline:
            _ = pipeline | beam.Create([path]) | beam.Map(lambda p: beam.io.filesystems.FileSystems.exists(p))
    return str(failure.value)


def test_every_side_file_reaches_workers_that_cannot_read_the_launchers_filesystem(tokenized_output, tmp_path):
    LauncherOnlyFileSystem.root = str(tmp_path / "launcher_only")
    _side_files(tmp_path / "launcher_only" / "side", tokenized_output / "tokenizer" / "tokenizer.model")
    corpus = str(_corpus(tmp_path / "corpus.jsonl"))
    config = load_config(inputs=[corpus], output=str(tmp_path / "portable"), overrides=OVERRIDES)
    with portable_services() as portable_args:
        assert "Unable to get filesystem" in _workers_cannot_see_the_scheme(portable_args, f"{SIDE}/lid.ftz")
        temp = ["--temp_location", str(tmp_path / "beam_temp")]
        assert run_curation(config, portable_args + temp, out=io.StringIO()) == 0
    out = tmp_path / "portable"
    drops = counts(out)["sources"]["web"]["drops"]
    assert drops == {"url_filter.url_blocklisted:gambling": 1, "unsafe_words.unsafe_words": 1,
                     "language.language_not_kept": 1, "decontaminate.contaminated:sheep": 1}
    assert [row["text"].endswith("<PERSON> wrote to the harbour.") for row in table_rows(out, "documents")
            if row["id"].endswith("person") or "Ada" in row["text"] or "<PERSON>" in row["text"]] == [True]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["tokenizer"]["sha256"] == manifest["tokenizer_sha256"]
    assert (out / "tokenizer" / "tokenizer.model").read_bytes() == \
        (tokenized_output / "tokenizer" / "tokenizer.model").read_bytes()
    assert any((tmp_path / "beam_temp").rglob("*.tar"))          # staged under --temp_location, kept there

    in_process = load_config(inputs=[corpus], output=str(tmp_path / "in_process"), overrides=OVERRIDES)
    assert run_curation(in_process, [], workers=1, out=io.StringIO()) == 0
    assert not (tmp_path / "in_process" / "_side_files").exists()   # staged under the output, then removed
    assert file_bytes(tmp_path / "in_process") == file_bytes(out)
