"""The one backoff for the outboxes (notices, alerts and alert digests): when a row that
failed for now is tried again, and when trying stops. Each failed attempt doubles the
wait (1, 2, 4 … minutes) up to ``OUTBOX_RETRY_MAX_MINUTES``; after
``OUTBOX_MAX_ATTEMPTS`` attempts the row is a permanent failure, for a person to see,
and no sweep or task tries it again.

``delivered`` is the one way a claimed row is sent: every exit from it leaves the row
sent, failed for now (tried again after the backoff) or failed for good with its
reason — never "sending" unless the worker itself was killed, which the sweeps undo
once ``STUCK_SENDING_AFTER`` (the tasks' hard time limit and a margin) has passed."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

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


# The delivery tasks' limits (notices, alerts, digests): a row "sending" longer than the
# hard limit plus a margin had its worker killed, and the sweeps take it back.
DELIVERY_TIME_LIMIT = 60
DELIVERY_SOFT_TIME_LIMIT = 45
STUCK_SENDING_AFTER = timedelta(seconds=DELIVERY_TIME_LIMIT + 60)


class SentNotRecorded(Exception):
    """The provider took it but the row could not say so: it stays "sending" for the
    sweep, whose next attempt asks Notify by reference before sending again."""


def _write(rows, **values) -> None:
    """Update ``rows`` in a transaction of its own; once more on a fresh connection
    when the database failed (unless a caller's transaction holds the connection)."""
    try:
        with transaction.atomic(using=rows.db):
            rows.update(**values)
    except DatabaseError:
        connection = connections[rows.db]
        if connection.in_atomic_block:
            raise
        connection.close()
        with transaction.atomic(using=rows.db):
            rows.update(**values)


def failed_for_now(rows, *, field: str, attempts: int, reason: str, wait=None) -> bool:
    """Keep a failure on the row: tried again after the backoff (``wait`` instead, when
    given), or failed for good after its attempts. True when it will be tried again."""
    now = timezone.now()
    if given_up(attempts):
        _write(
            rows,
            **{field: "permanent_failure"},
            failure_reason=given_up_reason(attempts, reason),
            updated_at=now,
        )
        return False
    _write(
        rows,
        **{field: "temporary_failure"},
        failure_reason=reason[:200],
        next_attempt_at=now + (retry_in(attempts) if wait is None else wait),
        updated_at=now,
    )
    return True


def delivered(
    rows,
    *,
    field: str,
    attempts: int,
    send: Callable[[], str],
    temporary: tuple[type[Exception], ...],
    refused: tuple[type[Exception], ...],
    retry_as: type[Exception],
    wait: timedelta | None = None,
) -> str:
    """Send a claimed row with ``send()`` (which returns the provider's id) and keep
    what happened on it. Refused: failed for good. Any other exception (a temporary
    kind, or one nobody foresaw: a reset connection, a garbled answer, Redis or the
    database down, the soft time limit) means it was not sent: failed for now, and
    ``retry_as`` is raised for the task to retry. Sent but not recorded: written once
    more on a fresh connection, never sent again here."""
    try:
        provider_id = send()
    except refused as error:
        _write(rows, **{field: "permanent_failure"}, failure_reason=str(error)[:200],
               updated_at=timezone.now())  # fmt: skip
        return "failed"
    except Exception as error:
        if isinstance(error, temporary):
            reason = str(error)
        else:
            logger.exception("Delivery failed unexpectedly; it will be tried again")
            reason = f"Unexpected error: {type(error).__name__}"
        if failed_for_now(rows, field=field, attempts=attempts, reason=reason, wait=wait):
            raise retry_as(reason) from error
        return "failed"
    values = {field: "sent", "sent_at": timezone.now(), "provider_id": provider_id[:100],
              "failure_reason": "", "updated_at": timezone.now()}  # fmt: skip
    try:
        _write(rows, **values)
    except DatabaseError as error:
        logger.exception("Sent, but the row could not say so; the sweep will check")
        raise SentNotRecorded(str(error)) from error
    return "sent"


def claimed_body(rows, *, field: str, retry_as: type[Exception], body: Callable[[], str]) -> str:
    """Run the rest of a claimed delivery (``body``, which ends in ``delivered``):
    anything it raises before sending leaves the row failed for now, not "sending"."""
    try:
        return body()
    except (retry_as, SentNotRecorded):
        raise
    except Exception as error:
        logger.exception("A claimed delivery failed before sending; it will be tried again")
        reason = f"Unexpected error: {type(error).__name__}"
        try:
            attempts = rows.values_list("attempts", flat=True).first() or 1
        except DatabaseError:
            attempts = 1  # failed_for_now reconnects; the count is kept on the row
        if failed_for_now(rows, field=field, attempts=attempts, reason=reason):
            raise retry_as(reason) from error
        return "failed"
