"""The scorecard through its public entry points: pages, drill-down, downloads, API."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from frontdoor.models import AuditEvent
from frontdoor.roles import Role
from outcomes.scorecard.exports import ForbiddenResource, static_only_fetcher
from outcomes.scorecard.periods import Granularity, Period
from referrals.services import api_client_create
from tests.factories import UserFactory
from tests.outcomes.scorecard_world import build_world_with_staff
from tests.support.worlds import built_once

pytestmark = pytest.mark.django_db

SCORECARD = reverse("outcomes:scorecard")
Q3 = {"period": "2026-Q3"}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The scorecard's records, built once for the module: the tests only read them,
    and what a test adds is undone after it (tests/support/worlds.py)."""

    yield from built_once(django_db_blocker, build_world_with_staff)


@pytest.fixture
def manager(world):
    return world.manager


def _signed_in(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("role", "page", "figure", "inspection", "api"),
    [
        (Role.MANAGER, 200, 200, 200, 200),
        (Role.PERFORMANCE_VIEWER, 200, 403, 403, 200),
        (Role.PARTNER_AGENCY_MEMBER, 200, 403, 403, 200),
        (Role.SCREENER, 403, 403, 403, 403),
        (Role.REFERRER, 403, 403, 403, 403),
        (Role.ADMINISTRATOR, 403, 403, 403, 403),
        (Role.CASE_SYSTEM, 403, 403, 403, 403),
    ],
)
def test_who_may_see_what(client, db, role, page, figure, inspection, api):
    client.force_login(UserFactory(roles=[role]))
    assert client.get(SCORECARD, Q3).status_code == page
    figure_url = reverse("outcomes:scorecard-figure")
    assert client.get(figure_url, {**Q3, "figure": "contacts"}).status_code == figure
    assert client.get(reverse("outcomes:scorecard-inspection")).status_code == inspection
    assert client.get(reverse("api-scorecard"), Q3).status_code == api
    for name in ("outcomes:scorecard-csv", "outcomes:scorecard-xlsx"):
        assert client.get(reverse(name), Q3).status_code == page


def test_signed_out_people_are_sent_to_sign_in(client, db):
    response = client.get(SCORECARD)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("sign-in"))
    assert client.get(reverse("api-scorecard"), Q3).status_code in (401, 403)


def test_manager_sees_each_figure_with_its_numerator_denominator_and_link(client, world, manager):
    response = _signed_in(client, manager).get(SCORECARD, Q3)
    body = response.content.decode()
    assert "July to September 2026" in body
    assert "25.0%" in body  # re-referrals, 1 of 4
    assert "figure=re_referrals" in body
    assert "England" in body
    assert "22.0%" in body
    assert 'role="img"' in body
    assert "<title" in body


def test_aggregate_viewers_get_no_links_to_records(client, world, performance_viewer):
    body = _signed_in(client, performance_viewer).get(SCORECARD, Q3).content.decode()
    assert "25.0%" in body
    assert "scorecard/figure" not in body
    assert "inspection" not in body
    assert "Testchild" not in body  # no child's name anywhere


def test_following_a_figure_lists_exactly_its_contacts_and_is_audited(client, world, manager):
    client = _signed_in(client, manager)
    body = client.get(SCORECARD, Q3).content.decode()
    start = body.index("figure=re_referrals")
    href = body[body.rindex('href="', 0, start) + 6 : body.index('"', start)].replace("&amp;", "&")
    listing = client.get(href)
    assert listing.status_code == 200
    text = listing.content.decode()
    assert world.contacts["c1"].reference in text
    for other in ("c3", "c8", "c9"):
        assert world.contacts[other].reference not in text
    assert AuditEvent.objects.filter(
        actor=manager, action="view", record_id=world.contacts["c1"].reference
    ).exists()


def test_denominator_links_list_every_counted_record(client, world, manager):
    listing = _signed_in(client, manager).get(
        reverse("outcomes:scorecard-figure"),
        {**Q3, "figure": "re_referrals", "part": "denominator"},
    )
    text = listing.content.decode()
    for key in ("c1", "c3", "c8", "c9"):
        assert world.contacts[key].reference in text


def test_an_unknown_figure_or_agency_is_not_found(client, world, manager):
    client = _signed_in(client, manager)
    url = reverse("outcomes:scorecard-figure")
    assert client.get(url, {**Q3, "figure": "nonsense"}).status_code == 404
    assert client.get(url, {**Q3, "figure": "contacts", "agency": "99999"}).status_code == 404
    assert client.get(url, {"period": "2026-Q9", "figure": "contacts"}).status_code == 404


def test_a_period_that_is_not_one_is_explained_and_kept(client, manager, db):
    response = _signed_in(client, manager).get(SCORECARD, {"period": "2026-Q5"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body
    assert "Enter a quarter from Q1 to Q4, like Q3 2026" in body
    assert 'value="2026-Q5"' in body


@pytest.mark.parametrize("period", ["2026-09", "2026-Q3", "2026", "FY2026-27"])
def test_months_quarters_and_years_all_render(client, world, manager, period):
    response = _signed_in(client, manager).get(SCORECARD, {"period": period})
    assert response.status_code == 200


@pytest.mark.parametrize("typed", ["Q3 2026", "2026 Q3", "q3-2026"])
def test_the_page_takes_a_period_as_people_write_it(client, world, manager, typed):
    response = _signed_in(client, manager).get(SCORECARD, {"period": typed})
    assert response.status_code == 200
    body = response.content.decode()
    assert '<h1 class="govuk-heading-l">July to September 2026</h1>' in body
    # The box shows the period's own name, so the links and downloads agree with it.
    assert 'value="2026-Q3"' in body
    assert "period=2026-Q3&amp;as_at=" in body


def test_the_page_offers_recent_periods_to_choose(client, manager, db):
    body = _signed_in(client, manager).get(SCORECARD).content.decode()
    quarter = Period.containing(timezone.localdate(), Granularity.QUARTER)
    year = Period.containing(timezone.localdate(), Granularity.FINANCIAL_YEAR)
    for label, period in [
        ("Last quarter", quarter.previous()),
        ("This quarter so far", quarter),
        ("Last financial year", year.previous()),
        ("This financial year so far", year),
    ]:
        assert re.search(rf'href="\?period={period.key}"[^>]*>{label}<', body), label


def test_downloads_take_a_period_as_people_write_it(client, world, manager):
    client = _signed_in(client, manager)
    response = client.get(reverse("outcomes:scorecard-csv"), {"period": "Q3 2026"})
    assert response["Content-Disposition"] == 'attachment; filename="scorecard-2026-Q3.csv"'
    response = client.get(reverse("outcomes:scorecard-pdf"), {"period": "Jul 2026"})
    assert response["Content-Disposition"] == 'attachment; filename="scorecard-2026-07.pdf"'


def _csv_rows(response):
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_csv_holds_every_figure_overall_by_agency_and_trend(client, world, manager):
    response = _signed_in(client, manager).get(reverse("outcomes:scorecard-csv"), Q3)
    assert response["Content-Disposition"] == 'attachment; filename="scorecard-2026-Q3.csv"'
    rows = _csv_rows(response)
    overall = {
        row["Figure key"]: row
        for row in rows
        if row["Period"] == "2026-Q3" and row["Source agency"] == "All agencies"
    }
    assert (overall["re_referrals"]["Numerator"], overall["re_referrals"]["Denominator"]) == (
        "1",
        "4",
    )
    assert overall["re_referrals"]["Percent"] == "25.0"
    assert overall["decision_hours_median"]["Working hours"] == "5.5"
    assert overall["source:2A"]["Breakdown"].startswith("2A: ")
    police = [r for r in rows if r["Source agency"] == "County Police"]
    assert {r["Figure key"]: r["Numerator"] for r in police}["contacts"] == "4"
    assert {r["Period"] for r in rows} >= {"2025-Q3", "2026-Q2", "2026-Q3"}


def test_spreadsheet_cells_cannot_become_formulas(client, world, manager):
    world.police.name = '=HYPERLINK("https://evil.example","Click")'
    world.police.save()
    client = _signed_in(client, manager)
    rows = _csv_rows(client.get(reverse("outcomes:scorecard-csv"), Q3))
    agencies = {row["Source agency"] for row in rows}
    assert "'" + world.police.name in agencies
    assert world.police.name not in agencies

    response = client.get(reverse("outcomes:scorecard-xlsx"), Q3)
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook["All figures"]
    cells = [row[2] for row in sheet.iter_rows(min_row=2)]
    escaped = [cell for cell in cells if cell.value == "'" + world.police.name]
    assert escaped
    assert all(cell.data_type == "s" for cell in escaped)
    this_period = {}
    for row in workbook["This period"].iter_rows(min_row=2):
        if row[2].value == "All agencies":
            this_period[row[9].value] = row
    assert this_period["re_referrals"][5].value == 1
    assert this_period["re_referrals"][6].value == 4


def test_pdf_pack(client, world, manager):
    response = _signed_in(client, manager).get(reverse("outcomes:scorecard-pdf"), Q3)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="export", record_type="scorecard").exists()


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/logo.png",
        "http://169.254.169.254/latest/meta-data",
        "file:///etc/passwd",
        "file:///static/../../etc/passwd",
        "data:text/plain,hello",
    ],
)
def test_the_pdf_fetches_nothing_but_the_apps_static_files(url):
    with pytest.raises(ForbiddenResource):
        static_only_fetcher(url)


def test_the_pdf_fetcher_reads_a_static_file():
    fetched = static_only_fetcher("file:///static/build/frontdoor.css")
    assert fetched["mime_type"] == "text/css"
    assert fetched["string"]


def test_api_returns_the_same_figures(client, world, manager):
    page_figures = {}
    from outcomes.scorecard.periods import Period
    from outcomes.scorecard.selectors import scorecard_get

    card = scorecard_get(user=manager, period=Period.parse("2026-Q3"))
    page_figures = {key: (f.count, f.base) for key, f in card.figures.items()}
    data = _signed_in(client, manager).get(reverse("api-scorecard"), Q3).json()
    assert data["period"] == {
        "key": "2026-Q3",
        "label": "July to September 2026",
        "start": "2026-07-01",
        "end": "2026-10-01",
    }
    figures = {row["key"]: row for row in data["figures"]}
    assert figures["re_referrals"]["percent"] == 25.0
    assert figures["decision_hours_p90"]["working_hours"] == 25.0
    for key, row in figures.items():
        if row["kind"] != "hours":
            assert (row["numerator"], row["denominator"]) == page_figures[key], key
    assert [t["period"]["key"] for t in data["trend"]][-1] == "2026-Q3"
    assert {a["agency"] for a in data["by_agency"]} >= {"County Police", "Riverside Primary"}


def test_api_with_a_token_and_a_bad_period(client, world, performance_viewer):
    _, token = api_client_create(name="Steering group dashboard", account=performance_viewer)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.get(reverse("api-scorecard"), Q3, **auth).status_code == 200
    bad = client.get(reverse("api-scorecard"), {"period": "last quarter"}, **auth)
    assert bad.status_code == 400
    assert "a quarter (Q3 2026)" in bad.json()["period"]
    near = client.get(reverse("api-scorecard"), {"period": "2026-Q5"}, **auth)
    assert near.json() == {"period": "Enter a quarter from Q1 to Q4, like Q3 2026"}
    spelt = client.get(reverse("api-scorecard"), {"period": "2025/26"}, **auth)
    assert spelt.status_code == 200
    assert spelt.json()["period"]["key"] == "FY2025-26"
    assert spelt.json()["period"]["start"] == "2025-04-01"


def test_assessments_within_45_working_days_are_shown_and_followed(client, world, manager):
    client = _signed_in(client, manager)
    body = client.get(SCORECARD, Q3).content.decode()
    start = body.index("Assessments completed within 45 working days<br>")
    row = body[start : body.index("</tr>", start)]
    assert "100.0%" in row  # Ben's and Gus's, both in time
    assert row.rstrip().endswith('<td class="govuk-table__cell"></td>')  # no England figure
    assert "figure=assessment_within_45_days" in row
    listing = client.get(
        reverse("outcomes:scorecard-figure"),
        {**Q3, "figure": "assessment_within_45_days", "part": "denominator"},
    ).content.decode()
    assert "Assessments completed within 45 working days" in listing
    for key in ("c3", "c9"):
        assert world.contacts[key].reference in listing
    assert world.contacts["c8"].reference not in listing  # completed in October
    rows = _csv_rows(client.get(reverse("outcomes:scorecard-csv"), Q3))
    overall = {
        r["Figure key"]: r
        for r in rows
        if r["Period"] == "2026-Q3" and r["Source agency"] == "All agencies"
    }
    assert (
        overall["assessment_within_45_days"]["Numerator"],
        overall["assessment_within_45_days"]["Denominator"],
    ) == ("2", "2")


def test_a_download_for_a_period_that_is_not_one_goes_to_the_page_that_says_why(client, manager):
    client = _signed_in(client, manager)
    response = client.get(reverse("outcomes:scorecard-csv"), {"period": "Q5 2026"})
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 400
    assert "Enter a quarter from Q1 to Q4, like Q3 2026" in page.content.decode()
    assert 'value="Q5 2026"' in page.content.decode()


def test_api_counts_as_at_the_moment_asked_like_the_downloads(client, world, performance_viewer):
    """Issue 21, part 5: a partner can reproduce a past count, and is told which
    moment was counted."""
    from datetime import datetime, timedelta

    from tests.outcomes.scorecard_world import at

    _, token = api_client_create(name="Steering group dashboard", account=performance_viewer)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    before = timezone.now()
    world.contact("late-api", child="Lou", received=at(2026, 9, 29), agency=world.police)

    def contacts(data) -> int:
        return {row["key"]: row for row in data["figures"]}["contacts"]["numerator"]

    then = client.get(reverse("api-scorecard"), {**Q3, "as_at": before.isoformat()}, **auth)
    assert then.status_code == 200
    assert datetime.fromisoformat(then.json()["as_at"]) == before
    assert then.json()["kept"] is False
    now = client.get(reverse("api-scorecard"), Q3, **auth).json()
    assert contacts(now) == contacts(then.json()) + 1
    assert datetime.fromisoformat(now["as_at"]) > before

    downloaded = _csv_rows(
        _signed_in(client, world.manager).get(
            reverse("outcomes:scorecard-csv"), {**Q3, "as_at": before.isoformat()}
        )
    )
    overall = {
        r["Figure key"]: r
        for r in downloaded
        if r["Period"] == "2026-Q3" and r["Source agency"] == "All agencies"
    }
    assert int(overall["contacts"]["Numerator"]) == contacts(then.json())

    # London time when no offset is given; a moment to come counts as now.
    naive = before.astimezone(timezone.get_default_timezone()).replace(tzinfo=None)
    london = client.get(reverse("api-scorecard"), {**Q3, "as_at": naive.isoformat()}, **auth)
    assert contacts(london.json()) == contacts(then.json())
    future = client.get(
        reverse("api-scorecard"),
        {**Q3, "as_at": (timezone.now() + timedelta(days=365)).isoformat()},
        **auth,
    )
    assert datetime.fromisoformat(future.json()["as_at"]) <= timezone.now()
    for bad in ("yesterday", "2026-13-01T00:00", "0001-01-01T00:00:00+14:00", "1\x00"):
        refused = client.get(reverse("api-scorecard"), {**Q3, "as_at": bad}, **auth)
        assert refused.status_code == 400, bad
        assert "as_at" in refused.json() or "detail" in refused.json(), bad


def test_the_page_counts_checks_without_consent_by_reason(client, world, manager):
    """Issue 20: the scorecard counts checks asked without consent, and why. In July to
    September the hand-built world has six checks: four without consent (tests in
    test_scorecard_measures.py prove which)."""
    import html as html_module

    body = html_module.unescape(_signed_in(client, manager).get(SCORECARD, Q3).text)

    assert "Multi-agency checks asked, by basis for sharing" in body
    for label in (
        "With the family's consent",
        "Without consent: a child is at risk of significant harm",
        "Without consent: asking would prejudice an enquiry or put a child at risk",
        "Multi-agency checks asked without the family's consent",
    ):
        assert label in body, label
    assert "figure=checks_without_consent" in body
    assert "figure=check_basis%3Asignificant_harm" in body
