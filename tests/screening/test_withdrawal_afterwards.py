"""Withdrawing a contact (docs/adr/0036), what it leaves behind: no later contact made a
repeat by it, no duplicate of a withdrawn contact, no screener given it, the referrer
never shown another contact's reference, and a decision it left waiting shown as such."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from outcomes.scorecard.facts import load_facts
from outcomes.scorecard.measures import compute
from outcomes.scorecard.periods import Granularity, Period
from referrals.models import Contact, ContactWithdrawal, WithdrawalReason
from referrals.services import WithdrawalRefused
from screening import selectors, services
from screening.models import Route, Screening
from tests.factories import child_input, submit_contact
from tests.support.screening import decide
from tests.support.withdrawals import at_once, withdraw

pytestmark = pytest.mark.django_db


def test_a_withdrawn_contact_is_neither_a_repeat_nor_one_that_came_back(
    screener, manager, referrer, level
):
    """Repeat contacts not progressed: a contact sent in error is no contact, neither
    as the one a child came back after nor as the one they came back with."""
    child = child_input(nhs_number="9434765919")
    earlier = submit_contact(
        referrer, subjects=[child], received_at=timezone.now() - timedelta(days=9)
    )
    withdraw(screener, earlier)
    middle = submit_contact(
        referrer, subjects=[child], received_at=timezone.now() - timedelta(days=5)
    )
    services.screening_claim(actor=screener, contact=middle)
    decide(screener, middle, level, route=Route.EARLY_HELP)
    later = submit_contact(
        referrer, subjects=[child], received_at=timezone.now() - timedelta(days=2)
    )
    withdraw(screener, later)
    assert later.subjects.get().person_id == earlier.subjects.get().person_id
    assert middle.subjects.get().person_id == earlier.subjects.get().person_id

    period = Period.containing(timezone.localdate(), Granularity.YEAR)
    figures = compute(load_facts(start=period.start, end=period.end, as_at=timezone.now()), period)
    # The early help only: the withdrawn contact before it ended in no decision, and
    # the withdrawn one after it is not a return.
    assert figures["repeat_not_progressed"].base == 1
    assert figures["repeat_not_progressed"].count == 0


def test_a_duplicate_of_a_contact_itself_withdrawn_is_refused(screener, referrer):
    """Two contacts withdrawn as duplicates of each other would leave no contact at all."""
    first, second = submit_contact(referrer), submit_contact(referrer)
    withdraw(screener, first, WithdrawalReason.DUPLICATE, duplicate_of=second.reference)
    with pytest.raises(WithdrawalRefused, match="was itself withdrawn") as refused:
        withdraw(screener, second, WithdrawalReason.DUPLICATE, duplicate_of=first.reference)
    assert "duplicate_of" in refused.value.errors
    second.refresh_from_db()
    assert second.status == Contact.Status.RECEIVED


def test_a_withdrawn_contact_cannot_be_given_to_a_screener(screener, manager, referrer):
    """A manager's reassign form left open while the contact was withdrawn: refused, so
    nobody holds it (and no check can be asked on it)."""
    contact = submit_contact(referrer)
    withdraw(screener, contact)
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
    withdraw(screener, earlier)
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
    withdraw(screener, contact, WithdrawalReason.DUPLICATE, duplicate_of=other.reference)
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
        outcomes = at_once(
            lambda a=first, b=second: withdraw(
                screener, a, WithdrawalReason.DUPLICATE, duplicate_of=b.reference
            ),
            lambda a=first, b=second: withdraw(
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
    withdraw(manager, contact)
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
