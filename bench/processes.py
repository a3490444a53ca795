"""The real processes a benchmark drives: gunicorn serving the app, a Celery worker,
and a local server in GOV.UK Notify's shape for the worker to deliver to."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def gunicorn(*, workers: int, threads: int, env: dict[str, str]):
    """The app behind gunicorn as production runs it; yields its base URL."""
    port = free_port()
    process = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            "python:frontdoor.gunicorn_config",
            "frontdoor.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--keep-alive",
            "30",
        ],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/sign-in/", timeout=5)  # noqa: S310
                break
            except OSError:
                if process.poll() is not None:
                    error = process.stderr.read().decode()
                    raise SystemExit(f"gunicorn stopped: {error}") from None
                if time.monotonic() > deadline:
                    raise SystemExit("gunicorn did not start within a minute") from None
                time.sleep(0.3)
        yield url
    finally:
        _stop(process)


@contextmanager
def celery_worker(*, pool: str, concurrency: int, env: dict[str, str]):
    """One Celery worker process (its pool's threads or children inside it)."""
    process = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "frontdoor",
            "worker",
            "--pool",
            pool,
            "--concurrency",
            str(concurrency),
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield process
    finally:
        _stop(process)
