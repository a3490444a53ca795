"""Writing events, in the transaction of what they report (the outbox): a decision
that stands, or a contact withdrawn (ADR 0036); and a delivery for each webhook
endpoint then listening. After commit, the events get their feed positions and the
endpoints' senders are woken; if either is lost (a crash between commit and that
moment, a broker down), the beat sweep does both within a minute."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from frontdoor.dispatch import dispatch
from outcomes.handoff import payloads
from outcomes.handoff.sequencer import events_sequence
from outcomes.models import CaseEvent, Delivery, WebhookEndpoint
from referrals.models import Contact, ContactWithdrawal, Scope
from screening import selectors as screening_selectors
from screening.models import Decision, Route

DRAIN_TASK = "outcomes.tasks.webhook_endpoint_drain"


def endpoints_listening():
    """Endpoints that are sent events: not deleted, of a system not deleted that may
    receive them. A paused endpoint or disabled system still gets its deliveries
    written; they wait until it is resumed."""
    return WebhookEndpoint.objects.filter(
        deleted_at__isnull=True,
        client__deleted_at__isnull=True,
        client__scopes__contains=[Scope.RECEIVE_EVENTS],
    )


def _after_commit(endpoint_ids: list[int]) -> None:
    def wake() -> None:
        events_sequence()

    transaction.on_commit(wake, robust=True)
    for endpoint_id in endpoint_ids:
        dispatch(DRAIN_TASK, endpoint_id)


def _record(
    kind: CaseEvent.Kind,
    contact: Contact,
    data: dict,
    *,
    decision: Decision | None,
    occurred_at: datetime,
) -> CaseEvent:
    event = CaseEvent(
        kind=kind, contact=contact, decision=decision, data=data, occurred_at=occurred_at
    )
    return _record_all([event])[0]


def _record_all(events: list[CaseEvent]) -> list[CaseEvent]:
    """Write the events in their order (the feed's, once sequenced), and a delivery of
    each to every endpoint listening: a statement each, however many events."""
    if not events:
        return []
    # Listed for the sequencer by the database's trigger (outcomes migration 0019).
    events = CaseEvent.objects.bulk_create(events)
    endpoint_ids = list(endpoints_listening().values_list("pk", flat=True))
    Delivery.objects.bulk_create(
        Delivery(endpoint_id=pk, event=event, contact_id_for_order=event.contact_id)
        for event in events
        for pk in endpoint_ids
    )
    _after_commit(endpoint_ids)
    return events


def _stood_at(decision: Decision) -> datetime:
    # When the decision stood (made, or approved), not when the row was written: the
    # same for a decision made now, and true for history loaded later (demo, migration).
    return decision.approval_at or decision.decided_at


def case_events_for_decision(*, decision: Decision) -> list[CaseEvent]:
    """The events a standing decision implies: a correction of the decision it replaces
    (if one stood), then the decision itself, as a closure with advice where that is
    its route. Called inside the decision's transaction (``DECISION_STANDS``)."""
    return case_events_for_decisions(decisions=[decision])


def case_events_for_decisions(*, decisions: list[Decision]) -> list[CaseEvent]:
    """``case_events_for_decision`` for each of several decisions standing at once
    (``DECISIONS_STAND``: bulk triage), each contact's events in that order, read and
    written a statement per kind of row however many decisions."""
    decisions = list(
        Decision.objects.select_related(
            "contact", "threshold_level", "decided_by", "approved_by"
        ).filter(pk__in=[decision.pk for decision in decisions])
    )
    decisions.sort(key=lambda decision: decision.pk)
    previous = screening_selectors.previous_standing_of(decisions)
    parts = payloads.contact_parts(decision.contact_id for decision in decisions)
    events = []
    for decision in decisions:
        stood_at = _stood_at(decision)
        superseded = previous[decision.pk]
        if superseded is not None:
            events.append(
                CaseEvent(
                    kind=CaseEvent.Kind.DECISION_SUPERSEDED,
                    contact=decision.contact,
                    decision=superseded,
                    data=payloads.superseded_data(superseded, decision),
                    occurred_at=stood_at,
                )
            )
        events.append(
            CaseEvent(
                kind=CaseEvent.Kind.CONTACT_CLOSED_AS_ADVICE
                if decision.route == Route.INFORMATION_AND_ADVICE
                else CaseEvent.Kind.DECISION_STANDS,
                contact=decision.contact,
                decision=decision,
                data=payloads.decision_data(decision, parts[decision.contact_id]),
                occurred_at=stood_at,
            )
        )
    return _record_all(events)


def case_event_for_withdrawal(*, withdrawal: ContactWithdrawal) -> CaseEvent:
    """The ``referral.withdrawn`` event: the contact was withdrawn before any decision
    on it stood (docs/adr/0036), so it has no decision. Called inside the
    withdrawal's transaction (``CONTACT_WITHDRAWN``); ordered with the contact's
    other events like any of them."""
    withdrawal = ContactWithdrawal.objects.select_related(
        "contact", "duplicate_of", "withdrawn_by"
    ).get(pk=withdrawal.pk)
    return _record(
        CaseEvent.Kind.REFERRAL_WITHDRAWN,
        withdrawal.contact,
        payloads.withdrawal_data(withdrawal),
        decision=None,
        occurred_at=withdrawal.withdrawn_at,
    )
