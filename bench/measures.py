"""Each benchmark figure: how it is measured, against the bench database as it stands."""

from __future__ import annotations

import http.client
import json
import os
import threading
import time
from collections.abc import Callable
from datetime import date, timedelta
from itertools import cycle
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection, connections, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from faker import Faker

from bench import processes
from bench.report import Result
from frontdoor.models import User
from frontdoor.roles import Role
from referrals.matching import likely_matches
from referrals.models import Contact
from referrals.services import api_client_create
from screening import services as screening_services
from screening.meetings import slots
from screening.meetings.services import complex_case_run
from screening.models import Decision, Route, ThresholdLevel

INTAKE_KEY_PREFIX = "bench-intake-"
WARM_UP = 3


def _timed(action: Callable[[], object], repeats: int) -> list[float]:
    for _ in range(WARM_UP):
        action()
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def _query_count(action: Callable[[], object]) -> int:
    # Counted on a separate run: capturing queries slows them a little.
    with CaptureQueriesContext(connection) as queries:
        action()
    return len(queries)


def _member_of(role: Role) -> User:
    user = User.objects.filter(groups__name=role.value, is_active=True).order_by("pk").first()
    if user is None:
        raise SystemExit(f"The bench database has no {role.label}: load the demo data first.")
    return user


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _page(key: str, label: str, client: Client, urls: list[str], repeats: int) -> Result:
    next_url = cycle(urls).__next__

    def fetch():
        response = client.get(next_url())
        if response.status_code != 200:
            raise SystemExit(f"{label}: {response.status_code} from the page")

    samples = _timed(fetch, repeats)
    # The most any of the pages took: a page's shape (children, checks, decisions)
    # sets its count, so the largest is what must not grow with the data.
    return Result(key, label, samples, queries=max(_query_count(fetch) for _ in urls))


def floor(repeats: int) -> Result:
    client = _signed_in(_member_of(Role.SCREENER))
    return _page("floor", "Floor: base template", client, [reverse("bench-floor")], repeats)


def queue_page(repeats: int) -> Result:
    client = _signed_in(_member_of(Role.SCREENER))
    result = _page(
        "queue_page", "Screener queue page", client, [reverse("screening:queue")], repeats
    )
    open_count = Contact.objects.filter(status__in=screening_services.OPEN_STATUSES).count()
    result.notes.append(f"{open_count:,} open contacts in the queue")
    return result


def _contacts_with_long_histories(count: int) -> list[str]:
    """References of the latest contact about the children seen most often."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH frequent AS (
                SELECT person_id FROM referrals_contactsubject
                WHERE person_id IS NOT NULL AND role IN ('child', 'unborn_child')
                GROUP BY person_id ORDER BY count(*) DESC LIMIT %s
            )
            SELECT DISTINCT ON (s.person_id) c.reference
            FROM frequent f
            JOIN referrals_contactsubject s ON s.person_id = f.person_id
            JOIN referrals_contact c ON c.id = s.contact_id
            ORDER BY s.person_id, c.received_at DESC
            """,
            [count],
        )
        return [reference for (reference,) in cursor.fetchall()]


def contact_page(repeats: int) -> Result:
    client = _signed_in(_member_of(Role.SCREENER))
    references = _contacts_with_long_histories(10)
    recent = Contact.objects.order_by("-received_at").values_list("reference", flat=True)[:10]
    references += list(recent)
    urls = [reverse("screening:contact", args=[reference]) for reference in references]
    result = _page("contact_page", "Contact page with history", client, urls, repeats)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT max(n) FROM (
                SELECT count(*) AS n FROM referrals_contactsubject s
                JOIN referrals_contact c ON c.id = s.contact_id
                WHERE c.reference = ANY(%s) AND s.person_id IS NOT NULL
                GROUP BY s.contact_id
            ) per_contact
            """,
            [references],
        )
        (most_people,) = cursor.fetchone()
    result.notes.append(
        f"{len(urls)} contacts in turn: 10 about the children with most history, 10 recent; "
        f"queries: the most any of them took (up to {most_people} people on one contact)"
    )
    return result


def _variants(first: str, last: str, born: date | None) -> list[tuple[str, str, date | None]]:
    typo = last[:-2] + last[-1] + last[-2] if len(last) > 3 else last + "e"
    return [(first, last, born), (first, typo, born), (last, first, born), (first, last, None)]


def matching(repeats: int) -> Result:
    with connection.cursor() as cursor:
        # A sample of pages spread through the table (the same each run); a small
        # table has too few pages to sample, so it is read from the start.
        for sampling in ("TABLESAMPLE SYSTEM (1) REPEATABLE (7)", ""):
            cursor.execute(
                f"""
                SELECT first_name, last_name, date_of_birth FROM referrals_contactsubject
                {sampling}
                WHERE role = 'child' AND first_name <> '' AND last_name <> ''
                LIMIT 100
                """  # noqa: S608 -- the only interpolation is one of two constants
            )
            sampled = cursor.fetchall()
            if len(sampled) >= 20:
                break
    lookups = [variant for row in sampled for variant in _variants(*row)]
    next_lookup = cycle(lookups).__next__

    def look_up():
        first, last, born = next_lookup()
        likely_matches(first_name=first, last_name=last, date_of_birth=born)

    samples = _timed(look_up, max(repeats * 4, len(lookups)))
    result = Result(
        "matching", "Person matching (likely_matches)", samples, queries=_query_count(look_up)
    )
    result.notes.append(
        f"{len(lookups)} look-ups in turn: {len(sampled)} children on record, each exact, "
        "with a typo, first and last name swapped, and without a date of birth"
    )
    return result


def scorecard_year(repeats: int) -> list[Result]:
    """The page as a steering group gets it (from the overnight count), and the
    overnight count itself, which counts the year with its trend, chart and split."""
    from outcomes.scorecard.periods import Period
    from outcomes.scorecard.services import snapshot_take

    year = str(date.today().year - 1)
    started = time.perf_counter()
    snapshot_take(period=Period.parse(year))
    counted_ms = (time.perf_counter() - started) * 1000
    client = _signed_in(_member_of(Role.MANAGER))
    url = f"{reverse('outcomes:scorecard')}?period={year}"
    page = _page("scorecard_year", f"Scorecard page, year {year}", client, [url], repeats)
    page.notes.append("served from the kept overnight count, as the page is in use")
    count = Result("scorecard_count", f"Scorecard year {year} counted afresh", [counted_ms])
    count.notes.append(
        "the overnight job's count (one run): the year with its two-year trend, "
        "twelve-month chart and split by agency"
    )
    return [page, count]


def complex_queue(repeats: int) -> Result:
    def compute():
        # Each run is rolled back so the next computes afresh rather than finding
        # the stored snapshot for the slot.
        with transaction.atomic():
            complex_case_run(meeting_date=date.today(), slot=slots.slot_times()[0])
            transaction.set_rollback(True)

    samples = _timed(compute, max(5, repeats // 5))
    result = Result(
        "complex_queue", "Complex-case queue computation", samples, queries=_query_count(compute)
    )
    return result


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


def intake_api(seconds: float = 20, clients: int = 6, workers: int = 3, threads: int = 1) -> Result:
    """Partner systems posting contacts through gunicorn, several at once."""
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
        f"{threads} thread), clients on the same 2 cores; no Celery worker running"
    )
    return result


def _decide(contacts: list[Contact]) -> list[int]:
    """Decide the contacts in one transaction, so their notices are queued together."""
    screener = _member_of(Role.SCREENER)
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
            while (
                mine.filter(status=Notice.Status.PENDING).exists()
                or mine.filter(status=Notice.Status.SENDING).exists()
            ):
                if time.monotonic() > deadline:
                    left = dict(
                        mine.values_list("status")
                        .annotate(n=Count("pk"))
                        .values_list("status", "n")
                    )
                    raise SystemExit(f"Notices: not all delivered within five minutes: {left}")
                time.sleep(0.05)
    sent = list(mine.filter(status=Notice.Status.SENT).values_list("sent_at", flat=True))
    if len(sent) != total:
        raise SystemExit(f"Notices: {total - len(sent)} of {total} were not sent")
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
        f"family); worker: threads pool x {concurrency}; times from commit to sent"
    )
    return result


def close_intake_contacts() -> int:
    """The contacts the intake measure sent would swell the next run's queue."""
    return Contact.objects.filter(
        idempotency_key__startswith=INTAKE_KEY_PREFIX,
        status__in=screening_services.OPEN_STATUSES,
    ).update(status=Contact.Status.CLOSED, updated_at=timezone.now())


def run_all(*, repeats: int) -> list[Result]:
    results: list[Result] = []

    def add(result: Result) -> None:
        results.append(result)
        rate = f"  {result.rate:,.0f}/s" if result.rate is not None else ""
        print(
            f"  {result.label}: median {result.median:,.1f} ms  p95 {result.p95:,.1f} ms{rate}",
            flush=True,
        )

    add(floor(repeats))
    add(queue_page(repeats))
    add(contact_page(repeats))
    add(matching(repeats))
    add(claiming(repeats))
    add(complex_queue(repeats))
    for result in scorecard_year(repeats):
        add(result)
    try:
        add(intake_api())
        add(notices())
    finally:
        close_intake_contacts()
    base = results[0].median
    for result in results[1:4] + [r for r in results if r.key == "scorecard_year"]:
        result.floor_ratio = result.median / base
    return results
