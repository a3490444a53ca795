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
from datetime import UTC, datetime

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


# Before a few tries (a group, one round trip): each delivery counts its try and is
# given the time of its next one, as if this one will fail, in the statement that also
# reads what the event says now. A worker killed during a try (or a receiver that never
# finishes answering, until the task's time limit) has therefore still used up a try
# and waits its turn: it cannot be tried again at once, for ever. Nothing is claimed
# that a replay, an erasure or another sender changed since the batch was read (the
# attempts and the state match); what a sender claimed and then did not try (it
# paused) it gives back (_UNCLAIM).
_CLAIM = """
UPDATE outcomes_delivery AS delivery
SET attempts = delivery.attempts + 1,
    first_attempt_at = coalesce(delivery.first_attempt_at, %(now)s),
    next_attempt_at = %(now)s + make_interval(
        secs => coalesce((%(delays)s::int[])[least(delivery.attempts + 1, %(tries)s)], 0)
    )
FROM outcomes_caseevent AS event,
     unnest(%(ids)s::bigint[], %(attempts)s::int[]) AS claim(id, attempts)
WHERE delivery.id = claim.id
  AND delivery.attempts = claim.attempts
  AND delivery.state = 'pending'
  AND delivery.next_attempt_at <= %(now)s
  AND event.id = delivery.event_id
  AND event.erased_at IS NULL
RETURNING delivery.id, event.event_id, event.kind, event.occurred_at, event.data::text
"""

_UNCLAIM = """
UPDATE outcomes_delivery AS delivery
SET attempts = delivery.attempts - 1,
    next_attempt_at = %(now)s,
    first_attempt_at = CASE WHEN delivery.attempts = 1 THEN NULL
                            ELSE delivery.first_attempt_at END
FROM unnest(%(ids)s::bigint[], %(attempts)s::int[]) AS claim(id, attempts)
WHERE delivery.id = claim.id
  AND delivery.attempts = claim.attempts + 1
  AND delivery.state = 'pending'
"""
# Tries claimed at once: a round trip saved per try, at most this many given back.
CLAIM_GROUP = 20

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


def _last_try(try_number: int) -> bool:
    return try_number > len(settings.WEBHOOK_RETRY_DELAYS)


@dataclass(frozen=True)
class _Claimed:
    delivery: Delivery
    event_id: str
    body: str

    @property
    def try_number(self) -> int:
        return self.delivery.attempts + 1


def _group_arguments(group: list[Delivery]) -> dict:
    return {
        "now": timezone.now(),
        "ids": [delivery.pk for delivery in group],
        "attempts": [delivery.attempts for delivery in group],
    }


def _claim(group: list[Delivery]) -> list[_Claimed]:
    """Claim a try of each delivery in ``group`` (in event order, one per contact); the
    ones claimed, in the same order."""
    delays = [int(seconds) for seconds in settings.WEBHOOK_RETRY_DELAYS]
    with connection.cursor() as cursor:
        cursor.execute(_CLAIM, {**_group_arguments(group), "delays": delays, "tries": len(delays)})
        rows = {row[0]: row[1:] for row in cursor.fetchall()}
    claimed = []
    for delivery in group:
        if delivery.pk in rows:
            event_id, kind, occurred_at, data_text = rows[delivery.pk]
            body = wire.webhook_body(kind, occurred_at, data_text)
            claimed.append(_Claimed(delivery, event_id, body))
    return claimed


def _unclaim(claimed: list[_Claimed]) -> None:
    if claimed:
        with connection.cursor() as cursor:
            cursor.execute(_UNCLAIM, _group_arguments([c.delivery for c in claimed]))


def _record_try(claimed: _Claimed, *, succeeded: bool, status, excerpt, error, took_ms) -> None:
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
                "delivery": claimed.delivery.pk,
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


def _send(pool, endpoint: WebhookEndpoint, secrets: list[str], claimed: _Claimed) -> bool:
    """Try one claimed delivery; whether the receiver took it."""
    headers = signed_headers(
        event_id=claimed.event_id, body=claimed.body, secrets=secrets, at=timezone.now()
    )
    started = time.monotonic()
    status, excerpt, error = _post(pool, endpoint.url, claimed.body, headers)
    took_ms = round((time.monotonic() - started) * 1000)
    succeeded = status is not None and 200 <= status < 300
    _record_try(
        claimed, succeeded=succeeded, status=status, excerpt=excerpt, error=error, took_ms=took_ms
    )
    if not succeeded:
        logger.info(
            "Webhook delivery %s to endpoint %s failed (%s)",
            claimed.delivery.pk,
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


@dataclass
class _Pass:
    """One pass's state: where it is, and the contacts whose later events must wait."""

    held_back: set[int]
    deadline: float
    tried: int = 0
    stop: bool = False


def _one_pass(endpoint_id: int, pool, result: DrainResult, deadline: float) -> int:
    """Once through the endpoint's waiting deliveries in event order. Another pass
    follows one that sent something: events committed meanwhile with lower ids (a
    transaction that began earlier) are then picked up. The endpoint and its secrets
    are read again for each batch, so a pause, a deletion, a new address or a revoked
    secret takes effect within one batch."""
    state = _Pass(
        held_back=set(
            Delivery.objects.filter(endpoint_id=endpoint_id, state=Delivery.State.DEAD).values_list(
                "contact_id_for_order", flat=True
            )
        ),
        deadline=deadline,
    )
    waiting = Delivery.objects.filter(endpoint_id=endpoint_id, state=Delivery.State.PENDING).only(
        "pk", "event_id", "contact_id_for_order", "attempts", "next_attempt_at"
    )
    after = 0
    while not state.stop and time.monotonic() < deadline:
        endpoint = _sendable(endpoint_id)
        secrets = _usable_secrets(endpoint) if endpoint else []
        if not secrets:
            return 0
        batch = list(waiting.filter(event_id__gt=after).order_by("event_id")[:BATCH])
        if not batch:
            break
        group: list[Delivery] = []
        for delivery in batch:
            after = delivery.event_id
            contact = delivery.contact_id_for_order
            if any(contact == other.contact_id_for_order for other in group):
                # The contact's earlier event is in this group: it goes first.
                _send_group(pool, endpoint, secrets, group, result, state)
                group = []
                if state.stop:
                    break
            if contact in state.held_back:
                continue
            if delivery.next_attempt_at > timezone.now():
                state.held_back.add(contact)
                continue
            if _last_try(delivery.attempts):
                # Its last try never came back (the worker died): that was the last.
                Delivery.objects.filter(
                    pk=delivery.pk, state=Delivery.State.PENDING, attempts=delivery.attempts
                ).update(state=Delivery.State.DEAD, dead_at=timezone.now())
                state.held_back.add(contact)
                continue
            group.append(delivery)
            if len(group) == CLAIM_GROUP:
                _send_group(pool, endpoint, secrets, group, result, state)
                group = []
                if state.stop:
                    break
        if group and not state.stop:
            _send_group(pool, endpoint, secrets, group, result, state)
    return state.tried


def _send_group(pool, endpoint, secrets, group: list[Delivery], result, state: _Pass) -> None:
    claimed = _claim(group)
    not_claimed = {d.contact_id_for_order for d in group} - {
        c.delivery.contact_id_for_order for c in claimed
    }
    # Replayed, erased or changed since the batch was read: its turn comes later.
    state.held_back |= not_claimed
    for position, each in enumerate(claimed):
        state.tried += 1
        if _send(pool, endpoint, secrets, each):
            result.delivered += 1
            result.failures_in_a_row = 0
            continue
        result.failed += 1
        result.failures_in_a_row += 1
        state.held_back.add(each.delivery.contact_id_for_order)
        if result.failures_in_a_row >= FAILURES_BEFORE_PAUSE or time.monotonic() >= state.deadline:
            state.stop = True
            _unclaim(claimed[position + 1 :])
            return


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
