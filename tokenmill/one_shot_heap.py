"""Garbage collection for a process that runs one command and exits (the `tokenmill` command).

Python's cyclic collector rescans every tracked object at each full
collection. A run imports Beam, numba, Presidio and spaCy (about 400,000
objects that live until exit): the collector went over them about ten times
during start-up and several times more while the interpreter shut down,
2-2.5 s of a one-document run. Here:

- `start_up()`: no cyclic collection while modules are imported and the
  pipeline is built (what is allocated then lives to the end, or is freed by
  reference counting);
- `started()`: what exists now is frozen (gc.freeze: never scanned again) and
  collection resumes for what the run allocates, whose cycles are collected
  as before;
- `exiting()`: freeze everything before the interpreter shuts down, which
  skips its final collections; the operating system takes the memory back.

Only the command line calls these: a library caller (a notebook, the tests,
which run many pipelines in one process) keeps Python's defaults, because
frozen garbage is never freed.
"""
from __future__ import annotations

import gc


def start_up() -> None:
    gc.disable()


def started() -> None:
    gc.freeze()
    gc.enable()


def exiting() -> None:
    gc.freeze()
