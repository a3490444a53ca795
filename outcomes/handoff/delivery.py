"""Sending events to webhook endpoints, signed as the Standard Webhooks specification
says, in order per contact, tried again on a schedule, dead after the last try.

One sender per endpoint at a time (a session advisory lock, released by PostgreSQL if
the worker dies). The sender goes through the endpoint's waiting deliveries in event
order; a contact whose earlier delivery is waiting for its next try, or dead, has its
later ones left waiting too, so a case system never sees a correction before what it
corrects. Everything else goes on. A delivery is marked delivered only after the
receiver's 2xx: a worker killed between the two sends it again, with the same
``webhook-id``, which the specification tells receivers to expect.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import requests
from django.conf import settings
from django.db import connection
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from frontdoor.dispatch import send
from outcomes.handoff.recording import DRAIN_TASK, endpoints_listening
from outcomes.handoff.secrets import secret_open
from outcomes.handoff.sequencer import events_sequence
from outcomes.models import CaseEvent, Delivery, DeliveryAttempt, WebhookEndpoint

logger = logging.getLogger(__name__)

ENDPOINT_LOCK = 0x46_44_57_48  # "FDWH": the first half of each endpoint's lock key
BATCH = 200
# Tries that fail one after another, for different contacts, before a sender decides
# the receiver is down and leaves the rest for the sweep.
FAILURES_BEFORE_PAUSE = 3
USER_AGENT = "FrontDoor-Webhooks/1"


@dataclass
class DrainResult:
    delivered: int = 0
    failed: int = 0
    locked_out: bool = False


@contextmanager
def _endpoint_lock(endpoint_id: int) -> Iterator[bool]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [ENDPOINT_LOCK, endpoint_id])
        held = cursor.fetchone()[0]
    try:
        yield held
    finally:
        if held:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [ENDPOINT_LOCK, endpoint_id])


@contextmanager
def _commits_not_waiting_for_disk() -> Iterator[None]:
    """For a sender's own writes (each try and its outcome), commits that do not wait
    for their WAL to reach the disk: waiting was most of a sender's time. Only a crash
    of PostgreSQL itself could lose the last moment of them, and a delivery whose
    record was lost is sent again with the same webhook-id, as when a worker dies
    between the receiver's answer and the record (which the specification allows)."""
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


def event_body(event: CaseEvent) -> str:
    """The payload, as the specification shapes it: type, timestamp and data."""
    return json.dumps(
        {"type": event.kind, "timestamp": event.occurred_at.isoformat(), "data": event.data},
        separators=(",", ":"),
        ensure_ascii=False,
    )


def signed_headers(*, event_id: str, body: str, secrets: list[str], at: datetime) -> dict:
    at = at.astimezone(UTC)
    return {
        "webhook-id": event_id,
        "webhook-timestamp": str(int(at.timestamp())),
        # Every usable secret signs, so a receiver may move to a rotated one at any time.
        "webhook-signature": " ".join(
            Webhook(secret).sign(event_id, at, body) for secret in secrets
        ),
        "content-type": "application/json",
        "user-agent": USER_AGENT,
    }


def _post(
    session: requests.Session, url: str, body: str, headers: dict
) -> tuple[int | None, str, str]:
    """The receiver's status and the first 1 KB of its answer, or why none came."""
    try:
        response = session.post(
            url,
            data=body.encode(),
            headers=headers,
            timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
            allow_redirects=False,
            stream=True,
        )
    except requests.RequestException as error:
        return None, "", type(error).__name__
    try:
        excerpt = response.raw.read(DeliveryAttempt.EXCERPT_LENGTH, decode_content=True)
    except Exception as error:  # the answer broke off: the status still counts
        excerpt, error_name = b"", type(error).__name__
    else:
        error_name = ""
    finally:
        response.close()
    return response.status_code, excerpt.decode("utf-8", "replace").replace("\x00", ""), error_name


# The try and what it changes in one statement (one round trip, atomic on its own).
# Only a delivery still waiting changes: a replay or an erasure since it was read wins;
# the try is logged either way.
_RECORD_TRY = """
WITH attempt AS (
    INSERT INTO outcomes_deliveryattempt
        (delivery_id, attempted_at, status_code, error, response_ms, response_excerpt, succeeded)
    VALUES (%(delivery)s, %(now)s, %(status)s, %(error)s, %(took_ms)s, %(excerpt)s,
            %(succeeded)s)
)
UPDATE outcomes_delivery
SET attempts = attempts + 1,
    first_attempt_at = coalesce(first_attempt_at, %(now)s),
    state = %(state)s,
    delivered_at = %(delivered_at)s,
    dead_at = %(dead_at)s,
    next_attempt_at = coalesce(%(next_attempt_at)s, next_attempt_at)
WHERE id = %(delivery)s AND state = 'pending'
"""


def _record_try(delivery: Delivery, *, succeeded: bool, status, excerpt, error, took_ms) -> None:
    now = timezone.now()
    attempts = delivery.attempts + 1
    outcome = {"state": Delivery.State.PENDING, "delivered_at": None, "dead_at": None}
    next_attempt_at = None
    if succeeded:
        outcome.update(state=Delivery.State.DELIVERED, delivered_at=now)
    elif attempts > len(settings.WEBHOOK_RETRY_DELAYS):
        outcome.update(state=Delivery.State.DEAD, dead_at=now)
    else:
        wait = settings.WEBHOOK_RETRY_DELAYS[attempts - 1]
        next_attempt_at = now + timedelta(seconds=wait)
    with connection.cursor() as cursor:
        cursor.execute(
            _RECORD_TRY,
            {
                "delivery": delivery.pk,
                "now": now,
                "status": status,
                "error": error[:200],
                "took_ms": took_ms,
                "excerpt": excerpt,
                "succeeded": succeeded,
                "next_attempt_at": next_attempt_at,
                **outcome,
            },
        )


def _send_one(session, endpoint: WebhookEndpoint, secrets: list[str], delivery: Delivery) -> bool:
    body = event_body(delivery.event)
    headers = signed_headers(
        event_id=delivery.event.event_id, body=body, secrets=secrets, at=timezone.now()
    )
    started = time.monotonic()
    status, excerpt, error = _post(session, endpoint.url, body, headers)
    took_ms = round((time.monotonic() - started) * 1000)
    succeeded = status is not None and 200 <= status < 300
    _record_try(
        delivery, succeeded=succeeded, status=status, excerpt=excerpt, error=error, took_ms=took_ms
    )
    if not succeeded:
        logger.info(
            "Webhook delivery %s to endpoint %s failed (%s)",
            delivery.pk,
            endpoint.pk,
            status or error,
        )
    return succeeded


def _sendable(endpoint_id: int) -> WebhookEndpoint | None:
    return (
        endpoints_listening()
        .filter(pk=endpoint_id, is_active=True, client__is_active=True)
        .select_related("client")
        .first()
    )


def endpoint_drain(*, endpoint_id: int, budget_seconds: float = 90.0) -> DrainResult:
    """Send what an endpoint has waiting and due, for up to ``budget_seconds`` (the
    sweep picks up the rest). Another sender already at work on it: returns at once."""
    result = DrainResult()
    with _endpoint_lock(endpoint_id) as held:
        if not held:
            result.locked_out = True
            return result
        endpoint = _sendable(endpoint_id)
        if endpoint is None:
            return result
        secrets = [secret_open(s.sealed) for s in endpoint.secrets.usable()]
        if not secrets:
            return result
        deadline = time.monotonic() + budget_seconds
        with _commits_not_waiting_for_disk(), requests.Session() as session:
            while time.monotonic() < deadline:
                sent_this_pass = _one_pass(session, endpoint, secrets, result, deadline)
                if not sent_this_pass or result.failed >= FAILURES_BEFORE_PAUSE:
                    break
    return result


def _one_pass(session, endpoint, secrets, result: DrainResult, deadline: float) -> int:
    """Once through the endpoint's waiting deliveries in event order. Another pass
    follows one that sent something: events committed meanwhile with lower ids (a
    transaction that began earlier) are then picked up."""
    waiting = Delivery.objects.filter(endpoint=endpoint, state=Delivery.State.PENDING)
    held_back = set(
        Delivery.objects.filter(endpoint=endpoint, state=Delivery.State.DEAD).values_list(
            "contact_id_for_order", flat=True
        )
    )
    tried, after, failures_in_a_row = 0, 0, 0
    while time.monotonic() < deadline:
        batch = list(
            waiting.filter(event_id__gt=after).select_related("event").order_by("event_id")[:BATCH]
        )
        if not batch:
            break
        for delivery in batch:
            after = delivery.event_id
            contact = delivery.contact_id_for_order
            if contact in held_back:
                continue
            if delivery.next_attempt_at > timezone.now():
                held_back.add(contact)
                continue
            tried += 1
            if _send_one(session, endpoint, secrets, delivery):
                result.delivered += 1
                failures_in_a_row = 0
                continue
            result.failed += 1
            failures_in_a_row += 1
            held_back.add(contact)
            if failures_in_a_row >= FAILURES_BEFORE_PAUSE:
                return tried
            if time.monotonic() >= deadline:
                return tried
    return tried


def webhooks_sweep(*, now: datetime | None = None) -> list[int]:
    """The beat's backstop: positions for events whose committer never gave them, and a
    sender for every endpoint with a delivery due (retries, and anything a lost task or
    an unreachable broker left). Returns the endpoints a sender was queued for."""
    events_sequence()
    now = now or timezone.now()
    due = (
        Delivery.objects.filter(
            state=Delivery.State.PENDING,
            next_attempt_at__lte=now,
            endpoint__in=endpoints_listening().filter(is_active=True, client__is_active=True),
        )
        .values_list("endpoint_id", flat=True)
        .distinct()
    )
    endpoint_ids = sorted(due)
    for endpoint_id in endpoint_ids:
        send(DRAIN_TASK, endpoint_id)
    return endpoint_ids
