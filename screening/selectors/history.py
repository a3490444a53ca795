"""Reads for the queue, screening, checks and decisions, scoped to the acting user."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.http import Http404
from django.utils import timezone

from frontdoor.census_codes import census_codes, return_year_of
from frontdoor.models import User
from frontdoor.roles import Permission
from frontdoor.working_days import (
    add_working_time,
    decided_in_time,
    months_before,
    working_time_between,
)
from referrals import selectors as referral_selectors
from referrals.models import (
    OPEN_STATUSES,
    Contact,
    ContactSubject,
    Person,
    queue_priority,
)
from screening.models import (
    REFERRAL_ROUTES,
    STANDING_APPROVALS,
    AgencyCheck,
    Decision,
    Screening,
)

AMBER_WHEN_LEFT = timedelta(hours=6)  # the last quarter of one working day
TWELVE_MONTHS = timedelta(days=365)


def can_screen(user: User) -> bool:
    return user.is_authenticated and user.has_perm(Permission.SCREEN_CONTACTS.perm)


def can_approve(user: User) -> bool:
    return user.is_authenticated and user.has_perm(Permission.APPROVE_DECISIONS.perm)


@dataclass(frozen=True)
class Clock:
    """The one-working-day clock on a contact: running until a decision stands, then
    stopped at the first standing decision (as the scorecard's timeliness counts it)."""

    rag: str  # "green", "amber" or "red"; for a decided contact, "green" or "red"
    due_at: datetime
    working_time_left: timedelta  # at the decision, once decided
    decided_at: datetime | None = None

    @property
    def on_time(self) -> bool:
        return self.decided_at is not None and decided_in_time(
            decided_at=self.decided_at, due_at=self.due_at
        )

    @property
    def amount(self) -> str:
        """The working time left, overdue or late by, as "4h 05m"."""
        left = abs(self.working_time_left)
        hours, minutes = int(left.total_seconds() // 3600), int(left.total_seconds() % 3600 // 60)
        return f"{hours}h {minutes:02d}m"

    @property
    def label(self) -> str:
        if self.decided_at is not None:
            return "decided on time" if self.on_time else f"decided {self.amount} late"
        return f"{self.amount} overdue" if self.rag == "red" else f"{self.amount} left"


def standing_decisions(as_at: datetime | None = None) -> QuerySet[Decision]:
    """Decisions that stood (at ``as_at``, or now): needing no approval, or approved.
    The first of a contact's is when it was decided, for its clock and the scorecard."""
    if as_at is None:
        return Decision.objects.filter(approval__in=STANDING_APPROVALS)
    return Decision.objects.filter(decided_at__lte=as_at).filter(
        Q(approval=Decision.Approval.NOT_NEEDED)
        | Q(approval=Decision.Approval.APPROVED, approval_at__lte=as_at)
    )


def first_decided_at() -> Subquery:
    """When the contact (the outer row) was decided: its first standing decision."""
    return Subquery(
        standing_decisions()
        .filter(contact=OuterRef("pk"))
        .order_by("decided_at", "pk")
        .values("decided_at")[:1]
    )


def decided_at(contact: Contact) -> datetime | None:
    """When ``contact`` was decided; advice given on a phone consultation is the
    decision, made during the call."""
    if contact.advice_only:
        return contact.received_at
    return (
        standing_decisions()
        .filter(contact=contact)
        .order_by("decided_at", "pk")
        .values_list("decided_at", flat=True)
        .first()
    )


def clock_for(
    contact: Contact, now: datetime | None = None, *, decided_at: datetime | None = None
) -> Clock:
    """The contact's clock; ``decided_at`` (see decided_at()) stops it."""
    if decided_at is not None:
        late_by = working_time_between(contact.decision_due_at, decided_at)
        on_time = decided_in_time(decided_at=decided_at, due_at=contact.decision_due_at)
        return Clock(
            rag="green" if on_time else "red",
            due_at=contact.decision_due_at,
            working_time_left=-late_by,
            decided_at=decided_at,
        )
    now = now or timezone.now()
    left = working_time_between(now, contact.decision_due_at)
    if left <= timedelta(0):
        rag = "red"
    elif left <= AMBER_WHEN_LEFT:
        rag = "amber"
    else:
        rag = "green"
    return Clock(rag=rag, due_at=contact.decision_due_at, working_time_left=left)


def one_year_before(day: date) -> date:
    """The same date a year earlier; 29 February falls back to the 28th (ADR 0008)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def twelve_months_before(moment: datetime) -> datetime:
    """Where "within the 12 months before" ``moment`` starts: the start of the same
    London date a year before, as the scorecard counts it (ADR 0008)."""
    return _start_of(one_year_before(timezone.localdate(moment)))


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
    # The flags are worked out for the rows shown (queue_flags); filtering by one
    # needs it for every open contact, so only then is it part of the query.
    if filters.complex:
        contacts = contacts.annotate(is_complex=_latest_decision_complex()).filter(is_complex=True)
    if filters.re_referral:
        contacts = contacts.annotate(is_re_referral=_standing_referral_earlier()).filter(
            is_re_referral=True
        )
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


def queue_flags(contacts: list[Contact]) -> list[Contact]:
    """Mark each contact ``is_re_referral``, ``is_complex`` and ``first_decided_at``,
    in one query for the rows on the page. As columns of the queue query itself, the
    planner would work them out for every open contact before choosing the page (at
    regional scale, by hashing every complex decision ever made)."""
    flags = {
        pk: (re_referral, complex_, decided)
        for pk, re_referral, complex_, decided in Contact.objects.filter(
            pk__in=[c.pk for c in contacts]
        )
        .annotate(
            is_re_referral=_standing_referral_earlier(),
            is_complex=_latest_decision_complex(),
            first_decided_at=first_decided_at(),
        )
        .values_list("pk", "is_re_referral", "is_complex", "first_decided_at")
    }
    for contact in contacts:
        contact.is_re_referral, contact.is_complex, contact.first_decided_at = flags.get(
            contact.pk, (False, False, None)
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


def _awaiting_strategy_approval():
    return Exists(
        Decision.objects.filter(
            contact=OuterRef("pk"),
            superseded_by__isnull=True,
            route="strategy_discussion",
            approval=Decision.Approval.PENDING,
        )
    )


def immediate_risk(*, user: User) -> list[Contact]:
    """Contacts to show above every queue: immediate risk, or a strategy discussion
    waiting for approval. The banner shows references only, so this leaves out the
    queue's per-row flags and names (each costs planning time on every page)."""
    if not can_screen(user):
        return []
    return list(
        Contact.objects.filter(status__in=OPEN_STATUSES, advice_only=False)
        .annotate(awaiting_strategy_approval=_awaiting_strategy_approval())
        .filter(Q(urgency=Contact.Urgency.IMMEDIATE) | Q(awaiting_strategy_approval=True))
        .annotate(first_decided_at=first_decided_at())
        .only("reference", "decision_due_at", "urgency")
        .order_by(queue_priority(), "decision_due_at", "pk")[:20]
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
    rows: list[HistoryRow]  # the most recent HISTORY_SHOWN
    repeat_contact: bool
    re_referral: bool
    not_shown: int = 0  # earlier contacts left to the person's record


# A child seen dozens of times would otherwise make every contact about them slow to
# open; the most recent contacts are what a screener weighs, the rest are a click away.
HISTORY_SHOWN = 10


def child_histories(*, user: User, contact: Contact) -> dict[int, ChildHistory]:
    """Each matched child's earlier contacts, by subject id: screening staff only."""
    if not can_screen(user):
        return {}
    return histories_of(contact=contact, subjects=contact.subjects.all())


def histories_of(
    *, contact: Contact, subjects: Iterable[ContactSubject]
) -> dict[int, ChildHistory]:
    """The history of every matched child on ``contact``, by subject id, for callers
    that made their own permission check. Three queries however many children and
    however long their histories: the flags count every earlier contact, the rows
    are each child's most recent HISTORY_SHOWN."""
    children = [s for s in subjects if s.is_child and s.person_id]
    if not children:
        return {}
    earlier = ContactSubject.objects.filter(
        person_id__in={child.person_id for child in children}
    ).exclude(contact=contact)
    window = Q(
        contact__received_at__gte=twelve_months_before(contact.received_at),
        contact__received_at__lt=contact.received_at,
    )
    counts = {
        row["person_id"]: row
        for row in earlier.annotate(
            standing_referral=Exists(
                Decision.objects.filter(
                    contact=OuterRef("contact_id"),
                    superseded_by__isnull=True,
                    route__in=REFERRAL_ROUTES,
                    approval__in=STANDING_APPROVALS,
                )
            )
        )
        .values("person_id")
        .annotate(
            total=Count("pk"),
            recent=Count("pk", filter=window),
            recent_referrals=Count("pk", filter=window & Q(standing_referral=True)),
        )
    }
    most_recent = (
        earlier.annotate(
            rank=Window(
                RowNumber(),
                partition_by=F("person_id"),
                order_by=[F("contact__received_at").desc(), F("pk").desc()],
            )
        )
        .filter(rank__lte=HISTORY_SHOWN)
        .select_related("contact")
        .prefetch_related(
            Prefetch(
                "contact__decisions",
                queryset=Decision.objects.filter(superseded_by__isnull=True),
                to_attr="standing",
            )
        )
        .order_by("person_id", "-contact__received_at", "-pk")
    )
    rows_by_person: dict[int, list[HistoryRow]] = {}
    for appearance in most_recent:
        standing = appearance.contact.standing
        rows_by_person.setdefault(appearance.person_id, []).append(
            HistoryRow(
                appearance.contact,
                appearance.get_role_display(),
                standing[0] if standing else None,
            )
        )
    histories = {}
    for child in children:
        rows = rows_by_person.get(child.person_id, [])
        count = counts.get(child.person_id, {"total": 0, "recent": 0, "recent_referrals": 0})
        histories[child.pk] = ChildHistory(
            person=child.person,
            rows=rows,
            repeat_contact=count["recent"] > 0,
            re_referral=count["recent_referrals"] > 0,
            not_shown=count["total"] - len(rows),
        )
    return histories


def _standing_referral_on(contact_id: str = "contact_id"):
    """Subquery: the contact's standing decision makes it a referral."""
    return Exists(
        Decision.objects.filter(
            contact=OuterRef(contact_id),
            superseded_by__isnull=True,
            route__in=REFERRAL_ROUTES,
            approval__in=STANDING_APPROVALS,
        )
    )


def _earlier_as_a_child(contact: Contact, person_ids) -> QuerySet[ContactSubject]:
    """Where these people appeared as a child on a contact received before ``contact``."""
    return ContactSubject.objects.filter(
        person_id__in=person_ids,
        role__in=ContactSubject.CHILD_ROLES,
        contact__received_at__lt=contact.received_at,
    ).exclude(contact_id=contact.pk)


def is_re_referral(*, contact: Contact) -> bool:
    """Whether a child on ``contact`` had a standing referral received in the 12 months
    before it: the re-referral rule a decision records (``Decision.is_re_referral``).
    No user: ``decision_record`` asks, having made its own checks. One query."""
    children = ContactSubject.objects.filter(
        contact_id=contact.pk, role__in=ContactSubject.CHILD_ROLES, person__isnull=False
    ).values("person_id")
    return (
        _earlier_as_a_child(contact, children)
        .filter(contact__received_at__gte=twelve_months_before(contact.received_at))
        .filter(_standing_referral_on())
        .exists()
    )


@dataclass(frozen=True)
class EarlierReferral:
    reference: str
    received_at: datetime
    # The user may not open it. Its reference and dates are shown, as in the child's
    # history (the rule applies whoever may read it); nothing from inside it is.
    restricted: bool


@dataclass(frozen=True)
class EarlierClosure:
    reference: str
    closed_on: date
    reason: str  # the census reason for closure, with its code; blank when restricted
    restricted: bool


@dataclass(frozen=True)
class ReReferralGuidance:
    """What the screener should see before deciding about one child."""

    subject: ContactSubject
    referral: EarlierReferral | None  # the latest in the 12 months before
    closure: EarlierClosure | None  # the latest case closed in the 6 months before


def re_referral_guidance(*, user: User, contact: Contact) -> list[ReReferralGuidance]:
    """For each matched child on ``contact`` who meets the re-referral rule, the
    latest standing referral received in the 12 months before it and the latest case
    closed (a ``case_closed`` outcome on an earlier contact) in the 6 months before.
    Screening staff only. Two queries however many children, plus one per return
    year of the closures shown (at most two) for the reasons' labels."""
    if not can_screen(user):
        return []
    children = [s for s in contact.subjects.all() if s.is_child and s.person_id]
    if not children:
        return []
    person_ids = {child.person_id for child in children}
    day = timezone.localdate(contact.received_at)
    earlier = _earlier_as_a_child(contact, person_ids).annotate(
        restricted=referral_selectors.closed_to(user, "contact_id")
    )
    referrals = {
        row["person_id"]: EarlierReferral(
            row["contact__reference"], row["contact__received_at"], row["restricted"]
        )
        for row in earlier.filter(
            contact__received_at__gte=twelve_months_before(contact.received_at)
        )
        .filter(_standing_referral_on())
        .values("person_id", "contact__reference", "contact__received_at", "restricted")
        .order_by("person_id", "-contact__received_at", "-contact_id")
        .distinct("person_id")
    }
    # Outcomes are recorded against the subject; reading them through the reverse
    # relation keeps screening from importing the later outcomes app.
    closed = list(
        earlier.filter(
            downstream__event="case_closed",
            downstream__occurred_on__gte=months_before(day, 6),
            downstream__occurred_on__lte=day,
        )
        .values(
            "person_id",
            "contact__reference",
            "downstream__occurred_on",
            "downstream__reason_for_closure",
            "restricted",
        )
        .order_by("person_id", "-downstream__occurred_on", "-downstream__pk")
        .distinct("person_id")
    )
    labels = {
        year: {
            code.code: f"{code.code}: {code.label}"
            for code in census_codes("reason_for_closure", year)
        }
        for year in {return_year_of(row["downstream__occurred_on"]) for row in closed}
    }
    closures = {
        row["person_id"]: EarlierClosure(
            row["contact__reference"],
            row["downstream__occurred_on"],
            ""
            if row["restricted"]
            else labels[return_year_of(row["downstream__occurred_on"])].get(
                row["downstream__reason_for_closure"], row["downstream__reason_for_closure"]
            ),
            row["restricted"],
        )
        for row in closed
    }
    return [
        ReReferralGuidance(child, referrals.get(child.person_id), closures.get(child.person_id))
        for child in children
        if child.person_id in referrals or child.person_id in closures
    ]


def primary_need_labels(*, contact: Contact) -> dict[str, str]:
    """Primary need codes with their census labels, for the contact's return year."""
    year = return_year_of(timezone.localdate(contact.received_at))
    return {code.code: f"{code.code}: {code.label}" for code in census_codes("primary_need", year)}


def checks_for_member(*, user: User) -> QuerySet[AgencyCheck]:
    """The checks addressed to the member's own agency: waiting ones first, the
    longest waiting on top, then answered ones, the latest answer first. Each
    carries ``closed``: it is about a record restricted to people other than the
    member, so a list shows only that it waits and whom to ask."""
    if not user.has_perm(Permission.ANSWER_AGENCY_CHECKS.perm) or not user.agency_id:
        return AgencyCheck.objects.none()
    return (
        AgencyCheck.objects.filter(agency_id=user.agency_id)
        .annotate(closed=referral_selectors.closed_to(user, "contact_id"))
        .select_related("contact", "requested_by", "answered_by")
        .prefetch_related(
            Prefetch(
                "contact__subjects",
                queryset=ContactSubject.objects.filter(role__in=ContactSubject.CHILD_ROLES),
                to_attr="child_subjects",
            )
        )
        .order_by(
            # Spelled out: the status values sort "answered" before "pending".
            Case(When(status=AgencyCheck.Status.PENDING, then=0), default=1),
            F("answered_at").desc(nulls_last=True),
            "requested_at",
        )
    )


def check_get_for_member(*, user: User, check_id: int) -> AgencyCheck:
    """The check, for answering: 404 when it is not for the member's agency, and the
    restricted-record refusal when it is about a record not open to them."""
    try:
        check = checks_for_member(user=user).get(pk=check_id)
    except AgencyCheck.DoesNotExist:
        raise Http404("No check found") from None
    if check.closed:
        restriction = referral_selectors.restriction_barring_contact(
            user=user, contact_id=check.contact_id
        )
        if restriction is not None:
            raise referral_selectors.RecordRestricted(restriction)
    return check


def restricted_asks(*, user: User, rows: Iterable) -> dict[int, User]:
    """For rows with a ``contact_id`` whose contact is restricted to others: contact
    id to whom to ask, in one query."""
    barring = referral_selectors.restrictions_barring_contacts(
        user=user, contact_ids={row.contact_id for row in rows}
    )
    return {contact_id: restriction.ask for contact_id, restriction in barring.items()}


def approvals_pending(*, user: User) -> QuerySet[Decision]:
    """Decisions waiting for a manager; each carries ``closed`` (its contact is
    restricted to people other than this manager), for the list to leave it out."""
    if not can_approve(user):
        return Decision.objects.none()
    return (
        Decision.objects.filter(approval=Decision.Approval.PENDING)
        .annotate(closed=referral_selectors.closed_to(user, "contact_id"))
        .select_related("contact", "decided_by", "threshold_level")
        .order_by("decided_at")
    )


def approval_get(*, user: User, decision_id: int) -> Decision:
    """A decision waiting for approval, to read and approve: the restricted-record
    refusal when its contact is not open to this manager."""
    try:
        decision = approvals_pending(user=user).get(pk=decision_id)
    except Decision.DoesNotExist:
        raise Http404("No decision found") from None
    if decision.closed:
        restriction = referral_selectors.restriction_barring_contact(
            user=user, contact_id=decision.contact_id
        )
        if restriction is not None:
            raise referral_selectors.RecordRestricted(restriction)
    return decision


def screeners(*, user: User) -> QuerySet[User]:
    if not can_approve(user):
        return User.objects.none()
    return User.objects.filter(
        is_active=True, groups__permissions__codename=Permission.SCREEN_CONTACTS.value
    ).distinct()
