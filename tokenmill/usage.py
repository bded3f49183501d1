"""The one base class of usage mistakes: a bad option, a missing file, an unreadable side file.

Every layer raises its own subclass (ConfigError, InputError, ...) with a
message that names the option and what it allows; the command line maps the
whole family, in one place, to one line on stderr and exit status 2. Plain
Python, so that corpus/, filters/ and tokenization/ can raise it too.
"""
from __future__ import annotations


class UsageError(ValueError):
    """A mistake in how tokenmill was called: reported as one line, before any output is touched."""


class FoundInTheRun(UsageError):
    """A usage mistake that only the data reveals, raised by one of tokenmill's own steps inside the run
    (a vocabulary too small for the kept text). Only this kind is told from a worker's traceback and said in
    one line (pipelines/held_errors.py): any other error a worker raises, a plugin's UsageError included,
    keeps its traceback."""


def first_line(error: Exception, limit: int | None = None) -> str:
    """The first line of an error's message (cut at `limit`), or its class name when it has none:
    what a one-line report shows of an error raised by a library."""
    text = str(error).strip()
    return text.splitlines()[0][:limit] if text else type(error).__name__


def error_type_name(error: BaseException) -> str:
    """The exception's class name, as counters and error rows store it: a non-empty str of UTF-8 text even
    when a metaclass (a plugin's) makes __name__ something else, or makes it raise."""
    try:
        name = type(error).__name__
        if type(name) is str and name and name.isprintable():      # a counter name and a line of the funnel
            name.encode("utf-8")
            return name
    except Exception:  # noqa: BLE001 - whatever the metaclass raises, a lone surrogate too
        pass
    return "UnnamedError"
