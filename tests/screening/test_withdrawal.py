"""Withdrawing a contact (docs/adr/0036): from each open status and never once decided;
two at once, or a withdrawal and a decision at once, one wins cleanly; the duplicate's
reference checked; hostile notes; restricted records; the queue, the complex-case
queue, taking the next contact, the clock, the scorecard and the census leave it out."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
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
from screening.models import Route, Screening
from screening.services_withdraw import contact_withdraw
from tests.factories import child_input, referral_contact, submit_contact
from tests.support.checks import consented
from tests.support.screening import decide

pytestmark = pytest.mark.django_db

NOTE = "The school rang: they sent this about the wrong family and have sent it again."


def _withdraw(actor, contact, reason=WithdrawalReason.SENT_IN_ERROR, **extra):
    return contact_withdraw(
        actor=actor, contact=contact, reason=reason, note=extra.pop("note", NOTE), **extra
    )


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
    withdrawal = _withdraw(manager, contact)

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
            _withdraw(screener, contact)
    assert not ContactWithdrawal.objects.exists()
    _withdraw(screener, submit_contact(referrer))
    with pytest.raises(WithdrawalRefused, match="already been withdrawn"):
        _withdraw(manager, Contact.objects.get(status=Contact.Status.WITHDRAWN))


def _at_once(*calls):
    """Run the calls at the same moment, each in its own connection; what each raised."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            call()
            outcomes[index] = "done"
        except Exception as error:
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_two_withdrawals_at_once_one_wins_cleanly(screener, manager, referrer):
    contact = submit_contact(referrer)
    outcomes = _at_once(lambda: _withdraw(screener, contact), lambda: _withdraw(manager, contact))
    assert outcomes.count("done") == 1
    [refused] = [o for o in outcomes if o != "done"]
    assert isinstance(refused, WithdrawalRefused)
    assert ContactWithdrawal.objects.filter(contact=contact).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_withdrawal_and_a_decision_at_once_one_wins_cleanly(screener, manager, referrer, level):
    for _ in range(3):
        contact = submit_contact(referrer)
        services.screening_claim(actor=screener, contact=contact)
        outcomes = _at_once(
            lambda c=contact: decide(screener, c, level, route=Route.EARLY_HELP),
            lambda c=contact: _withdraw(manager, c),
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
            _withdraw(screener, contact, WithdrawalReason.DUPLICATE, duplicate_of=reference)
        assert "duplicate_of" in refused.value.errors
    withdrawal = _withdraw(
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
        _withdraw(screener, contact)
    contact.refresh_from_db()
    assert contact.status == Contact.Status.RECEIVED
    _withdraw(manager, contact)  # named on it (they made it)


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
    _withdraw(screener, contact, WithdrawalReason.CONCERN_WITHDRAWN, asked_by="referrer")
    client.force_login(referrer)
    page = client.get(reverse("outcomes:my-referral", args=[contact.reference]))
    assert "Withdrawn" in page.text
    assert "the referrer has withdrawn the concern" in page.text
    assert "Ask us to withdraw" not in page.text
    assert "Withdrawn" in client.get(reverse("outcomes:my-referrals")).text


def test_a_withdrawn_contact_leaves_the_queues_and_its_clock_stops(screener, referrer):
    urgent = submit_contact(referrer, urgency=Contact.Urgency.IMMEDIATE)
    later = submit_contact(referrer)
    _withdraw(screener, urgent)
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
    _withdraw(screener, withdrawn)
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
    withdrawal = _withdraw(screener, submit_contact(referrer))
    for change in (
        lambda: ContactWithdrawal.objects.filter(pk=withdrawal.pk).update(note="Rewritten"),
        lambda: ContactWithdrawal.objects.filter(pk=withdrawal.pk).delete(),
    ):
        with pytest.raises(DatabaseError, match="never"), transaction.atomic():
            change()
    assert ContactWithdrawal.objects.get().note == NOTE
    assert withdrawal.events.filter(pgh_label="insert").exists()  # its change history


def test_a_withdrawn_contact_makes_no_later_one_a_repeat(screener, manager, referrer, level):
    """Repeat contacts not progressed: an earlier contact sent in error is no contact."""
    child = child_input(nhs_number="9434765919")
    earlier = submit_contact(
        referrer, subjects=[child], received_at=timezone.now() - timedelta(days=9)
    )
    _withdraw(screener, earlier)
    later = submit_contact(
        referrer, subjects=[child], received_at=timezone.now() - timedelta(days=2)
    )
    services.screening_claim(actor=screener, contact=later)
    decide(screener, later, level, route=Route.EARLY_HELP)
    assert later.subjects.get().person_id == earlier.subjects.get().person_id

    period = Period.containing(timezone.localdate(), Granularity.YEAR)
    figures = compute(load_facts(start=period.start, end=period.end, as_at=timezone.now()), period)
    assert figures["repeat_not_progressed"].base == 1
    assert figures["repeat_not_progressed"].count == 0


def test_a_duplicate_of_a_contact_itself_withdrawn_is_refused(screener, referrer):
    """Two contacts withdrawn as duplicates of each other would leave no contact at all."""
    first, second = submit_contact(referrer), submit_contact(referrer)
    _withdraw(screener, first, WithdrawalReason.DUPLICATE, duplicate_of=second.reference)
    with pytest.raises(WithdrawalRefused, match="was itself withdrawn") as refused:
        _withdraw(screener, second, WithdrawalReason.DUPLICATE, duplicate_of=first.reference)
    assert "duplicate_of" in refused.value.errors
    second.refresh_from_db()
    assert second.status == Contact.Status.RECEIVED


def test_a_withdrawn_contact_cannot_be_given_to_a_screener(screener, manager, referrer):
    """A manager's reassign form left open while the contact was withdrawn: refused, so
    nobody holds it (and no check can be asked on it)."""
    contact = submit_contact(referrer)
    _withdraw(screener, contact)
    with pytest.raises(services.ScreeningRefused, match="withdrawn"):
        services.screening_reassign(actor=manager, contact=contact, to=screener)
    assert not Screening.objects.filter(contact=contact, assigned_to__isnull=False).exists()
    contact.refresh_from_db()
    assert contact.status == Contact.Status.WITHDRAWN


def test_a_withdrawn_contact_makes_no_later_one_a_repeat_on_the_screening_page(
    client, screener, referrer
):
    """The screener's "Repeat contact" flag follows the scorecard's rule: a contact sent
    in error, or a duplicate of this one, is no earlier contact."""
    child = child_input(nhs_number="9434765919")
    earlier = submit_contact(
        referrer, subjects=[child], received_at=timezone.now() - timedelta(days=9)
    )
    _withdraw(screener, earlier)
    later = submit_contact(
        referrer, subjects=[child], received_at=timezone.now() - timedelta(days=2)
    )
    assert later.subjects.get().person_id == earlier.subjects.get().person_id
    later_child = later.subjects.get()

    histories = selectors.histories_of(contact=later, subjects=[later_child])
    assert histories[later_child.pk].repeat_contact is False
    assert histories[later_child.pk].rows  # still listed in the history
    client.force_login(screener)
    detail = client.get(reverse("referrals:contact-detail", args=[later.reference]))
    assert "Repeat contact" not in detail.text


def test_the_referrer_is_not_shown_the_other_contacts_reference(client, screener, referrer):
    """The contact a duplicate repeats may be someone else's referral about the family."""
    contact, other = submit_contact(referrer), submit_contact(referrer)
    _withdraw(screener, contact, WithdrawalReason.DUPLICATE, duplicate_of=other.reference)
    client.force_login(referrer)
    detail = client.get(reverse("referrals:contact-detail", args=[contact.reference]))
    assert detail.status_code == 200
    assert "A duplicate of another contact" in detail.text
    assert other.reference not in detail.text


@pytest.mark.django_db(transaction=True)
def test_two_contacts_withdrawn_as_each_others_duplicate_at_once_one_is_refused(
    screener, manager, referrer
):
    for _ in range(3):
        first, second = submit_contact(referrer), submit_contact(referrer)
        outcomes = _at_once(
            lambda a=first, b=second: _withdraw(
                screener, a, WithdrawalReason.DUPLICATE, duplicate_of=b.reference
            ),
            lambda a=first, b=second: _withdraw(
                manager, b, WithdrawalReason.DUPLICATE, duplicate_of=a.reference
            ),
        )
        assert outcomes.count("done") == 1, outcomes
        [refused] = [o for o in outcomes if o != "done"]
        assert isinstance(refused, WithdrawalRefused)
        assert "duplicate_of" in refused.errors
        assert ContactWithdrawal.objects.filter(contact__in=[first, second]).count() == 1


def test_a_decision_left_waiting_by_a_withdrawal_is_not_shown_as_waiting(
    client, screener, manager, referrer, level
):
    """It never stands: the page says so, not "Waiting for a manager" as the current one."""
    child = child_input(nhs_number="9434765919")
    contact = submit_contact(referrer, subjects=[child])
    services.screening_claim(actor=screener, contact=contact)
    decide(screener, contact, level, route=Route.STRATEGY_DISCUSSION)
    _withdraw(manager, contact)
    client.force_login(manager)
    page = client.get(reverse("screening:contact", args=[contact.reference]))
    assert page.status_code == 200
    assert "Waiting for a manager" not in page.text
    assert "(current)" not in page.text
    assert "Never approved: the contact was withdrawn" in page.text

    # A later contact about the same child lists it as withdrawn, not awaiting approval.
    later = submit_contact(referrer, subjects=[child])
    later_child = later.subjects.get()
    assert later_child.person_id == contact.subjects.get().person_id
    [row] = selectors.histories_of(contact=later, subjects=[later_child])[later_child.pk].rows
    assert row.decision is None
    services.screening_claim(actor=screener, contact=later)
    page = client.get(reverse("screening:contact", args=[later.reference]))
    assert "(awaiting approval)" not in page.text
    history = selectors.member_history(user=manager, contact=later, person=later_child.person).rows
    assert [(r.status, r.decision) for r in history] == [("Withdrawn", None)]
