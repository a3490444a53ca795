"""Writes for decision quality audits: drawing a week's sample (once per week, however
often or by whom it is asked), giving each audit to a manager, grading it against the
rubric, the decider saying they have read the feedback, and the council's rubric.

Who may do each is checked here as well as in the views. Every change is audited in
its transaction: an audit's grading and reading against the contact, as other
changes to a decision are; the sample and the rubric against themselves.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from frontdoor.audit import audit_record
from frontdoor.models import AuditEvent, User
from referrals import selectors as referral_selectors
from referrals.models import Contact
from screening.audits import sampling
from screening.audits.selectors import can_audit, can_edit_rubric, graders
from screening.audits.weeks import has_ended, week_bounds, week_label, week_of
from screening.models import Decision
from screening.models_audits import (
    AuditCriterion,
    AuditCriterionGrade,
    AuditGrade,
    AuditSample,
    DecisionAudit,
)
from screening.services import ScreeningRefused


class AuditRefused(ScreeningRefused):
    """The audit action is not allowed now; the message says why."""


# --- The weekly sample -------------------------------------------------------------


@transaction.atomic
def audit_sample_draw(
    *, week_start: date, actor: User | None = None, now: datetime | None = None
) -> tuple[AuditSample, bool]:
    """The sample for the week holding ``week_start``, drawn now if it was not drawn
    before (then True): by the weekly task (``actor`` None) or a manager by hand.
    Drawn again it is the same sample; audits in it still waiting for a manager are
    given one if someone may now grade them."""
    if actor is not None and not can_audit(actor):
        raise AuditRefused("Only managers draw a week's audit sample.")
    now = now or timezone.now()
    week_start = week_of(week_start)
    if not has_ended(week_start, now):
        raise AuditRefused(
            f"The week of {week_label(week_start)} has not ended yet: draw its sample "
            "from the Monday after."
        )
    existing = AuditSample.objects.filter(week_start=week_start).first()
    if existing is not None:
        audits_assign_waiting(sample=existing, now=now)
        return existing, False
    start, end = week_bounds(week_start)
    population = [
        sampling.Candidate(decision_id, decided_by_id)
        for decision_id, decided_by_id in Decision.objects.began_standing_between(
            start, end
        ).values_list("pk", "decided_by_id")
    ]
    # Kept to two decimal places; settings refuse a share that would be kept as 0.
    percent = Decimal(str(settings.DECISION_AUDIT_SAMPLE_PERCENT)).quantize(Decimal("0.01"))
    try:
        # Two drawers at once (the task and a manager): the database keeps one sample
        # per week; the second waits for the first and then takes its sample.
        with transaction.atomic():
            sample = AuditSample.objects.create(
                week_start=week_start,
                drawn_at=now,
                drawn_by=actor,
                percent=percent,
                decisions_in_week=len(population),
            )
    except IntegrityError:
        # Only the unique week means "drawn already"; any other refusal is a fault.
        sample = AuditSample.objects.filter(week_start=week_start).first()
        if sample is None:
            raise
        audits_assign_waiting(sample=sample, now=now)
        return sample, False
    chosen = sampling.sample_choose(population, week_start=week_start, percent=percent)
    DecisionAudit.objects.bulk_create(
        DecisionAudit(sample=sample, decision_id=decision_id, reason=reason)
        for decision_id, reason in chosen
    )
    assigned = audits_assign_waiting(sample=sample, now=now)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        record_type="audit_sample",
        record_id=week_start.isoformat(),
        via="screening.audit_sample_draw",
        detail={
            "decisions": len(population),
            "audits": len(chosen),
            "assigned": assigned,
            "percent": str(percent),
        },
    )
    return sample, True


def _stuck_release(ungraded, managers: list[User]) -> None:
    """Take back each audit given to someone who can no longer grade it: no longer an
    active manager, or the contact is now restricted to people other than them."""
    assigned = list(
        ungraded.filter(assigned_to__isnull=False).values_list(
            "pk", "assigned_to_id", "decision__contact_id"
        )
    )
    by_pk = {manager.pk: manager for manager in managers}
    by_manager: dict[int, list[tuple[int, int]]] = {}
    for audit_id, manager_id, contact_id in assigned:
        by_manager.setdefault(manager_id, []).append((audit_id, contact_id))
    stuck = []
    for manager_id, audits in by_manager.items():
        manager = by_pk.get(manager_id)
        if manager is None:
            stuck += [audit_id for audit_id, _ in audits]
            continue
        barred = referral_selectors.restrictions_barring_contacts(
            user=manager, contact_ids={contact_id for _, contact_id in audits}
        )
        stuck += [audit_id for audit_id, contact_id in audits if contact_id in barred]
    if stuck:
        DecisionAudit.objects.filter(pk__in=stuck, graded_at__isnull=True).update(
            assigned_to=None, assigned_at=None
        )


def audits_assign_waiting(*, sample: AuditSample | None = None, now: datetime | None = None) -> int:
    """Give each audit still waiting for a manager (of ``sample``, or of every sample)
    to one who may grade it, and give again each given to someone who no longer may
    (left, no longer a manager, or the contact since restricted to others); how many
    were given. One nobody may grade waits."""
    ungraded = DecisionAudit.objects.filter(
        graded_at__isnull=True, decision__contact__erased_at__isnull=True
    )
    if sample is not None:
        ungraded = ungraded.filter(sample=sample)
    managers = list(graders())
    _stuck_release(ungraded, managers)
    waiting = ungraded.filter(assigned_to__isnull=True).select_related("decision", "sample")
    waiting = list(waiting.order_by("pk"))
    if not waiting:
        return 0
    contact_ids = {audit.decision.contact_id for audit in waiting}
    barred = {
        manager.pk: set(
            referral_selectors.restrictions_barring_contacts(user=manager, contact_ids=contact_ids)
        )
        for manager in managers
    }
    now = now or timezone.now()
    given = 0
    by_sample: dict[int, list[DecisionAudit]] = {}
    for audit in waiting:
        by_sample.setdefault(audit.sample_id, []).append(audit)
    for audits in by_sample.values():
        week = audits[0].sample
        choice = sampling.managers_choose(
            [
                sampling.ToAssign(
                    key=audit.pk,
                    excluded=frozenset(
                        {audit.decision.decided_by_id, audit.decision.approved_by_id} - {None}
                    ),
                    may_grade=frozenset(
                        m.pk for m in managers if audit.decision.contact_id not in barred[m.pk]
                    ),
                )
                for audit in audits
            ],
            managers=[m.pk for m in managers],
            week_start=week.week_start,
            already=DecisionAudit.objects.filter(
                sample=week, assigned_to__isnull=False
            ).values_list("assigned_to_id", flat=True),
        )
        for audit_id, manager_id in choice.items():
            if manager_id is None:
                continue
            given += DecisionAudit.objects.filter(pk=audit_id, assigned_to__isnull=True).update(
                assigned_to_id=manager_id, assigned_at=now
            )
    return given


# --- Grading and reading -----------------------------------------------------------


@dataclass(frozen=True)
class CriterionGrade:
    grade: str
    comment: str = ""


def _audit_change(actor: User, audit: DecisionAudit, what: str, **detail) -> None:
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CHANGE,
        record_type="contact",
        record_id=audit.decision.contact.reference,
        via=f"screening.{what}",
        detail={"decision": audit.decision_id, "audit": audit.pk, **detail},
    )


@transaction.atomic
def decision_audit_grade(
    *,
    actor: User,
    audit: DecisionAudit,
    grade: str,
    comments: str,
    criteria: Mapping[int, CriterionGrade],
) -> DecisionAudit:
    """Grade the audit given to ``actor``: every criterion the rubric asks now, the
    decision overall, and feedback for the screener who decided. Once only."""
    audit = (
        DecisionAudit.objects.select_for_update()
        .select_related("decision__contact")
        .get(pk=audit.pk)
    )
    decision = audit.decision
    if audit.assigned_to_id != actor.pk or not can_audit(actor):
        raise AuditRefused("Only the manager this audit was given to can grade it.")
    if actor.pk in (decision.decided_by_id, decision.approved_by_id):
        raise AuditRefused("A decision is never graded by the person who made or approved it.")
    if audit.is_graded:
        raise AuditRefused("This audit has already been graded; a grade is not changed.")
    # Locked as the retention erasure locks it: feedback is never written about a child
    # whose details were erased (the erasure would not come back to erase it).
    contact = Contact.objects.select_for_update().get(pk=decision.contact_id)
    if contact.erased_at is not None:
        raise AuditRefused(
            "This contact's details were erased under the retention policy: "
            "its decision is no longer graded."
        )
    referral_selectors.contact_ensure_open(user=actor, contact=decision.contact)
    grades = set(AuditGrade.values)
    asked = list(AuditCriterion.objects.filter(is_active=True))
    missing = [c.title for c in asked if criteria.get(c.pk) is None]
    if missing:
        raise AuditRefused(f"Grade every part of the rubric: {', '.join(missing)}.")
    if grade not in grades or any(criteria[c.pk].grade not in grades for c in asked):
        raise AuditRefused("Choose outstanding, good, requires improvement or inadequate.")
    comments = comments.strip()
    if not comments:
        raise AuditRefused("Write your feedback for the screener who made the decision.")
    AuditCriterionGrade.objects.bulk_create(
        AuditCriterionGrade(
            audit=audit,
            criterion=criterion,
            criterion_title=criterion.title,
            grade=criteria[criterion.pk].grade,
            comment=criteria[criterion.pk].comment.strip(),
        )
        for criterion in asked
    )
    audit.grade, audit.comments = grade, comments
    audit.graded_by, audit.graded_at = actor, timezone.now()
    audit.save(update_fields=["grade", "comments", "graded_by", "graded_at"])
    _audit_change(actor, audit, "decision_audit_grade", grade=grade)
    return audit


@transaction.atomic
def decision_audit_move(*, actor: User, audit: DecisionAudit, to: User) -> DecisionAudit:
    """A manager gives an audit not yet graded to another manager who may grade it
    (the one it was given to is away, or has too many)."""
    if not can_audit(actor):
        raise AuditRefused("Only managers move an audit to another manager.")
    audit = (
        DecisionAudit.objects.select_for_update()
        .select_related("decision__contact")
        .get(pk=audit.pk)
    )
    referral_selectors.contact_ensure_open(user=actor, contact=audit.decision.contact)
    if audit.is_graded:
        raise AuditRefused("This audit has already been graded: it stays with who graded it.")
    if to.pk not in {m.pk for m in audit_movable_to(audit)}:
        raise AuditRefused(
            "Choose a manager who may grade this audit: not its decider or approver, "
            "and one the contact is open to."
        )
    if audit.assigned_to_id == to.pk:
        return audit
    previous = audit.assigned_to_id
    audit.assigned_to, audit.assigned_at = to, timezone.now()
    audit.save(update_fields=["assigned_to", "assigned_at"])
    _audit_change(actor, audit, "decision_audit_move", moved_from=previous, moved_to=to.pk)
    return audit


def audit_movable_to(audit: DecisionAudit) -> list[User]:
    """The managers ``audit`` may be given to: active managers but its decider and
    approver, the contact open to them."""
    decision = audit.decision
    managers = [
        m for m in graders() if m.pk not in (decision.decided_by_id, decision.approved_by_id)
    ]
    return [
        m
        for m in managers
        if not referral_selectors.restrictions_barring_contacts(
            user=m, contact_ids=[decision.contact_id]
        )
    ]


@transaction.atomic
def decision_audit_read(*, actor: User, audit: DecisionAudit) -> DecisionAudit:
    """The screener who decided says they have read the feedback (once; again is no
    change)."""
    audit = (
        DecisionAudit.objects.select_for_update()
        .select_related("decision__contact")
        .get(pk=audit.pk)
    )
    if audit.decision.decided_by_id != actor.pk or not audit.is_graded:
        raise AuditRefused("Only the screener who made the decision reads its feedback here.")
    if audit.read_at is None:
        audit.read_at = timezone.now()
        audit.save(update_fields=["read_at"])
        _audit_change(actor, audit, "decision_audit_read")
    return audit


# --- The rubric ----------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionInput:
    title: str
    guidance: str = ""
    position: int = 0
    is_active: bool = True


def _rubric_guard(actor: User, data: CriterionInput, *, other_than: int | None = None) -> str:
    if not can_edit_rubric(actor):
        raise AuditRefused("Only managers and administrators change the audit rubric.")
    title = data.title.strip()
    if not title:
        raise AuditRefused("Enter what the criterion asks.")
    clash = AuditCriterion.objects.filter(title__iexact=title).exclude(pk=other_than)
    if clash.exists():
        raise AuditRefused(f"The rubric already asks “{title}”.")
    return title


def _rubric_audit(actor: User, criterion: AuditCriterion, action: AuditEvent.Action) -> None:
    audit_record(
        actor=actor,
        action=action,
        record_type="audit_criterion",
        record_id=criterion.pk,
        via="screening.audit_rubric",
        detail={"active": criterion.is_active, "position": criterion.position},
    )


@transaction.atomic
def audit_criterion_add(*, actor: User, data: CriterionInput) -> AuditCriterion:
    title = _rubric_guard(actor, data)
    try:
        # Another manager adding the same title at once: the unique title refuses one.
        with transaction.atomic():
            criterion = AuditCriterion.objects.create(
                title=title,
                guidance=data.guidance.strip(),
                position=data.position,
                is_active=data.is_active,
                changed_by=actor,
            )
    except IntegrityError:
        if AuditCriterion.objects.filter(title=title).exists():
            raise AuditRefused(f"The rubric already asks “{title}”.") from None
        raise
    _rubric_audit(actor, criterion, AuditEvent.Action.CREATE)
    return criterion


@transaction.atomic
def audit_criterion_change(
    *, actor: User, criterion: AuditCriterion, data: CriterionInput
) -> AuditCriterion:
    """Reword, reorder, retire or bring back a criterion. Audits already graded keep
    the wording they were graded on; those graded from now on ask the rubric as it is."""
    title = _rubric_guard(actor, data, other_than=criterion.pk)
    criterion = AuditCriterion.objects.select_for_update().get(pk=criterion.pk)
    criterion.title, criterion.guidance = title, data.guidance.strip()
    criterion.position, criterion.is_active = data.position, data.is_active
    criterion.changed_by = actor
    try:
        with transaction.atomic():
            criterion.save()
    except IntegrityError:
        if AuditCriterion.objects.filter(title=title).exclude(pk=criterion.pk).exists():
            raise AuditRefused(f"The rubric already asks “{title}”.") from None
        raise
    _rubric_audit(actor, criterion, AuditEvent.Action.CHANGE)
    return criterion
