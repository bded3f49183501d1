"""A worker process of the local multi-process runner: Beam's SDK harness, ended quietly by Ctrl-C.

A terminal's Ctrl-C reaches every process of the foreground group at once.
The launcher prints one line and exits 130 (beam_runner.py); each worker
ends at once, silently, instead of printing a KeyboardInterrupt traceback
per thread. Beam's harness also ends itself with SIGINT after a fatal error,
which this ends just as well.

The harness prints the traceback of a failed bundle to stderr, besides sending it to the launcher.
When it is one of tokenmill's usage mistakes (pipelines/held_errors.py), the launcher says it in one
line, so the worker's print of it is left out; every other traceback is printed as Beam prints it.
"""
import os
import signal
import sys

EXIT_INTERRUPTED = 130


class _WithoutUsageTracebacks:
    """stderr, less the tracebacks of usage mistakes (and the line break print() adds after one)."""

    def __init__(self, stream):
        self._stream, self._dropped = stream, False

    def write(self, text: str):
        from pipelines.held_errors import usage_error_of_worker
        if self._dropped and text == "\n":
            self._dropped = False
            return len(text)
        self._dropped = text.startswith("Traceback (most recent call last):") and \
            usage_error_of_worker(RuntimeError(text)) is not None
        return len(text) if self._dropped else self._stream.write(text)

    def __getattr__(self, name):
        return getattr(self._stream, name)


def main() -> None:
    signal.signal(signal.SIGINT, lambda *_: os._exit(EXIT_INTERRUPTED))
    sys.stderr = _WithoutUsageTracebacks(sys.stderr)
    from tokenmill import hide_python_support_notices
    hide_python_support_notices()
    from apache_beam.runners.worker import sdk_worker_main
    sdk_worker_main.main(sys.argv)


if __name__ == "__main__":
    main()
