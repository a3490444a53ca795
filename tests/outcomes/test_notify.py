"""Notices through GOV.UK Notify's API shape, against a local server."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from outcomes import services
from outcomes.models import Notice
from screening import services as screening
from screening.models import Route
from tests.factories import adult_input, child_input, submit_contact
from tests.outcomes.fake_notify import TEST_API_KEY, FakeNotify
from tests.support.screening import decide

pytestmark = pytest.mark.django_db
FAMILY = [child_input(), adult_input(address="1 Mill Lane\nYork", postcode="YO1 7HH")]


@pytest.fixture
def notify(settings):
    with FakeNotify() as fake:
        settings.NOTIFY_API_KEY = TEST_API_KEY
        settings.NOTIFY_BASE_URL = fake.url
        settings.NOTIFY_TEMPLATE_EMAIL = "f33517ff-2a88-4f6e-b855-c550268ce08a"
        settings.NOTIFY_TEMPLATE_SMS = "af7d2a3c-0d3a-4b3c-8c3e-1b0c1f0b9f3b"
        settings.NOTIFY_TEMPLATE_LETTER = "0d1e9f4c-2b3a-4c5d-8e6f-7a8b9c0d1e2f"
        yield fake


def test_email_sms_and_letter_go_through_notify_with_a_reference_that_names_no_one(
    notify, screener, referrer, level
):
    contact = submit_contact(referrer, subjects=FAMILY)
    screening.screening_claim(actor=screener, contact=contact)
    decide(screener, contact, level, route=Route.EARLY_HELP)

    for notice in Notice.objects.all():
        assert services.notice_deliver(notice_id=notice.pk) == "sent"

    kinds = sorted(n["type"] for n in notify.sent)
    assert kinds == ["email", "email", "letter"]
    for sent in notify.sent:
        assert sent["reference"] in {str(n.reference) for n in Notice.objects.all()}
        assert "Harrison" not in sent["reference"]
    letter = next(n for n in notify.sent if n["type"] == "letter")["payload"]["personalisation"]
    assert [letter[f"address_line_{i}"] for i in range(1, 5)] == [
        "Dawn Harrison",
        "1 Mill Lane",
        "York",
        "YO1 7HH",
    ]
    assert all(header.startswith("Bearer ") for header in notify.auth_headers)


def test_text_message_to_a_referrer_with_only_a_phone(notify, screener):
    from referrals.models import Contact
    from referrals.services import ReferrerInput, contact_submit
    from tests.factories import contact_input

    contact, _ = contact_submit(
        actor=screener,
        data=contact_input(referrer=ReferrerInput(name="Joan", phone="07700 900982")),
        channel=Contact.Channel.CONTACT_CENTRE,
    )
    notice = contact.notices.get()
    assert notice.channel == Notice.Channel.SMS
    services.notice_deliver(notice_id=notice.pk)
    assert notify.sent[0]["payload"]["phone_number"] == "07700 900982"


@pytest.mark.parametrize("status", [500, 429])
def test_temporary_failures_retry_later(notify, referrer, status):
    notice = submit_contact(referrer).notices.get()
    notify.fail_next(status)

    with pytest.raises(services.TemporaryDeliveryFailure):
        services.notice_deliver(notice_id=notice.pk, retry_in=timedelta(0))
    notice.refresh_from_db()
    assert notice.status == Notice.Status.TEMPORARY_FAILURE
    assert notice.failure_reason == f"GOV.UK Notify {status}"

    assert services.notice_deliver(notice_id=notice.pk) == "sent"
    assert len(notify.sent) == 1


@pytest.mark.parametrize("status", [400, 403])
def test_permanent_failures_are_marked_for_staff(notify, referrer, status):
    notice = submit_contact(referrer).notices.get()
    notify.fail_next(status)

    assert services.notice_deliver(notice_id=notice.pk) == "failed"
    notice.refresh_from_db()
    assert notice.status == Notice.Status.PERMANENT_FAILURE
    assert services.notice_deliver(notice_id=notice.pk) == "skipped"
    assert notify.sent == []


def test_a_retry_after_a_lost_worker_does_not_send_twice(notify, referrer):
    notice = submit_contact(referrer).notices.get()
    services.notice_deliver(notice_id=notice.pk)
    # As if the worker died after Notify took it but before the row said so.
    Notice.objects.filter(pk=notice.pk).update(
        status=Notice.Status.SENDING, sending_started_at=timezone.now() - timedelta(hours=1)
    )
    services.notices_sweep(now=timezone.now() + timedelta(minutes=1))
    assert services.notice_deliver(notice_id=notice.pk) == "sent"
    assert len(notify.sent) == 1


def test_the_rate_limit_holds_sends_back(notify, referrer, settings):
    settings.NOTIFY_RATE_PER_MINUTE = 0
    notice = submit_contact(referrer).notices.get()
    with pytest.raises(services.TemporaryDeliveryFailure, match="rate limit"):
        services.notice_deliver(notice_id=notice.pk)
    assert notify.sent == []


def test_delivery_receipts_need_the_bearer_token_and_update_the_notice(
    client, notify, referrer, settings
):
    settings.NOTIFY_CALLBACK_BEARER_TOKEN = "callback-secret-" + "x" * 20
    notice = submit_contact(referrer).notices.get()
    services.notice_deliver(notice_id=notice.pk)
    url = reverse("outcomes:notify-receipts")
    body = {"id": notify.sent[0]["id"], "reference": str(notice.reference), "status": "delivered"}

    assert client.post(url, body, content_type="application/json").status_code == 401
    wrong = client.post(
        url, body, content_type="application/json", HTTP_AUTHORIZATION="Bearer nope"
    )
    assert wrong.status_code == 401
    auth = {"HTTP_AUTHORIZATION": f"Bearer {settings.NOTIFY_CALLBACK_BEARER_TOKEN}"}
    assert client.post(url, "not json", content_type="application/json", **auth).status_code == 400
    assert client.post(url, body, content_type="application/json", **auth).status_code == 200

    notice.refresh_from_db()
    assert notice.status == Notice.Status.DELIVERED
    unknown = {**body, "reference": "00000000-0000-0000-0000-000000000000"}
    assert client.post(url, unknown, content_type="application/json", **auth).status_code == 200


def test_a_permanent_failure_receipt_is_shown_to_staff(client, notify, referrer, manager, settings):
    settings.NOTIFY_CALLBACK_BEARER_TOKEN = "callback-secret-" + "y" * 20
    notice = submit_contact(referrer).notices.get()
    services.notice_deliver(notice_id=notice.pk)
    client.post(
        reverse("outcomes:notify-receipts"),
        {"reference": str(notice.reference), "status": "permanent-failure"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {settings.NOTIFY_CALLBACK_BEARER_TOKEN}",
    )
    client.force_login(manager)
    page = client.get(reverse("outcomes:contact-notices", args=[notice.contact.reference]))
    assert "Notify: the address does not exist" in page.text
    assert "Send again" in page.text


def test_the_partner_api_returns_the_outcome_once_a_decision_stands(screener, level):
    from rest_framework.test import APIClient

    from frontdoor.roles import Role
    from referrals.services import api_client_create
    from tests.factories import UserFactory

    account = UserFactory(roles=[Role.REFERRER])
    _, token = api_client_create(name="Feed", account=account)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    contact = submit_contact(account)
    url = reverse("api-contact-detail", args=[contact.reference])
    assert api.get(url).json()["outcome"] is None

    screening.screening_claim(actor=screener, contact=contact)
    decide(screener, contact, level, route=Route.EARLY_HELP)

    outcome = api.get(url).json()["outcome"]
    assert outcome["route"] == "early_help"
    assert outcome["route_label"] == "Early help (prevention)"
