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

import urllib3
from django.conf import settings
from django.db import connection
from django.db.models import Exists, OuterRef
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from frontdoor.dispatch import send
from frontdoor.file_crypto import InvalidToken
from outcomes.handoff import wire
from outcomes.handoff.recording import DRAIN_TASK, endpoints_listening
from outcomes.handoff.secrets import secret_open
from outcomes.handoff.sequencer import events_sequence
from outcomes.models import CaseEvent, Delivery, DeliveryAttempt, WebhookEndpoint, WebhookSecret
from referrals.models import SCOPE_PERMISSIONS, Scope

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
    failures_in_a_row: int = 0
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
            try:
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT pg_advisory_unlock(%s, %s)", [ENDPOINT_LOCK, endpoint_id]
                    )
            except Exception:
                # A connection that cannot unlock would keep the lock for as long as it
                # is reused: closing it is what releases the lock then.
                connection.close()
                raise


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
    return wire.webhook_body(event.kind, event.occurred_at, json.dumps(event.data))


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


# urllib3's errors, by the names the delivery log puts in words (selectors.NO_ANSWER).
_ERROR_NAMES = {
    urllib3.exceptions.ConnectTimeoutError: "ConnectTimeout",
    urllib3.exceptions.ReadTimeoutError: "ReadTimeout",
    urllib3.exceptions.SSLError: "SSLError",
    urllib3.exceptions.LocationParseError: "InvalidURL",
    urllib3.exceptions.DecodeError: "ContentDecodingError",
}


def _error_name(error: Exception) -> str:
    for kind, name in _ERROR_NAMES.items():
        if isinstance(error, kind):
            return name
    return "ConnectionError"


def _post(
    pool: urllib3.PoolManager, url: str, body: str, headers: dict
) -> tuple[int | None, str, str]:
    """The receiver's status and the first 1 KB of its answer, or why none came. urllib3,
    not requests: less Python per delivery, and nothing taken from the
    environment (a .netrc, a proxy) is sent to a receiver."""
    try:
        response = pool.request(
            "POST",
            url,
            body=body.encode(),
            headers=headers,
            timeout=urllib3.Timeout(total=settings.WEBHOOK_TIMEOUT_SECONDS),
            redirect=False,
            retries=False,
            preload_content=False,
        )
    except (urllib3.exceptions.HTTPError, ValueError) as error:
        return None, "", _error_name(error)
    error_name = ""
    try:
        excerpt = response.read(DeliveryAttempt.EXCERPT_LENGTH, decode_content=True)
    except urllib3.exceptions.HTTPError:  # the answer broke off: the status counts
        excerpt, error_name = b"", "ChunkedEncodingError"
    finally:
        if response.length_remaining:  # a long answer: not worth reading to keep the line
            response.close()
        response.release_conn()
    return response.status, excerpt.decode("utf-8", "replace").replace("\x00", ""), error_name


# Before a try: the delivery counts it and is given the time of its next try, as if
# this one will fail, in the statement that also reads what the event says now. A
# worker killed during the try (or a receiver that never finishes answering, until the
# task's time limit) has therefore still used up a try and waits its turn: it cannot
# be tried again at once, for ever. Nothing is claimed that a replay, an erasure or
# another sender changed since the batch was read (the attempts and the state match).
_CLAIM = """
UPDATE outcomes_delivery AS delivery
SET attempts = delivery.attempts + 1,
    first_attempt_at = coalesce(delivery.first_attempt_at, %(now)s),
    next_attempt_at = %(next_attempt_at)s
FROM outcomes_caseevent AS event
WHERE delivery.id = %(delivery)s
  AND delivery.state = 'pending'
  AND delivery.attempts = %(attempts)s
  AND delivery.next_attempt_at <= %(now)s
  AND event.id = delivery.event_id
  AND event.erased_at IS NULL
RETURNING event.event_id, event.kind, event.occurred_at, event.data::text
"""

# After a try: the try, and what it changes, in one statement. Only the delivery as
# this sender claimed it changes: a replay (which resets the count) or an erasure since
# then wins; the try is logged either way.
_RECORD_TRY = """
WITH attempt AS (
    INSERT INTO outcomes_deliveryattempt
        (delivery_id, attempted_at, status_code, error, response_ms, response_excerpt, succeeded)
    VALUES (%(delivery)s, %(now)s, %(status)s, %(error)s, %(took_ms)s, %(excerpt)s,
            %(succeeded)s)
)
UPDATE outcomes_delivery
SET state = %(state)s,
    delivered_at = %(delivered_at)s,
    dead_at = %(dead_at)s
WHERE id = %(delivery)s AND state = 'pending' AND attempts = %(attempts)s
"""


def _retry_wait(try_number: int) -> timedelta:
    """How long after try ``try_number`` (1, 2, …) the next one comes, if it fails."""
    delays = settings.WEBHOOK_RETRY_DELAYS
    if not delays:  # the first try is the last
        return timedelta(0)
    return timedelta(seconds=delays[min(try_number, len(delays)) - 1])


def _last_try(try_number: int) -> bool:
    return try_number > len(settings.WEBHOOK_RETRY_DELAYS)


@dataclass(frozen=True)
class _Claimed:
    try_number: int
    event_id: str
    body: str


def _claim(delivery: Delivery) -> _Claimed | None:
    now = timezone.now()
    try_number = delivery.attempts + 1
    with connection.cursor() as cursor:
        cursor.execute(
            _CLAIM,
            {
                "delivery": delivery.pk,
                "attempts": delivery.attempts,
                "now": now,
                "next_attempt_at": now + _retry_wait(try_number),
            },
        )
        row = cursor.fetchone()
    if row is None:
        return None
    event_id, kind, occurred_at, data_text = row
    return _Claimed(try_number, event_id, wire.webhook_body(kind, occurred_at, data_text))


def _record_try(
    delivery: Delivery, claimed: _Claimed, *, succeeded: bool, status, excerpt, error, took_ms
) -> None:
    now = timezone.now()
    outcome = {"state": Delivery.State.PENDING, "delivered_at": None, "dead_at": None}
    if succeeded:
        outcome.update(state=Delivery.State.DELIVERED, delivered_at=now)
    elif _last_try(claimed.try_number):
        outcome.update(state=Delivery.State.DEAD, dead_at=now)
    with connection.cursor() as cursor:
        cursor.execute(
            _RECORD_TRY,
            {
                "delivery": delivery.pk,
                "attempts": claimed.try_number,
                "now": now,
                "status": status,
                "error": error[:200],
                "took_ms": took_ms,
                "excerpt": excerpt,
                "succeeded": succeeded,
                **outcome,
            },
        )


def _send_one(
    pool, endpoint: WebhookEndpoint, secrets: list[str], delivery: Delivery
) -> bool | None:
    """Try one delivery: True delivered, False refused, None not tried (it changed, or
    its contact was erased, since the batch was read)."""
    if _last_try(delivery.attempts):
        # Its last try never came back (the worker died): that was the last.
        Delivery.objects.filter(
            pk=delivery.pk, state=Delivery.State.PENDING, attempts=delivery.attempts
        ).update(state=Delivery.State.DEAD, dead_at=timezone.now())
        return False
    claimed = _claim(delivery)
    if claimed is None:
        return None
    headers = signed_headers(
        event_id=claimed.event_id, body=claimed.body, secrets=secrets, at=timezone.now()
    )
    started = time.monotonic()
    status, excerpt, error = _post(pool, endpoint.url, claimed.body, headers)
    took_ms = round((time.monotonic() - started) * 1000)
    succeeded = status is not None and 200 <= status < 300
    _record_try(
        delivery,
        claimed,
        succeeded=succeeded,
        status=status,
        excerpt=excerpt,
        error=error,
        took_ms=took_ms,
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
    """The endpoint, if it may be sent to now: not paused or deleted, of a system that
    is enabled, may receive events, and whose service account may (ADR 0033: a token is
    never more than its account, and neither is an endpoint)."""
    endpoint = (
        endpoints_listening()
        .filter(pk=endpoint_id, is_active=True, client__is_active=True)
        .select_related("client__account")
        .first()
    )
    if endpoint is None or not may_receive(endpoint.client.account):
        return None
    return endpoint


def may_receive(account) -> bool:
    return account.is_active and account.has_perm(SCOPE_PERMISSIONS[Scope.RECEIVE_EVENTS].perm)


def _usable_secrets(endpoint: WebhookEndpoint) -> list[str]:
    opened = []
    for secret in endpoint.secrets.usable():
        try:
            opened.append(secret_open(secret.sealed))
        except InvalidToken:
            # Sealed under a key since removed without rekeying: it cannot sign. The
            # endpoint's other secrets still do; with none, nothing is sent.
            logger.warning(
                "Webhook secret %s of endpoint %s cannot be opened", secret.pk, endpoint.pk
            )
    return opened


def endpoint_drain(*, endpoint_id: int, budget_seconds: float = 90.0) -> DrainResult:
    """Send what an endpoint has waiting and due, for up to ``budget_seconds`` (the
    sweep picks up the rest). Another sender already at work on it: returns at once.
    A worker's task runs it outside any transaction, so each record commits as it is
    made."""
    result = DrainResult()
    with _endpoint_lock(endpoint_id) as held:
        if not held:
            result.locked_out = True
            return result
        deadline = time.monotonic() + budget_seconds
        with _commits_not_waiting_for_disk(), urllib3.PoolManager(maxsize=1) as pool:
            while time.monotonic() < deadline:
                sent_this_pass = _one_pass(endpoint_id, pool, result, deadline)
                if not sent_this_pass or result.failures_in_a_row >= FAILURES_BEFORE_PAUSE:
                    break
    return result


def _one_pass(endpoint_id: int, pool, result: DrainResult, deadline: float) -> int:
    """Once through the endpoint's waiting deliveries in event order. Another pass
    follows one that sent something: events committed meanwhile with lower ids (a
    transaction that began earlier) are then picked up. The endpoint and its secrets
    are read again for each batch, so a pause, a deletion, a new address or a revoked
    secret takes effect within one batch."""
    held_back = set(
        Delivery.objects.filter(endpoint_id=endpoint_id, state=Delivery.State.DEAD).values_list(
            "contact_id_for_order", flat=True
        )
    )
    waiting = Delivery.objects.filter(endpoint_id=endpoint_id, state=Delivery.State.PENDING).only(
        "pk", "event_id", "contact_id_for_order", "attempts", "next_attempt_at"
    )
    tried, after = 0, 0
    while time.monotonic() < deadline:
        endpoint = _sendable(endpoint_id)
        secrets = _usable_secrets(endpoint) if endpoint else []
        if not secrets:
            return 0
        batch = list(waiting.filter(event_id__gt=after).order_by("event_id")[:BATCH])
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
            outcome = _send_one(pool, endpoint, secrets, delivery)
            if outcome is None:  # replayed, erased or changed meanwhile: its turn later
                held_back.add(contact)
                continue
            tried += 1
            if outcome:
                result.delivered += 1
                result.failures_in_a_row = 0
                continue
            result.failed += 1
            result.failures_in_a_row += 1
            held_back.add(contact)
            if result.failures_in_a_row >= FAILURES_BEFORE_PAUSE or time.monotonic() >= deadline:
                return tried
    return tried


def webhooks_sweep(*, now: datetime | None = None) -> list[int]:
    """The beat's backstop: positions for events whose committer never gave them, and a
    sender for every endpoint with a delivery it could send now (retries, and anything a
    lost task or an unreachable broker left): due, first of its contact's undelivered
    ones, and the endpoint able to sign. Returns the endpoints a sender was queued for."""
    events_sequence()
    now = now or timezone.now()
    earlier_undelivered = Delivery.objects.filter(
        endpoint=OuterRef("endpoint"),
        contact_id_for_order=OuterRef("contact_id_for_order"),
        event_id__lt=OuterRef("event_id"),
        state__in=[Delivery.State.PENDING, Delivery.State.DEAD],
    )
    signing = WebhookSecret.objects.usable(now).filter(endpoint=OuterRef("pk"))
    endpoints = (
        endpoints_listening()
        .filter(is_active=True, client__is_active=True, client__account__is_active=True)
        .filter(Exists(signing))
    )
    due = (
        Delivery.objects.filter(
            state=Delivery.State.PENDING, next_attempt_at__lte=now, endpoint__in=endpoints
        )
        .exclude(Exists(earlier_undelivered))
        .values_list("endpoint_id", flat=True)
        .distinct()
    )
    endpoint_ids = sorted(due)
    for endpoint_id in endpoint_ids:
        send(DRAIN_TASK, endpoint_id)
    return endpoint_ids
