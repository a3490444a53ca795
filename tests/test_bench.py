"""The benchmark suite's own working parts, at a size that proves they run.

Nothing here times anything against a target: `make bench` does that. These tests
keep the measures from rotting as pages change, and pin the arithmetic the
results table is judged by.
"""

import pytest

from bench import measures
from bench.report import (
    Result,
    growth_table,
    percentile,
    results_markdown,
    results_table,
    results_write,
)
from screening import services as screening_services
from screening.models import Route
from tests.factories import child_input, submit_contact
from tests.support.screening import decide


def test_percentile_is_nearest_rank_so_it_names_an_observed_time():
    samples = [float(n) for n in range(1, 101)]
    assert percentile(samples, 0.95) == 95.0
    assert percentile(samples, 0.5) == 50.0
    assert percentile([7.0], 0.95) == 7.0


def _result(key, samples, **extra):
    return Result(key, key.replace("_", " "), samples, **extra)


def test_targets_judge_p95_the_floor_ratio_and_throughput():
    fast = _result("queue_page", [20.0] * 19 + [99.0], queries=9, floor_ratio=2.5)
    slow_tail = _result("queue_page", [20.0] * 18 + [150.0, 150.0], queries=9, floor_ratio=2.5)
    heavy = _result("queue_page", [20.0] * 20, queries=9, floor_ratio=3.5)
    assert (fast.met, slow_tail.met, heavy.met) == (True, False, False)
    assert _result("intake_api", [50.0] * 20, rate=210.0).met is True
    assert _result("intake_api", [50.0] * 20, rate=150.0).met is False
    assert _result("floor", [5.0]).met is None


def test_growth_is_judged_on_medians_and_an_unchanged_query_count():
    small = (100, [_result("queue_page", [10.0], queries=9)], {"contacts": 100})
    grown = (1000, [_result("queue_page", [14.0], queries=9)], {"contacts": 1000})
    more_queries = (1000, [_result("queue_page", [11.0], queries=10)], {"contacts": 1000})
    assert "met" in growth_table([small, grown]).splitlines()[-1]
    assert "MISSED" in growth_table([small, more_queries]).splitlines()[-1]


def test_growth_shows_every_size_in_turn_and_judges_smallest_to_largest():
    """100k → 1M → 10M: a column per size; a measure is judged from the first to the
    last, and must keep its query count at every size."""
    runs = [
        (n, [_result("queue_page", [ms], queries=q)], {"contacts": n})
        for n, ms, q in ((100_000, 10.0, 9), (1_000_000, 12.0, 9), (10_000_000, 14.0, 9))
    ]
    table = growth_table(runs)
    assert "100,000 → 1,000,000 → 10,000,000" in table
    assert "median ms (100k)" in table
    assert "median ms (10M)" in table
    row = table.splitlines()[-1]
    assert "10.0" in row
    assert "14.0" in row
    assert "1.40x" in row
    assert "9 → 9 → 9" in row
    assert row.endswith("met")
    runs[1][1][0].queries = 10
    assert growth_table(runs).splitlines()[-1].endswith("MISSED")


def test_results_are_written_as_a_markdown_table_with_every_note():
    result = _result("matching", [1.0, 2.0, 3.0], queries=1)
    result.notes.append("400 look-ups")
    facts = {"contacts": 1000, "generated_in": 12.0, "postgres": "PostgreSQL 18"}
    text = results_markdown(
        [(1000, [result], facts)],
        {"date": "2026-11-23", "cpus": 2, "platform": "Linux", "python": "3.12", "repeats": 5},
    )
    assert "| matching | 2.0 | 3.0 | 1 |" in text
    assert "- matching: 400 look-ups" in text
    assert "generated in 12 s" in text.lower()
    assert "matching" in results_table([result], facts)


@pytest.fixture
def bench_urls(settings):
    settings.ROOT_URLCONF = "bench.urls"
    settings.TWO_FACTOR_REQUIRED = False


@pytest.mark.django_db
def test_page_measures_run_against_the_app(bench_urls, screener, manager, referrer, level):
    first = submit_contact(referrer)
    screening_services.screening_claim(actor=screener, contact=first)
    decide(screener, first, level, route=Route.SOCIAL_CARE_ASSESSMENT)
    submit_contact(referrer, subjects=[child_input()])

    for measure in (
        measures.floor,
        measures.queue_page,
        measures.contact_page,
        measures.matching,
        measures.complex_queue,
        measures.scorecard_year,
    ):
        produced = measure(repeats=2)
        for result in produced if isinstance(produced, list) else [produced]:
            assert result.samples_ms, measure.__name__
            assert result.median > 0, measure.__name__
    page = measures.contact_page(repeats=2)
    split = next(note for note in page.notes if "database round trips" in note)
    in_database = float(split.split()[1])
    assert 0 < in_database < page.median * 2, split  # a share of one page's own time


@pytest.mark.django_db
def test_the_today_measures_run(bench_urls, screener, manager, referrer):
    """Issue 23's figures: the today page, a manager's and a screener's, and one poll of
    the queue page and of the today page, each with its query count."""
    from bench import measures_today

    screening_services.screening_claim(actor=screener, contact=submit_contact(referrer))
    submit_contact(referrer)
    results = measures_today.today_pages(repeats=2) + measures_today.polls(repeats=2)
    assert [r.key for r in results] == [
        "today_page",
        "today_page_screener",
        "queue_poll",
        "queue_poll_clocks",
        "today_poll",
    ]
    for result in results:
        assert result.samples_ms, result.key
        assert result.queries, result.key
        assert result.key in __import__("bench.report").report.TARGETS


@pytest.mark.django_db
def test_a_family_is_counted_as_the_panel_shows_it(referrer):
    """The family measure picks contacts by the people their panel holds: everyone on
    the contact, matched or not, and whoever is related on record to someone on it."""
    from django.db import connection

    from bench.measures_family import _sizes
    from tests.factories import adult_input

    child = child_input(first_name="Ada", last_name="Quennell", nhs_number="9434765919")
    first = submit_contact(referrer, subjects=[child, adult_input(first_name="Mary")])
    # Mary named again: a likely match of her record, waiting for a screener.
    later = submit_contact(
        referrer,
        subjects=[
            child,
            adult_input(first_name="Frank", last_name="Osgood"),
            adult_input(first_name="Mary"),
        ],
    )
    assert later.subjects.get(first_name="Mary").person_id is None
    with connection.cursor() as cursor:
        sizes = _sizes(cursor, [first.pk, later.pk])
    # Relationships belong to the people, so the first contact's panel now has Frank
    # too; the later one Ada, Frank, Mary as named (unmatched) and Mary on record.
    assert sizes == {first.reference: 3, later.reference: 4}


@pytest.mark.django_db(transaction=True)
def test_event_measures_page_the_feed_and_deliver_through_a_real_worker(
    bench_urls, celery_worker, screener, referrer, level
):
    """The feed is paged from cursors across it and the latest events are delivered,
    signed and verified, by the worker; the bench's partner system, endpoint and
    deliveries are gone afterwards, so no later decision is sent anywhere."""
    from contextlib import nullcontext

    from bench.measures_events import PAGE, SYSTEM_NAME, events
    from outcomes.models import CaseEvent, Delivery, WebhookEndpoint
    from referrals.models import ApiClient

    for _ in range(PAGE + 5):  # the feed's cursors need more than a page of events
        contact = submit_contact(referrer)
        screening_services.screening_claim(actor=screener, contact=contact)
        decide(screener, contact, level, route=Route.EARLY_HELP)
    assert CaseEvent.objects.filter(position__isnull=False).count() == PAGE + 5

    feed, delivered = events(repeats=2, worker=nullcontext)

    assert feed.key == "events_feed"
    assert feed.samples_ms
    assert feed.queries
    assert delivered.key == "events_delivered"
    assert len(delivered.samples_ms) == PAGE + 5  # one try each: the receiver said 200
    assert delivered.rate > 0
    assert not WebhookEndpoint.objects.exists()
    assert not Delivery.objects.exists()
    assert not ApiClient.objects.filter(name=SYSTEM_NAME, deleted_at__isnull=True).exists()


@pytest.mark.django_db(transaction=True)
def test_the_police_measures_run(settings, police_member, celery_worker):
    """Issue 22's two figures, at a size that proves they run: bulk triage of a few
    notifications in one request, and a small batch file uploaded and imported by a
    real worker."""
    from contextlib import nullcontext

    from bench import measures_police
    from demo.common import demo_data_load
    from demo.onward_services import demo_onward_services_load
    from screening.models import Decision

    settings.TWO_FACTOR_REQUIRED = False  # the bench signs in with force_login
    demo_data_load()
    demo_onward_services_load()  # the demo's Early Help services: one named per batch
    triage = measures_police.bulk_triage(repeats=1, batch=4)
    assert len(triage.samples_ms) == 1
    assert Decision.objects.count() == 4 * (1 + 3)  # the warm-up runs decide too
    assert not Decision.objects.filter(service__isnull=True).exists()
    imported = measures_police.police_import(rows=200, worker=nullcontext)
    assert imported.rate > 0
    assert imported.key in __import__("bench.report").report.TARGETS

    # Left open, each run's 200 (5,000 in a real run) would swell the next run's queue.
    from referrals.models import OPEN_STATUSES, Contact

    open_before = Contact.objects.filter(status__in=OPEN_STATUSES).count()
    assert open_before >= 200
    assert measures_police.close_imported_contacts() == open_before
    assert not Contact.objects.filter(status__in=OPEN_STATUSES).exists()


@pytest.mark.django_db
def test_a_failing_measure_is_recorded_with_its_reason_and_the_run_goes_on(bench_urls, screener):
    """No contact has a history yet, so the contact page cannot be measured: its row
    says FAILED and why, and the measures after it still run."""
    results = measures.run_all(repeats=2, only=frozenset({"contact", "queue"}))

    by_key = {r.key: r for r in results}
    assert by_key["contact_page"].failure
    assert by_key["contact_page"].met is False
    assert by_key["queue_page"].samples_ms
    assert by_key["queue_page"].failure is None
    facts = {"contacts": 0, "generated_in": 0, "postgres": "PostgreSQL 18"}
    machine = {"date": "2026-12-01", "cpus": 2, "platform": "Linux", "python": "3.12"}
    text = results_markdown([(0, results, facts)], machine | {"repeats": 2})
    assert "| Contact page with history |" in text
    assert "FAILED" in text
    assert f"- Contact page with history: FAILED: {by_key['contact_page'].failure}" in text
    assert "FAILED" in results_table(results, facts)


def test_a_second_run_the_same_day_is_added_to_the_days_file(tmp_path):
    out = tmp_path / "results" / "2026-12-01.md"
    results_write(out, "# Benchmarks, 2026-12-01, 01:00 UTC\n\nfirst\n")
    results_write(out, "# Benchmarks, 2026-12-01, 02:00 UTC\n\nsecond\n")
    text = out.read_text()
    assert text.index("first") < text.index("second")
    assert text.count("# Benchmarks") == 2


def test_figures_measured_before_a_failure_stand_beside_it():
    """A measure may make its figures as they are read (the events pair does): one
    made before the other fails is kept, and the failure follows it with its reason."""

    def feed_then_stuck():
        yield _result("events_feed", [3.0, 4.0])
        raise SystemExit("Events: not all delivered")

    added = []
    measures.measured_in_turn(added.append, "events_feed", "Events", feed_then_stuck)
    measures.measured_in_turn(
        added.append, "matching", "Matching", lambda: _result("matching", [1.0])
    )
    measures.measured_in_turn(added.append, "police", "Police", lambda: [_result("x", [2.0])])

    assert [(r.key, r.failure) for r in added] == [
        ("events_feed", None),
        ("events_feed", "Events: not all delivered"),
        ("matching", None),
        ("x", None),
    ]
