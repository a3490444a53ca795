"""Waiting for something a worker or a server does, with a deadline, never a fixed sleep."""

from __future__ import annotations

import time
from collections.abc import Callable


def wait_until(predicate: Callable[[], object], timeout: float, message: str = "") -> None:
    """Return as soon as ``predicate()`` is true; fail with ``message`` after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, message or f"still not true after {timeout} s"
        time.sleep(0.05)
