"""A restricted contact on the partner-agency checks pages and the approvals pages
(issue 16, finding 2): only the people named on the restriction see anything of it;
everyone else learns there is work waiting and whom to ask, and each refusal is
audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from frontdoor.models import AuditEvent
from frontdoor.roles import Role
from referrals import services as referral_services
from screening import services, services_checks
from screening.models import Decision, Route
from tests.factories import UserFactory, submit_contact
from tests.support.checks import consented
from tests.support.screening import decide

pytestmark = pytest.mark.django_db


def _restrict(manager, contact, allowed):
    return referral_services.restriction_add(
        actor=manager,
        contact=contact,
        reason="A member of staff's family.",
        ask=manager,
        allowed=allowed,
        review_due=timezone.localdate() + timedelta(days=30),
    )


@pytest.fixture
def checked(referrer, screener, police):
    contact = submit_contact(referrer)
    services.screening_claim(actor=screener, contact=contact)
    check = services_checks.check_request(
        actor=screener,
        contact=contact,
        agency=police,
        question="Anything known?",
        sharing=consented(),
    )
    return contact, check


def test_a_partner_member_not_named_sees_only_that_a_check_waits_on_a_restricted_record(
    client, manager, screener, police_member, checked
):
    contact, check = checked
    _restrict(manager, contact, [screener])
    client.force_login(police_member)

    listing = client.get(reverse("screening:member-checks")).text
    assert "Amelia" not in listing
    assert "A check is waiting. Restricted record — ask" in listing
    assert f"ask {manager.full_name}" in listing
    assert reverse("screening:member-check", args=[check.pk]) not in listing

    url = reverse("screening:member-check", args=[check.pk])
    refused = client.get(url)
    assert refused.status_code == 403
    assert "This record is restricted" in refused.text
    assert "Amelia" not in refused.text
    assert AuditEvent.objects.filter(
        actor=police_member, record_id=contact.reference, detail__refused="restricted"
    ).exists()
    assert client.post(url, {"response": "Known to us."}).status_code == 403
    check.refresh_from_db()
    assert check.status == "pending"


def test_a_partner_member_named_on_the_restriction_answers_the_check(
    client, manager, screener, police_member, checked
):
    contact, check = checked
    _restrict(manager, contact, [screener, police_member])
    client.force_login(police_member)
    assert "Amelia Harrison" in client.get(reverse("screening:member-checks")).text
    url = reverse("screening:member-check", args=[check.pk])
    assert "Amelia Harrison" in client.get(url).text
    assert client.post(url, {"response": "Known to us."}).status_code == 302
    check.refresh_from_db()
    assert check.status == "answered"


@pytest.fixture
def waiting(referrer, screener, level):
    contact = submit_contact(referrer)
    services.screening_claim(actor=screener, contact=contact)
    decision = decide(screener, contact, level, route=Route.STRATEGY_DISCUSSION)
    assert decision.approval == Decision.Approval.PENDING
    return contact, decision


def test_a_manager_not_named_cannot_read_or_approve_a_restricted_decision(
    client, manager, manager_b, screener, waiting
):
    contact, decision = waiting
    _restrict(manager, contact, [screener])
    client.force_login(manager_b)

    listing = client.get(reverse("screening:approvals")).text
    assert f"Restricted record — ask {manager.full_name}" in listing
    assert "Strategy discussion" not in listing
    assert reverse("screening:approval", args=[decision.pk]) not in listing

    url = reverse("screening:approval", args=[decision.pk])
    refused = client.get(url)
    assert refused.status_code == 403
    assert "This record is restricted" in refused.text
    assert "Strategy discussion" not in refused.text
    assert decision.rationale not in refused.text
    approve = client.post(url, {"outcome": "approve", "comment": ""})
    assert approve.status_code == 403
    decision.refresh_from_db()
    assert decision.approval == Decision.Approval.PENDING
    assert (
        AuditEvent.objects.filter(
            actor=manager_b, record_id=contact.reference, detail__refused="restricted"
        ).count()
        == 2
    )

    # The service refuses too, whoever calls it.
    with pytest.raises(services.ScreeningRefused):
        services.decision_approve(actor=manager_b, decision=decision)

    client.force_login(manager)
    assert "Strategy discussion" in client.get(url).text
    assert client.post(url, {"outcome": "approve", "comment": ""}).status_code == 302
    decision.refresh_from_db()
    assert decision.approval == Decision.Approval.APPROVED


def test_a_restricted_child_restricts_the_checks_about_them(
    client, manager, manager_b, screener, police_member, checked
):
    contact, check = checked
    person = contact.subjects.get(role="child").person
    # Named on the contact's own restriction, but not on the child's: still refused.
    _restrict(manager, contact, [screener, police_member])
    referral_services.restriction_add(
        actor=manager_b,
        person=person,
        reason="High-profile family in the news.",
        ask=manager_b,
        allowed=[screener],
        review_due=timezone.localdate() + timedelta(days=30),
    )
    client.force_login(police_member)
    listing = client.get(reverse("screening:member-checks")).text
    assert "Amelia" not in listing
    assert f"ask {manager_b.full_name}" in listing
    assert client.get(reverse("screening:member-check", args=[check.pk])).status_code == 403


@pytest.fixture
def restricted_case(referrer, screener, manager):
    """A case at the complex-case meeting whose contact is restricted to the screener
    (and the manager who made the restriction)."""
    from datetime import date, time

    from screening.meetings import services as meetings

    contact = submit_contact(referrer, concern_categories=["child_exploitation"])
    run, _ = meetings.complex_case_run(meeting_date=date(2026, 11, 23), slot=time(9, 30))
    _restrict(manager, contact, [screener])
    return run.entries.get(contact=contact)


def test_staff_not_named_cannot_record_or_add_to_a_restricted_meeting_case(
    client, manager, manager_b, restricted_case
):
    """Issue 18: the meeting's case access let screening staff past the restriction."""
    entry = restricted_case
    outcome_url = reverse("screening:meeting-outcome", args=[entry.pk])
    decided = {
        "outcome": "decision",
        "agreed_route": "strategy_discussion",
        "agreed_reasoning": "Strategy discussion today.",
    }
    colleague = UserFactory(roles=[Role.SCREENER])

    client.force_login(manager_b)
    refused = client.post(outcome_url, decided)
    assert refused.status_code == 403
    assert "This record is restricted" in refused.text
    entry.refresh_from_db()
    assert entry.outcome == entry.Outcome.PENDING
    for who in (manager_b, colleague):
        client.force_login(who)
        contribution = client.post(
            reverse("screening:meeting-contribution", args=[entry.pk]), {"information": "x"}
        )
        assert contribution.status_code == 403, who

    client.force_login(manager)
    assert client.post(outcome_url, decided).status_code == 302
    entry.refresh_from_db()
    assert entry.outcome == entry.Outcome.DECISION


def test_having_referred_opens_no_check_on_a_restricted_record(client, manager, screener, police):
    """A partner member who also referred the child reads their referral (``contact_get``)
    but gets no wider way in: the check about the restricted record stays closed."""
    officer = UserFactory(
        roles=[Role.REFERRER, Role.PARTNER_AGENCY_MEMBER], agency=police, full_name="Dual Role"
    )
    contact = submit_contact(officer)
    services.screening_claim(actor=screener, contact=contact)
    check = services_checks.check_request(
        actor=screener,
        contact=contact,
        agency=police,
        question="Anything known?",
        sharing=consented(),
    )
    _restrict(manager, contact, [screener])
    client.force_login(officer)

    url = reverse("screening:member-check", args=[check.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"response": "Known to us."}).status_code == 403
    check.refresh_from_db()
    assert check.status == "pending"
    assert (
        client.get(reverse("referrals:contact-detail", args=[contact.reference])).status_code == 200
    )
