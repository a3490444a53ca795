"""Keeps the app's processes running under ``manage.py run_app``.

Web server, worker and scheduler run side by side. When one dies (a crash, an
out-of-memory kill, someone's ``kill -9``) the others carry on and the dead one is
started again after a pause that doubles with each quick failure, so a process that
cannot start does not spin the machine. A process that stayed up for a while earns a
fresh start from the shortest pause.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TextIO

STOP_GRACE_SECONDS = 20


@dataclass
class Child:
    name: str
    command: list[str]
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    quick_failures: int = 0
    restart_at: float | None = None
    restarts: int = 0


@dataclass
class Supervisor:
    commands: dict[str, list[str]]
    env: dict[str, str]
    out: TextIO
    first_pause: float = 1.0
    longest_pause: float = 60.0
    # Up this long, a process's next death is treated as a first failure again.
    stable_after: float = 60.0
    poll_every: float = 0.5
    children: dict[str, Child] = field(default_factory=dict)

    def start(self) -> None:
        for name, command in self.commands.items():
            child = Child(name, command)
            self.children[name] = child
            self._launch(child)

    def _launch(self, child: Child) -> None:
        child.process = subprocess.Popen(child.command, env=self.env)  # noqa: S603
        child.started_at = time.monotonic()
        child.restart_at = None

    def pause_after(self, quick_failures: int) -> float:
        return min(self.longest_pause, self.first_pause * 2 ** max(0, quick_failures - 1))

    def check(self) -> None:
        """Notice dead processes and start them again when their pause is over."""
        now = time.monotonic()
        for child in self.children.values():
            if child.restart_at is not None:
                if now >= child.restart_at:
                    self.out.write(f"Starting the {child.name} process again.\n")
                    self._launch(child)
                    # Counted once the new process is in place: a watcher that sees the
                    # count go up must also see the new process.
                    child.restarts += 1
                continue
            if child.process.poll() is None:
                continue
            if now - child.started_at >= self.stable_after:
                child.quick_failures = 0
            child.quick_failures += 1
            pause = self.pause_after(child.quick_failures)
            child.restart_at = now + pause
            self.out.write(
                f"The {child.name} process stopped (exit {child.process.returncode}); "
                f"the others carry on. Starting it again in {pause:g} s.\n"
            )

    def run(
        self, stopping: Callable[[], bool], each_tick: Callable[[], None] | None = None
    ) -> None:
        while not stopping():
            self.check()
            if each_tick is not None:
                each_tick()
            time.sleep(self.poll_every)

    def stop(self) -> None:
        running = [c.process for c in self.children.values() if c.process.poll() is None]
        for process in running:
            process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for process in running:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@dataclass
class StartupWatch:
    """Whether the web server takes connections and the worker answers a ping, so
    what a person needs (the address, the demo accounts) is printed after the
    processes' own start-up output instead of scrolling away under it. After
    ``patience`` seconds it stops waiting and says what is not up yet."""

    host: str
    port: int
    worker_up: Callable[[], bool]
    patience: float = 120.0
    started: float = field(default_factory=time.monotonic)
    announced: bool = False
    web: bool = False
    worker: bool = False

    def _web_answers(self) -> bool:
        try:
            with socket.create_connection((self.host, self.port), timeout=0.5):
                return True
        except OSError:
            return False

    def ready(self) -> bool:
        self.web = self.web or self._web_answers()
        self.worker = self.worker or (self.web and self.worker_up())
        return (self.web and self.worker) or time.monotonic() - self.started > self.patience

    def caveats(self) -> list[str]:
        lines = []
        if not self.web:
            lines.append("The web server has not answered yet: see the messages above.")
        if not self.worker:
            lines.append("The worker has not answered yet: notices wait until it does.")
        return lines
