"""A launcher's look at a path through Beam's FileSystems, bounded in time.

Beam's GCS and S3 clients retry a request that gets no answer (no network, a firewall) for minutes (GCS:
120 s) before raising, and then raise their own exception types. A check made before a run starts should
say in one line, and soon, that a path cannot be reached: `answered` runs the call in a daemon thread and
gives up after ANSWER_SECONDS (the clients' retry warnings from that thread are not shown), well above what a reachable bucket needs for a first request (credentials
found, one round trip), far below the clients' own retry deadlines.
"""
from __future__ import annotations

import logging
import threading
import uuid

from tokenmill.usage import UsageError, first_line

ANSWER_SECONDS = 15.0


class UnreachablePath(UsageError):
    pass


def answered(call, what: str, seconds: float | None = None):
    """`call()`'s result; UnreachablePath (one line, naming `what`) when it raised or gave no answer in time.
    A call that gives up is left to finish in its daemon thread: nothing waits for it."""
    limit = ANSWER_SECONDS if seconds is None else seconds
    outcome: dict = {}

    def attempt():
        try:
            outcome["value"] = call()
        except Exception as error:  # noqa: BLE001 - each filesystem raises its own types
            outcome["error"] = error

    thread = threading.Thread(target=attempt, name=f"answered-{uuid.uuid4().hex}", daemon=True)
    quiet = _QuietThread(thread.name)
    handlers = [*logging.getLogger().handlers, logging.lastResort]
    for handler in handlers:
        handler.addFilter(quiet)
    thread.start()
    thread.join(limit)
    if thread.is_alive():       # the filter stays: the thread goes on retrying, and logging, until exit
        raise UnreachablePath(f"{what}: no answer in {limit:g} s (no network, or the filesystem is unreachable)")
    for handler in handlers:
        handler.removeFilter(quiet)
    if "error" in outcome:
        raise UnreachablePath(f"{what}: cannot be read ({first_line(outcome['error'], 200)})")
    return outcome["value"]


class _QuietThread(logging.Filter):
    """Drops the records of one thread: the clients' retry warnings (with their tracebacks) while a path is
    being looked at. What they would say is the one line `answered` raises."""

    def __init__(self, thread_name: str):
        super().__init__()
        self._thread_name = thread_name

    def filter(self, record: logging.LogRecord) -> bool:
        return record.threadName != self._thread_name
