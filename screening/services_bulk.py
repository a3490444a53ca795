"""Several decisions recorded in one step (bulk triage of police notifications,
docs/adr/0040). For each contact, what ``screening_claim`` then ``decision_record``
do when it is decided alone, by the same rules (``claim_refusal``, ``decision_check``,
``decision_waits``, ``needs_manager_approval``) and leaving the same rows: its screening
taken, its two status moves, its own decision with its own rationale, its own audit
rows for the claim and the decision, and its notices and case-system events
(``DECISIONS_STAND``). What differs is how: the contacts are locked together and
everything is read and written a statement per kind of row, in one transaction, not
some forty statements per decision. A contact that may not be decided is refused, with
the reason, and the rest are decided."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from frontdoor import events
from frontdoor.audit import audit_records
from frontdoor.census_codes import return_year_of
from frontdoor.models import AuditEvent, User
from frontdoor.roles import Permission
from referrals.models import Contact
from referrals.services import ContactStatusRefused, contacts_status_move
from screening import selectors
from screening.models import (
    Decision,
    OnwardService,
    Screening,
    ThresholdLevel,
    needs_manager_approval,
)
from screening.models_checks import WAITING_STATUSES, AgencyCheck
from screening.services import (
    DecisionRefused,
    ScreeningRefused,
    claim_refusal,
    decision_check,
    decision_new,
    decision_waits,
    family_consented,
)


@dataclass(frozen=True)
class DecisionAsked:
    """One contact to decide, with its own rationale."""

    contact: Contact
    rationale: str


@dataclass
class DecisionsRecorded:
    decided: list[Decision] = field(default_factory=list)
    refused: dict[int, str] = field(default_factory=dict)  # contact id: why


def _current_decisions(contact_ids: list[int]) -> dict[int, Decision]:
    """Each contact's current decision (what a new one supersedes), in one query."""
    current: dict[int, Decision] = {}
    for decision in Decision.objects.filter(contact_id__in=contact_ids).current().latest_first():
        current.setdefault(decision.contact_id, decision)
    return current


@transaction.atomic
def decisions_record(
    *,
    actor: User,
    asked: list[DecisionAsked],
    route: str,
    threshold_level: ThresholdLevel,
    family_notice: str,
    advice_given: str = "",
    advice_given_to: Iterable[str] = (),
    refusals: Callable[[list[Contact]], dict[int, list[str]]] | None = None,
    service: OnwardService | None = None,
) -> DecisionsRecorded:
    """Take and decide each asked contact on ``route`` as ``actor``; ``refusals`` (the
    caller's own rule, asked of the contacts once they are locked) may refuse some
    first. ``service``: the onward service every decision names, checked against each
    contact's own consent answer (one whose family did not agree to a service needing
    it is refused, saying so). Nothing is written for a refused contact."""
    if not actor.has_perm(Permission.SCREEN_CONTACTS.perm):
        raise ScreeningRefused("Your role does not allow this.")
    rationale = {item.contact.pk: item.rationale for item in asked}
    # Locked in one order, so two screeners deciding overlapping lists wait, never deadlock.
    contacts = list(Contact.objects.select_for_update().filter(pk__in=rationale).order_by("pk"))
    ids = [contact.pk for contact in contacts]
    result = DecisionsRecorded()
    for contact_id, reasons in (refusals(contacts) if refusals else {}).items():
        if reasons:
            result.refused[contact_id] = "; ".join(reasons)
    screenings = {
        screening.contact_id: screening
        for screening in Screening.objects.select_for_update(of=("self",))
        .filter(contact_id__in=ids)
        .select_related("assigned_to")
    }
    checks_waiting = set(
        AgencyCheck.objects.filter(contact_id__in=ids, status__in=WAITING_STATUSES).values_list(
            "contact_id", flat=True
        )
    )
    current = _current_decisions(ids)
    now = timezone.now()
    given_to = list(advice_given_to)
    active_services = list(OnwardService.objects.active())  # once, for every contact
    plans = []
    for contact in contacts:
        if contact.pk in result.refused:
            continue
        screening = screenings.get(contact.pk)
        why = claim_refusal(actor=actor, contact=contact, screening=screening)
        if not why and contact.received_at > now:
            why = "A decision cannot predate its contact or lie in the future."
        try:
            details = decision_check(
                year=return_year_of(timezone.localdate(contact.received_at)),
                route=route,
                rationale=rationale[contact.pk],
                family_notice=family_notice,
                advice_given=advice_given,
                advice_given_to=given_to,
                service=service,
                consented=family_consented(contact),
                active_services=active_services,
            )
        except DecisionRefused as refused:
            why = why or str(refused)
        if not why:
            # Taken by ``actor`` (below) if not already: the screening as it will be.
            why = decision_waits(
                screening=screening or Screening(contact=contact),
                checks_waiting=contact.pk in checks_waiting,
                previous=current.get(contact.pk),
            )
        if why:
            result.refused[contact.pk] = why
            continue
        plans.append((contact, details))
    if not plans:
        return result
    _claim(actor, [contact for contact, _ in plans], screenings, now)
    re_referrals = selectors.re_referrals_of(contact for contact, _ in plans)
    decisions = Decision.objects.bulk_create(
        decision_new(
            actor=actor,
            contact=contact,
            route=route,
            threshold_level=threshold_level,
            rationale=rationale[contact.pk],
            family_notice=family_notice,
            withhold_reason="",
            is_complex=False,
            complex_reason="",
            details=details,
            decided_at=now,
            previous=current.get(contact.pk),
            needs_approval=needs_manager_approval(
                route=route,
                withholding=family_notice == Decision.FamilyNotice.WITHHOLD,
                immediate=contact.urgency == Contact.Urgency.IMMEDIATE,
            ),
            is_re_referral=contact.pk in re_referrals,
        )
        for contact, details in plans
    )
    _settle(decisions, now)
    audit_records(
        actor=actor,
        action=AuditEvent.Action.CHANGE,
        record_type="contact",
        records=[
            (
                decision.contact.reference,
                "screening.decision",
                {"decision": decision.pk, "supersedes": decision.supersedes_id},
            )
            for decision in decisions
        ],
    )
    standing = [d for d in decisions if d.approval == Decision.Approval.NOT_NEEDED]
    if standing:
        events.publish(events.DECISIONS_STAND, decisions=standing)
    result.decided = decisions
    return result


def _claim(actor: User, contacts: list[Contact], screenings: dict[int, Screening], now) -> None:
    """``screening_claim`` for each contact: its screening held by ``actor``, moved on
    from received, and a claim audit row each."""
    Screening.objects.bulk_create(
        Screening(contact=contact, assigned_to=actor, claimed_at=now)
        for contact in contacts
        if contact.pk not in screenings
    )
    Screening.objects.filter(
        contact_id__in=[contact.pk for contact in contacts if contact.pk in screenings]
    ).update(assigned_to=actor, claimed_at=now, updated_at=now)
    _move([c for c in contacts if c.status == Contact.Status.RECEIVED], Contact.Status.IN_SCREENING)
    audit_records(
        actor=actor,
        action=AuditEvent.Action.CHANGE,
        record_type="contact",
        records=[(c.reference, "screening.claim", {"assigned_to": actor.pk}) for c in contacts],
    )


def _settle(decisions: list[Decision], now) -> None:
    """Where each decision leaves its contact: waiting for a manager (still held), or
    decided and its screening released."""
    waiting = [d.contact for d in decisions if d.approval == Decision.Approval.PENDING]
    standing = [d.contact for d in decisions if d.approval != Decision.Approval.PENDING]
    _move(waiting, Contact.Status.AWAITING_APPROVAL)
    # A decided contact decided again stays decided.
    _move([c for c in standing if c.status != Contact.Status.DECIDED], Contact.Status.DECIDED)
    Screening.objects.filter(contact_id__in=[c.pk for c in standing]).update(
        assigned_to=None, claimed_at=None, updated_at=now
    )


def _move(contacts: list[Contact], to: Contact.Status) -> None:
    if not contacts:
        return
    try:
        contacts_status_move(contacts=contacts, to=to)
    except ContactStatusRefused as refused:
        raise ScreeningRefused(str(refused)) from None
