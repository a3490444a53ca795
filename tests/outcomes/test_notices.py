"""Notices: written with the decision, delivered at most once, never to a withheld family."""

import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from frontdoor.celery import app as celery_app
from outcomes import services
from outcomes.models import Notice
from screening import services as screening
from screening.models import Decision, Route
from tests.factories import adult_input, child_input, submit_contact
from tests.support import broker
from tests.support.screening import decide
from tests.support.waiting import wait_until

FAMILY = [child_input(), adult_input(address="1 Mill Lane\nYork", postcode="YO1 7HH")]


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp(settings):
    """A real SMTP server on loopback; the app's mailer points at it."""
    inbox = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }
    yield inbox
    controller.stop()


@pytest.mark.django_db
def test_receipt_writes_an_acknowledgement_to_the_referrer(referrer):
    contact = submit_contact(referrer)
    notice = Notice.objects.get(contact=contact)
    assert (notice.kind, notice.audience, notice.channel, notice.recipient) == (
        "acknowledgement",
        "referrer",
        "email",
        referrer.email,
    )


@pytest.mark.django_db
def test_a_standing_decision_writes_notices_to_referrer_and_family(screener, referrer, level):
    contact = submit_contact(referrer, subjects=FAMILY)
    screening.screening_claim(actor=screener, contact=contact)
    decision = decide(screener, contact, level, route=Route.EARLY_HELP)

    notices = Notice.objects.filter(decision=decision)
    assert {(n.audience, n.channel, n.kind) for n in notices} == {
        ("referrer", "email", "outcome"),
        ("family", "letter", "outcome"),
    }
    family = notices.get(audience="family")
    assert family.recipient.splitlines() == ["Dawn Harrison", "1 Mill Lane", "York", "YO1 7HH"]


@pytest.mark.django_db
def test_no_notice_until_a_manager_approves(screener, manager, referrer, level):
    contact = submit_contact(referrer, subjects=FAMILY)
    screening.screening_claim(actor=screener, contact=contact)
    decision = decide(screener, contact, level, route=Route.STRATEGY_DISCUSSION)
    assert not Notice.objects.filter(decision=decision).exists()
    screening.decision_approve(actor=manager, decision=decision)
    assert Notice.objects.filter(decision=decision).count() == 2


@pytest.mark.django_db
def test_a_withheld_family_notice_is_never_written(screener, manager, referrer, level):
    contact = submit_contact(referrer, subjects=FAMILY)
    screening.screening_claim(actor=screener, contact=contact)
    decision = decide(
        screener,
        contact,
        level,
        route=Route.EARLY_HELP,
        family_notice=Decision.FamilyNotice.WITHHOLD,
        withhold_reason="Telling the family could prejudice a police investigation.",
    )
    screening.decision_approve(actor=manager, decision=decision)
    assert list(Notice.objects.filter(decision=decision).values_list("audience", flat=True)) == [
        "referrer"
    ]


@pytest.mark.django_db
def test_a_rolled_back_decision_leaves_no_notice(screener, referrer, level):
    contact = submit_contact(referrer, subjects=FAMILY)
    screening.screening_claim(actor=screener, contact=contact)

    def decide_then_fail():
        with transaction.atomic():
            decide(screener, contact, level, route=Route.EARLY_HELP)
            raise RuntimeError("something after the decision failed")

    with pytest.raises(RuntimeError):
        decide_then_fail()
    assert not Notice.objects.filter(decision__isnull=False).exists()


@pytest.mark.django_db
def test_a_changed_route_sends_a_correction_and_an_unchanged_one_nothing(screener, referrer, level):
    contact = submit_contact(referrer, subjects=FAMILY)
    screening.screening_claim(actor=screener, contact=contact)
    decide(screener, contact, level, route=Route.EARLY_HELP)
    screening.screening_claim(actor=screener, contact=contact)
    same = decide(screener, contact, level, route=Route.EARLY_HELP)
    assert not Notice.objects.filter(decision=same).exists()
    screening.screening_claim(actor=screener, contact=contact)
    changed = decide(screener, contact, level, route=Route.INFORMATION_AND_ADVICE)
    assert set(Notice.objects.filter(decision=changed).values_list("kind", flat=True)) == {
        "correction"
    }


@pytest.mark.django_db
def test_anonymous_referrers_and_families_without_an_address(screener, referrer, level):
    from referrals.models import Contact
    from referrals.services import ReferrerInput, contact_submit
    from tests.factories import contact_input

    contact, _ = contact_submit(
        actor=screener,
        data=contact_input(referrer=ReferrerInput(anonymous=True)),
        channel=Contact.Channel.CONTACT_CENTRE,
    )
    assert not contact.notices.exists()
    screening.screening_claim(actor=screener, contact=contact)
    decision = decide(screener, contact, level, route=Route.EARLY_HELP)
    family = Notice.objects.get(decision=decision)
    assert family.audience == "family"
    assert family.status == Notice.Status.PERMANENT_FAILURE
    assert "No postal address" in family.failure_reason


@pytest.mark.django_db
def test_delivery_is_at_most_once_however_often_it_runs(referrer, smtp):
    notice = submit_contact(referrer).notices.get()

    assert services.notice_deliver(notice_id=notice.pk) == "sent"
    assert services.notice_deliver(notice_id=notice.pk) == "skipped"

    assert len(smtp.messages) == 1
    message = smtp.messages[0].content.decode()
    assert "We have received your referral" in message
    assert str(notice.reference) in message  # in the Message-ID, to spot any duplicate
    notice.refresh_from_db()
    assert notice.status == Notice.Status.SENT
    assert notice.attempts == 1


@pytest.mark.django_db
def test_a_mail_server_that_is_down_is_a_temporary_failure_then_the_sweeper_sends(
    referrer, settings, smtp
):
    notice = submit_contact(referrer).notices.get()
    working = settings.MAILERS
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},
        }
    }
    with pytest.raises(services.TemporaryDeliveryFailure):
        services.notice_deliver(notice_id=notice.pk, retry_in=timedelta(0))
    notice.refresh_from_db()
    assert notice.status == Notice.Status.TEMPORARY_FAILURE

    settings.MAILERS = working
    assert services.notice_deliver(notice_id=notice.pk) == "sent"
    assert len(smtp.messages) == 1


@pytest.mark.django_db
def test_sweeper_requeues_notices_left_sending_by_a_dead_worker(
    referrer, django_capture_on_commit_callbacks
):
    celery_app.control.purge()
    notice = submit_contact(referrer).notices.get()
    Notice.objects.filter(pk=notice.pk).update(
        status=Notice.Status.SENDING, sending_started_at=timezone.now() - timedelta(hours=1)
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.notices_sweep(now=timezone.now() + timedelta(minutes=5))
    # What the real broker holds (the contact's own queueing never committed here).
    queued = [args[0] for args in broker.queued(services.NOTICE_DELIVER)]

    notice.refresh_from_db()
    assert notice.status == Notice.Status.PENDING
    assert queued == [notice.pk]


@pytest.mark.django_db(transaction=True)
def test_a_decision_is_delivered_exactly_once_by_a_real_worker(
    celery_worker, screener, referrer, level, smtp
):
    contact = submit_contact(referrer)
    screening.screening_claim(actor=screener, contact=contact)
    decide(screener, contact, level, route=Route.INFORMATION_AND_ADVICE)

    wait_until(
        lambda: Notice.objects.filter(contact=contact, status=Notice.Status.SENT).count() >= 2,
        20,
        "the worker did not send both notices",
    )
    # Running every task again changes nothing: the worker ran each (its result says
    # so) and skipped the send.
    from outcomes.tasks import notice_deliver

    again = [
        notice_deliver.apply_async(args=[notice.pk], ignore_result=False)
        for notice in Notice.objects.filter(contact=contact)
    ]
    assert [result.get(timeout=20) for result in again] == ["skipped"] * len(again)
    subjects = sorted(
        line
        for message in smtp.messages
        for line in message.content.decode().splitlines()
        if line.startswith("Subject:")
    )
    assert subjects == [
        f"Subject: We have received your referral: {contact.reference}",
        f"Subject: What we decided about your referral {contact.reference}",
    ]


@pytest.mark.django_db
def test_manager_resends_a_failed_notice_and_it_is_audited(
    client, screener, manager, referrer, level
):
    from frontdoor.models import AuditEvent

    notice = submit_contact(referrer).notices.get()
    Notice.objects.filter(pk=notice.pk).update(
        status=Notice.Status.PERMANENT_FAILURE, failure_reason="SMTP 550"
    )
    client.force_login(screener)
    url = reverse("outcomes:notice-resend", args=[notice.contact.reference, notice.pk])
    assert client.post(url).status_code == 403
    client.force_login(manager)
    page = client.get(reverse("outcomes:contact-notices", args=[notice.contact.reference]))
    assert "SMTP 550" in page.text
    client.post(url)
    again = Notice.objects.get(resend_of=notice)
    assert (again.status, again.requested_by) == (Notice.Status.PENDING, manager)
    assert AuditEvent.objects.filter(via="outcomes.notice_resend").exists()


@pytest.mark.django_db
def test_referrers_see_their_own_outcomes_only(client, screener, referrer, referrer_b, level):
    contact = submit_contact(referrer)
    screening.screening_claim(actor=screener, contact=contact)
    decide(screener, contact, level, route=Route.EARLY_HELP)

    client.force_login(referrer)
    listing = client.get(reverse("outcomes:my-referrals"))
    assert contact.reference in listing.text
    assert "Early help (prevention)" in listing.text
    detail = client.get(reverse("outcomes:my-referral", args=[contact.reference]))
    assert "early help (prevention) service will contact the family" in detail.text

    client.force_login(referrer_b)
    assert contact.reference not in client.get(reverse("outcomes:my-referrals")).text
    assert client.get(reverse("outcomes:my-referral", args=[contact.reference])).status_code == 404
    client.force_login(screener)
    assert client.get(reverse("outcomes:my-referrals")).status_code == 403
