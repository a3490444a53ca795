"""Reads for the queue, screening, checks and decisions, scoped to the acting user."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from frontdoor.models import User
from frontdoor.roles import Permission
from frontdoor.working_days import add_working_time, working_time_between
from referrals import selectors as referral_selectors
from referrals.models import Contact, ContactSubject, Person
from screening.models import (
    REFERRAL_ROUTES,
    STANDING_APPROVALS,
    AgencyCheck,
    Decision,
    Screening,
)
from screening.services import OPEN_STATUSES, queue_priority

AMBER_WHEN_LEFT = timedelta(hours=6)  # the last quarter of one working day
TWELVE_MONTHS = timedelta(days=365)


def can_screen(user: User) -> bool:
    return user.is_authenticated and user.has_perm(Permission.SCREEN_CONTACTS.perm)


def can_approve(user: User) -> bool:
    return user.is_authenticated and user.has_perm(Permission.APPROVE_DECISIONS.perm)


@dataclass(frozen=True)
class Clock:
    rag: str  # "green", "amber" or "red"
    due_at: datetime
    working_time_left: timedelta

    @property
    def label(self) -> str:
        left = abs(self.working_time_left)
        hours, minutes = int(left.total_seconds() // 3600), int(left.total_seconds() % 3600 // 60)
        amount = f"{hours}h {minutes:02d}m"
        return f"{amount} overdue" if self.rag == "red" else f"{amount} left"


def clock_for(contact: Contact, now: datetime | None = None) -> Clock:
    now = now or timezone.now()
    left = working_time_between(now, contact.decision_due_at)
    if left <= timedelta(0):
        rag = "red"
    elif left <= AMBER_WHEN_LEFT:
        rag = "amber"
    else:
        rag = "green"
    return Clock(rag=rag, due_at=contact.decision_due_at, working_time_left=left)


def _standing_referral_earlier(outer_contact: str = "pk", outer_received: str = "received_at"):
    """A standing referral decision, in the 12 months before, about a child on this contact."""
    return Exists(
        Decision.objects.filter(
            route__in=REFERRAL_ROUTES,
            approval__in=STANDING_APPROVALS,
            superseded_by__isnull=True,
            contact__received_at__lt=OuterRef(outer_received),
            contact__received_at__gte=OuterRef(outer_received) - TWELVE_MONTHS,
            contact__subjects__role__in=ContactSubject.CHILD_ROLES,
            contact__subjects__person__appearances__contact=OuterRef(outer_contact),
            contact__subjects__person__appearances__role__in=ContactSubject.CHILD_ROLES,
        )
    )


def _latest_decision_complex():
    return Exists(
        Decision.objects.filter(contact=OuterRef("pk"), superseded_by__isnull=True, is_complex=True)
    )


@dataclass
class QueueFilters:
    status: str = ""
    rag: str = ""
    channel: str = ""
    source_agency: str = ""
    assigned: str = ""  # "", "me", "unassigned" or a user id
    complex: bool = False
    re_referral: bool = False
    search: str = ""


def queue(*, user: User, filters: QueueFilters, now: datetime | None = None) -> QuerySet[Contact]:
    """Open contacts, immediate risk first, then by when the decision is due."""
    if not can_screen(user):
        return Contact.objects.none()
    now = now or timezone.now()
    contacts = (
        referral_selectors.contacts_visible_to(user=user)
        .filter(status__in=OPEN_STATUSES, advice_only=False)
        .select_related("screening__assigned_to")
        .prefetch_related(
            Prefetch(
                "subjects",
                queryset=ContactSubject.objects.filter(role__in=ContactSubject.CHILD_ROLES),
                to_attr="child_subjects",
            )
        )
        .annotate(
            is_re_referral=_standing_referral_earlier(),
            is_complex=_latest_decision_complex(),
            awaiting_strategy_approval=Exists(
                Decision.objects.filter(
                    contact=OuterRef("pk"),
                    superseded_by__isnull=True,
                    route="strategy_discussion",
                    approval=Decision.Approval.PENDING,
                )
            ),
        )
        .order_by(queue_priority(), "decision_due_at", "pk")
    )
    if filters.status:
        contacts = contacts.filter(status=filters.status)
    if filters.channel:
        contacts = contacts.filter(channel=filters.channel)
    if filters.source_agency.isdigit():
        contacts = contacts.filter(source_agency_id=int(filters.source_agency))
    if filters.assigned == "me":
        contacts = contacts.filter(screening__assigned_to=user)
    elif filters.assigned == "unassigned":
        contacts = contacts.filter(
            Q(screening__isnull=True) | Q(screening__assigned_to__isnull=True)
        )
    elif filters.assigned.isdigit():
        contacts = contacts.filter(screening__assigned_to_id=int(filters.assigned))
    if filters.complex:
        contacts = contacts.filter(is_complex=True)
    if filters.re_referral:
        contacts = contacts.filter(is_re_referral=True)
    if filters.rag == "red":
        contacts = contacts.filter(decision_due_at__lte=now)
    elif filters.rag == "amber":
        contacts = contacts.filter(
            decision_due_at__gt=now, decision_due_at__lte=add_working_time(now, AMBER_WHEN_LEFT)
        )
    elif filters.rag == "green":
        contacts = contacts.filter(decision_due_at__gt=add_working_time(now, AMBER_WHEN_LEFT))
    term = filters.search.strip()
    if term:
        contacts = contacts.filter(
            Q(reference__iexact=term) | Q(pk__in=_contacts_with_child_named(term))
        )
    return contacts


def _contacts_with_child_named(term: str):
    words = term.split()
    children = ContactSubject.objects.filter(role__in=ContactSubject.CHILD_ROLES)
    if len(words) == 1:
        named = Q(first_name__icontains=words[0]) | Q(last_name__icontains=words[0])
    else:
        first, last = words[0], words[-1]
        named = Q(first_name__icontains=first, last_name__icontains=last) | Q(
            first_name__icontains=last, last_name__icontains=first
        )
    return children.filter(named).values("contact_id")


def immediate_risk(*, user: User) -> list[Contact]:
    """Contacts to show above every queue: immediate risk, or a strategy discussion
    waiting for approval."""
    if not can_screen(user):
        return []
    return list(
        queue(user=user, filters=QueueFilters()).filter(
            Q(urgency=Contact.Urgency.IMMEDIATE) | Q(awaiting_strategy_approval=True)
        )[:20]
    )


def screening_get(*, user: User, reference: str) -> tuple[Contact, Screening | None]:
    if not can_screen(user):
        raise Http404("No contact found")
    contact = referral_selectors.contact_get(user=user, reference=reference)
    screening = Screening.objects.select_related("assigned_to").filter(contact=contact).first()
    return contact, screening


def decision_chain(*, user: User, contact: Contact) -> list[Decision]:
    """Every decision on the contact, newest first, with who made and approved it."""
    if not can_screen(user):
        return []
    return list(
        Decision.objects.filter(contact=contact)
        .select_related("decided_by", "approved_by", "threshold_level")
        .order_by("-decided_at")
    )


def checks_on(*, user: User, contact: Contact) -> list[AgencyCheck]:
    if not can_screen(user):
        return []
    return list(
        AgencyCheck.objects.filter(contact=contact).select_related(
            "agency", "requested_by", "answered_by"
        )
    )


@dataclass(frozen=True)
class HistoryRow:
    contact: Contact
    role: str
    decision: Decision | None


@dataclass(frozen=True)
class ChildHistory:
    person: Person
    rows: list[HistoryRow]
    repeat_contact: bool
    re_referral: bool


def child_history(*, user: User, person: Person, before: Contact) -> ChildHistory:
    """Earlier contacts about this person with their standing decisions, and the flags."""
    if not can_screen(user):
        return ChildHistory(person=person, rows=[], repeat_contact=False, re_referral=False)
    return history_of(person=person, before=before)


def history_of(*, person: Person, before: Contact) -> ChildHistory:
    """A child's history without a permission check: for callers that made their own."""
    appearances = (
        ContactSubject.objects.filter(person=person)
        .exclude(contact=before)
        .select_related("contact")
        .prefetch_related(
            Prefetch(
                "contact__decisions",
                queryset=Decision.objects.filter(superseded_by__isnull=True),
                to_attr="standing",
            )
        )
        .order_by("-contact__received_at")
    )
    rows = []
    for appearance in appearances:
        standing = appearance.contact.standing
        rows.append(
            HistoryRow(
                appearance.contact, appearance.get_role_display(), standing[0] if standing else None
            )
        )
    window = before.received_at - TWELVE_MONTHS
    recent = [row for row in rows if window <= row.contact.received_at < before.received_at]
    re_referral = any(
        row.decision is not None
        and row.decision.is_referral
        and row.decision.approval in STANDING_APPROVALS
        for row in recent
    )
    return ChildHistory(
        person=person, rows=rows, repeat_contact=bool(recent), re_referral=re_referral
    )


def checks_for_member(*, user: User) -> QuerySet[AgencyCheck]:
    """The checks addressed to the member's own agency, waiting ones first."""
    if not user.has_perm(Permission.ANSWER_AGENCY_CHECKS.perm) or not user.agency_id:
        return AgencyCheck.objects.none()
    return (
        AgencyCheck.objects.filter(agency_id=user.agency_id)
        .select_related("contact", "requested_by", "answered_by")
        .prefetch_related(
            Prefetch(
                "contact__subjects",
                queryset=ContactSubject.objects.filter(role__in=ContactSubject.CHILD_ROLES),
                to_attr="child_subjects",
            )
        )
        .order_by("status", "requested_at")
    )


def check_get_for_member(*, user: User, check_id: int) -> AgencyCheck:
    try:
        return checks_for_member(user=user).get(pk=check_id)
    except AgencyCheck.DoesNotExist:
        raise Http404("No check found") from None


def approvals_pending(*, user: User) -> QuerySet[Decision]:
    if not can_approve(user):
        return Decision.objects.none()
    return (
        Decision.objects.filter(approval=Decision.Approval.PENDING)
        .select_related("contact", "decided_by", "threshold_level")
        .order_by("decided_at")
    )


def screeners(*, user: User) -> QuerySet[User]:
    if not can_approve(user):
        return User.objects.none()
    return User.objects.filter(
        is_active=True, groups__permissions__codename=Permission.SCREEN_CONTACTS.value
    ).distinct()
