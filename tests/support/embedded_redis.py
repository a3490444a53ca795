"""Stopping and starting the project's embedded Redis, for tests of what survives an outage."""

import os

import pytest


def restart_embedded_redis(*, down_while=None) -> None:
    """Stop the embedded Redis (saving its data), run ``down_while``, start it again."""
    from frontdoor import embedded

    embedded.redis_restart(down_while=down_while)


def needs_embedded_redis(test):
    """For a test that stops the project's embedded Redis: skipped when the settings use
    another Redis, and run alone (tests/conftest.py), since every test process shares it."""
    test = pytest.mark.alone(test)
    return pytest.mark.skipif(
        bool(os.environ.get("REDIS_URL")), reason="restarts the project's embedded Redis"
    )(test)
