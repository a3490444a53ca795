"""The alerts' outbox under stress (review of docs/adr/0042): retries that a failing
scan cannot stop, a backoff that grows and gives up, and a change of choice racing the
daily digest; through the tasks on a real worker and the services."""

from __future__ import annotations

import threading
from datetime import time, timedelta

import pytest
from django.conf import settings as django_settings
from django.db import connection, transaction
from django.utils import timezone

from frontdoor.celery import app as celery_app
from outcomes import services as notice_services
from outcomes.alerts import delivery, scan
from outcomes.alerts.services import alert_preference_set
from outcomes.alerts.tasks import alerts_scan, alerts_sweep
from outcomes.models import Alert, AlertPreference, Notice
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


DOWN = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},
    }
}


def _run(task, *args):
    return task.apply_async(args=list(args), ignore_result=False).get(timeout=30)


@pytest.mark.django_db(transaction=True)
def test_a_failing_scan_never_stops_the_retries(celery_worker, inbox, manager, referrer, settings):
    entries = {entry["task"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"outcomes.alerts.tasks.alerts_scan", "outcomes.alerts.tasks.alerts_sweep"} <= entries

    working = settings.MAILERS
    settings.MAILERS = DOWN
    contact = _past_due(referrer)
    scan.alerts_scan(now=contact.decision_due_at + timedelta(seconds=1))
    alert = Alert.objects.get(recipient=manager)
    wait_until(
        lambda: Alert.objects.filter(pk=alert.pk, email_status="temporary_failure").exists(),
        30,
        "the first attempt did not fail",
    )
    # The mail server is back and the retry is due; the scan now fails each time.
    settings.MAILERS = working
    Alert.objects.filter(pk=alert.pk).update(next_attempt_at=timezone.now())
    settings.ALERTS_IMMEDIATE_NOT_TAKEN_MINUTES = "not a number"
    with pytest.raises(TypeError):
        _run(alerts_scan)
    assert _run(alerts_sweep) == 1
    wait_until(lambda: inbox.to(manager.email), 30, "the sweep did not send the alert")


def _someone_waits_for_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        return cursor.fetchone()[0] > 0


@pytest.mark.django_db(transaction=True)
def test_choosing_at_once_while_the_digest_takes_the_alerts_leaves_them_in_the_digest(
    manager, referrer, settings
):
    settings.ALERTS_DIGEST_TIME = time(0, 0)
    alert_preference_set(actor=manager, delivery=AlertPreference.Delivery.DIGEST)
    scan.alerts_scan(now=_past_due(referrer).decision_due_at + timedelta(seconds=1))
    alert = Alert.objects.get(recipient=manager)
    assert alert.email_status == Alert.Email.DIGEST

    # The digest run holds the alert while the choice is made, then puts it in the digest.
    locked, problems = threading.Event(), []

    def digest_run():
        try:
            with transaction.atomic():
                list(Alert.objects.select_for_update().filter(pk=alert.pk))
                locked.set()
                wait_until(_someone_waits_for_a_lock, 30, "the choice never waited")
                assert len(delivery.digests_due()) == 1
        except Exception as error:  # reported by the test below
            problems.append(error)
            locked.set()
        finally:
            connection.close()

    thread = threading.Thread(target=digest_run)
    thread.start()
    locked.wait(30)
    alert_preference_set(actor=manager, delivery=AlertPreference.Delivery.IMMEDIATE)
    thread.join(30)
    celery_app.control.purge()

    assert problems == []
    alert.refresh_from_db()
    assert (alert.email_status, alert.digest_id is not None) == (Alert.Email.IN_DIGEST, True)
    assert AlertPreference.objects.get(user=manager).delivery == AlertPreference.Delivery.IMMEDIATE


def _fail_until_given_up(deliver, row, status_field, settings, failure):
    """Attempt after attempt with the mail server down, each when its retry is due: the
    waits between them, and what the last attempt said."""
    settings.MAILERS = DOWN
    waits = []
    for _ in range(settings.OUTBOX_MAX_ATTEMPTS - 1):
        with pytest.raises(failure):
            deliver(row.pk)
        row.refresh_from_db()
        assert getattr(row, status_field) == "temporary_failure"
        waits.append(round((row.next_attempt_at - row.updated_at).total_seconds() / 60))
        type(row).objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    return waits, deliver(row.pk)


@pytest.mark.django_db
def test_an_alert_email_backs_off_then_fails_for_good(manager, referrer, settings):
    settings.OUTBOX_MAX_ATTEMPTS, settings.OUTBOX_RETRY_MAX_MINUTES = 6, 10
    scan.alerts_scan(now=_past_due(referrer).decision_due_at + timedelta(seconds=1))
    alert = Alert.objects.get(recipient=manager)

    waits, last = _fail_until_given_up(
        lambda pk: delivery.alert_deliver(alert_id=pk),
        alert,
        "email_status",
        settings,
        delivery.AlertTemporaryFailure,
    )
    assert waits == [1, 2, 4, 8, 10]
    assert last == "failed"
    alert.refresh_from_db()
    assert (alert.email_status, alert.attempts) == (Alert.Email.PERMANENT_FAILURE, 6)
    assert alert.failure_reason.startswith("Gave up after 6 attempts")
    assert delivery.alerts_sweep(now=timezone.now() + timedelta(days=30)) == []


@pytest.mark.django_db
def test_a_notice_backs_off_the_same_way_then_fails_for_good(referrer, settings):
    settings.OUTBOX_MAX_ATTEMPTS, settings.OUTBOX_RETRY_MAX_MINUTES = 6, 10
    notice = submit_contact(referrer).notices.get()

    waits, last = _fail_until_given_up(
        lambda pk: notice_services.notice_deliver(notice_id=pk),
        notice,
        "status",
        settings,
        notice_services.TemporaryDeliveryFailure,
    )
    assert waits == [1, 2, 4, 8, 10]
    assert last == "failed"
    notice.refresh_from_db()
    assert (notice.status, notice.attempts) == (Notice.Status.PERMANENT_FAILURE, 6)
    assert notice_services.notices_sweep(now=timezone.now() + timedelta(days=30)) == []
