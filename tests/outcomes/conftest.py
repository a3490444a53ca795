"""Fixtures of the tests of events delivered to case systems: a receiver on loopback and
the case system's endpoint pointing at it (tests/support/webhooks.py)."""

from tests.support.webhooks import endpoint, receiver  # noqa: F401 (fixtures)
