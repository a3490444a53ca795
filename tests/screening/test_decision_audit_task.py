"""The weekly decision audit sample through the beat schedule's entry and a real Celery
worker: run twice for the same week, it makes one sample."""

from __future__ import annotations

import pytest

from frontdoor.roles import Role
from screening.audits.weeks import last_complete_week
from screening.models import AuditSample, DecisionAudit, Route
from tests.factories import UserFactory
from tests.support.audits import decided_in_week
from tests.support.waiting import wait_until


@pytest.mark.django_db(transaction=True)
def test_the_weekly_task_draws_one_sample_however_often_it_runs(celery_worker, settings):
    from frontdoor.celery import app

    screener = UserFactory(roles=[Role.SCREENER])
    only_manager = UserFactory(roles=[Role.MANAGER])
    referrer = UserFactory(roles=[Role.REFERRER])
    decided_in_week(screener=screener, referrer=referrer)
    # Approved by the only manager: nobody may grade it until another arrives.
    decided_in_week(
        screener=screener, referrer=referrer, route=Route.STRATEGY_DISCUSSION, approver=only_manager
    )
    settings.DECISION_AUDIT_SAMPLE_PERCENT = 100
    entry = settings.CELERY_BEAT_SCHEDULE["decision-audit-sample"]

    app.send_task(entry["task"])
    wait_until(
        lambda: DecisionAudit.objects.filter(assigned_to__isnull=False).exists(),
        15,
        "the worker drew no sample",
    )
    waiting = DecisionAudit.objects.get(assigned_to__isnull=True)
    assert waiting.decision.approved_by == only_manager

    newcomer = UserFactory(roles=[Role.MANAGER])
    app.send_task(entry["task"])
    wait_until(
        lambda: DecisionAudit.objects.filter(pk=waiting.pk, assigned_to=newcomer).exists(),
        15,
        "the second run gave the waiting audit to nobody",
    )

    assert list(AuditSample.objects.values_list("week_start", flat=True)) == [last_complete_week()]
    assert DecisionAudit.objects.count() == 2
