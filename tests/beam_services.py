"""Beam's Python job service and an EXTERNAL worker pool on loopback ports, for runner tests."""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"service on port {port} exited with {process.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise TimeoutError(f"nothing listens on port {port} after {seconds}s")


@contextlib.contextmanager
def portable_services(boot: str | None = None):
    """Yield the Beam options that run a pipeline on PortableRunner with EXTERNAL workers.

    The worker pool starts workers with the `python` on PATH, so the PATH of
    this interpreter's environment (where tokenmill is installed) goes first.
    `boot`: the pool runs this executable per worker (Beam's container contract), e.g.
    tests/beam_boot.py, which installs what the job staged; without it, staged packages never arrive.
    """
    env = dict(os.environ, PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"])
    job_port, worker_port = free_port(), free_port()
    processes = [
        subprocess.Popen([sys.executable, "-m", "apache_beam.runners.portability.local_job_service_main",
                          "--port", str(job_port)], env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
        subprocess.Popen([sys.executable, "-m", "apache_beam.runners.worker.worker_pool_main",
                          f"--service_port={worker_port}"]
                         + ([f"--container_executable={boot}"] if boot else []), env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
    ]
    try:
        _wait_for_port(job_port, processes[0])
        _wait_for_port(worker_port, processes[1])
        yield ["--runner", "PortableRunner", "--job_endpoint", f"localhost:{job_port}",
               "--environment_type", "EXTERNAL", "--environment_config", f"localhost:{worker_port}"]
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
