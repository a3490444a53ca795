"""Reads for decision quality audits, scoped to the acting user.

Managers see every sample and audit (a restricted contact's only by reference unless
it is open to them) and grade those given to them. The screener who made a decision
sees its audit once it is graded, and no one else's; before then they see nothing of
it, a manager who decided included. Feedback is read through the screening pages, so
only by someone who may still screen. The rubric is the council's,
kept by managers and administrators.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from frontdoor.models import User
from frontdoor.roles import Permission
from referrals import selectors as referral_selectors
from referrals.models import Contact
from referrals.selectors import can_screen
from screening.models_audits import AuditCriterion, AuditSample, DecisionAudit

# The decider's home page lists feedback not yet read, and what was read recently.
FEEDBACK_SHOWN_DAYS = 28
SAMPLES_SHOWN = 8


def can_audit(user: User) -> bool:
    """Managers: they grade audits, draw samples and read the joint review."""
    return user.is_authenticated and user.has_perm(Permission.APPROVE_DECISIONS.perm)


def can_edit_rubric(user: User) -> bool:
    return user.is_authenticated and (
        user.has_perm(Permission.APPROVE_DECISIONS.perm)
        or user.has_perm(Permission.ADMINISTER_SERVICE.perm)
    )


def graders() -> QuerySet[User]:
    """Everyone who may be given an audit to grade: active managers."""
    return (
        User.objects.filter(
            is_active=True, groups__permissions__codename=Permission.APPROVE_DECISIONS.value
        )
        .distinct()
        .order_by("pk")
    )


def _audits() -> QuerySet[DecisionAudit]:
    return DecisionAudit.objects.select_related(
        "sample",
        "decision__contact",
        "decision__decided_by",
        "decision__approved_by",
        "decision__threshold_level",
        "assigned_to",
        "graded_by",
    )


def _not_before_graded(audits: QuerySet[DecisionAudit], user: User) -> QuerySet[DecisionAudit]:
    """Without the audits of ``user``'s own decisions not graded yet: before grading
    the decider sees nothing of an audit (docs/adr/0043), even when a manager."""
    return audits.exclude(decision__decided_by_id=user.pk, graded_at__isnull=True)


def _with_closed(audits: QuerySet[DecisionAudit], user: User) -> QuerySet[DecisionAudit]:
    """Each carries ``closed``: its contact is restricted to people other than ``user``."""
    return audits.annotate(closed=referral_selectors.closed_to(user, "decision__contact_id"))


def audit_get(*, user: User, audit_id: int) -> DecisionAudit:
    """An audit, for a manager to read or grade: 403 for anyone else, 404 for one that
    does not exist or is of their own decision not graded yet, then the
    restricted-record refusal when its contact is not open."""
    if not can_audit(user):
        raise PermissionDenied
    try:
        audit = _not_before_graded(_audits(), user).get(pk=audit_id)
    except DecisionAudit.DoesNotExist:
        raise Http404("No audit found") from None
    referral_selectors.contact_ensure_open(user=user, contact=audit.decision.contact)
    return audit


def feedback_get(*, user: User, audit_id: int) -> DecisionAudit:
    """A graded audit of a decision ``user`` made, for them to read: 404 alike for one
    that does not exist, is not graded yet or is of someone else's decision, and for
    someone who may no longer screen (the feedback shows the screening)."""
    if not can_screen(user):
        raise Http404("No audit found")
    try:
        audit = _audits().get(pk=audit_id, decision__decided_by_id=user.pk, graded_at__isnull=False)
    except DecisionAudit.DoesNotExist:
        raise Http404("No audit found") from None
    referral_selectors.contact_ensure_open(user=user, contact=audit.decision.contact)
    return audit


def criterion_grades(audit: DecisionAudit) -> list:
    return list(audit.criterion_grades.order_by("pk"))


def rubric() -> list[AuditCriterion]:
    """Every criterion, those asked now first, in the order they are asked."""
    criteria = AuditCriterion.objects.select_related("changed_by")
    return list(criteria.order_by("-is_active", "position", "pk"))


def rubric_asked() -> list[AuditCriterion]:
    return list(AuditCriterion.objects.filter(is_active=True))


def criterion_get(*, user: User, criterion_id: int) -> AuditCriterion:
    if not can_edit_rubric(user):
        raise PermissionDenied
    try:
        return AuditCriterion.objects.get(pk=criterion_id)
    except AuditCriterion.DoesNotExist:
        raise Http404("No criterion found") from None


@dataclass(frozen=True)
class SampleView:
    sample: AuditSample
    audits: list[DecisionAudit]

    @property
    def waiting_for_a_manager(self) -> list[DecisionAudit]:
        return [audit for audit in self.audits if audit.assigned_to_id is None]

    @property
    def graded(self) -> int:
        return sum(1 for audit in self.audits if audit.is_graded)


def samples_recent(*, user: User, count: int = SAMPLES_SHOWN) -> list[SampleView]:
    """The latest samples, newest first, each with its audits (carrying ``closed``)."""
    if not can_audit(user):
        return []
    samples = list(AuditSample.objects.select_related("drawn_by").order_by("-week_start")[:count])
    audits: dict[int, list[DecisionAudit]] = {sample.pk: [] for sample in samples}
    shown = _not_before_graded(_audits().filter(sample__in=samples), user)
    for audit in _with_closed(shown, user).order_by("pk"):
        audits[audit.sample_id].append(audit)
    return [SampleView(sample, audits[sample.pk]) for sample in samples]


def audits_to_grade(*, user: User) -> list[DecisionAudit]:
    """The audits given to ``user`` and not yet graded, oldest week first (not those of
    a contact erased since: they are no longer graded)."""
    if not can_audit(user):
        return []
    return list(
        _with_closed(
            _audits().filter(
                assigned_to=user, graded_at__isnull=True, decision__contact__erased_at__isnull=True
            ),
            user,
        ).order_by("sample__week_start", "pk")
    )


def feedback_for(*, user: User) -> list[DecisionAudit]:
    """Graded audits of ``user``'s decisions for their home page: every one not yet
    read, and those read in the last ``FEEDBACK_SHOWN_DAYS`` days; newest first."""
    if not can_screen(user):
        return []
    recent = timezone.now() - timedelta(days=FEEDBACK_SHOWN_DAYS)
    return list(
        _with_closed(
            _audits().filter(
                Q(read_at__isnull=True) | Q(graded_at__gte=recent),
                decision__decided_by_id=user.pk,
                graded_at__isnull=False,
            ),
            user,
        ).order_by("-graded_at", "-pk")
    )


def audits_on(*, user: User, contact: Contact) -> dict[int, DecisionAudit]:
    """Audits of the decisions on ``contact`` that ``user`` may read, by decision id:
    every one for a manager but those of their own decisions not graded yet, the graded
    audits of their own decisions for anyone else who may screen."""
    audits = _not_before_graded(_audits().filter(decision__contact=contact), user)
    if not can_audit(user):
        if not can_screen(user):
            return {}
        audits = audits.filter(decision__decided_by_id=user.pk, graded_at__isnull=False)
    return {audit.decision_id: audit for audit in audits}
