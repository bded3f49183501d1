"""The read step's prefix measures each text once per batch, and holds no text past its batch: computed or
replayed from the cache, a long run must not keep every text it has seen."""
import json
import random

import apache_beam as beam
from apache_beam.internal import pickler

from pipelines.config import ReadConfig, load_config
from pipelines.read import InputFile
from pipelines.reuse import _PrefixFn

STOP_WORDS = ("the", "and", "of", "to", "with", "that")


def _text(seed: int) -> str:
    """Prose-like text that passes the default quality filters: varied words, stop words, sentences."""
    pick = random.Random(seed)
    sentences = []
    for _ in range(12):
        words = ["".join(pick.choice("aeioulnrstdkmp") for _ in range(pick.randint(3, 8))) for _ in range(9)]
        for place in (1, 4, 7):
            words[place] = pick.choice(STOP_WORDS)
        sentences.append(" ".join(words).capitalize() + ".")
    return " ".join(sentences) + (" Café." if seed % 2 else "")


def _inputs(directory, files: int = 3, rows: int = 60) -> list:
    specs = []
    for number in range(files):
        path = directory / f"in{number}.jsonl"
        with open(path, "w", encoding="utf-8") as handle:
            for row in range(rows):
                handle.write(json.dumps({"id": f"{number}-{row}", "text": _text(number * rows + row)}) + "\n")
        specs.append(InputFile("s", str(path), "jsonl", path.stat().st_size, path.name))
    return specs


def _prefix(config, output: str):
    keep = ("keep", lambda: (lambda doc: doc))
    fn = pickler.loads(pickler.dumps(_PrefixFn(ReadConfig(), [keep], config.quality, {}, "key", output, [])))
    fn.setup()
    return fn


def _kept(fn, spec) -> int:
    return sum(len(out) for out in fn.process(spec) if not isinstance(out, beam.pvalue.TaggedOutput))


def test_no_text_is_held_after_its_file_computed_or_replayed(tmp_path):
    specs = _inputs(tmp_path)
    config = load_config(inputs=[str(tmp_path / "*.jsonl")], output=str(tmp_path / "out"))
    cold, warm = _prefix(config, str(tmp_path / "out")), _prefix(config, str(tmp_path / "out"))
    for spec in specs:
        kept = _kept(cold, spec)
        assert kept > 0 and len(cold._sizes) == 0
        assert _kept(warm, spec) == kept            # replayed from the entry the cold one wrote
        assert len(warm._sizes) == 0
