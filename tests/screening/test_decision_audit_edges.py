"""Decision quality audits at their edges: a share the samples cannot keep, the day a
sample was drawn said in London time, two managers adding one criterion at once, and a
week's decisions read through both ends of the indexes."""

from __future__ import annotations

import re
import threading
from datetime import UTC, date, datetime

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.urls import reverse

from frontdoor.roles import Role
from screening.audits import services
from screening.audits.weeks import week_bounds
from screening.models import AuditCriterion, AuditSample, Decision
from tests.conftest import VerifiedClient
from tests.factories import UserFactory
from tests.support.waiting import wait_until


@pytest.mark.django_db
def test_a_share_kept_as_nothing_is_a_fault_not_taken_for_a_sample_drawn(settings, manager):
    """Settings refuse it at start (tests/test_settings.py); were it to reach the
    draw, the check constraint's refusal is raised, not read as "drawn already"."""
    settings.DECISION_AUDIT_SAMPLE_PERCENT = 0.001
    week = date(2026, 6, 22)

    with pytest.raises(IntegrityError, match="audit_sample_percent_0_to_100"):
        services.audit_sample_draw(week_start=week, actor=manager)

    assert not AuditSample.objects.exists()


@pytest.mark.django_db
def test_the_day_a_sample_was_drawn_is_said_in_london_time(client, manager):
    # 23:30 UTC on Tuesday 30 June is 00:30 on Wednesday 1 July in London (BST).
    drawn_at = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)
    services.audit_sample_draw(week_start=date(2026, 6, 22), actor=manager, now=drawn_at)
    client.force_login(manager)

    again = client.post(
        reverse("screening:audits-draw"),
        {"week_0": "24", "week_1": "6", "week_2": "2026"},
        follow=True,
    )

    assert "was already sampled on 1 July 2026" in again.text


@pytest.mark.django_db
def test_a_rubric_title_already_asked_is_said_so(client, manager):
    client.force_login(manager)
    duplicate = client.post(
        reverse("screening:audit-rubric"), {"title": "rationale", "position": "1"}
    )
    assert duplicate.status_code == 400
    assert "The rubric already asks" in duplicate.text


@pytest.mark.django_db(transaction=True)
def test_two_managers_adding_one_criterion_at_once_are_told_it_is_there():
    """The first manager's insert is held open; the second's page passes the check
    (it cannot see the uncommitted row), waits on the unique title, then is refused."""
    first, second = (UserFactory(roles=[Role.MANAGER]) for _ in range(2))
    title = "Voice of the child"
    inserted, release = threading.Event(), threading.Event()
    answers = []

    def hold_first_insert():
        try:
            with transaction.atomic():
                services.audit_criterion_add(
                    actor=first, data=services.CriterionInput(title=title, position=6)
                )
                inserted.set()
                release.wait(30)
        finally:
            connections.close_all()

    def second_posts():
        try:
            client = VerifiedClient()
            client.force_login(second)
            answers.append(
                client.post(reverse("screening:audit-rubric"), {"title": title, "position": "7"})
            )
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_first_insert)
    holder.start()
    assert inserted.wait(30)
    poster = threading.Thread(target=second_posts)
    poster.start()

    def second_is_waiting() -> bool:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND query LIKE '%%INSERT INTO%%auditcriterion%%'"
            )
            return cursor.fetchone()[0] > 0

    try:
        wait_until(second_is_waiting, 20, "the second manager's insert never waited")
    finally:
        release.set()
        holder.join(30)
        poster.join(30)

    [response] = answers
    assert response.status_code == 400
    assert f"The rubric already asks “{title}”." in response.content.decode()
    assert AuditCriterion.objects.filter(title=title).count() == 1


@pytest.mark.django_db
def test_a_week_s_decisions_are_bounded_at_both_ends_in_each_branch():
    """Each branch (needing no approval; approved) bounds its own column at both ends,
    so the decided_at and approval_at indexes read that week alone, not every decision
    from then to now. (On the test database's few rows the planner scans anything.)"""
    start, end = week_bounds(date(2026, 6, 22))

    sql = str(Decision.objects.began_standing_between(start, end).query)

    branches = re.findall(r'\("screening_decision"\."approval" = (\w+) AND ([^()]*)\)', sql)
    for approval, column in (("not_needed", "decided_at"), ("approved", "approval_at")):
        week = [b for a, b in branches if a == approval and f'"{column}" >= ' in b]
        assert week, sql
        assert f'"{column}" < ' in week[0], week[0]
