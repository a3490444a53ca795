"""Stopping and starting the project's embedded Redis, for tests of what survives an outage."""

import contextlib
import os

import pytest

from tests.support.waiting import wait_until


def restart_embedded_redis(*, down_while=None) -> None:
    """Stop the embedded Redis (saving its data), run ``down_while``, start it again."""
    import redis

    from frontdoor import embedded

    redis_dir, socket_path, _ = embedded._redis_paths()
    # The server closing the connection is the shutdown working.
    with contextlib.suppress(redis.ConnectionError):
        redis.Redis(unix_socket_path=str(socket_path), socket_timeout=5).shutdown(save=True)
    wait_until(lambda: not embedded._redis_answers(socket_path), 10, "Redis did not stop")
    if down_while is not None:
        down_while()
    embedded._start_redis_server(redis_dir, socket_path)


def needs_embedded_redis(test):
    """For a test that stops the project's embedded Redis: skipped when the settings use
    another Redis, and run alone (tests/conftest.py), since every test process shares it."""
    test = pytest.mark.alone(test)
    return pytest.mark.skipif(
        bool(os.environ.get("REDIS_URL")), reason="restarts the project's embedded Redis"
    )(test)
