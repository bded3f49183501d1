"""Every usage mistake of issue 14, as a new user makes them, run against a complete previous output.

Each mistake must end with exit status 2 and one line on stderr, and leave
the previous output byte-identical. `tests/test_usage_mistakes.py` runs them
in-process; `bench/usage_mistakes.py` runs each as the real command and
writes the table of what each printed (bench/out/usage_mistakes.json).
"""
from __future__ import annotations

import gzip
import hashlib
import importlib.util
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

# The classifier extra installs only on Python 3.11+: without it, enabling the stage is the first mistake.
CLASSIFIER = importlib.util.find_spec("profanity_check") is not None
DATAFLOW = ("--runner", "DataflowRunner", "--project", "tokenmill-test", "--region", "us-central1",
            "--temp_location", "gs://tokenmill-test-bucket/tmp")


@dataclass(frozen=True)
class Mistake:
    name: str              # what the user did, as the closing note lists it
    args: tuple            # after `run --input CORPUS --output DIR`; {side} is a folder of side files
    expect: str            # a piece of the one line on stderr (of stdout, for status 0)
    status: int = 2


def s(*items: str) -> tuple:
    return tuple(arg for item in items for arg in ("--set", item))


def setting(item: str, expect: str) -> Mistake:
    """A mistake that is one `--set` item, named by itself."""
    return Mistake(item, s(item), expect)


def missing(option: str, kind: str, name: str, value: str = "{path}") -> Mistake:
    """A side file that does not exist: `value` is how the option names {path}."""
    path = "{side}/" + name
    return Mistake(f"missing {option}", s(f"{option}={value.replace('{path}', path)}"),
                   f"{option}: {kind} {path} does not exist")


MISTAKES = [
    # What was found, 1: these deleted the previous output and ended in a traceback.
    Mistake("near_dedup.components typo", s("near_dedup.components=unionfind"),
            "near_dedup.components must be one of auto, star, union_find; got 'unionfind'"),
    Mistake("pii.mode typo", s("pii.mode=bogus"), "pii.mode must be one of redact, drop"),
    Mistake("extract.extractor typo", s("extract.extractor=bogus"), "extract.extractor must be one of"),
    Mistake("near_dedup.preset typo", s("near_dedup.preset=bogus"), "near_dedup.preset must be one of fineweb"),
    setting("near_dedup.max_rounds=1", "near_dedup.max_rounds must be at least 2"),
    setting("write.shard_mb=0", "write.shard_mb must be at least 1, got 0"),
    setting("read.text_field=[1]", "'read.text_field' must be a list of strings"),
    Mistake("--workers -1", ("--workers", "-1"), "--workers must be at least 1, got -1"),
    Mistake("a YAML error in --set", s("normalize.min_chars=[1"), "normalize.min_chars=[1: not a YAML value"),
    missing("url_filter.lists", "folder", "no-such-ut1", "['{path}']"),
    missing("unsafe_words.lists", "folder", "no-such-lists"),
    missing("language.model_path", "file", "no-such.bin"),
    # 2: a dry run is dry; Beam's own validation comes first.
    Mistake("Dataflow --dry_run=True", (*DATAFLOW, "--dry_run=True"), "was not touched", status=0),
    Mistake("invalid Dataflow project id", ("--runner", "DataflowRunner", "--project", "Bad_Project!",
                                            "--region", "us-central1", "--temp_location",
                                            "gs://tokenmill-test-bucket/tmp"), "Invalid Project ID (Bad_Project!)"),
    Mistake("Dataflow without --temp_location", ("--runner", "DataflowRunner", "--project", "tokenmill-test",
                                                 "--region", "us-central1"), "DataflowRunner needs --temp_location"),
    # 3: range checks.
    setting("write.document_shards=-3", "write.document_shards must be at least 0"),
    setting("normalize.max_chars=-5", "normalize.max_chars must be at least 50"),
    setting("read.max_record_bytes=-1", "read.max_record_bytes must be at least 1"),
    Mistake("--workers 0", ("--workers", "0"), "--workers must be at least 1, got 0"),
    # 4: a run that would keep nothing.
    setting("language.keep=[english]", "language.keep: 'english' is not a label of the language model"),
    Mistake("min_score_by_language key eng", s("language.min_score_by_language={eng: 0.5}"),
            "'eng' is not a label of the language model (176 labels; did you mean en?)"),
    Mistake("quality.c4.languages label", s("quality.c4.languages=[english]"),
            "quality.c4.languages: 'english' is not a label of the language model"),
    Mistake("gopher stop_word_languages label", s("quality.gopher_quality.stop_word_languages=[EN]"),
            "quality.gopher_quality.stop_word_languages: 'EN' is not a label of the language model"),
    Mistake("unsafe_classifier.languages label", s("unsafe_classifier.enabled=true",
                                                   "unsafe_classifier.languages=[eng]"),
            "unsafe_classifier.languages: 'eng' is not a label of the language model" if CLASSIFIER
            else "unsafe_classifier.enabled=True needs the profanity_check package"),
    # 7: an unwritable output fails before the run.
    Mistake("unwritable --output", ("--output", "{dir}/manifest.json/out"), "cannot write to --output"),
    # Done when: a typo in any enum option.
    Mistake("extract.fallback typo", s("extract.fallback=whole-page"),
            "extract.fallback must be one of whole_page, trafilatura, none; got 'whole-page'"),
    Mistake("tokenize.tail typo", s("tokenize.tail=pda"), "tokenize.tail must be one of drop, pad"),
    Mistake("tokenize.token_dtype typo", s("tokenize.token_dtype=uint8"), "tokenize.token_dtype must be auto"),
    Mistake("decontaminate.mode typo", s("decontaminate.mode=cutt"), "decontaminate.mode must be one of drop, cut"),
    Mistake("--format typo", ("--format", "warcc"), "read.format must be one of auto, warc"),
    Mistake("pii.entities typo", s("pii.entities=[EMAIL]"), "pii.entities: 'EMAIL' is not an entity the analyzer"),
    Mistake("pii.english_entities typo", s("pii.english_entities=[US_SSNN]"),
            "pii.english_entities: 'US_SSNN' is not an entity the analyzer"),
    Mistake("plans.budgets typo", s("plans.budgets=[2T, 8X]"), "budget size '8X' is not a number"),
    Mistake("--log-level typo", ("--log-level", "LOUD"), "argument --log-level: invalid choice: 'LOUD'"),
    Mistake("--runner typo", ("--runner", "DataflowRuner"), "DataflowRuner"),
    Mistake("a misspelt option", s("normalize.min_char=3"), "unknown option 'normalize.min_char'"),
    Mistake("a misspelt Beam flag", ("--temp_locaton", "gs://x/tmp"), "unknown option --temp_locaton"),
    # A bad YAML value.
    Mistake("a config file that is not YAML", ("--config", "{side}/bad.yaml"), "is not valid YAML"),
    Mistake("a wrong type", s("near_dedup.verify_jaccard=high"), "'near_dedup.verify_jaccard' must be a number"),
    Mistake("a list where a number goes", s("normalize.min_chars=[1, 2]"), "'normalize.min_chars' must be"),
    Mistake("a missing --config file", ("--config", "{side}/no-such.yaml"), "cannot read config {side}/no-such.yaml"),
    Mistake("a config file that is not a mapping", ("--config", "{side}/list.yaml"), "must be a mapping of options"),
    # A missing or unreadable side file.
    Mistake("missing tokenizer", ("--tokenizer", "{side}/no-such.model"),
            "tokenize.tokenizer: file {side}/no-such.model does not exist"),
    Mistake("a tokenizer that is not a model", ("--tokenizer", "{side}/garbage.bin"), "is not a SentencePiece model"),
    missing("decontaminate.benchmarks", "file", "no-such.jsonl", "[gsm8k={path}]"),
    Mistake("a benchmark that is not JSON lines", s("decontaminate.benchmarks=[gsm8k={side}/bad.jsonl]"),
            "not JSON"),
    Mistake("a language model that is not fastText", s("language.model_path={side}/garbage.bin"),
            "is not a fastText model"),
    Mistake("a folder given as the language model", s("language.model_path={side}"),
            "language.model_path: cannot read"),
    Mistake("a corrupt gzip word list", s("url_filter.banned_words={side}/bad.txt.gz"),
            "url_filter: its side files cannot be used"),
    Mistake("a word-list folder without lists", s("unsafe_words.lists={side}/empty_lists"), "holds no word list"),
    Mistake("a UT1 category that is not there", s("url_filter.lists=['{side}/ut1']", "url_filter.categories=[gamblng]"),
            "url_filter.categories: 'gamblng' has no domains or urls file"),
    Mistake("a corrupt gzip URL list", s("url_filter.lists=[gambling={side}/bad.txt.gz]"),
            "url_filter: its side files cannot be used"),
    Mistake("a folder given as a URL list file", s("url_filter.lists=[gambling={side}/empty_lists]"),
            "url_filter.lists: cannot read {side}/empty_lists"),
    Mistake("a corrupt gzip word list in unsafe_words.lists", s("unsafe_words.lists={side}/bad_words"),
            "unsafe_words: its side files cannot be used"),
    Mistake("missing NER model", ("--pii-ner-model", "{side}/no-such-model"), "pii.ner_model: spaCy model"),
    Mistake("a NER model folder that is no spaCy model", ("--pii-ner-model", "{side}/empty_lists"),
            "pii.ner_model: {side}/empty_lists does not load as a spaCy model: [E053] Could not read meta.json "
            "from {side}/empty_lists"),
    Mistake("a folder given as a benchmark file", s("decontaminate.benchmarks=[gsm8k={side}/empty_lists]"),
            "decontaminate.benchmarks: cannot read {side}/empty_lists"),
    Mistake("a folder given as the tokenizer", ("--tokenizer", "{side}/empty_lists"),
            "tokenize.tokenizer: cannot read {side}/empty_lists"),
    # A negative or zero count.
    Mistake("tokenize.seq_len=0", ("--seq-len", "0"), "tokenize.seq_len must be at least 2"),
    Mistake("--shard-tokens 0", ("--shard-tokens", "0"), "tokenize.shard_tokens (0) must be at least seq_len"),
    Mistake("gopher min_words=-1", s("quality.gopher_quality.min_words=-1"),
            "quality.gopher_quality.min_words must be at least 0"),
    setting("pii.max_candidates=0", "pii.max_candidates must be at least 1"),
    Mistake("near_dedup.bands=-1", s("near_dedup.bands=-1", "near_dedup.rows=8"),
            "near_dedup.bands must be at least 1"),
    setting("unsafe_words.min_hits=0", "unsafe_words.min_hits must be at least 1"),
    setting("plans.hosts=0", "plans.hosts must be at least 1"),
    setting("tokenize.vocab_size=0", "tokenize.vocab_size must be between 300"),
    setting("near_dedup.word_ngram=0", "near_dedup.word_ngram must be at least 1"),
    setting("decontaminate.ngram=0", "decontaminate.ngram must be at least 1"),
    setting("normalize.min_chars=-1", "normalize.min_chars must be at least 0"),
    setting("url_filter.soft_word_threshold=0", "url_filter.soft_word_threshold must be at least 1"),
    setting("unsafe_classifier.max_chars=0", "unsafe_classifier.max_chars must be at least 1"),
    setting("plans.epoch_cap=0", "plans.epoch_cap must be positive"),
    # Found on 2026-12-04: an output path that is not UTF-8 failed in Beam's string coder, with a traceback.
    Mistake("--output not UTF-8", ("--output", "{side}/out\udcff"), "--output {side}/out\\xff: the path is not UTF-8"),
    Mistake("--reuse not UTF-8", ("--reuse", "{side}/old\udcff"), "--reuse {side}/old\\xff: the path is not UTF-8"),
]


def write_side_files(folder: Path) -> Path:
    """Side files that exist but are wrong, next to names that do not exist."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "bad.yaml").write_text("normalize: [min_chars: 3\n")
    (folder / "garbage.bin").write_bytes(b"this is neither a fastText nor a SentencePiece model\n" * 20)
    (folder / "bad.jsonl").write_text('{"question": "1 + 1?"}\nnot json at all\n')
    (folder / "list.yaml").write_text("- normalize.min_chars=3\n")
    (folder / "bad.txt.gz").write_bytes(gzip.compress(b"casino\n")[:12])
    (folder / "bad_words").mkdir(exist_ok=True)
    (folder / "bad_words" / "en").write_bytes(gzip.compress(b"badword\n")[:12])
    (folder / "empty_lists").mkdir(exist_ok=True)
    (folder / "empty_lists" / "README.md").write_text("no language files here\n")
    (folder / "ut1" / "gambling").mkdir(parents=True, exist_ok=True)
    (folder / "ut1" / "gambling" / "domains").write_text("casino.example\n")
    return folder


def command(mistake: Mistake, inputs: list, output: Path, side: Path) -> list:
    """The `tokenmill run` arguments of a mistake, against `output`."""
    args = [_fill(arg, output, side) for arg in mistake.args]
    base = ["run", *[arg for spec in inputs for arg in ("--input", spec)]]
    return base + ([] if "--output" in args else ["--output", str(output)]) + args


def expected_text(mistake: Mistake, output: Path, side: Path) -> str:
    return _fill(mistake.expect, output, side)


def _fill(text: str, output: Path, side: Path) -> str:
    return text.replace("{side}", str(side)).replace("{dir}", str(output))


def tree_digest(root: Path) -> str:
    """One sha256 over every file's path and bytes under `root` (report/ included)."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def recorded_inputs(output: Path) -> list:
    return json.loads((output / "manifest.json").read_text())["config"]["inputs"]


def worker_processes(pgid: int) -> list:
    """The local runner's worker interpreters in a process group (not the shells that start them)."""
    return [pid for pid in process_group(pgid)
            if _command(pid).startswith(sys.executable) and "local_worker" in _command(pid)]


def process_group(pgid: int) -> list:
    """The live processes of a process group (zombies are gone already)."""
    group = []
    for pid in (name for name in os.listdir("/proc") if name.isdigit()):
        try:
            with open(f"/proc/{pid}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            group.append(pid)
    return group


def _command(pid: str) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return handle.read().replace(b"\0", b" ").decode()
    except OSError:
        return ""
