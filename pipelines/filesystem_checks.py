"""A launcher's look at a path through Beam's FileSystems, bounded in time.

Beam's GCS and S3 clients retry a request that gets no answer (no network, a firewall) for minutes (GCS:
120 s) before raising, and then raise their own exception types. A check made before a run starts should
say in one line, and soon, that a path cannot be reached: `answered` runs the call in a daemon thread and
gives up after ANSWER_SECONDS (the clients' retry warnings from that thread are not shown), well above what a reachable bucket needs for a first request (credentials
found, one round trip), far below the clients' own retry deadlines. `looked_at` adds, before the call, a
check that the path's filesystem has its package installed. The launcher's looks at --input, --output and
--reuse all go through it.
"""
from __future__ import annotations

import importlib.util
import logging
import threading
import uuid

from tokenmill.usage import UsageError, first_line

ANSWER_SECONDS = 15.0
# The package each of Beam's optional filesystems needs, and Beam's extra that installs it. Without it Beam
# raises an ImportError traceback (hdfs) or an internal NameError at the first call (azfs).
_SCHEME_PACKAGES = {"gs": ("google.cloud.storage", "gcp"), "s3": ("boto3", "aws"),
                    "azfs": ("azure.storage.blob", "azure"), "hdfs": ("hdfs", "hadoop")}


class UnreachablePath(UsageError):
    pass


def looked_at(path: str, call, what: str, failed: str | None = None):
    """`call()` on `path`: its filesystem's package checked first, then `answered`."""
    scheme = path.partition("://")[0] if "://" in path else ""
    if scheme in _SCHEME_PACKAGES:
        module, extra = _SCHEME_PACKAGES[scheme]
        if not package_installed(module):
            raise UnreachablePath(f"{what}: {scheme}:// paths need the {module} package: "
                                  f"pip install 'apache-beam[{extra}]'")
    return answered(call, what, failed=failed)


def package_installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:         # a parent package (google.cloud) is missing
        return False


def answered(call, what: str, seconds: float | None = None, failed: str | None = None):
    """`call()`'s result; UnreachablePath (one line, naming `what`) when it raised or gave no answer in time.
    `failed`: what the line says when the call raised (default: "`what`: cannot be read").
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
        if failed is not None:
            raise UnreachablePath(f"{failed}: {first_line(outcome['error'], 200)}")
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
