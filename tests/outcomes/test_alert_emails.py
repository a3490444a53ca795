"""Alert emails (docs/adr/0042): sent once by a real worker however often its tasks run,
to a real SMTP server on loopback; a reference and a link, never a name; the daily
digest as one email; failures kept and tried again; each person's choice of email."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from frontdoor.celery import app as celery_app
from frontdoor.london import LONDON
from frontdoor.roles import Role
from outcomes.alerts import delivery, scan
from outcomes.alerts.services import alert_preference_set
from outcomes.alerts.tasks import (
    alert_deliver,
    alert_digest_deliver,
    alert_digests_due,
    alerts_scan,
)
from outcomes.models import Alert, AlertDigest, AlertPreference
from referrals import services as referral_services
from referrals.models import Contact
from screening import services, services_checks
from tests.factories import UserFactory, submit_contact
from tests.support.checks import consented
from tests.support.mail import smtp_inbox
from tests.support.waiting import wait_until

DIGEST = AlertPreference.Delivery.DIGEST
IMMEDIATE = AlertPreference.Delivery.IMMEDIATE


@pytest.fixture
def inbox(settings):
    with smtp_inbox(settings) as inbox:
        yield inbox


def _past_due(referrer, minutes: int = 1) -> Contact:
    """A contact in the queue whose clock ran out a moment ago."""
    contact = submit_contact(referrer)
    Contact.objects.filter(pk=contact.pk).update(
        decision_due_at=timezone.now() - timedelta(minutes=minutes)
    )
    contact.refresh_from_db()
    return contact


def _text(message) -> str:
    return f"{message['Subject']}\n{message.get_content()}"


def _names(*people) -> list[str]:
    return [part for person in people for part in person.full_name.split()]


def _run(task, *args):
    """Run ``task`` on the worker and wait for its answer."""
    return task.apply_async(args=list(args), ignore_result=False).get(timeout=30)


# --- Through a real worker ---------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_breach_is_emailed_once_to_each_manager_however_often_the_scan_runs(
    celery_worker, inbox, manager, manager_b, screener, referrer
):
    contact = _past_due(referrer)

    assert _run(alerts_scan) == 2
    assert _run(alerts_scan) == 0  # the second run finds every alert written already
    wait_until(
        lambda: Alert.objects.filter(email_status=Alert.Email.SENT).count() == 2,
        30,
        "the worker did not send both alerts",
    )
    # Every delivery run again is skipped: the row says it went.
    assert [_run(alert_deliver, a.pk) for a in Alert.objects.all()] == ["skipped", "skipped"]
    assert _run(alerts_scan) == 0

    # (The referrer's acknowledgement of the contact went to them too.)
    alerts = [m for m in inbox.messages if m["To"] != referrer.email]
    assert sorted(m["To"] for m in alerts) == sorted([manager.email, manager_b.email])
    message = inbox.to(manager.email)[0]
    text = _text(message)
    assert message["Subject"] == f"Front Door: Past its due time: {contact.reference}"
    assert f"http://localhost:8000/screening/{contact.reference}/" in text.splitlines()
    assert str(Alert.objects.get(recipient=manager).reference) in message["Message-ID"]
    for name in ["Amelia", "Harrison", "Dawn", *_names(manager, manager_b, screener, referrer)]:
        assert name not in text, f"{name} is in the email"


@pytest.mark.django_db(transaction=True)
def test_a_check_asked_is_emailed_to_the_agencys_members_by_the_worker(
    celery_worker, inbox, screener, referrer, police, police_member
):
    digest_member = UserFactory(roles=[Role.PARTNER_AGENCY_MEMBER], agency=police)
    alert_preference_set(actor=digest_member, delivery=DIGEST)
    contact = submit_contact(referrer)
    services.screening_claim(actor=screener, contact=contact)
    check = services_checks.check_request(
        actor=screener, contact=contact, agency=police, question="Known?", sharing=consented()
    )

    wait_until(lambda: inbox.to(police_member.email), 30, "the member was not emailed")
    message = inbox.to(police_member.email)[0]
    assert message["Subject"] == f"Front Door: Check asked of your agency: {contact.reference}"
    assert reverse("screening:member-check", args=[check.pk]) in message.get_content()
    assert "Harrison" not in _text(message)
    # The member who chose the digest is not emailed now: the alert waits for it.
    assert _run(alert_deliver, Alert.objects.get(recipient=police_member).pk) == "skipped"
    assert Alert.objects.get(recipient=digest_member).email_status == Alert.Email.DIGEST
    assert inbox.to(digest_member.email) == []


@pytest.mark.django_db(transaction=True)
def test_the_digest_is_one_email_listing_the_days_alerts_sent_once(
    celery_worker, inbox, manager, referrer, settings
):
    alert_preference_set(actor=manager, delivery=DIGEST)
    contacts = [_past_due(referrer, minutes) for minutes in (1, 2, 3)]
    assert _run(alerts_scan) == 3
    assert Alert.objects.filter(email_status=Alert.Email.DIGEST).count() == 3

    settings.ALERTS_DIGEST_TIME = time(0, 0)  # due whenever the test runs
    assert _run(alert_digests_due) == 1
    assert _run(alert_digests_due) == 0  # one digest a person a day
    digest = AlertDigest.objects.get()
    wait_until(lambda: _refreshed(digest).status == "sent", 30, "the digest was not sent")
    assert _run(alert_digest_deliver, digest.pk) == "skipped"

    # One email to the manager (nothing at once, then the digest alone).
    assert len(inbox.to(manager.email)) == 1
    message = inbox.to(manager.email)[0]
    assert message["Subject"].startswith("Front Door: your alerts for ")
    assert message["Subject"].endswith("(3)")
    body = message.get_content()
    for contact in contacts:
        assert contact.reference in body
    assert "once a day" in body
    assert "Harrison" not in body
    assert manager.full_name not in body
    assert set(Alert.objects.values_list("email_status", flat=True)) == {"in_digest"}


def _refreshed(row):
    row.refresh_from_db()
    return row


# --- The digest's day and time ------------------------------------------------------------


@pytest.mark.django_db
def test_no_digest_before_its_time_and_alerts_after_it_wait_for_the_next_day(
    inbox, manager, referrer, settings
):
    settings.ALERTS_DIGEST_TIME = time(8, 0)
    alert_preference_set(actor=manager, delivery=DIGEST)
    scan.alerts_scan(now=_past_due(referrer).decision_due_at + timedelta(seconds=1))
    today = timezone.localdate()
    before = datetime.combine(today, time(7, 59), tzinfo=LONDON)
    after = datetime.combine(today, time(8, 1), tzinfo=LONDON)

    assert delivery.digests_due(now=before) == []
    [made] = delivery.digests_due(now=after)
    assert delivery.alert_digest_deliver(digest_id=made) == "sent"

    scan.alerts_scan(now=_past_due(referrer, 0).decision_due_at + timedelta(seconds=1))
    assert delivery.digests_due(now=after + timedelta(hours=1)) == []  # today's has gone
    [tomorrows] = delivery.digests_due(now=after + timedelta(days=1))
    assert delivery.alert_digest_deliver(digest_id=tomorrows) == "sent"
    assert [len(AlertDigest.objects.get(pk=pk).alerts.all()) for pk in (made, tomorrows)] == [1, 1]
    assert len(inbox.to(manager.email)) == 2


# --- Failures, and records closed since ------------------------------------------------------


@pytest.mark.django_db
def test_a_mail_server_that_is_down_keeps_the_alert_and_the_sweep_sends_it(
    inbox, manager, referrer, settings
):
    scan.alerts_scan(now=_past_due(referrer).decision_due_at + timedelta(seconds=1))
    alert = Alert.objects.get(recipient=manager)
    working = settings.MAILERS
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},
        }
    }
    with pytest.raises(delivery.AlertTemporaryFailure):
        delivery.alert_deliver(alert_id=alert.pk, retry_in=timedelta(minutes=1))
    alert.refresh_from_db()
    assert (alert.email_status, alert.attempts) == (Alert.Email.TEMPORARY_FAILURE, 1)
    assert delivery.alerts_sweep() == []  # not due yet
    celery_app.control.purge()
    assert delivery.alerts_sweep(now=timezone.now() + timedelta(minutes=2)) == [
        (delivery.ALERT_DELIVER, alert.pk)
    ]

    settings.MAILERS = working
    Alert.objects.filter(pk=alert.pk).update(next_attempt_at=timezone.now())
    assert delivery.alert_deliver(alert_id=alert.pk) == "sent"
    assert len(inbox.messages) == 1


@pytest.mark.django_db
def test_a_worker_that_died_sending_leaves_the_alert_for_the_sweep(manager, referrer):
    scan.alerts_scan(now=_past_due(referrer).decision_due_at + timedelta(seconds=1))
    alert = Alert.objects.get(recipient=manager)
    Alert.objects.filter(pk=alert.pk).update(
        email_status=Alert.Email.SENDING, sending_started_at=timezone.now() - timedelta(hours=1)
    )
    assert delivery.alerts_sweep() == [(delivery.ALERT_DELIVER, alert.pk)]
    alert.refresh_from_db()
    assert alert.email_status == Alert.Email.PENDING


@pytest.mark.django_db
def test_an_alert_on_a_contact_restricted_before_it_is_sent_is_not_emailed(
    inbox, manager, manager_b, screener, referrer
):
    contact = _past_due(referrer)
    scan.alerts_scan(now=contact.decision_due_at + timedelta(seconds=1))
    referral_services.restriction_add(
        actor=manager,
        contact=contact,
        reason="A member of staff's family.",
        ask=manager,
        allowed=[screener],
        review_due=timezone.localdate() + timedelta(days=30),
    )
    theirs = Alert.objects.get(recipient=manager_b)
    assert delivery.alert_deliver(alert_id=theirs.pk) == "withheld"
    assert delivery.alert_deliver(alert_id=Alert.objects.get(recipient=manager).pk) == "sent"
    assert [m["To"] for m in inbox.messages] == [manager.email]


# --- Choosing how alerts are emailed -----------------------------------------------------------


@pytest.mark.django_db
def test_choosing_the_digest_holds_unsent_alerts_for_it_and_choosing_at_once_releases_them(
    manager, referrer
):
    scan.alerts_scan(now=_past_due(referrer).decision_due_at + timedelta(seconds=1))
    alert = Alert.objects.get(recipient=manager)
    alert_preference_set(actor=manager, delivery=DIGEST)
    assert _refreshed(alert).email_status == Alert.Email.DIGEST
    assert delivery.alert_deliver(alert_id=alert.pk) == "skipped"
    alert_preference_set(actor=manager, delivery=IMMEDIATE)
    assert _refreshed(alert).email_status == Alert.Email.PENDING


HOSTILE = ["", "\x00", "immediate\x00", "x" * 10_000, "<script>alert(1)</script>", "=SUM(A1)"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "value", HOSTILE, ids=["empty", "nul", "nul-suffix", "long", "script", "formula"]
)
def test_the_preference_page_answers_hostile_input_with_a_message(client, manager, value):
    client.force_login(manager)
    response = client.post(reverse("alerts:preferences"), {"delivery": value})
    assert response.status_code == 400
    assert "Select how you want your alerts emailed" in response.text
    assert "<script>alert(1)</script>" not in response.text
    assert not AlertPreference.objects.filter(user=manager).exists()


@pytest.mark.django_db
def test_the_preference_page_saves_a_choice_and_shows_it(client, screener):
    client.force_login(screener)
    page = client.get(reverse("alerts:preferences"))
    assert page.status_code == 200
    assert 'value="immediate" checked' in page.text

    response = client.post(reverse("alerts:preferences"), {"delivery": "digest"}, follow=True)
    assert "Your alerts will be emailed once a day, at 08:00." in response.text
    assert AlertPreference.objects.get(user=screener).delivery == DIGEST
    assert 'value="digest" checked' in client.get(reverse("alerts:preferences")).text


# --- Through GOV.UK Notify ---------------------------------------------------------------------


@pytest.mark.django_db
def test_alerts_go_through_notify_when_it_is_set_up_and_a_failure_is_retried(
    settings, manager, referrer
):
    from tests.outcomes.fake_notify import TEST_API_KEY, FakeNotify

    contact = _past_due(referrer)
    scan.alerts_scan(now=contact.decision_due_at + timedelta(seconds=1))
    alert = Alert.objects.get(recipient=manager)
    with FakeNotify() as notify:
        settings.NOTIFY_API_KEY = TEST_API_KEY
        settings.NOTIFY_BASE_URL = notify.url
        settings.NOTIFY_TEMPLATE_EMAIL = "f33517ff-2a88-4f6e-b855-c550268ce08a"
        notify.fail_next(500)
        with pytest.raises(delivery.AlertTemporaryFailure):
            delivery.alert_deliver(alert_id=alert.pk, retry_in=timedelta(0))
        assert _refreshed(alert).email_status == Alert.Email.TEMPORARY_FAILURE
        assert delivery.alert_deliver(alert_id=alert.pk) == "sent"

    [sent] = [n for n in notify.sent if n["reference"] == str(alert.reference)]
    personalisation = sent["payload"]["personalisation"]
    assert sent["payload"]["email_address"] == manager.email
    assert contact.reference in personalisation["subject"]
    assert "Harrison" not in personalisation["body"]
    assert manager.full_name not in str(sent)
