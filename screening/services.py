"""Writes for the queue, screening, checks and decisions.

Keyword-only, typed, one transaction each; every change is audited in the same
transaction. Who may do what is checked here as well as in the views, so a task
or a future API cannot skip it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from frontdoor import events
from frontdoor.audit import audit_record
from frontdoor.census_codes import return_year_of
from frontdoor.models import AuditEvent, User
from frontdoor.roles import Permission
from referrals.models import OPEN_STATUSES, Contact, Restriction, queue_priority
from referrals.services import ContactStatusRefused, contact_status_move
from screening import selectors
from screening.models import CENSUS_REFERRAL_ROUTES as CENSUS_REFERRAL_ROUTES
from screening.models import (
    Decision,
    OnwardService,
    Route,
    Screening,
    ThresholdLevel,
    needs_manager_approval,
)
from screening.models_checks import WAITING_STATUSES

# What a decision must say, and the refusals, live in ``services_rules``; named here too
# (every caller imports them from this module).
from screening.services_rules import MINIMUM_RATIONALE_LENGTH as MINIMUM_RATIONALE_LENGTH
from screening.services_rules import DecisionDetails as DecisionDetails
from screening.services_rules import DecisionRefused as DecisionRefused
from screening.services_rules import ScreeningRefused as ScreeningRefused
from screening.services_rules import decision_check as decision_check

CLAIMABLE_STATUSES = (*OPEN_STATUSES, Contact.Status.DECIDED)
SOS_FIELDS = (
    "past_harm",
    "danger_statement",
    "complicating_factors",
    "strengths",
    "existing_safety",
    "safety_goals",
    "next_steps",
    "scaling",
    "complex_flag",
    "complex_reason",
)


def _audit(actor: User, contact: Contact, what: str, **detail) -> None:
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CHANGE,
        record_type="contact",
        record_id=contact.reference,
        via=f"screening.{what}",
        detail=detail,
    )


def _move(contact: Contact, to: Contact.Status) -> None:
    """Move the contact on; a move another person's change overtook is refused (the
    whole action with it, as its transaction rolls back)."""
    try:
        contact_status_move(contact=contact, to=to)
    except ContactStatusRefused as refused:
        raise ScreeningRefused(str(refused)) from None


def _locked(contact: Contact) -> Contact:
    """The contact as it is now, locked: a status move starts from what is stored,
    not from what the caller read earlier."""
    return Contact.objects.select_for_update().get(pk=contact.pk)


def _not_withdrawn(contact: Contact) -> None:
    if contact.status == Contact.Status.WITHDRAWN:
        raise ScreeningRefused(f"{contact.reference} was withdrawn: it is not screened any more.")
    if contact.pathway:
        raise ScreeningRefused(
            f"{contact.reference} is a {contact.get_pathway_display().lower()}: it has its "
            "own form and outcomes, not a screening decision."
        )


def _require(actor: User, permission: Permission) -> None:
    if not actor.has_perm(permission.perm):
        raise ScreeningRefused("Your role does not allow this.")


def _require_named(actor: User, contact_id: int) -> None:
    """Views refuse first (and record the refusal); this holds for every caller."""
    if Restriction.objects.closed_to(actor).on_contact(contact_id).exists():
        raise ScreeningRefused("This record is restricted to the people named on it.")


def _assign(*, actor: User, contact: Contact, to: User) -> Screening:
    screening, _ = Screening.objects.select_for_update().get_or_create(contact=contact)
    screening.assigned_to = to
    screening.claimed_at = timezone.now()
    screening.save(update_fields=["assigned_to", "claimed_at", "updated_at"])
    if contact.status == Contact.Status.RECEIVED:
        _move(contact, Contact.Status.IN_SCREENING)
    _audit(actor, contact, "claim", assigned_to=to.pk)
    return screening


@transaction.atomic
def screening_claim_next(*, actor: User) -> Screening | None:
    """Take the most pressing unclaimed contact; concurrent callers get different ones."""
    _require(actor, Permission.SCREEN_CONTACTS)
    passed_over: list[int] = []
    while True:
        contact = (
            Contact.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(selectors.in_queue())
            .exclude(screening__assigned_to__isnull=False)
            .exclude(pk__in=passed_over)
            .order_by(queue_priority(), "decision_due_at", "pk")
            .first()
        )
        if contact is None:
            return None
        # The search read the screenings as they were when it started; another
        # screener may have taken this contact and committed before we got its lock.
        # A fresh read now that we hold the lock settles it.
        if not Screening.objects.filter(contact=contact, assigned_to__isnull=False).exists():
            return _assign(actor=actor, contact=contact, to=actor)
        passed_over.append(contact.pk)


def claim_refusal(*, actor: User, contact: Contact, screening: Screening | None) -> str:
    """Why ``actor`` may not take ``contact`` (read locked) now, its screening row as it
    stands; empty when they may. ``screening_claim``'s rule, and bulk triage's."""
    if contact.status == Contact.Status.WITHDRAWN:
        return f"{contact.reference} was withdrawn: it is not screened any more."
    if contact.pathway:
        return (
            f"{contact.reference} is a {contact.get_pathway_display().lower()}: it has its "
            "own form and outcomes, not a screening decision."
        )
    if contact.advice_only or contact.status not in CLAIMABLE_STATUSES:
        return "This contact is closed and cannot be screened."
    if screening is not None and screening.assigned_to_id not in (None, actor.pk):
        return f"{screening.assigned_to.full_name} is screening this contact."
    return ""


@transaction.atomic
def screening_claim(*, actor: User, contact: Contact) -> Screening:
    _require(actor, Permission.SCREEN_CONTACTS)
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    holder = Screening.objects.filter(contact=contact).select_related("assigned_to").first()
    refusal = claim_refusal(actor=actor, contact=contact, screening=holder)
    if refusal:
        raise ScreeningRefused(refusal)
    return _assign(actor=actor, contact=contact, to=actor)


@transaction.atomic
def screening_release(*, actor: User, screening: Screening) -> Screening:
    screening = Screening.objects.select_for_update().get(pk=screening.pk)
    is_manager = actor.has_perm(Permission.APPROVE_DECISIONS.perm)
    if screening.assigned_to_id != actor.pk and not is_manager:
        raise ScreeningRefused(
            "Only the person screening this contact, or a manager, can release it."
        )
    screening.assigned_to, screening.claimed_at = None, None
    screening.save(update_fields=["assigned_to", "claimed_at", "updated_at"])
    _audit(actor, screening.contact, "release")
    return screening


@transaction.atomic
def screening_reassign(*, actor: User, contact: Contact, to: User) -> Screening:
    _require(actor, Permission.APPROVE_DECISIONS)
    if not to.is_active or not to.has_perm(Permission.SCREEN_CONTACTS.perm):
        raise ScreeningRefused(f"{to.full_name} cannot screen contacts.")
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    _not_withdrawn(contact)  # nobody holds a withdrawn contact (a form left open)
    return _assign(actor=actor, contact=contact, to=to)


def _held(*, actor: User, contact: Contact) -> Screening:
    screening = Screening.objects.select_for_update().filter(contact=contact).first()
    if screening is None or screening.assigned_to_id != actor.pk:
        raise ScreeningRefused("Take this contact before you change its screening.")
    return screening


@transaction.atomic
def screening_save(*, actor: User, contact: Contact, values: dict) -> Screening:
    """Save the Signs of Safety analysis (partial updates welcome: drafts autosave)."""
    screening = _held(actor=actor, contact=contact)
    changed = []
    for name in SOS_FIELDS:
        if name in values and getattr(screening, name) != values[name]:
            setattr(screening, name, values[name])
            changed.append(name)
    if changed:
        screening.updated_by = actor
        screening.save(update_fields=[*changed, "updated_by", "updated_at"])
        _audit(actor, contact, "signs_of_safety", fields=changed)
    return screening


def _checks_settled(contact: Contact) -> None:
    if contact.status == Contact.Status.AWAITING_CHECKS:
        _move(contact, Contact.Status.IN_SCREENING)


@transaction.atomic
def checks_proceed_without(*, actor: User, contact: Contact, reason: str) -> Screening:
    contact = _locked(contact)
    screening = _held(actor=actor, contact=contact)
    if len(reason.strip()) < 10:
        raise ScreeningRefused("Say why you are going ahead before every check is answered.")
    screening.checks_waived_reason = reason.strip()
    screening.save(update_fields=["checks_waived_reason", "updated_at"])
    _checks_settled(contact)
    _audit(actor, contact, "checks_proceed_without")
    return screening


def family_consented(contact: Contact) -> bool:
    """Whether the contact records that the family agreed to the referral: how consent
    is recorded at the front door (the referrer's answer on the contact)."""
    return contact.family_awareness == Contact.FamilyAwareness.AWARE_CONSENTED


def current_decision(contact: Contact) -> Decision | None:
    return Decision.objects.filter(contact=contact).current().latest_first().first()


@transaction.atomic
def decision_record(
    *,
    actor: User,
    contact: Contact,
    route: Route,
    threshold_level: ThresholdLevel,
    rationale: str,
    family_notice: Decision.FamilyNotice,
    withhold_reason: str = "",
    is_complex: bool = False,
    complex_reason: str = "",
    primary_need: str = "",
    advice_given: str = "",
    advice_given_to: Iterable[str] = (),
    service: OnwardService | None = None,
    decided_at: datetime | None = None,
) -> Decision:
    """Record a decision, superseding the current one if there is one.

    ``primary_need`` is a CIN census code valid in the contact's return year, needed
    for CENSUS_REFERRAL_ROUTES and not kept for other routes. ``advice_given`` and
    ``advice_given_to`` (AdviceRecipient values) are needed for information and advice
    and not kept for other routes. ``service``: the council's onward service, needed
    where the route has active services (docs/adr/0045). Whether the
    contact is a re-referral is worked out here, as things stand now: the decision
    is never edited afterwards.

    ``decided_at`` is for loading history (demo data, a migration from a previous
    system); it must lie between receipt and now.
    """
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    _not_withdrawn(contact)
    decided_at = decided_at or timezone.now()
    if not contact.received_at <= decided_at <= timezone.now():
        raise ScreeningRefused("A decision cannot predate its contact or lie in the future.")
    screening = _held(actor=actor, contact=contact)
    details = decision_check(
        year=return_year_of(timezone.localdate(contact.received_at)),
        route=route,
        rationale=rationale,
        family_notice=family_notice,
        withhold_reason=withhold_reason,
        is_complex=is_complex,
        complex_reason=complex_reason,
        primary_need=primary_need,
        advice_given=advice_given,
        advice_given_to=advice_given_to,
        service=service,
        consented=family_consented(contact),
    )
    pending = contact.agency_checks.filter(status__in=WAITING_STATUSES).exists()
    previous = current_decision(contact)
    waits = decision_waits(screening=screening, checks_waiting=pending, previous=previous)
    if waits:
        raise ScreeningRefused(waits)
    needs_approval = needs_manager_approval(
        route=route,
        withholding=family_notice == Decision.FamilyNotice.WITHHOLD,
        immediate=contact.urgency == Contact.Urgency.IMMEDIATE,
    )
    decision = decision_new(
        actor=actor,
        contact=contact,
        route=route,
        threshold_level=threshold_level,
        rationale=rationale,
        family_notice=family_notice,
        withhold_reason=withhold_reason,
        is_complex=is_complex,
        complex_reason=complex_reason,
        details=details,
        decided_at=decided_at,
        previous=previous,
        needs_approval=needs_approval,
        is_re_referral=selectors.is_re_referral(contact=contact),
    )
    decision.save(force_insert=True)
    if needs_approval:
        _move(contact, Contact.Status.AWAITING_APPROVAL)
    else:
        if contact.status != Contact.Status.DECIDED:  # a decided contact decided again
            _move(contact, Contact.Status.DECIDED)
        screening.assigned_to, screening.claimed_at = None, None
        screening.save(update_fields=["assigned_to", "claimed_at", "updated_at"])
    _audit(actor, contact, "decision", decision=decision.pk, supersedes=previous and previous.pk)
    if not needs_approval:
        events.publish(events.DECISION_STANDS, decision=decision)
    return decision


def decision_waits(*, screening: Screening, checks_waiting: bool, previous: Decision | None) -> str:
    """Why a decision cannot be recorded yet (checks awaited, or the last decision
    waiting for a manager); empty when it can. ``decision_record``'s rule, and bulk
    triage's."""
    if checks_waiting and not screening.checks_waived_reason:
        return "Checks are still awaited: wait for the answers or record why you are going ahead."
    if previous is not None and previous.approval == Decision.Approval.PENDING:
        return "The last decision is waiting for a manager to approve or return it."
    return ""


def decision_new(
    *,
    actor: User,
    contact: Contact,
    route: str,
    threshold_level: ThresholdLevel,
    rationale: str,
    family_notice: str,
    withhold_reason: str,
    is_complex: bool,
    complex_reason: str,
    details: DecisionDetails,
    decided_at: datetime,
    previous: Decision | None,
    needs_approval: bool,
    is_re_referral: bool,
) -> Decision:
    """The decision's row as ``decision_record`` writes it (not yet saved): bulk triage
    writes many of these at once."""
    withholding = family_notice == Decision.FamilyNotice.WITHHOLD
    return Decision(
        contact=contact,
        route=route,
        threshold_level=threshold_level,
        rationale=rationale.strip(),
        is_complex=is_complex,
        complex_reason=complex_reason.strip() if is_complex else "",
        family_notice=family_notice,
        withhold_reason=withhold_reason.strip() if withholding else "",
        decided_by=actor,
        decided_at=decided_at,
        supersedes=previous,
        approval=Decision.Approval.PENDING if needs_approval else Decision.Approval.NOT_NEEDED,
        primary_need=details.primary_need,
        is_re_referral=is_re_referral,
        advice_given=details.advice_given,
        advice_given_to=details.advice_given_to,
        service=details.service,
    )


def _pending_for_manager(actor: User, decision: Decision) -> Decision:
    _require(actor, Permission.APPROVE_DECISIONS)
    decision = Decision.objects.select_for_update().select_related("contact").get(pk=decision.pk)
    if decision.approval != Decision.Approval.PENDING:
        raise ScreeningRefused("This decision is not waiting for approval.")
    if decision.decided_by_id == actor.pk:
        raise ScreeningRefused("Another manager must approve a decision you made yourself.")
    _require_named(actor, decision.contact_id)
    return decision


@transaction.atomic
def decision_approve(
    *, actor: User, decision: Decision, comment: str = "", approved_at: datetime | None = None
) -> Decision:
    decision = _pending_for_manager(actor, decision)
    _not_withdrawn(decision.contact)
    approved_at = approved_at or timezone.now()
    if not decision.decided_at <= approved_at <= timezone.now():
        raise ScreeningRefused("An approval cannot predate its decision or lie in the future.")
    Decision.objects.filter(pk=decision.pk).update(
        approval=Decision.Approval.APPROVED,
        approved_by=actor,
        approval_at=approved_at,
        approval_comment=comment.strip(),
    )
    contact = decision.contact
    _move(contact, Contact.Status.DECIDED)
    Screening.objects.filter(contact=contact).update(assigned_to=None, claimed_at=None)
    _audit(actor, contact, "decision_approve", decision=decision.pk)
    decision.refresh_from_db()
    events.publish(events.DECISION_STANDS, decision=decision)
    return decision


@transaction.atomic
def decision_return(*, actor: User, decision: Decision, comment: str) -> Decision:
    if not comment.strip():
        raise ScreeningRefused("Say what the screener needs to look at again.")
    decision = _pending_for_manager(actor, decision)
    Decision.objects.filter(pk=decision.pk).update(
        approval=Decision.Approval.RETURNED,
        approved_by=actor,
        approval_at=timezone.now(),
        approval_comment=comment.strip(),
    )
    _move(decision.contact, Contact.Status.IN_SCREENING)
    _audit(actor, decision.contact, "decision_return", decision=decision.pk)
    decision.refresh_from_db()
    events.publish(events.DECISION_RETURNED, decision=decision)
    return decision
