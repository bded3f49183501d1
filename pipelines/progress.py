"""Progress of a local run: workers note what they read and kept, the launching process shows it.

Workers of the local runners share the machine, so each writes a small JSON
file into a directory named by TOKENMILL_PROGRESS_DIR (inherited from the
launching process), at most once a second. A thread in the launching process
sums the files every few seconds and rewrites one line on the terminal. On
Dataflow or Flink the variable is unset and all of this costs nothing.
"""
from __future__ import annotations

import glob
import json
import os
import shutil
import tempfile
import threading
import time
import uuid

PROGRESS_ENV = "TOKENMILL_PROGRESS_DIR"
_WRITE_EVERY_S = 1.0


class ProgressNote:
    """Counts kept by one DoFn instance; written to its own file now and then."""

    def __init__(self, kind: str):
        self._directory = os.environ.get(PROGRESS_ENV)
        self._path = os.path.join(self._directory, f"{kind}-{uuid.uuid4().hex}.json") if self._directory else None
        self.counts = {"documents": 0, "bytes": 0}
        self._written = 0.0

    @property
    def active(self) -> bool:
        """False when no local run asked for progress: callers can skip measuring."""
        return self._path is not None

    def add(self, documents: int = 0, byte_count: int = 0, final: bool = False) -> None:
        if self._path is None:
            return
        self.counts["documents"] += documents
        self.counts["bytes"] += byte_count
        now = time.monotonic()
        if final or now - self._written >= _WRITE_EVERY_S:
            self._written = now
            temporary = self._path + ".tmp"
            with open(temporary, "w") as handle:
                json.dump(self.counts, handle)
            os.replace(temporary, self._path)


def totals(directory: str) -> dict:
    """{kind: {documents, bytes}} summed over every worker's file."""
    summed: dict = {}
    for path in glob.glob(os.path.join(directory, "*.json")):
        kind = os.path.basename(path).split("-", 1)[0]
        try:
            with open(path) as handle:
                counts = json.load(handle)
        except (OSError, ValueError):        # being replaced right now: next time
            continue
        entry = summed.setdefault(kind, {"documents": 0, "bytes": 0})
        entry["documents"] += counts["documents"]
        entry["bytes"] += counts["bytes"]
    return summed


def progress_line(summed: dict, elapsed: float, input_bytes: int) -> str:
    read = summed.get("read", {"documents": 0, "bytes": 0})
    kept = summed.get("kept", {"documents": 0})
    rate = read["bytes"] / elapsed / 1e6 if elapsed > 0 else 0.0
    line = (f"read {read['documents']:,} records, {read['bytes'] / 1e6:,.1f} of {input_bytes / 1e6:,.1f} MB "
            f"({rate:,.1f} MB/s) | kept {kept['documents']:,} | {_clock(elapsed)} elapsed")
    if 0 < read["bytes"] < input_bytes:
        line += f" | reading done in ~{_clock(elapsed * (input_bytes - read['bytes']) / read['bytes'])}"
    return line


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class ProgressDisplay:
    """Shows progress while a run goes on; a no-op when `enabled` is false."""

    def __init__(self, stream, input_bytes: int, enabled: bool, every_s: float = 2.0):
        self._stream, self._input_bytes, self._enabled, self._every = stream, input_bytes, enabled, every_s
        self._stop = threading.Event()
        self._directory = None
        self._previous_env = None

    def __enter__(self):
        if self._enabled:
            self._directory = tempfile.mkdtemp(prefix="tokenmill-progress-")
            self._previous_env = os.environ.get(PROGRESS_ENV)
            os.environ[PROGRESS_ENV] = self._directory
            self._start = time.monotonic()
            self._thread = threading.Thread(target=self._loop, daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc):
        if not self._enabled:
            return
        self._stop.set()
        self._thread.join()
        self._show(final=True)
        if self._previous_env is None:
            os.environ.pop(PROGRESS_ENV, None)
        else:
            os.environ[PROGRESS_ENV] = self._previous_env
        shutil.rmtree(self._directory, ignore_errors=True)

    def _loop(self):
        while not self._stop.wait(self._every):
            self._show()

    def _show(self, final: bool = False):
        line = progress_line(totals(self._directory), time.monotonic() - self._start, self._input_bytes)
        self._stream.write("\r" + line + ("\n" if final else ""))
        self._stream.flush()
