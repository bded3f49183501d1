"""The labelled sentences of ../shared/data/langid, and the fallback LID engine run in its own interpreter.

fasttext-turbo and fasttext-predict are both the `fasttext` module, so one
process can load only one: the fallback runs in a child interpreter whose
path starts with the directory the Makefile installs it into. fasttext-new
(`fasttext_new`) and fasttext-turbo run here.

    python -m tests.filters.lid_corpus TEXTS.json PREDICTIONS.json

writes, for each text of TEXTS.json, one line "label score.hex() ..." (the k
best, scores in hex: exact) as the fastText build live in that interpreter
predicts it.
"""
from __future__ import annotations

import glob
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FALLBACK_DIR = Path(os.environ.get("TOKENMILL_LID_FALLBACK", ROOT / ".venv" / "lid-fallback"))


def labelled_sentences(langid: Path) -> list:
    """(language, text) of every non-empty line of lingua's test files and LASER's Tatoeba files."""
    rows = []
    for path in sorted(glob.glob(str(langid / "lingua_testdata" / "*" / "*.txt"))):
        rows += _lines(Path(path).parent.name, path)
    for path in sorted(glob.glob(str(langid / "laser_tatoeba" / "data" / "tatoeba" / "v1" / "tatoeba.*-*.*"))):
        rows += _lines(path.rsplit(".", 1)[1], path)
    return rows


def _lines(lang: str, path: str) -> list:
    with open(path, encoding="utf-8") as handle:
        return [(lang, line.rstrip("\n")) for line in handle if line.strip()]


def predictions(texts: list, k: int = 1, engine: str = "auto") -> list:
    from filters.language import FastTextLID
    model = FastTextLID(engine=engine)
    return [" ".join(f"{label} {score.hex()}" for label, score in model.predict(text, k)) for text in texts]


def both_engines(texts: list, k: int = 1, engine: str = "auto") -> tuple:
    """(predictions() here by `engine`, predictions() by fasttext-predict in a child interpreter), the two at once."""
    with tempfile.TemporaryDirectory() as work:
        source, target = os.path.join(work, "texts.json"), os.path.join(work, "predictions.txt")
        with open(source, "w", encoding="utf-8") as handle:
            json.dump({"texts": texts, "k": k}, handle)
        environment = dict(os.environ, PYTHONPATH=os.pathsep.join([str(FALLBACK_DIR), str(ROOT)]))
        child = subprocess.Popen([sys.executable, "-m", "tests.filters.lid_corpus", source, target],
                                 env=environment, cwd=ROOT)
        ours = predictions(texts, k, engine)
        if child.wait() != 0:
            raise RuntimeError(f"the fallback engine's interpreter failed ({child.returncode})")
        with open(target, encoding="utf-8") as handle:
            return ours, handle.read().split("\n")[:-1]


def main(source: str, target: str) -> None:
    with open(source, encoding="utf-8") as handle:
        request = json.load(handle)
    with open(target, "w", encoding="utf-8") as handle:
        handle.writelines(line + "\n" for line in predictions(request["texts"], request["k"], "fasttext-predict"))


if __name__ == "__main__":
    main(*sys.argv[1:])
