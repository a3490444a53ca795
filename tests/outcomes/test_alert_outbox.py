"""The alerts' outbox under stress (review of docs/adr/0042): retries that a failing
scan cannot stop, a backoff that grows and gives up, and a change of choice racing the
daily digest; through the tasks on a real worker and the services."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from frontdoor.celery import app as celery_app
from outcomes.alerts import scan
from outcomes.alerts.tasks import alerts_scan, alerts_sweep
from outcomes.models import Alert
from referrals.models import Contact
from tests.factories import submit_contact
from tests.support.mail import smtp_inbox
from tests.support.waiting import wait_until


@pytest.fixture
def inbox(settings):
    with smtp_inbox(settings) as inbox:
        yield inbox


def _past_due(referrer) -> Contact:
    contact = submit_contact(referrer)
    Contact.objects.filter(pk=contact.pk).update(
        decision_due_at=timezone.now() - timedelta(minutes=1)
    )
    contact.refresh_from_db()
    return contact


def _run(task, *args):
    return task.apply_async(args=list(args), ignore_result=False).get(timeout=30)


@pytest.mark.django_db(transaction=True)
def test_a_failing_scan_never_stops_the_retries(celery_worker, inbox, manager, referrer, settings):
    entries = {entry["task"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"outcomes.alerts.tasks.alerts_scan", "outcomes.alerts.tasks.alerts_sweep"} <= entries

    contact = _past_due(referrer)
    scan.alerts_scan(now=contact.decision_due_at + timedelta(seconds=1))
    celery_app.control.purge()
    alert = Alert.objects.get(recipient=manager)
    # Left behind: its task was lost, so only the sweep sends it.
    Alert.objects.filter(pk=alert.pk).update(updated_at=timezone.now() - timedelta(minutes=5))

    settings.ALERTS_IMMEDIATE_NOT_TAKEN_MINUTES = "not a number"  # the scan now fails
    with pytest.raises(TypeError):
        _run(alerts_scan)
    assert _run(alerts_sweep) == 1
    wait_until(lambda: inbox.to(manager.email), 30, "the sweep did not send the alert")
