"""Decision quality audits on the scorecard: the grades of a period's decisions by
route and by rubric criterion, and the share good or better over the periods."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from frontdoor.london import london_date
from frontdoor.roles import Role
from outcomes.scorecard.audits import audit_results
from outcomes.scorecard.periods import Granularity, Period
from screening.audits import services
from screening.audits.weeks import last_complete_week
from screening.models import AuditCriterion, Route
from tests.factories import UserFactory
from tests.support.audits import decided_in_week

pytestmark = pytest.mark.django_db


@pytest.fixture
def graded(settings):
    """Three decisions on one day, every one sampled and graded: early help good and
    outstanding, a strategy discussion inadequate."""
    settings.DECISION_AUDIT_SAMPLE_PERCENT = 100
    referrer = UserFactory(roles=[Role.REFERRER])
    approver = UserFactory(roles=[Role.MANAGER])
    UserFactory(roles=[Role.MANAGER])
    grades = {}
    for route, grade in [
        (Route.EARLY_HELP, "good"),
        (Route.EARLY_HELP, "outstanding"),
        (Route.STRATEGY_DISCUSSION, "inadequate"),
    ]:
        decision = decided_in_week(
            screener=UserFactory(roles=[Role.SCREENER]),
            referrer=referrer,
            route=route,
            approver=approver,
        )
        grades[decision.pk] = grade
    sample, _ = services.audit_sample_draw(week_start=last_complete_week())
    asked = AuditCriterion.objects.filter(is_active=True)
    for audit in sample.audits.select_related("assigned_to"):
        grade = grades[audit.decision_id]
        services.decision_audit_grade(
            actor=audit.assigned_to,
            audit=audit,
            grade=grade,
            comments="Feedback for the screener.",
            criteria={c.pk: services.CriterionGrade(grade) for c in asked},
        )
    return Period.containing(london_date(decision.decided_at), Granularity.MONTH)


def test_the_scorecard_shows_audit_grades_by_route_and_over_time(client, graded):
    client.force_login(UserFactory(roles=[Role.PERFORMANCE_VIEWER]))

    page = client.get(reverse("outcomes:scorecard"), {"period": graded.key}).text

    section = page[page.index('id="decision-audits"') :]
    cells = lambda label: re.search(  # noqa: E731
        rf">{re.escape(label)}</th>((?:<td[^>]*>[^<]*</td>)+)", section
    ).group(1)
    numbers = lambda label: re.findall(r">([^<]*)</td>", cells(label))  # noqa: E731
    # Outstanding, good, requires improvement, inadequate, graded, good or better.
    assert numbers("Early help (prevention)") == ["1", "1", "0", "0", "2", "100%"]
    assert numbers("Strategy discussion (s47)") == ["0", "0", "0", "1", "1", "0%"]
    assert numbers("All routes") == ["1", "1", "0", "1", "3", "67%"]
    assert numbers("Rationale") == ["1", "1", "0", "1", "67%"]
    assert numbers(graded.short_label) == ["3", "67%"]


def test_the_figures_are_those_graded_by_the_moment_counted(graded):
    before = audit_results(period=graded, as_at=graded.starts_at)
    assert before.overall.total == 0
    assert before.trend[-1].line.percent == ""


def test_a_reworded_criterion_is_one_line_under_its_wording_now(graded):
    rationale = AuditCriterion.objects.get(title="Rationale")
    services.audit_criterion_change(
        actor=UserFactory(roles=[Role.MANAGER]),
        criterion=rationale,
        data=services.CriterionInput(
            title="Rationale and analysis", guidance="", position=rationale.position
        ),
    )

    results = audit_results(period=graded, as_at=timezone.now())

    labels = [line.label for line in results.by_criterion]
    assert "Rationale" not in labels
    assert labels.count("Rationale and analysis") == 1
    line = results.by_criterion[labels.index("Rationale and analysis")]
    assert line.counts == (1, 1, 0, 1)
    # In the rubric's order.
    asked = AuditCriterion.objects.order_by("position", "pk").values_list("title", flat=True)
    assert labels == list(asked)
