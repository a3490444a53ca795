"""``run_app`` keeps the app up when one of its processes dies (issue 16, finding 12):
real child processes, killed for real."""

from __future__ import annotations

import io
import os
import signal
import sys
import threading

import pytest

from frontdoor.supervisor import Supervisor
from tests.support.waiting import wait_until

SLEEPER = [sys.executable, "-c", "import time; time.sleep(600)"]
CRASHER = [sys.executable, "-c", "raise SystemExit(3)"]


@pytest.fixture
def supervised():
    running = []

    def start(commands, **options):
        supervisor = Supervisor(
            commands=commands, env=os.environ.copy(), out=io.StringIO(), **options
        )
        supervisor.start()
        stop = threading.Event()
        thread = threading.Thread(target=supervisor.run, args=(stop.is_set,), daemon=True)
        thread.start()
        running.append((supervisor, stop, thread))
        return supervisor

    yield start
    for supervisor, stop, thread in running:
        stop.set()
        thread.join(timeout=10)
        supervisor.stop()


def test_a_killed_worker_is_started_again_and_the_others_keep_running(supervised):
    supervisor = supervised(
        {"web": SLEEPER, "worker": SLEEPER, "beat": SLEEPER}, first_pause=0.2, poll_every=0.05
    )
    web_pid = supervisor.children["web"].process.pid
    beat_pid = supervisor.children["beat"].process.pid
    worker_pid = supervisor.children["worker"].process.pid

    os.kill(worker_pid, signal.SIGKILL)

    wait_until(lambda: supervisor.children["worker"].restarts == 1, 20.0)
    worker = supervisor.children["worker"].process
    assert worker.pid != worker_pid
    assert worker.poll() is None
    assert supervisor.children["web"].process.pid == web_pid
    assert supervisor.children["beat"].process.pid == beat_pid
    assert supervisor.children["web"].process.poll() is None
    assert "The worker process stopped (exit -9); the others carry on" in supervisor.out.getvalue()


def test_a_process_that_keeps_failing_waits_longer_each_time(supervised):
    supervisor = supervised(
        {"web": SLEEPER, "worker": CRASHER}, first_pause=0.1, longest_pause=0.4, poll_every=0.02
    )
    wait_until(lambda: supervisor.children["worker"].restarts >= 4, 20.0)
    log = supervisor.out.getvalue()
    assert "Starting it again in 0.1 s" in log
    assert "Starting it again in 0.2 s" in log
    assert "Starting it again in 0.4 s" in log
    assert "Starting it again in 0.8 s" not in log  # capped at longest_pause
    assert supervisor.children["web"].process.poll() is None


def test_pauses_double_from_the_first_and_stop_at_the_longest():
    supervisor = Supervisor(commands={}, env={}, out=io.StringIO(), first_pause=1, longest_pause=60)
    assert [supervisor.pause_after(n) for n in (1, 2, 3, 4, 7, 8)] == [1, 2, 4, 8, 60, 60]
