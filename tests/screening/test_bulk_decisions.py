"""Bulk triage decides many contacts in one transaction (docs/adr/0040), and each still
has everything it would have had decided alone: its own decision row and rationale,
its claim and decision audit rows, its notices (queued in one message the worker turns
into a delivery each) and its event for case systems; in a fixed number of queries
however many are decided."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from frontdoor.models import AuditEvent
from frontdoor.roles import Role
from outcomes.models import CaseEvent, Notice
from outcomes.services import NO_ADDRESS
from referrals.models import Contact, Pathway
from referrals.services import ReferrerInput
from screening import services
from screening.models import Decision, OnwardService, Route, Screening
from screening.services_bulk import DecisionAsked, decisions_record
from screening.services_pathways import PathwayInput, pathway_record
from screening.services_police import BulkItem, bulk_decide, rationale_template
from tests.factories import UserFactory, child_input
from tests.support.police import police_child, record
from tests.support.waiting import wait_until

TRIAGE = "screening:police-triage"
FIRST = ["Ada", "Bilal", "Cora", "Dev", "Esme", "Finn", "Gia", "Hal", "Ivo", "Juno"]


def _standard(member, n: int):
    """A standard-grade notification about a child of their own (no history)."""
    child = police_child(
        first_name=FIRST[n],
        last_name=f"Quarrington{chr(97 + n)}",
        postcode=f"YO{n + 1} 1AA",
        date_of_birth=date(2014, 1 + n, 10 + n),
    )
    return record(member, f"BULK-{n}", subjects=[child])[0]


def _post(client, contacts, **extra):
    data = {"contact": [c.reference for c in contacts], "route": Route.EARLY_HELP, **extra}
    for contact in contacts:
        data[f"rationale-{contact.reference}"] = (
            rationale_template(contact) + f"an argument only; early help for {contact.reference}."
        )
    return client.post(reverse(TRIAGE), data)


@pytest.mark.django_db
def test_each_bulk_decision_has_its_own_row_rationale_audit_notices_and_event(
    client, screener, police_member
):
    contacts = [_standard(police_member, n) for n in range(5)]
    client.force_login(screener)

    assert _post(client, contacts).status_code == 302

    for contact in contacts:
        decision = Decision.objects.get(contact=contact)
        assert (decision.route, decision.decided_by, decision.approval) == (
            Route.EARLY_HELP,
            screener,
            Decision.Approval.NOT_NEEDED,
        )
        assert decision.rationale.endswith(f"early help for {contact.reference}.")
        audits = AuditEvent.objects.filter(record_id=contact.reference, actor=screener)
        assert list(audits.order_by("pk").values_list("via", "detail")) == [
            ("screening.claim", {"assigned_to": screener.pk}),
            ("screening.decision", {"decision": decision.pk, "supersedes": None}),
        ]
        notices = {n.audience: n for n in Notice.objects.filter(decision=decision)}
        assert notices["referrer"].recipient == police_member.email
        assert (notices["referrer"].kind, notices["referrer"].status) == ("outcome", "pending")
        # No parent's address on the notification: the family letter cannot go, and says so.
        assert notices["family"].failure_reason == NO_ADDRESS
        event = CaseEvent.objects.get(decision=decision)
        assert event.kind == CaseEvent.Kind.DECISION_STANDS
        assert event.data["decision"]["rationale"] == decision.rationale
        assert event.data["contact"]["police_notification"]["police_reference"].startswith("BULK-")
        contact.refresh_from_db()
        assert contact.status == "decided"
        assert Screening.objects.get(contact=contact).assigned_to is None
    # Each decision is its own: five rows, five rationales.
    assert len(set(Decision.objects.values_list("rationale", flat=True))) == 5


@pytest.mark.django_db
def test_deciding_five_takes_the_queries_deciding_two_takes(client, screener, police_member):
    contacts = [_standard(police_member, n) for n in range(7)]
    client.force_login(screener)
    counts = []
    for batch in (contacts[:2], contacts[2:]):
        with CaptureQueriesContext(connection) as queries:
            assert _post(client, batch).status_code == 302
        counts.append(len(queries))
    assert Decision.objects.count() == 7
    assert counts[0] == counts[1]


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_delivers_every_notice_queued_in_one_message(
    client, screener, police_member, celery_worker
):
    contacts = [_standard(police_member, n) for n in range(6)]
    client.force_login(screener)

    assert _post(client, contacts).status_code == 302

    outcomes = Notice.objects.filter(decision__contact__in=contacts, audience="referrer")
    assert outcomes.count() == 6
    wait_until(
        lambda: outcomes.filter(status=Notice.Status.SENT).count() == 6,
        30,
        "the worker did not deliver every decision's notice",
    )


@pytest.mark.django_db
def test_one_another_screener_took_meanwhile_is_refused_and_the_rest_decided(
    screener, police_member
):
    taken, free = (_standard(police_member, n) for n in range(2))
    other = UserFactory(roles=[Role.SCREENER], full_name="Olu Otherscreener")
    services.screening_claim(actor=other, contact=taken)

    result = bulk_decide(
        actor=screener,
        route=Route.EARLY_HELP,
        items=[BulkItem(c, rationale_template(c) + "an argument only.") for c in (taken, free)],
    )

    assert [d.contact for d in result.decided] == [free]
    assert result.refused == {taken.reference: "Olu Otherscreener is screening this contact."}
    assert not Decision.objects.filter(contact=taken).exists()
    assert Screening.objects.get(contact=taken).assigned_to == other
    assert not AuditEvent.objects.filter(record_id=taken.reference, actor=screener).exists()


@pytest.mark.django_db
def test_bulk_triage_names_one_service_for_the_batch_where_the_route_has_services(
    client, screener, police_member
):
    hub = OnwardService.objects.create(route=Route.EARLY_HELP, name="Family Hub North")
    contacts = [_standard(police_member, n) for n in range(2)]
    client.force_login(screener)

    missing = _post(client, contacts)

    # The error links to a field the page has.
    assert missing.status_code == 400
    assert "Select the service the contact goes to" in missing.text
    assert 'href="#service"' in missing.text
    assert 'id="service"' in missing.text
    assert "Early help (prevention): Family Hub North" in missing.text
    assert not Decision.objects.exists()

    assert _post(client, contacts, service=hub.pk).status_code == 302
    assert {d.service for d in Decision.objects.filter(contact__in=contacts)} == {hub}


@pytest.mark.django_db
def test_a_service_needing_consent_is_refused_for_contacts_without_it_and_the_rest_decided(
    client, screener, police_member
):
    consent = OnwardService.objects.create(
        route=Route.EARLY_HELP, name="Domestic Abuse Service", needs_consent=True
    )
    agreed, not_agreed = (_standard(police_member, n) for n in range(2))
    # The screener recorded, on the contact, that the family agreed to the referral.
    Contact.objects.filter(pk=agreed.pk).update(
        family_awareness=Contact.FamilyAwareness.AWARE_CONSENTED
    )
    client.force_login(screener)

    response = _post(client, [agreed, not_agreed], service=consent.pk)

    assert response.status_code == 302
    assert Decision.objects.get(contact=agreed).service == consent
    assert not Decision.objects.filter(contact=not_agreed).exists()
    page = client.get(response.url).text
    assert f"{not_agreed.reference} was not decided: Domestic Abuse Service needs the" in page


@pytest.mark.django_db
def test_a_pathway_contact_is_never_taken_by_bulk_decisions(screener, manager, level):
    lado = UserFactory(roles=[Role.LADO])
    contact = pathway_record(
        actor=lado,
        pathway=Pathway.LADO,
        data=PathwayInput(
            concerns="A pupil says the PE teacher grabbed her arm hard enough to bruise it.",
            children=[child_input()],
            referrer=ReferrerInput(name="Jo Head", organisation="Oak Primary"),
            details={
                "adult_name": "Mark Teacher",
                "adult_role": "PE teacher",
                "organisation": "Oak Primary School",
                "organisation_contact": "Jo Head",
            },
        ),
    ).contact

    result = decisions_record(
        actor=manager,
        asked=[DecisionAsked(contact, "A pathway contact is not screened, ever. " * 2)],
        route=Route.INFORMATION_AND_ADVICE,
        threshold_level=level,
        family_notice=Decision.FamilyNotice.NOTIFY,
        advice_given="Advice.",
        advice_given_to=["referrer"],
    )

    assert "its own form and outcomes" in result.refused[contact.pk]
    assert not Decision.objects.filter(contact=contact).exists()
    assert not Screening.objects.filter(contact=contact).exists()


@pytest.mark.django_db
def test_a_bulk_decision_that_needs_a_manager_waits_for_one_and_the_rest_stand(
    screener, police_member, manager
):
    """Immediate risk closed with early help needs a manager's approval (the one rule,
    ``needs_manager_approval``), in bulk as alone. No public path gives a standard-grade
    notification immediate urgency (a re-send raising it is refused bulk triage), so it
    is set here directly: the rule still holds for it."""
    waiting, standing = (_standard(police_member, n) for n in range(2))
    Contact.objects.filter(pk=waiting.pk).update(urgency=Contact.Urgency.IMMEDIATE)
    waiting.refresh_from_db()

    result = bulk_decide(
        actor=screener,
        route=Route.EARLY_HELP,
        items=[
            BulkItem(c, rationale_template(c) + "an argument only.") for c in (waiting, standing)
        ],
    )

    assert not result.refused
    held = Decision.objects.get(contact=waiting)
    assert held.approval == Decision.Approval.PENDING
    waiting.refresh_from_db()
    assert waiting.status == "awaiting_approval"
    assert Screening.objects.get(contact=waiting).assigned_to == screener
    # Nothing goes out for it until a manager approves: no outcome, no case event.
    assert not Notice.objects.filter(decision=held).exists()
    assert not CaseEvent.objects.filter(decision=held).exists()
    decided = Decision.objects.get(contact=standing)
    assert decided.approval == Decision.Approval.NOT_NEEDED
    assert Notice.objects.filter(decision=decided).exists()

    services.decision_approve(actor=manager, decision=held)

    waiting.refresh_from_db()
    assert waiting.status == "decided"
    assert Notice.objects.filter(decision=held).exists()
    assert CaseEvent.objects.filter(decision=held).exists()
