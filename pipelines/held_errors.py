"""Beam's error logs of a local run, held until it ends: shown if it failed for any reason but a usage mistake.

A mistake that only the data can reveal (tokenize.vocab_size too small for the text, found when the
tokenizer is trained) fails the run from inside a DoFn. Beam logs the failure, with its traceback, from
the runner and from each worker before the exception reaches the command line, which then prints its
one line. The mistake would cost twenty lines. While a local run goes on, Beam's ERROR records are
held here: a run that ends in such a mistake (tokenmill.usage.FoundInTheRun) drops them (its one line
says it all); any other ending, success and other usage errors included, emits them as they were, in
order. A remote runner's logs are not held: its job
may run for hours, and its errors should show as they come.

With worker processes, the worker's exception reaches the launcher as a RuntimeError holding the
worker's traceback as text. When the exception line of its last traceback (the first line after the
frames) names a FoundInTheRun class of tokenmill's (`tokenization.training.VocabularyTooSmall: ...`),
that mistake is raised in its place, so it is one line and exit status 2 on any number of workers. A
message that only ends in such a line (an exception of its own whose text quotes one) is not taken.
"""
from __future__ import annotations

import importlib
import logging
import re

from tokenmill.usage import FoundInTheRun

# The packages whose exception classes a worker's traceback may name as a usage mistake.
OWN_PACKAGES = ("corpus", "filters", "pipelines", "reporting", "tokenization", "tokenmill")
_RAISED = re.compile(r"^(?P<module>[A-Za-z_][\w.]*)\.(?P<name>[A-Za-z_]\w*): (?P<message>.*)$")

BEAM_LOGGERS = "apache_beam"


class _Hold(logging.Filter):
    def __init__(self):
        super().__init__()
        self.records = []

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.ERROR and record.name.split(".")[0] == BEAM_LOGGERS:
            self.records.append(record)
            return False
        return True


class HeldBeamErrors:
    """`with HeldBeamErrors(enabled):` around a local run (see the module's docstring)."""

    def __init__(self, enabled: bool = True):
        self._enabled = enabled
        self._hold = _Hold()
        self._handlers = []

    def __enter__(self):
        if self._enabled:
            self._handlers = list(logging.getLogger().handlers)
            for handler in self._handlers:
                handler.addFilter(self._hold)
        return self

    def __exit__(self, kind, error, traceback):
        for handler in self._handlers:
            handler.removeFilter(self._hold)
        usage = usage_error_of_worker(error) if self._enabled and isinstance(error, RuntimeError) else None
        if usage is not None:
            self._hold.records = []
            raise usage from None
        if not isinstance(error, FoundInTheRun):
            emitted = set()
            for record in self._hold.records:
                if id(record) not in emitted:        # one record reaches each handler: show it once per handler
                    emitted.add(id(record))
                    for handler in self._handlers:
                        if record.levelno >= handler.level:
                            handler.handle(record)
        self._hold.records = []
        return False


def usage_error_of_worker(error: RuntimeError):
    """The FoundInTheRun mistake a worker raised, rebuilt from its traceback text, or None."""
    line = _exception_line(str(error))
    match = _RAISED.match(line) if line else None
    if match is None or match.group("module").split(".")[0] not in OWN_PACKAGES:
        return None
    try:
        kind = getattr(importlib.import_module(match.group("module")), match.group("name"))
    except (ImportError, AttributeError):
        return None
    if isinstance(kind, type) and issubclass(kind, FoundInTheRun):
        return FoundInTheRun(match.group("message"))
    return None


def _exception_line(text: str):
    """The line naming the exception of the last traceback in `text`: the first after its frames (the
    indented lines below "Traceback (most recent call last):")."""
    lines = text.splitlines()
    starts = [index for index, line in enumerate(lines) if line.startswith("Traceback (most recent call last):")]
    if not starts:
        return None
    for line in lines[starts[-1] + 1:]:
        if not line.startswith(" "):
            return line
    return None
