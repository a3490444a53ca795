"""Each benchmark figure: how it is measured, against the bench database as it stands.
This module: one request or call at a time; ``bench.load``: many at once."""

from __future__ import annotations

import time
from datetime import date
from itertools import cycle

from django.db import connection, transaction
from django.urls import reverse

from bench import measures_police, measures_today
from bench.load import claiming, close_intake_contacts, intake_api, notices
from bench.measures_events import events
from bench.measures_family import chronology, family_pages
from bench.report import Result
from bench.sampling import member_of, page_timed, query_count, signed_in, timed
from frontdoor.database_roles import manage_as_owner
from frontdoor.roles import Role
from referrals.matching import likely_matches
from referrals.models import Contact
from screening import services as screening_services
from screening.meetings import slots
from screening.meetings.services import complex_case_run

_page = page_timed


def floor(repeats: int) -> Result:
    client = signed_in(member_of(Role.SCREENER))
    return _page("floor", "Floor: base template", client, [reverse("bench-floor")], repeats)


def queue_page(repeats: int) -> Result:
    client = signed_in(member_of(Role.SCREENER))
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
    client = signed_in(member_of(Role.SCREENER))
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

    samples = timed(look_up, max(repeats * 4, len(lookups)))
    result = Result(
        "matching", "Person matching (likely_matches)", samples, queries=query_count(look_up)
    )
    result.notes.append(
        f"{len(lookups)} look-ups in turn: {len(sampled)} children on record, each exact, "
        "with a typo, first and last name swapped, and without a date of birth"
    )
    return result


def _search_forms() -> list[tuple[str, dict]]:
    """What managers and screeners search by, drawn from the data: each sampled child
    by NHS number, by name with a typo, by name and date of birth, by postcode
    district; each sampled contact by reference, and its agency over its month; and
    words in the concern (the one kind only managers have)."""
    with connection.cursor() as cursor:
        for sampling in ("TABLESAMPLE SYSTEM (1) REPEATABLE (11)", ""):
            cursor.execute(
                f"""
                SELECT p.first_name, p.last_name, p.date_of_birth, p.nhs_number, p.postcode,
                       c.reference, c.source_agency_id, c.received_at
                FROM referrals_contactsubject s {sampling}
                JOIN referrals_person p ON p.id = s.person_id
                JOIN referrals_contact c ON c.id = s.contact_id
                WHERE s.role = 'child' AND p.date_of_birth IS NOT NULL
                LIMIT 20
                """  # noqa: S608 -- the only interpolation is one of two constants
            )
            sampled = cursor.fetchall()
            if len(sampled) >= 10:
                break
    forms: list[tuple[str, dict]] = []
    for first, last, born, nhs, postcode, reference, agency, received in sampled:
        typo = last[:-2] + last[-1] + last[-2] if len(last) > 3 else last + "e"
        dob = {"date_of_birth_0": born.day, "date_of_birth_1": born.month}
        forms += [
            ("name with a typo", {"name": f"{first} {typo}"}),
            (
                "name and date of birth",
                {"name": f"{first} {last}", **dob, "date_of_birth_2": born.year},
            ),
            ("postcode district", {"place": postcode.split()[0]} if postcode else {}),
            ("reference", {"reference": reference}),
        ]
        if nhs:
            forms.append(("NHS number", {"nhs_number": nhs}))
        if agency:
            start = received.date().replace(day=1)
            forms.append(
                (
                    "agency over a month",
                    {
                        "agency": agency,
                        "received_from_0": start.day,
                        "received_from_1": start.month,
                        "received_from_2": start.year,
                    },
                )
            )
    forms += [("concern words", {"concern_words": word}) for word in SEARCH_WORDS]
    return [(kind, form) for kind, form in forms if form]


# Words a manager might look for across concerns: common, rare, and a phrase.
SEARCH_WORDS = ("bruising", "knife", "missing school", '"left alone"', "police OR ambulance")


def search(repeats: int) -> Result:
    client = signed_in(member_of(Role.MANAGER))
    url = reverse("referrals:people-search")
    forms = _search_forms()
    next_form = cycle(forms).__next__

    def post():
        kind, form = next_form()
        response = client.post(url, form)
        if response.status_code != 200 or "There is a problem" in response.text:
            raise SystemExit(f"Search by {kind}: {response.status_code}, or refused")

    samples = timed(post, max(repeats * 2, len(forms)))
    result = Result("search", "Search (people and contacts)", samples)
    result.queries = max(query_count(post) for _ in forms)
    kinds = sorted({kind for kind, _ in forms})
    result.notes.append(
        f"{len(forms)} searches in turn, as a manager: {', '.join(kinds)}; "
        "queries: the most any of them took"
    )
    return result


def _once(action) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def scorecard_year(repeats: int) -> list[Result]:
    """The scorecard at scale (docs/adr/0049): closed months kept first (the scheduler's
    job; only what is missing or marked since), then a year's recount from kept months,
    the page as a steering group gets it, this year so far (its open month counted
    live), a partner agency's drill-down, and a fresh count of the year for comparison."""
    from django.utils import timezone

    from frontdoor.models import Agency
    from outcomes.scorecard.periods import Period
    from outcomes.scorecard.selectors import scorecard_count, scorecard_count_afresh
    from outcomes.scorecard.services import snapshot_take
    from outcomes.scorecard.services_months import months_keep_due

    last_year = Period.parse(str(date.today().year - 1))
    this_year = Period.parse(str(date.today().year))
    kept: list[int] = []
    keep_ms = _once(lambda: kept.append(months_keep_due()))
    recount = Result(
        "scorecard_recount",
        f"Scorecard year {last_year.key} recounted",
        [_once(lambda: snapshot_take(period=last_year)) for _ in range(3)],
    )
    recount.notes.append(
        f"from kept months; before it, {kept[0]} months were kept in {keep_ms / 1000:,.1f} s "
        "(those not kept yet, or marked since); the first run reads the kept months' "
        "arrays, later ones find them read (once per process, docs/adr/0051)"
    )
    so_far = Result(
        "scorecard_this_year",
        f"Scorecard year {this_year.key} so far",
        [_once(lambda: scorecard_count(period=this_year, as_at=timezone.now())) for _ in range(3)],
    )
    so_far.notes.append("kept months, and the open month counted live")
    client = signed_in(member_of(Role.MANAGER))
    url = f"{reverse('outcomes:scorecard')}?period={last_year.key}"
    page = _page("scorecard_year", f"Scorecard page, year {last_year.key}", client, [url], repeats)
    page.notes.append("served from the kept overnight count, as the page is in use")
    results = [page, recount, so_far]
    agency = Agency.objects.filter(type="police").order_by("pk").first()
    if agency is not None:
        figure_url = (
            f"{reverse('outcomes:scorecard-figure')}?period={last_year.key}"
            f"&figure=contacts&part=numerator&agency={agency.pk}"
        )

        def drill_down():
            if client.get(figure_url).status_code != 200:
                raise SystemExit("Scorecard drill-down: not a 200 from the page")

        drilled = Result(
            "scorecard_drill_down",
            f"Scorecard {last_year.key}, contacts from one agency (drill-down page)",
            [_once(drill_down)],
        )
        drilled.notes.append("one run: the contacts behind a figure are counted live")
        results.append(drilled)
    afresh = Result(
        "scorecard_count",
        f"Scorecard year {last_year.key} counted afresh",
        [_once(lambda: scorecard_count_afresh(period=last_year, as_at=timezone.now()))],
    )
    afresh.notes.append(
        "one run, for comparison: the whole year from row-level facts, as before kept months"
    )
    return [*results, afresh]


def complex_queue(repeats: int) -> Result:
    def compute():
        # Each run is rolled back so the next computes afresh rather than finding
        # the stored snapshot for the slot.
        with transaction.atomic():
            complex_case_run(meeting_date=date.today(), slot=slots.slot_times()[0])
            transaction.set_rollback(True)

    samples = timed(compute, max(5, repeats // 5))
    result = Result(
        "complex_queue", "Complex-case queue computation", samples, queries=query_count(compute)
    )
    return result


MEASURE_GROUPS = (
    "queue",
    "contact",
    "matching",
    "family",
    "chronology",
    "search",
    "claiming",
    "complex",
    "scorecard",
    "intake",
    "events",
    "police",
    "today",
)


def _reason(error: BaseException) -> str:
    """What a measure said when it gave up: the bench's own messages, never data."""
    if isinstance(error, SystemExit):
        return str(error.code)
    return f"{type(error).__name__}: {error}"[:300]


VACUUM_CONTACTS = (
    "from django.db import connection; "
    "connection.cursor().execute('VACUUM (ANALYZE) referrals_contact')"
)


def measured_in_turn(add, key: str, label: str, measure) -> None:
    """``add`` each figure ``measure`` makes: one, a list, or a generator measuring as it
    is read. If it fails part-way, the figures made so far stand and a failed row with
    its reason follows them."""
    try:
        produced = measure()
        for result in [produced] if isinstance(produced, Result) else produced:
            add(result)
    except (Exception, SystemExit) as error:  # recorded as failed, never hidden
        add(Result.failed(key, label, _reason(error)))


def run_all(*, repeats: int, only: frozenset[str] = frozenset()) -> list[Result]:
    """Every measure, or the floor and the groups named in ``only`` (see MEASURE_GROUPS).
    A measure that fails is recorded as failed with its reason and the run goes on, so
    one stuck measure never loses the rest of a run's figures."""
    results: list[Result] = []

    def add(result: Result) -> None:
        results.append(result)
        if result.failure:
            print(f"  {result.label}: FAILED: {result.failure}", flush=True)
            return
        rate = f"  {result.rate:,.0f}/s" if result.rate is not None else ""
        print(
            f"  {result.label}: median {result.median:,.1f} ms  p95 {result.p95:,.1f} ms{rate}",
            flush=True,
        )

    def attempt(key: str, label: str, measure) -> None:
        measured_in_turn(add, key, label, measure)

    def wanted(group: str) -> bool:
        return not only or group in only

    # An earlier run that stopped part-way may have left its contacts open.
    left_open = close_intake_contacts() + measures_police.close_imported_contacts()
    if left_open:
        print(f"  closed {left_open:,} contacts an earlier run left open", flush=True)
        # Their old rows stay in the queue's index until vacuumed, fewer than autovacuum
        # waits for; a front door's steady traffic would have had them vacuumed.
        if manage_as_owner("shell", "-c", VACUUM_CONTACTS) != 0:
            print("  the contacts table was NOT vacuumed: queue figures may be high", flush=True)
    add(floor(repeats))
    if wanted("queue"):
        attempt("queue_page", "Screener queue page", lambda: queue_page(repeats))
    if wanted("contact"):
        attempt("contact_page", "Contact page with history", lambda: contact_page(repeats))
    if wanted("matching"):
        attempt("matching", "Person matching (likely_matches)", lambda: matching(repeats))
    if wanted("family"):
        attempt("family_small", "Contact page with the family panel", lambda: family_pages(repeats))
    if wanted("chronology"):
        attempt("chronology", "Chronology", lambda: chronology(repeats))
    if wanted("search"):
        attempt("search", "Search (people and contacts)", lambda: search(repeats))
    if wanted("claiming"):
        attempt("claiming", "Claiming the next contact", lambda: claiming(repeats))
    if wanted("complex"):
        attempt("complex_queue", "Complex-case queue computation", lambda: complex_queue(repeats))
    if wanted("scorecard"):
        attempt("scorecard_year", "Scorecard page, a year", lambda: scorecard_year(repeats))
    if wanted("today"):
        attempt("today_page", "Today page", lambda: measures_today.today_pages(repeats))
        attempt("queue_poll", "Polls of live pages", lambda: measures_today.polls(repeats))
    # The measures that add contacts come last: intake, police bulk triage and a force's
    # file add about 7,500 a run, all received today, which the pages above would
    # otherwise count among the day's and the open month's.
    if wanted("intake"):
        try:
            attempt("intake_api", "Contact intake (partner API)", intake_api)
            attempt("notices", "Decision to notices delivered", notices)
        finally:
            close_intake_contacts()
    if wanted("events"):
        attempt("events_feed", "Events for case systems", lambda: events(repeats))
    if wanted("police"):
        attempt(
            "police_bulk_triage",
            "Bulk triage of police notifications",
            lambda: measures_police.bulk_triage(repeats),
        )
        try:
            attempt(
                "police_import", "Import of police notifications", measures_police.police_import
            )
        finally:
            measures_police.close_imported_contacts()
    base = results[0].median
    compared = (
        "queue_page",
        "contact_page",
        "matching",
        "scorecard_year",
        "search",
        "family_small",
        "family_large",
        "chronology",
        "events_feed",
        "today_page",
        "today_page_screener",
    )
    for result in [r for r in results[1:] if r.key in compared and not r.failure]:
        result.floor_ratio = result.median / base
    return results
