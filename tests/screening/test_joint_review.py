"""The weekly joint review list (Norfolk's model): a hand-built week's decisions by
source agency and route, the weeks before it, the CSV, and restricted records."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from frontdoor.models import AuditEvent
from frontdoor.roles import Role
from referrals import services as referral_services
from referrals.models import Contact
from screening.audits import joint_review
from screening.audits.weeks import last_complete_week
from screening.models import Route
from tests.factories import AgencyFactory, UserFactory
from tests.support.audits import decided_in_week

pytestmark = pytest.mark.django_db

WEEK = last_complete_week()
BEFORE = WEEK - timedelta(days=7)


@pytest.fixture
def world(manager):
    """The week: Police 2 early help and 1 strategy discussion; the school 1 strategy
    discussion (a restricted record) and 1 superseded-then-decided-again contact; the
    public 1 information and advice. The week before: Police 1 early help. Plus what
    does not count: a decision still waiting, and one approved the week after."""
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
    return {"manager": manager, "restricted": restricted, "police": police}


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
    assert counts[joint_review.NO_AGENCY]["information_and_advice"] == 1
    assert review.total == 5
    assert [line.total for line in review.trend[-2:]] == [1, 5]
    assert review.trend[-1].week_start == WEEK
    police_over_time = dict(review.agencies_over_time)['=HYPERLINK("http://x") Police']
    assert police_over_time[-2:] == [1, 3]


def test_a_decision_counts_in_the_week_it_came_to_stand(world, manager, referrer):
    screener = UserFactory(roles=[Role.SCREENER])
    # Made on the Sunday, approved on the Monday after: next week's decision.
    late = decided_in_week(
        screener=screener, referrer=referrer, route=Route.STRATEGY_DISCUSSION, approver=manager,
        day=6, hour=23,
    )  # fmt: skip
    assert late.approval_at >= joint_review.week_bounds(WEEK)[1]
    this_week = joint_review.joint_review(user=manager, week_start=WEEK)
    assert late.pk not in [d.pk for d in this_week.decisions]


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
    assert len(viewed) == 4
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
    assert len(rows) == 6
    cells = [cell for row in rows[1:] for cell in row]
    assert not [cell for cell in cells if cell.lstrip().startswith(("=", "+", "-", "@"))]
    assert "'=SUM(A1) is what the referrer wrote on the form, and the school confirms it." in cells
    assert '\'=HYPERLINK("http://x") Police' in cells
    assert AuditEvent.objects.filter(action="export", record_type="contact").count() == 5


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
