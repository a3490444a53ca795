"""The weekly joint review list (Norfolk's model): a hand-built week's decisions by
source agency and route, the weeks before it, the CSV, and restricted records."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from frontdoor.models import AuditEvent
from frontdoor.roles import Role
from referrals import services as referral_services
from referrals.models import Contact
from screening import services as screening_services
from screening.audits import joint_review
from screening.audits.weeks import last_complete_week
from screening.models import Decision, Route, ThresholdLevel
from tests.factories import AgencyFactory, UserFactory, submit_contact
from tests.support.audits import decided_in_week, moment_in
from tests.support.screening import decide

pytestmark = pytest.mark.django_db

# The week before last, so the week after it has ended too.
WEEK = last_complete_week() - timedelta(days=7)
BEFORE = WEEK - timedelta(days=7)
AFTER = WEEK + timedelta(days=7)


@pytest.fixture
def world(manager):
    """The week: Police 2 early help and 1 strategy discussion; the school 1 strategy
    discussion (a restricted record) and 1 contact decided early help then decided
    again information and advice (the first superseded within the week); the public 1
    information and advice. The week before: Police 1 early help. Plus what does not
    count this week: a strategy discussion still waiting for a manager, and one made
    on the Sunday night and approved on the Monday (the week after's)."""
    screener = UserFactory(roles=[Role.SCREENER], full_name="Sam Screener")
    police = AgencyFactory(name='=HYPERLINK("http://x") Police')
    school = AgencyFactory(name="Ashfield School")
    referrer = UserFactory(roles=[Role.REFERRER], agency=police)
    teacher = UserFactory(roles=[Role.REFERRER], agency=school)

    def made(by, route=Route.EARLY_HELP, week=WEEK, **extra):
        return decided_in_week(
            screener=screener, referrer=by, week_start=week, route=route, approver=manager, **extra
        )

    made(referrer)
    made(
        referrer,
        day=3,
        rationale="=SUM(A1) is what the referrer wrote on the form, and the school confirms it.",
    )
    made(referrer, route=Route.STRATEGY_DISCUSSION)
    restricted = made(teacher, route=Route.STRATEGY_DISCUSSION, day=4)
    referral_services.restriction_add(
        actor=manager,
        reason="A member of staff's own child.",
        ask=manager,
        allowed=[],
        review_due=timezone.localdate() + timedelta(days=30),
        contact=restricted.contact,
    )
    # A member of the public's call, recorded by staff: no agency.
    advice = made(referrer, route=Route.INFORMATION_AND_ADVICE)
    Contact.objects.filter(pk=advice.contact_id).update(source_agency=None)
    made(referrer, week=BEFORE)
    # Decided early help on the Tuesday, then decided again on the Wednesday.
    superseded = made(teacher, day=1, hour=11)
    screening_services.screening_claim(actor=screener, contact=superseded.contact)
    again = decide(
        screener,
        superseded.contact,
        ThresholdLevel.objects.get(number=1),
        route=Route.INFORMATION_AND_ADVICE,
        decided_at=moment_in(WEEK, day=2, hour=11),
    )
    assert again.supersedes_id == superseded.pk
    # Still waiting for a manager.
    waiting_contact = submit_contact(referrer, received_at=moment_in(WEEK, day=3, hour=8))
    screening_services.screening_claim(actor=screener, contact=waiting_contact)
    waiting = decide(
        screener,
        waiting_contact,
        ThresholdLevel.objects.get(number=4),
        decided_at=moment_in(WEEK, day=3, hour=10),
    )
    assert waiting.approval == Decision.Approval.PENDING
    # Made at 23:00 on the Sunday, approved at midnight: the week after's.
    late = made(referrer, route=Route.STRATEGY_DISCUSSION, day=6, hour=23)
    assert late.approval_at == joint_review.week_bounds(AFTER)[0]
    return {
        "manager": manager,
        "restricted": restricted,
        "police": police,
        "superseded": superseded,
        "again": again,
        "waiting": waiting,
        "late": late,
    }


def test_the_week_by_agency_and_route_with_the_trend(world):
    review = joint_review.joint_review(user=world["manager"], week_start=WEEK)

    routes = [r.value for r in joint_review.ROUTES]
    counts = {g.name: dict(zip(routes, g.counts, strict=True)) for g in review.groups}
    # By name as a person reads the list, the public last.
    assert [g.name for g in review.groups] == [
        '=HYPERLINK("http://x") Police',
        "Ashfield School",
        joint_review.NO_AGENCY,
    ]
    assert counts['=HYPERLINK("http://x") Police']["early_help"] == 2
    assert counts['=HYPERLINK("http://x") Police']["strategy_discussion"] == 1
    assert counts["Ashfield School"]["strategy_discussion"] == 1
    assert counts["Ashfield School"]["information_and_advice"] == 1
    assert counts["Ashfield School"]["early_help"] == 0  # superseded within the week
    assert counts[joint_review.NO_AGENCY]["information_and_advice"] == 1
    assert review.total == 6
    assert [line.total for line in review.trend[-2:]] == [1, 6]
    assert review.trend[-1].week_start == WEEK
    police_over_time = dict(review.agencies_over_time)['=HYPERLINK("http://x") Police']
    assert police_over_time[-2:] == [1, 3]
    listed = {d.pk for d in review.decisions}
    assert world["again"].pk in listed
    assert world["superseded"].pk not in listed
    assert world["waiting"].pk not in listed


def test_a_decision_counts_in_the_week_it_came_to_stand(world, manager):
    """Made on the Sunday, approved on the Monday: the week after's; one waiting for a
    manager is in no week."""
    late, waiting = world["late"], world["waiting"]
    weeks = {
        week: {d.pk for d in joint_review.joint_review(user=manager, week_start=week).decisions}
        for week in (WEEK, AFTER)
    }
    assert late.pk not in weeks[WEEK]
    assert late.pk in weeks[AFTER]
    assert waiting.pk not in weeks[WEEK] | weeks[AFTER]
    after = joint_review.joint_review(user=manager, week_start=AFTER)
    assert after.total == 1
    assert after.trend[-2].total == 6  # this week, unchanged by the late approval


@pytest.mark.parametrize(
    ("week", "inside", "outside"),
    [
        # Clocks go forward on Sunday 29 March 2026: the week of the 30th starts at
        # 23:00 UTC on the Sunday.
        (date(2026, 3, 30), {"day": 0, "hour": 0}, {"day": -1, "hour": 22}),
        # Clocks go back on Sunday 25 October 2026 (a day of 25 hours): 23:00 GMT that
        # Sunday is still the week of the 19th; midnight GMT is the next.
        (date(2026, 10, 19), {"day": 6, "hour": 23}, {"day": 7, "hour": 0}),
    ],
    ids=["spring-forward", "fall-back"],
)
def test_a_week_starts_at_london_midnight_either_side_of_a_clock_change(
    manager, referrer, week, inside, outside
):
    screener = UserFactory(roles=[Role.SCREENER])
    within = decided_in_week(screener=screener, referrer=referrer, week_start=week, **inside)
    without = decided_in_week(screener=screener, referrer=referrer, week_start=week, **outside)
    start, end = joint_review.week_bounds(week)
    assert start <= within.decided_at < end
    assert not start <= without.decided_at < end

    listed = {d.pk for d in joint_review.joint_review(user=manager, week_start=week).decisions}

    assert listed == {within.pk}


def test_the_page_lists_the_decisions_and_keeps_restricted_ones_closed(client, world):
    other_manager = UserFactory(roles=[Role.MANAGER])
    client.force_login(other_manager)
    restricted = world["restricted"].contact

    page = client.get(reverse("screening:joint-review"), {"week": WEEK.isoformat()})

    assert page.status_code == 200
    assert restricted.reference in page.text
    assert "Restricted record: details are for the people named on it." in page.text
    assert world["restricted"].rationale not in page.text
    viewed = set(
        AuditEvent.objects.filter(
            actor=other_manager, action="view", record_type="contact"
        ).values_list("record_id", flat=True)
    )
    assert len(viewed) == 5
    assert restricted.reference not in viewed


def test_the_csv_is_safe_in_a_spreadsheet(client, world):
    client.force_login(world["manager"])
    response = client.get(reverse("screening:joint-review-csv"), {"week": WEEK.isoformat()})

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="joint-review-{WEEK.isoformat()}.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Week", "Source agency", "Route", "Contact"]
    assert len(rows) == 7
    cells = [cell for row in rows[1:] for cell in row]
    assert not [cell for cell in cells if cell.lstrip().startswith(("=", "+", "-", "@"))]
    assert "'=SUM(A1) is what the referrer wrote on the form, and the school confirms it." in cells
    assert '\'=HYPERLINK("http://x") Police' in cells
    assert AuditEvent.objects.filter(action="export", record_type="contact").count() == 6


def test_a_week_that_cannot_be_shown_is_said_so(client, manager):
    client.force_login(manager)
    for typed in ["next year", "2999-01-04", "\u2603"]:
        response = client.get(reverse("screening:joint-review"), {"week": typed})
        assert response.status_code == 400
        assert "There is a problem" in response.text
    csv_response = client.get(reverse("screening:joint-review-csv"), {"week": "nonsense"})
    assert csv_response.status_code == 400


def test_only_managers_open_the_joint_review(client, screener):
    client.force_login(screener)
    assert client.get(reverse("screening:joint-review")).status_code == 403
    assert client.get(reverse("screening:joint-review-csv")).status_code == 403


def test_a_week_before_the_first_decision_is_refused_with_a_reason(client, world):
    client.force_login(world["manager"])
    url = reverse("screening:joint-review")
    for typed in ["2001-01-01", "1999-12-27", (BEFORE - timedelta(days=1)).isoformat()]:
        response = client.get(url, {"week": typed})
        assert response.status_code == 400
        assert "There are no decisions before the week of" in response.text
    csv_response = client.get(reverse("screening:joint-review-csv"), {"week": "2001-01-01"})
    assert csv_response.status_code == 400
    first = client.get(url, {"week": BEFORE.isoformat()})
    assert first.status_code == 200
    assert "Previous week" not in first.text
    assert "Previous week" in client.get(url, {"week": WEEK.isoformat()}).text


def test_a_long_week_is_listed_a_page_at_a_time(client, world, monkeypatch):
    monkeypatch.setattr(joint_review, "DECISIONS_PER_PAGE", 4)
    manager = UserFactory(roles=[Role.MANAGER])
    client.force_login(manager)
    url = reverse("screening:joint-review")

    first = client.get(url, {"week": WEEK.isoformat()})
    second = client.get(url, {"week": WEEK.isoformat(), "page": "2"})

    assert first.status_code == second.status_code == 200
    assert "Decisions 1 to 4 of 6." in first.text
    assert "Decisions 5 to 6 of 6." in second.text
    assert f"?week={WEEK.isoformat()}&amp;page=2" in first.text
    assert "govuk-pagination" in first.text
    # The counts are the whole week's on every page.
    assert "Decisions of the week of" in second.text
    assert ": 6</caption>" in second.text
    shown = lambda page: {  # noqa: E731
        ref for ref in Contact.objects.values_list("reference", flat=True) if f">{ref}<" in page
    }
    assert len(shown(first.text)) == 4
    assert len(shown(second.text) - shown(first.text)) == 2
    viewed = AuditEvent.objects.filter(actor=manager, action="view", record_type="contact")
    assert viewed.count() == 5  # every listed contact once, but the restricted one
    assert client.get(url, {"week": WEEK.isoformat(), "page": "nonsense"}).status_code == 200
