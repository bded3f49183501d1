"""A worker process of the local multi-process runner: Beam's SDK harness, ended quietly by Ctrl-C.

A terminal's Ctrl-C reaches every process of the foreground group at once.
The launcher prints one line and exits 130 (beam_runner.py); each worker
ends at once, silently, instead of printing a KeyboardInterrupt traceback
per thread. Beam's harness also ends itself with SIGINT after a fatal error,
which this ends just as well.
"""
import os
import signal
import sys

EXIT_INTERRUPTED = 130


def main() -> None:
    signal.signal(signal.SIGINT, lambda *_: os._exit(EXIT_INTERRUPTED))
    from tokenmill import hide_python_support_notices
    hide_python_support_notices()
    from apache_beam.runners.worker import sdk_worker_main
    sdk_worker_main.main(sys.argv)


if __name__ == "__main__":
    main()
