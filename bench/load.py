"""Benchmark figures under load: screeners claiming at once, partner systems sending
concerns through gunicorn, and notices delivered by a Celery worker."""

from __future__ import annotations

import http.client
import json
import os
import threading
import time
from collections.abc import Callable
from datetime import date, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connections, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from faker import Faker

from bench import processes
from bench.report import Result
from bench.sampling import member_of
from frontdoor.models import User
from frontdoor.roles import Role
from referrals.models import Contact
from referrals.services import api_client_create
from screening import services as screening_services
from screening.models import Decision, Route, ThresholdLevel

INTAKE_KEY_PREFIX = "bench-intake-"


def _together(work: Callable[..., None], arguments: list[tuple]) -> float:
    """Run ``work`` once per argument tuple, all at once in threads; seconds taken."""
    threads = [threading.Thread(target=work, args=args) for args in arguments]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def _screeners(count: int) -> list[User]:
    from django.contrib.auth.models import Group

    screeners = list(User.objects.filter(groups__name=Role.SCREENER.value, is_active=True))
    group = Group.objects.get(name=Role.SCREENER.value)
    while len(screeners) < count:
        user = User.objects.create_user(
            email=f"bench-screener-{len(screeners)}@frontdoor.example",
            password=None,
            full_name=f"Bench Screener {len(screeners)}",
            agency=screeners[0].agency,
        )
        user.groups.add(group)
        screeners.append(user)
    return screeners[:count]


def claiming(repeats: int, screeners: int = 4) -> Result:
    """Screeners pressing "take next" at once; each puts the contact back at once."""
    samples: list[float] = []
    taken: list[int] = []
    lock = threading.Lock()
    barrier = threading.Barrier(screeners)

    def screener_at_work(user: User) -> None:
        try:
            barrier.wait()
            for _ in range(repeats):
                started = time.perf_counter()
                screening = screening_services.screening_claim_next(actor=user)
                elapsed = (time.perf_counter() - started) * 1000
                if screening is None:
                    return
                with lock:
                    samples.append(elapsed)
                    taken.append(screening.contact_id)
                screening_services.screening_release(actor=user, screening=screening)
        finally:
            connections.close_all()

    elapsed = _together(screener_at_work, [(user,) for user in _screeners(screeners)])
    if not samples:
        raise SystemExit("Claiming: the queue is empty, nothing to take")
    result = Result(
        "claiming",
        f"Take next, {screeners} screeners at once",
        samples,
        rate=len(samples) / elapsed,
    )
    result.notes.append(
        f"{len(samples)} claims, each released at once; rate counts claims and releases"
    )
    return result


def _intake_payload(fake) -> dict:
    last = fake.last_name()
    born = date(2010, 1, 1) + timedelta(days=fake.random_int(0, 5500))
    return {
        "channel": "police_notification",
        "children": [
            {
                "first_name": fake.first_name(),
                "last_name": last,
                "date_of_birth": born.isoformat(),
                "sex": fake.random_element(["female", "male"]),
                "postcode": "YO1 7HH",
            }
        ],
        "adults": [
            {
                "first_name": fake.first_name_female(),
                "last_name": last,
                "role": "parent",
                "relationship_to_children": "Mother",
                "address": "1 Mill Lane\nYork",
                "postcode": "YO1 7HH",
            }
        ],
        "concerns": "Police attended a domestic incident at the home; the child was present.",
        "concern_categories": ["domestic_abuse"],
        "urgency": "soon",
        "family_awareness": "aware_consented",
        "referrer": {
            "name": "PC Bench",
            "role": "Officer in case",
            "email": "pc.bench@police.example",
        },
    }


def intake_api(seconds: float = 20, clients: int = 6, workers: int = 2, threads: int = 4) -> Result:
    """Partner systems posting contacts through gunicorn, several at once. A worker
    process per core, each with threads enough that every client's request is in hand
    at once (a request waits on PostgreSQL for about half its time, and a waiting
    thread gives up the core); three single-threaded workers left half the clients
    queued in gunicorn's backlog, and that wait counted in every figure."""
    account = (
        User.objects.filter(groups__name=Role.REFERRER.value, agency__isnull=False)
        .order_by("pk")
        .first()
    )
    _, token = api_client_create(name="Bench feed", account=account)
    path = reverse("api-contact-create")
    samples: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    run = f"{INTAKE_KEY_PREFIX}{time.time_ns()}-"

    def client_at_work(number: int, url: str, until: float) -> None:
        fake = Faker("en_GB")
        fake.seed_instance(number)  # each client its own names, the same every run
        parts = urlsplit(url)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        sent = 0
        while time.perf_counter() < until:
            body = json.dumps(_intake_payload(fake))
            headers = {
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/json",
                "Idempotency-Key": f"{run}{number}-{sent}",
            }
            started = time.perf_counter()
            conn.request("POST", path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            elapsed = (time.perf_counter() - started) * 1000
            sent += 1
            with lock:
                if response.status == 201:
                    samples.append(elapsed)
                else:
                    failures.append(str(response.status))
        conn.close()

    with processes.gunicorn(workers=workers, threads=threads, env={}) as url:
        # A short warm-up so every gunicorn worker has imported and connected.
        client_at_work(99, url, time.perf_counter() + 2)
        samples.clear()
        until = time.perf_counter() + seconds
        elapsed = _together(client_at_work, [(n, url, until) for n in range(clients)])
    if failures:
        raise SystemExit(f"Intake API: {len(failures)} requests failed ({set(failures)})")
    result = Result(
        "intake_api",
        f"Intake API, {clients} clients",
        samples,
        rate=len(samples) / elapsed,
    )
    result.notes.append(
        f"{len(samples):,} contacts in {elapsed:.0f} s through gunicorn ({workers} workers x "
        f"{threads} threads), clients on the same 2 cores; no Celery worker running"
    )
    return result


def _decide(contacts: list[Contact]) -> list[int]:
    """Decide the contacts in one transaction, so their notices are queued together."""
    screener = member_of(Role.SCREENER)
    level = ThresholdLevel.objects.filter(is_active=True).order_by("number")[1]
    decided = []
    with transaction.atomic():
        for contact in contacts:
            screening_services.screening_claim(actor=screener, contact=contact)
            decided.append(
                screening_services.decision_record(
                    actor=screener,
                    contact=contact,
                    route=Route.EARLY_HELP,
                    threshold_level=level,
                    rationale="Bench: early help offered to the family.",
                    family_notice=Decision.FamilyNotice.NOTIFY,
                ).pk
            )
    return decided


def notices(decisions: int = 300, concurrency: int = 8) -> Result:
    """Decisions to notices delivered by one Celery worker process to a Notify-shaped server."""
    from frontdoor.celery import app
    from outcomes.models import Notice
    from tests.outcomes.fake_notify import TEST_API_KEY, FakeNotify

    contacts = list(
        Contact.objects.filter(
            idempotency_key__startswith=INTAKE_KEY_PREFIX, status=Contact.Status.RECEIVED
        ).order_by("pk")[:decisions]
    )
    if not contacts:
        raise SystemExit("Notices: run the intake measure first; it leaves contacts to decide")
    decisions = len(contacts)
    with FakeNotify() as notify:
        notify_settings = {
            "NOTIFY_API_KEY": TEST_API_KEY,
            "NOTIFY_BASE_URL": notify.url,
            "NOTIFY_TEMPLATE_EMAIL": "f33517ff-2a88-4f6e-b855-c550268ce08a",
            "NOTIFY_TEMPLATE_SMS": "af7d2a3c-0d3a-4b3c-8c3e-1b0c1f0b9f3b",
            "NOTIFY_TEMPLATE_LETTER": "0d1e9f4c-2b3a-4c5d-8e6f-7a8b9c0d1e2f",
        }
        for name, value in notify_settings.items():
            setattr(settings, name, value)
        # Acknowledgements queued by the intake measure are not part of this figure.
        app.control.purge()
        with processes.celery_worker(pool="threads", concurrency=concurrency, env=notify_settings):
            deadline = time.monotonic() + 60
            while not app.control.ping(timeout=0.5):
                if time.monotonic() > deadline:
                    raise SystemExit("The Celery worker did not start within a minute")
            decision_ids = _decide(contacts)
            committed = timezone.now()
            mine = Notice.objects.filter(decision_id__in=decision_ids)
            total = mine.count()
            deadline = time.monotonic() + float(os.environ.get("NOTICES_WAIT", "300"))
            # A notice failed for now is still on its way: the worker tries it again.
            while mine.filter(status__in=NOTICES_ON_THEIR_WAY).exists():
                if time.monotonic() > deadline:
                    raise SystemExit(
                        f"Notices: not all delivered within five minutes: {_left(mine)}"
                    )
                time.sleep(0.05)
    sent = list(mine.filter(status=Notice.Status.SENT).values_list("sent_at", flat=True))
    if len(sent) != total:
        raise SystemExit(f"Notices: {total - len(sent)} of {total} were not sent: {_left(mine)}")
    retried = mine.filter(attempts__gt=1).count()
    latencies = [(at - committed).total_seconds() * 1000 for at in sent]
    span = (max(sent) - committed).total_seconds()
    result = Result(
        "notices",
        "Notices delivered, one worker process",
        latencies,
        rate=total / span,
    )
    result.notes.append(
        f"{total} notices from {decisions} decisions (emails to the referrer, letters to the "
        f"family); worker: threads pool x {concurrency}; times from commit to sent; "
        f"{retried} sent on a second or later try"
    )
    return result


NOTICES_ON_THEIR_WAY = ("pending", "sending", "temporary_failure")


def _left(notices) -> dict:
    """How many notices are in each status, with why those not sent failed."""
    return {
        (status, reason): n
        for status, reason, n in notices.exclude(status="sent")
        .values_list("status", "failure_reason")
        .annotate(n=Count("pk"))
        .values_list("status", "failure_reason", "n")
    } or {"sent": notices.count()}


def close_intake_contacts() -> int:
    """The contacts the intake measure sent would swell the next run's queue."""
    return Contact.objects.filter(
        idempotency_key__startswith=INTAKE_KEY_PREFIX,
        status__in=screening_services.OPEN_STATUSES,
    ).update(status=Contact.Status.CLOSED, updated_at=timezone.now())
