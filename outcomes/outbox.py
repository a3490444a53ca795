"""The one backoff for the outboxes (notices, alerts and alert digests): when a row that
failed for now is tried again, and when trying stops. Each failed attempt doubles the
wait (1, 2, 4 … minutes) up to ``OUTBOX_RETRY_MAX_MINUTES``; after
``OUTBOX_MAX_ATTEMPTS`` attempts the row is a permanent failure, for a person to see,
and no sweep or task tries it again."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings

FIRST_WAIT = timedelta(minutes=1)


def retry_in(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th attempt failed (1 for the first)."""
    cap = timedelta(minutes=settings.OUTBOX_RETRY_MAX_MINUTES)
    doublings = min(max(attempts, 1) - 1, 30)  # 2**30 minutes is past any cap
    return min(FIRST_WAIT * 2**doublings, cap)


def given_up(attempts: int) -> bool:
    """Whether ``attempts`` failed attempts are the last: the row fails for good."""
    return attempts >= settings.OUTBOX_MAX_ATTEMPTS


def given_up_reason(attempts: int, reason: str) -> str:
    return f"Gave up after {attempts} attempts: {reason}"[:200]
