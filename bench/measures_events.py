"""Issue 21's figures: a page of the pull feed of events for case systems, and events
delivered, signed, by one Celery worker process to a receiver on loopback.

Both read the events the bench database holds in proportion to its decisions
(``demo.synthetic.events``). A partner system is registered for the run and deleted
after it, with its endpoint and every delivery and try made for it, so the next run
starts from the same place and no later decision is sent anywhere."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, contextmanager
from itertools import cycle

from django.contrib.auth.models import Group
from django.db.models import Max
from django.test import Client
from django.urls import reverse

from bench import processes
from bench.report import Result
from bench.sampling import member_of, query_count, timed
from frontdoor.dispatch import send
from frontdoor.models import User
from frontdoor.roles import Role
from outcomes.handoff.feed import cursor_for
from outcomes.handoff.recording import DRAIN_TASK
from outcomes.models import CaseEvent, Delivery, DeliveryAttempt, WebhookEndpoint
from referrals.models import ApiClient, Scope
from referrals.services import api_client_create, api_client_delete

PAGE = 100
DELIVERIES = 2000
SYSTEM_NAME = "Bench case system"
DELIVERY_WAIT_SECONDS = 300


def _account() -> User:
    account = (
        User.objects.filter(groups__name=Role.CASE_SYSTEM.value, is_active=True)
        .order_by("pk")
        .first()
    )
    if account is None:
        account = User.objects.create_user(
            email="bench-case-system@frontdoor.example",
            password=None,
            full_name="Bench case-management system",
            # The council's own system: the council's agency, as its screeners have.
            agency=member_of(Role.SCREENER).agency,
        )
        account.groups.add(Group.objects.get(name=Role.CASE_SYSTEM.value))
    return account


def _tidy() -> None:
    """Delete the bench's partner systems, their endpoints and deliveries (a run that
    stopped part-way leaves them behind)."""
    for client in ApiClient.objects.filter(name=SYSTEM_NAME, deleted_at__isnull=True):
        # Deliveries and tries go with their endpoint (CASCADE); the events stay.
        WebhookEndpoint.objects.filter(client=client).delete()
        api_client_delete(actor=None, client=client)


def _highest_position() -> int:
    highest = CaseEvent.objects.aggregate(at=Max("position"))["at"] or 0
    if highest < PAGE:
        raise SystemExit(
            f"Events: the feed holds {highest} events, fewer than a page of {PAGE}; "
            "run demo.synthetic.events.case_events_backfill (bench/run.py does)"
        )
    return highest


def events_feed(repeats: int, token: str) -> Result:
    """Pages of 100 from cursors at random places across the whole feed, as a case
    system polling with its token, through the full middleware stack."""
    highest = _highest_position()
    rng = random.Random(21)  # the same cursors every run at the same size
    cursors = [cursor_for(rng.randrange(0, highest - PAGE + 1)) for _ in range(max(repeats, 20))]
    next_cursor = cycle(cursors).__next__
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    url = reverse("api-events")

    pages = []

    def fetch():
        pages.append(client.get(url, {"after": next_cursor(), "limit": PAGE}))

    samples = timed(fetch, repeats)
    # Checked after timing: reading 100 events' JSON is the client's work, not the server's.
    for response in pages:
        if response.status_code != 200 or len(response.json()["events"]) != PAGE:
            raise SystemExit(f"Event feed: {response.status_code} from the API, or a short page")
    result = Result(
        "events_feed", f"Event feed, a page of {PAGE}", samples, queries=query_count(fetch)
    )
    result.notes.append(
        f"{len(cursors)} cursors in turn at random places across the {highest:,} events of "
        "the feed, as a case system with its token; each page audits the contacts it shows"
    )
    return result


def _receiver():
    """The tests' receiver (it verifies every signature), answering as a production
    server does: headers and body in one segment. Written in two, with Nagle's
    algorithm on, the body waits for the sender's delayed ACK (40 ms on Linux), and
    that would be measured instead of the sender."""
    from tests.support.webhooks import Receiver

    class Prompt(Receiver):
        def _handler(self):
            class Handler(super()._handler()):
                disable_nagle_algorithm = True

            return Handler

    return Prompt()


@contextmanager
def worker_process():
    """One ``celery worker`` process, pool solo: one delivery at a time."""
    from frontdoor.celery import app

    app.control.purge()
    with processes.celery_worker(pool="solo", concurrency=1, env={}):
        deadline = time.monotonic() + 60
        while not app.control.ping(timeout=0.5):
            if time.monotonic() > deadline:
                raise SystemExit("The Celery worker did not start within a minute")
        yield


def _wait_delivered(endpoint: WebhookEndpoint, total: int) -> None:
    waiting = Delivery.objects.filter(endpoint=endpoint, state=Delivery.State.PENDING)
    deadline = time.monotonic() + DELIVERY_WAIT_SECONDS
    nudged = time.monotonic()
    while waiting.exists():
        if time.monotonic() > deadline:
            raise SystemExit(
                f"Events: {waiting.count()} of {total} not delivered within "
                f"{DELIVERY_WAIT_SECONDS} s"
            )
        # A sender stops after its time budget: ask again, as the beat's sweep would.
        if time.monotonic() - nudged > 30:
            send(DRAIN_TASK, endpoint.pk)
            nudged = time.monotonic()
        time.sleep(0.05)


def events_delivery(
    client: ApiClient,
    count: int = DELIVERIES,
    worker: Callable[[], AbstractContextManager] = worker_process,
) -> Result:
    """The latest ``count`` events waiting for one endpoint, sent by one worker process
    to a receiver that checks every signature with the ``standardwebhooks`` library."""
    from tests.support.webhooks import listening

    receiver = _receiver()
    try:
        endpoint, receiver.secret = listening(client, receiver.url)
        latest = CaseEvent.objects.filter(erased_at__isnull=True).order_by("-position")[:count]
        Delivery.objects.bulk_create(
            Delivery(endpoint=endpoint, event_id=event_id, contact_id_for_order=contact_id)
            for event_id, contact_id in latest.values_list("pk", "contact_id")
        )
        total = Delivery.objects.filter(endpoint=endpoint).count()
        with worker():
            sent_at = time.monotonic()
            send(DRAIN_TASK, endpoint.pk)
            _wait_delivered(endpoint, total)
            waited = time.monotonic() - sent_at
    finally:
        receiver.stop()
    delivered = sorted(
        Delivery.objects.filter(endpoint=endpoint, state=Delivery.State.DELIVERED).values_list(
            "delivered_at", flat=True
        )
    )
    tries = DeliveryAttempt.objects.filter(delivery__endpoint=endpoint)
    ids = receiver.ids()
    if len(delivered) != total or receiver.refused or len(set(ids)) != total:
        raise SystemExit(
            f"Events: {len(delivered)} of {total} delivered, {len(set(ids))} verified by the "
            f"receiver, {len(receiver.refused)} refused"
        )
    span = (delivered[-1] - delivered[0]).total_seconds()
    result = Result(
        "events_delivered",
        "Events delivered, one worker process",
        [float(ms) for ms in tries.values_list("response_ms", flat=True)],
        rate=(total - 1) / span if span else None,
    )
    result.notes.append(
        f"{total:,} events for one endpoint, sent in order per contact by one worker (pool "
        f"solo) to a receiver on loopback that verified every signature; rate from the first "
        f"delivered to the last ({span:.1f} s; {total / waited:,.0f}/s from queueing the task "
        f"to seeing the last delivered); times: each try's response as the sender timed it; "
        f"{tries.count() - total} tries again, {len(ids) - total} sent twice"
    )
    return result


def events(repeats: int, worker: Callable[[], AbstractContextManager] = worker_process):
    """Both figures, with a partner system registered for the run and deleted after."""
    _tidy()
    client, token = api_client_create(
        name=SYSTEM_NAME, account=_account(), scopes=[Scope.RECEIVE_EVENTS]
    )
    try:
        yield events_feed(repeats, token)
        yield events_delivery(client, worker=worker)
    finally:
        _tidy()
