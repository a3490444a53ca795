"""Withdrawing a contact (docs/adr/0036): from each open status and never once decided;
two at once, or a withdrawal and a decision at once, one wins cleanly; the duplicate's
reference checked; hostile notes; restricted records; the queue, the complex-case
queue, taking the next contact, the clock, the scorecard and the census leave it out."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import DatabaseError, transaction
from django.urls import reverse
from django.utils import timezone

from frontdoor.models import AuditEvent
from outcomes.returns.census import census_return
from outcomes.scorecard.facts import load_facts
from outcomes.scorecard.measures import compute
from outcomes.scorecard.periods import Granularity, Period
from outcomes.scorecard.tables import breakdown_rows
from referrals import services as referral_services
from referrals.models import Contact, ContactWithdrawal, WithdrawalReason
from referrals.services import WithdrawalRefused
from screening import selectors, services, services_checks
from screening.meetings.services import _open_contacts
from screening.models import Route
from tests.factories import referral_contact, submit_contact
from tests.support.checks import consented
from tests.support.screening import decide
from tests.support.withdrawals import NOTE, at_once, withdraw

pytestmark = pytest.mark.django_db


def _in_status(status, *, screener, referrer, level, police):
    contact = submit_contact(referrer)
    if status == Contact.Status.RECEIVED:
        return contact
    services.screening_claim(actor=screener, contact=contact)
    if status == Contact.Status.AWAITING_CHECKS:
        services_checks.check_request(
            actor=screener,
            contact=contact,
            agency=police,
            question="Any incidents at the address?",
            sharing=consented(),
        )
    elif status == Contact.Status.AWAITING_APPROVAL:
        decide(screener, contact, level, route=Route.STRATEGY_DISCUSSION)
    contact.refresh_from_db()
    assert contact.status == status
    return contact


@pytest.mark.parametrize(
    "status",
    [
        Contact.Status.RECEIVED,
        Contact.Status.IN_SCREENING,
        Contact.Status.AWAITING_CHECKS,
        Contact.Status.AWAITING_APPROVAL,
    ],
)
def test_an_open_contact_is_withdrawn_from_any_status(
    status, screener, manager, referrer, level, police
):
    contact = _in_status(status, screener=screener, referrer=referrer, level=level, police=police)
    withdrawal = withdraw(manager, contact)

    contact.refresh_from_db()
    assert contact.status == Contact.Status.WITHDRAWN
    assert withdrawal.withdrawn_by == manager
    assert withdrawal.asked_by == "staff"
    assert not contact.screening.assigned_to_id if hasattr(contact, "screening") else True
    audit = AuditEvent.objects.filter(record_id=contact.reference, via="screening.withdraw").get()
    assert audit.action == AuditEvent.Action.CHANGE
    # A decision waiting for approval never stands now: off the managers' list.
    assert not selectors.approvals_pending(user=manager).filter(contact=contact).exists()
    with pytest.raises(services.ScreeningRefused, match="withdrawn"):
        services.screening_claim(actor=screener, contact=contact)


def test_a_decided_or_closed_contact_cannot_be_withdrawn(screener, manager, referrer, level):
    decided = submit_contact(referrer)
    services.screening_claim(actor=screener, contact=decided)
    decide(screener, decided, level, route=Route.EARLY_HELP)
    closed = submit_contact(
        screener,
        channel=Contact.Channel.PHONE_CONSULTATION,
        advice_only=True,
        advice_given="Speak to the family about an early help assessment.",
    )
    # Decided, then decided again needing approval: a decision still stands.
    again = referral_contact(
        screener=screener, manager=manager, referrer=referrer, received_at=timezone.now()
    )
    services.screening_claim(actor=screener, contact=again)
    decide(screener, again, level, route=Route.STRATEGY_DISCUSSION, rationale="A" * 50)
    again.refresh_from_db()
    assert again.status == Contact.Status.AWAITING_APPROVAL

    for contact in (decided, closed, again):
        with pytest.raises(WithdrawalRefused, match="decided"):
            withdraw(screener, contact)
    assert not ContactWithdrawal.objects.exists()
    withdraw(screener, submit_contact(referrer))
    with pytest.raises(WithdrawalRefused, match="already been withdrawn"):
        withdraw(manager, Contact.objects.get(status=Contact.Status.WITHDRAWN))


@pytest.mark.django_db(transaction=True)
def test_two_withdrawals_at_once_one_wins_cleanly(screener, manager, referrer):
    contact = submit_contact(referrer)
    outcomes = at_once(lambda: withdraw(screener, contact), lambda: withdraw(manager, contact))
    assert outcomes.count("done") == 1
    [refused] = [o for o in outcomes if o != "done"]
    assert isinstance(refused, WithdrawalRefused)
    assert ContactWithdrawal.objects.filter(contact=contact).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_withdrawal_and_a_decision_at_once_one_wins_cleanly(screener, manager, referrer, level):
    for _ in range(3):
        contact = submit_contact(referrer)
        services.screening_claim(actor=screener, contact=contact)
        outcomes = at_once(
            lambda c=contact: decide(screener, c, level, route=Route.EARLY_HELP),
            lambda c=contact: withdraw(manager, c),
        )
        assert outcomes.count("done") == 1, outcomes
        [refused] = [o for o in outcomes if o != "done"]
        assert isinstance(refused, services.ScreeningRefused | WithdrawalRefused)
        contact.refresh_from_db()
        withdrawn = ContactWithdrawal.objects.filter(contact=contact).exists()
        decided = contact.decisions.exists()
        assert withdrawn != decided
        assert contact.status == (Contact.Status.WITHDRAWN if withdrawn else Contact.Status.DECIDED)


def test_a_duplicate_names_another_contact_the_user_may_open(screener, manager, referrer):
    contact, other, hidden = (submit_contact(referrer) for _ in range(3))
    referral_services.restriction_add(
        actor=manager,
        contact=hidden,
        reason="A member of staff's family.",
        ask=manager,
        allowed=[],
        review_due=timezone.localdate() + timedelta(days=30),
    )
    for reference, message in [
        ("", "Enter the reference of the other contact"),
        ("FD-1999-000001", "There is no contact FD-1999-000001"),
        (contact.reference, "not this one"),
        (hidden.reference, "restricted"),
        ("FD\x00", "like FD-2026-000123"),
    ]:
        with pytest.raises(WithdrawalRefused, match=message) as refused:
            withdraw(screener, contact, WithdrawalReason.DUPLICATE, duplicate_of=reference)
        assert "duplicate_of" in refused.value.errors
    withdrawal = withdraw(
        screener, contact, WithdrawalReason.DUPLICATE, duplicate_of=f" {other.reference.lower()} "
    )
    assert withdrawal.duplicate_of == other


def _form(**fields):
    return {"reason": "sent_in_error", "asked_by": "staff", "note": NOTE, **fields}


def test_a_screener_withdraws_through_the_page(client, screener, referrer):
    contact = submit_contact(referrer)
    other = submit_contact(referrer)
    client.force_login(screener)
    page = client.get(reverse("screening:contact", args=[contact.reference]))
    assert "Withdraw this contact" in page.text
    url = reverse("screening:withdraw", args=[contact.reference])
    form = client.get(url)
    assert form.status_code == 200
    assert "csrfmiddlewaretoken" in form.text

    # A duplicate without its reference: told so, the rest kept.
    response = client.post(url, _form(reason="duplicate"))
    assert response.status_code == 400
    assert "Enter the reference of the other contact" in response.text
    assert NOTE in response.text

    response = client.post(url, _form(reason="duplicate", duplicate_of=other.reference))
    assert response.status_code == 302
    page = client.get(reverse("screening:contact", args=[contact.reference]))
    assert "A duplicate of another contact" in page.text
    assert other.reference in page.text
    assert "Sam Screener" in page.text
    assert "Withdraw this contact" not in page.text
    assert "Take this contact<" not in page.text
    detail = client.get(reverse("referrals:contact-detail", args=[contact.reference]))
    assert "A duplicate of another contact (" + other.reference in detail.text
    # Once withdrawn, the form leads back to the contact.
    assert client.get(url).status_code == 302


@pytest.mark.parametrize(
    ("note", "kept"),
    [
        ("Sent in error\x00 by the school", False),
        ("x" * 10_000, True),
        ("<script>alert('x')</script> sent twice", True),
        ("=SUM(A1) sent to us by mistake", True),
    ],
)
def test_hostile_notes_get_a_clear_message_and_lose_nothing(client, screener, referrer, note, kept):
    contact = submit_contact(referrer)
    client.force_login(screener)
    url = reverse("screening:withdraw", args=[contact.reference])
    response = client.post(url, _form(note=note))
    if not kept:
        assert response.status_code == 400
        assert "null character" in response.text
        assert "by the school</textarea>" in response.text
        assert not ContactWithdrawal.objects.exists()
        return
    assert response.status_code == 302
    assert ContactWithdrawal.objects.get(contact=contact).note == note
    page = client.get(reverse("screening:contact", args=[contact.reference]))
    assert "<script>alert" not in page.text
    assert "&lt;script&gt;" in page.text or "<script>" not in note


def test_a_restricted_contact_is_refused_to_those_not_named(client, screener, manager, referrer):
    contact = submit_contact(referrer)
    referral_services.restriction_add(
        actor=manager,
        contact=contact,
        reason="A member of staff's family.",
        ask=manager,
        allowed=[],
        review_due=timezone.localdate() + timedelta(days=30),
    )
    client.force_login(screener)
    url = reverse("screening:withdraw", args=[contact.reference])
    assert client.get(url).status_code == 403
    assert client.post(url, _form()).status_code == 403
    with pytest.raises(WithdrawalRefused, match="restricted"):
        withdraw(screener, contact)
    contact.refresh_from_db()
    assert contact.status == Contact.Status.RECEIVED
    withdraw(manager, contact)  # named on it (they made it)


def test_a_referrer_asks_for_their_own_referral_only(client, screener, referrer, referrer_b, level):
    contact = submit_contact(referrer)
    url = reverse("outcomes:my-referral-withdraw", args=[contact.reference])
    client.force_login(referrer_b)
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "sent_in_error", "note": NOTE}).status_code == 404

    client.force_login(referrer)
    page = client.get(reverse("outcomes:my-referral", args=[contact.reference]))
    assert "Ask us to withdraw this referral" in page.text
    assert client.post(url, {"reason": "sent_in_error", "note": ""}).status_code == 400
    assert client.post(url, {"reason": "sent_in_error", "note": NOTE}).status_code == 302
    page = client.get(reverse("outcomes:my-referral", args=[contact.reference]))
    assert "The front door has your request" in page.text
    assert client.get(url).status_code == 302  # asked once

    # Staff see it on the contact and in the queue; they carry on and decide.
    client.force_login(screener)
    page = client.get(reverse("screening:contact", args=[contact.reference]))
    assert "The referrer asks for it to be withdrawn" in page.text
    assert "Referrer asks to withdraw" in client.get(reverse("screening:queue")).text
    services.screening_claim(actor=screener, contact=contact)
    decide(screener, contact, level, route=Route.EARLY_HELP)
    page = client.get(reverse("screening:contact", args=[contact.reference]))
    assert "declined, it was decided instead" in page.text
    client.force_login(referrer)
    page = client.get(reverse("outcomes:my-referral", args=[contact.reference]))
    assert "carried on and decided it" in page.text


def test_the_referrer_sees_withdrawn_with_the_reason(client, screener, referrer):
    contact = submit_contact(referrer)
    referral_services.withdrawal_request_record(
        actor=referrer, contact=contact, reason="concern_withdrawn", note=NOTE
    )
    withdraw(screener, contact, WithdrawalReason.CONCERN_WITHDRAWN, asked_by="referrer")
    client.force_login(referrer)
    page = client.get(reverse("outcomes:my-referral", args=[contact.reference]))
    assert "Withdrawn" in page.text
    assert "the referrer has withdrawn the concern" in page.text
    assert "Ask us to withdraw" not in page.text
    assert "Withdrawn" in client.get(reverse("outcomes:my-referrals")).text


def test_a_withdrawn_contact_leaves_the_queues_and_its_clock_stops(screener, referrer):
    urgent = submit_contact(referrer, urgency=Contact.Urgency.IMMEDIATE)
    later = submit_contact(referrer)
    withdraw(screener, urgent)
    urgent.refresh_from_db()

    queue = selectors.queue(user=screener, filters=selectors.QueueFilters())
    assert list(queue) == [later]
    assert urgent not in selectors.immediate_risk(user=screener)
    assert urgent not in _open_contacts()
    clock = selectors.clock_for(urgent)
    assert clock.withdrawn_at is not None
    assert clock.label == "withdrawn before a decision"
    # Taking the next contact skips it, though it was the most pressing.
    assert services.screening_claim_next(actor=screener).contact == later
    assert services.screening_claim_next(actor=screener) is None


def test_the_scorecard_counts_withdrawn_contacts_apart_and_the_census_not_at_all(
    screener, manager, referrer
):
    received = timezone.now() - timedelta(days=5)
    overdue = submit_contact(referrer, received_at=received)
    withdrawn = submit_contact(referrer, received_at=received)
    withdraw(screener, withdrawn)
    referral = referral_contact(
        screener=screener, manager=manager, referrer=referrer, received_at=received
    )
    period = Period.containing(timezone.localdate(received), Granularity.MONTH)
    figures = compute(load_facts(start=period.start, end=period.end, as_at=timezone.now()), period)

    assert set(figures["contacts"].numerator) == {overdue.pk, withdrawn.pk, referral.pk}
    assert figures["route:withdrawn"].numerator == (withdrawn.pk,)
    assert figures["route:not_decided"].numerator == (overdue.pk,)
    assert figures["overdue"].numerator == (overdue.pk,)
    assert set(figures["timeliness"].denominator) == {overdue.pk, referral.pk}
    # As at a moment before it was withdrawn, it was simply overdue.
    before = ContactWithdrawal.objects.get().withdrawn_at - timedelta(microseconds=1)
    earlier = compute(load_facts(start=period.start, end=period.end, as_at=before), period)
    assert withdrawn.pk in earlier["overdue"].numerator

    labels = [row.breakdown for row in breakdown_rows(figures, "route", {})]
    assert labels[-2:] == ["Withdrawn", "Not decided yet"]

    year = referral_services.census_return_year(received)
    assert withdrawn.pk not in census_return(year).contact_ids
    assert referral.pk in census_return(year).contact_ids


def test_a_withdrawal_is_never_edited_or_deleted(screener, referrer):
    withdrawal = withdraw(screener, submit_contact(referrer))
    for change in (
        lambda: ContactWithdrawal.objects.filter(pk=withdrawal.pk).update(note="Rewritten"),
        lambda: ContactWithdrawal.objects.filter(pk=withdrawal.pk).delete(),
    ):
        with pytest.raises(DatabaseError, match="never"), transaction.atomic():
            change()
    assert ContactWithdrawal.objects.get().note == NOTE
    assert withdrawal.events.filter(pgh_label="insert").exists()  # its change history
