"""The ``referral.withdrawn`` event (docs/adr/0036): written in the withdrawal's
transaction (nothing when it rolls back), after the contact's earlier events, in the
pull feed, delivered signed to a real receiver by a real worker, and erased with the
contact under the retention policy."""

from __future__ import annotations

import pytest
from django.db import transaction
from rest_framework.test import APIClient

from outcomes import retention
from outcomes.models import CaseEvent, Delivery
from referrals import services as referral_services
from referrals.models import ContactWithdrawal, WithdrawalReason, WithdrawalRequest
from screening import services as screening
from screening.models import Route
from screening.services_withdraw import contact_withdraw
from tests.factories import adult_input, child_input, submit_contact
from tests.support.screening import decide
from tests.support.waiting import wait_until
from tests.support.webhooks import case_system

NOTE = "The referrer rang: a neighbour's misunderstanding, explained by the school."


def _withdraw(actor, contact, **extra):
    return contact_withdraw(
        actor=actor,
        contact=contact,
        reason=extra.pop("reason", WithdrawalReason.CONCERN_WITHDRAWN),
        note=NOTE,
        asked_by=extra.pop("asked_by", "referrer"),
        **extra,
    )


@pytest.mark.django_db(transaction=True)
def test_a_withdrawal_reaches_the_case_system_signed(
    celery_worker, receiver, endpoint, screener, referrer
):
    child = child_input(nhs_number="9434765919")
    contact = submit_contact(referrer, subjects=[child, adult_input()])
    withdrawal = _withdraw(screener, contact)

    wait_until(lambda: receiver.received, 30, "the withdrawal never reached the receiver")
    [delivered] = receiver.received
    event = CaseEvent.objects.get(contact=contact)
    assert event.kind == CaseEvent.Kind.REFERRAL_WITHDRAWN
    assert event.decision is None
    assert event.occurred_at == withdrawal.withdrawn_at
    assert delivered["id"] == event.event_id
    assert delivered["type"] == "referral.withdrawn"
    data = delivered["data"]
    assert data["contact"]["reference"] == contact.reference
    assert data["children"][0]["nhs_number"] == "9434765919"
    assert len(data["adults"]) == 1
    assert data["withdrawal"] == {
        "reason": "concern_withdrawn",
        "reason_name": "The referrer has withdrawn the concern",
        "duplicate_of": None,
        "note": NOTE,
        "asked_by": "referrer",
        "withdrawn_at": withdrawal.withdrawn_at.isoformat(),
        "withdrawn_by": {"name": screener.full_name, "email": screener.email},
    }
    assert receiver.refused == []
    wait_until(
        lambda: Delivery.objects.get(event=event).state == Delivery.State.DELIVERED,
        10,
        "the delivery was not marked delivered",
    )


@pytest.mark.django_db(transaction=True)
def test_nothing_is_written_for_a_withdrawal_that_rolled_back(endpoint, screener, referrer):
    contact = submit_contact(referrer)

    def withdrawn_then_failed():
        with transaction.atomic():
            _withdraw(screener, contact)
            raise RuntimeError("the request failed after the withdrawal")

    with pytest.raises(RuntimeError):
        withdrawn_then_failed()
    assert not CaseEvent.objects.exists()
    assert not Delivery.objects.exists()
    assert not ContactWithdrawal.objects.exists()
    contact.refresh_from_db()
    assert contact.status == "received"

    _withdraw(screener, contact)
    event = CaseEvent.objects.get()
    assert event.deliveries.get().endpoint == endpoint
    assert event.deliveries.get().contact_id_for_order == contact.pk


@pytest.mark.django_db(transaction=True)
def test_the_feed_serves_it_after_the_contacts_earlier_events(screener, manager, referrer, level):
    """A decision waiting for approval has no event; withdrawn, the contact has one. A
    duplicate's event names the contact it duplicates."""
    _, token = case_system()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    first = submit_contact(referrer)
    screening.screening_claim(actor=screener, contact=first)
    decide(screener, first, level, route=Route.EARLY_HELP)
    second = submit_contact(referrer)
    screening.screening_claim(actor=screener, contact=second)
    decide(screener, second, level, route=Route.STRATEGY_DISCUSSION)  # waits for a manager
    _withdraw(
        manager,
        second,
        reason=WithdrawalReason.DUPLICATE,
        duplicate_of=first.reference,
        asked_by="staff",
    )

    page = api.get("/api/v1/events/").json()
    assert [(e["type"], e["contact_reference"]) for e in page["events"]] == [
        ("decision.stands", first.reference),
        ("referral.withdrawn", second.reference),
    ]
    assert page["events"][1]["data"]["withdrawal"]["duplicate_of"] == first.reference


@pytest.mark.django_db(transaction=True)
def test_erasure_blanks_the_event_and_the_withdrawal_notes(
    endpoint, screener, manager, referrer, settings
):
    contact = submit_contact(referrer)
    referral_services.withdrawal_request_record(
        actor=referrer, contact=contact, reason="sent_in_error", note="I sent it to you twice."
    )
    _withdraw(screener, contact)

    settings.RETENTION_YEARS = {"information_and_advice": 0, "early_help": 6, "referral": 25}
    [run] = [run for run in retention.retention_review() if run.kind == "information_and_advice"]
    assert run.contact_ids == [contact.pk]
    retention.retention_approve(actor=manager, run=run)
    retention.retention_erase(run_id=run.pk)

    assert CaseEvent.objects.get(contact=contact).data == {"erased": True}
    assert Delivery.objects.get(event__contact=contact).state == Delivery.State.ERASED
    withdrawal = ContactWithdrawal.objects.get(contact=contact)
    assert withdrawal.note == retention.ERASED
    assert withdrawal.reason == "concern_withdrawn"  # the shape of the record stays
    assert WithdrawalRequest.objects.get(contact=contact).note == retention.ERASED
    assert not ContactWithdrawal.events.field.model.objects.filter(note=NOTE).exists()
