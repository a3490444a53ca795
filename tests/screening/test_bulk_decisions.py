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
from screening import services
from screening.models import Decision, Route, Screening
from screening.services_police import BulkItem, bulk_decide, rationale_template
from tests.factories import UserFactory
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


def _post(client, contacts):
    data = {"contact": [c.reference for c in contacts], "route": Route.EARLY_HELP}
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
