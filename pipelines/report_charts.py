"""Draw the run report's charts in a process of its own, so that `tokenmill run` need not wait for them.

matplotlib takes about 1.5 s to import and draw the eight charts. The run
writes report/report.json and report/index.html without the charts, starts

    python -m pipelines.report_charts OUTPUT SHA256_OF_REPORT_JSON

detached, and returns. This process draws the charts from report.json and
replaces the page atomically, unless report.json is no longer the one it was
started for (a newer run into the same output, or one being cleared): then it
writes nothing. A local output is read and written with plain file calls, so
that the process does not import Beam (2-3 s); any other goes through Beam's
FileSystems. `TOKENMILL_REPORT_CHARTS=wait` draws them before the run returns.
"""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import threading

WAIT_VARIABLE = "TOKENMILL_REPORT_CHARTS"
BACKGROUND_NICENESS = 10


def charts_in_background() -> bool:
    return os.environ.get(WAIT_VARIABLE, "background") != "wait"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def start_drawing(output: str, report_json: bytes) -> subprocess.Popen:
    """Start the drawing process for the report.json whose bytes are `report_json`. Nothing waits for it
    but a daemon thread, which reaps it when this process lives longer (a notebook, the tests)."""
    process = subprocess.Popen([sys.executable, "-m", "pipelines.report_charts", output, sha256(report_json)],
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True, close_fds=True)
    threading.Thread(target=process.wait, daemon=True).start()
    return process


def draw(output: str, expected_sha256: str) -> bool:
    """Replace the page with the charted one; False (nothing written) when report.json changed."""
    from reporting.html_page import render
    files = _files_for(output)
    report_path, page_path = files.join(output, "report", "report.json"), files.join(output, "report", "index.html")
    data = files.read(report_path)
    if data is None or sha256(data) != expected_sha256:
        return False
    page = render(json.loads(data)).encode("utf-8")
    current = files.read(report_path)
    if current is None or sha256(current) != expected_sha256:     # a newer run started while drawing
        return False
    files.write_atomically(page_path, page)
    return True


class _LocalFiles:
    join = staticmethod(os.path.join)

    @staticmethod
    def read(path: str):
        try:
            with open(path, "rb") as handle:
                return handle.read()
        except OSError:
            return None

    @staticmethod
    def write_atomically(path: str, data: bytes) -> None:
        handle, temporary = tempfile.mkstemp(dir=os.path.dirname(path), suffix=".inprogress")
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)          # as open() would have made it, not mkstemp's 0600
        os.replace(temporary, path)


class _BeamFiles:
    def __init__(self):
        from apache_beam.io.filesystems import FileSystems
        self._files = FileSystems

    def join(self, *parts):
        return self._files.join(*parts)

    def read(self, path: str):
        if not self._files.exists(path):
            return None
        with self._files.open(path) as handle:
            return handle.read()

    def write_atomically(self, path: str, data: bytes) -> None:
        from pipelines.atomic_files import write_atomically
        write_atomically(path, lambda handle: handle.write(data))


def _files_for(output: str):
    return _BeamFiles() if "://" in output else _LocalFiles()


if __name__ == "__main__":
    # Background work: where it shares a core with the run that started it (a pinned or one-core run),
    # the run's last steps and exit go first.
    os.nice(BACKGROUND_NICENESS)
    sys.exit(0 if draw(*sys.argv[1:3]) else 1)
