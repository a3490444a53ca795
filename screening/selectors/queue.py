"""The screening queue, its one-working-day clocks and the immediate-risk banner."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.lookups import Exact
from django.utils import timezone

from frontdoor.london import TwelveMonthsBefore
from frontdoor.models import User
from frontdoor.planner import joins_as_written
from frontdoor.record_numbers import record_number
from frontdoor.working_days import (
    add_clock_time,
    clock_time_between,
    decided_in_time,
    decision_due,
)
from referrals import selectors as referral_selectors
from referrals.models import (
    OPEN_STATUSES,
    Contact,
    ContactSubject,
    WithdrawalRequest,
    queue_priority,
)
from referrals.selectors_police import cumulative_flags
from screening.models import AgencyCheck, Decision, Screening, referral_q
from screening.models_checks import answer_overdue
from screening.selectors.access import can_screen

AMBER_WHEN_LEFT = timedelta(hours=6)  # the last quarter of one working day
CLOCK_STATES = ("red", "amber", "green", "breaching")


def breaching_within() -> timedelta:
    return timedelta(hours=settings.BREACHING_WITHIN_HOURS)


def breaching_within_words() -> str:
    """BREACHING_WITHIN_HOURS as the pages say it: "2 hours", "1.5 hours", "1 hour"."""
    hours = settings.BREACHING_WITHIN_HOURS
    return f"{hours:g} hour" + ("" if hours == 1 else "s")


def clock_state(rag: str, now: datetime) -> Q:
    """Open contacts whose clock stands at ``rag`` at ``now``, as a filter: "red" (due
    now or before), "amber" (due within AMBER_WHEN_LEFT of the decision clock's time,
    ``add_clock_time``), "green" (later), or "breaching" (due within the next
    BREACHING_WITHIN_HOURS of wall-clock time, nights and weekends counted: about to turn
    red as the hours pass). The queue's filter and the today page's counts are both
    this."""
    amber_until = add_clock_time(now, AMBER_WHEN_LEFT)
    return {
        "red": past_due(now),
        "amber": Q(decision_due_at__gt=now, decision_due_at__lte=amber_until),
        "green": Q(decision_due_at__gt=amber_until),
        "breaching": Q(decision_due_at__gt=now, decision_due_at__lte=now + breaching_within()),
    }[rag]


def not_taken() -> Exists:
    """Contacts no screener holds (a filter): those held are few, so this is an anti-join
    against them, not a look-up for every open contact."""
    return ~Exists(Screening.objects.filter(contact=OuterRef("pk"), assigned_to__isnull=False))


def immediate() -> Exact:
    """Contacts marked immediate risk (a filter), written as the queue index's first
    column so that the index finds them among the open contacts."""
    return Exact(queue_priority(), 0)


def with_overdue_check(now: datetime, agency_id: int | None = None) -> Exists:
    """Contacts with a check overdue (``answer_overdue``), from ``agency_id`` or any."""
    checks = AgencyCheck.objects.filter(answer_overdue(now), contact=OuterRef("pk"))
    if agency_id is not None:
        checks = checks.filter(agency_id=agency_id)
    return Exists(checks)


@dataclass(frozen=True)
class Clock:
    """The one-working-day clock on a contact: running until a decision stands, then
    stopped at the first standing decision (as the scorecard's timeliness counts it)."""

    rag: str  # "green", "amber" or "red"; for a decided contact, "green" or "red"
    due_at: datetime
    working_time_left: timedelta  # at the decision, once decided
    decided_at: datetime | None = None
    # Withdrawn before any decision (ADR 0036): the clock stopped then, neither on
    # time nor late, and the contact is in no timeliness figure.
    withdrawn_at: datetime | None = None

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
        if self.withdrawn_at is not None:
            return "withdrawn before a decision"
        if self.decided_at is not None:
            return "decided on time" if self.on_time else f"decided {self.amount} late"
        return f"{self.amount} overdue" if self.rag == "red" else f"{self.amount} left"


def clock_for(
    contact: Contact, now: datetime | None = None, *, decided_at: datetime | None = None
) -> Clock:
    """The contact's clock; ``decided_at`` (see decided_at()) stops it, and so does a
    withdrawal (the contact's ``withdrawal``, read only for a withdrawn contact)."""
    if contact.status == Contact.Status.WITHDRAWN:
        withdrawal = getattr(contact, "withdrawal", None)
        return Clock(
            rag="grey",
            due_at=contact.decision_due_at,
            working_time_left=timedelta(0),
            withdrawn_at=withdrawal.withdrawn_at if withdrawal else None,
        )
    if decided_at is not None:
        late_by = clock_time_between(contact.decision_due_at, decided_at)
        on_time = decided_in_time(decided_at=decided_at, due_at=contact.decision_due_at)
        return Clock(
            rag="green" if on_time else "red",
            due_at=contact.decision_due_at,
            working_time_left=-late_by,
            decided_at=decided_at,
        )
    now = now or timezone.now()
    left = clock_time_between(now, contact.decision_due_at)
    if left <= timedelta(0):
        rag = "red"
    elif left <= AMBER_WHEN_LEFT:
        rag = "amber"
    else:
        rag = "green"
    return Clock(rag=rag, due_at=contact.decision_due_at, working_time_left=left)


def in_queue(through: str = "") -> Q:
    """The contacts the screening queue holds, waiting for a decision: open, not advice
    only, and the front door's own (a specialist pathway's contact has its own list:
    docs/adr/0046). The queue's partial index holds these (and pathway contacts, never
    open long). ``through``: the path to the contact from another model ("contact__")."""
    return Q(
        **{
            f"{through}status__in": OPEN_STATUSES,
            f"{through}advice_only": False,
            f"{through}pathway": "",
        }
    )


def past_due(now: datetime) -> Q:
    """The queue's red: a contact whose clock has run out (``clock_for`` says "overdue"
    from its due time on). The alerts add the statutory day to it (``breach_due``)."""
    return Q(decision_due_at__lte=now)


# Bounds on the statutory clock (``decision_due``: one working day from receipt), for
# finding in SQL the contacts ``breach_due`` may place in a window: never sooner than
# this after receipt (a working day shortened by the spring clock change, with margin),
# never later than this (Christmas or Easter: five days).
STATUTORY_AT_LEAST = timedelta(hours=22)
STATUTORY_AT_MOST = timedelta(days=10)


def breach_due(contact: Contact) -> datetime:
    """When a contact's clock counts as breached for the alerts (docs/adr/0042, 0044):
    its due time, or the statutory due time (one working day from receipt, as the
    scorecard measures) when that is earlier. The operational clock is never later
    than the statutory one unless it follows service hours (CLOCK_FOLLOWS_SERVICE_HOURS):
    then a contact received out of hours is due a working day after the service opens,
    and a manager is still told when the statutory day has run out. The one rule."""
    return min(contact.decision_due_at, decision_due(contact.received_at))


def breach_due_may_be_between(since: datetime, now: datetime) -> Q:
    """The contacts whose ``breach_due`` may fall in [since, now], in SQL: all of them,
    and some others (``breach_due`` itself says which)."""
    return Q(decision_due_at__gte=since, received_at__gte=since - STATUTORY_AT_MOST) & (
        Q(decision_due_at__lte=now) | Q(received_at__lte=now - STATUTORY_AT_LEAST)
    )


def _standing_referral_earlier(outer_contact: str = "pk", outer_received: str = "received_at"):
    """A standing referral decision, in the 12 months before, about a child on this contact."""
    return Exists(
        Decision.objects.standing_latest().filter(
            referral_q("route", "contact"),
            contact__received_at__lt=OuterRef(outer_received),
            contact__received_at__gte=TwelveMonthsBefore(OuterRef(outer_received)),
            contact__subjects__role__in=ContactSubject.CHILD_ROLES,
            contact__subjects__person__appearances__contact=OuterRef(outer_contact),
            contact__subjects__person__appearances__role__in=ContactSubject.CHILD_ROLES,
        )
    )


def _latest_decision_complex():
    return Exists(Decision.objects.current().filter(contact=OuterRef("pk"), is_complex=True))


@dataclass
class QueueFilters:
    status: str = ""
    rag: str = ""
    channel: str = ""
    source_agency: str = ""
    assigned: str = ""  # "", "me", "unassigned" or a user id
    immediate: bool = False
    overdue_checks: str = ""  # "", "any" or an agency id
    complex: bool = False
    re_referral: bool = False
    search: str = ""


def queue(*, user: User, filters: QueueFilters, now: datetime | None = None) -> QuerySet[Contact]:
    """Open contacts, immediate risk first, then those the emergency duty team handed
    over that no screener has taken yet (docs/adr/0044), then by when the decision is due."""
    if not can_screen(user):
        return Contact.objects.none()
    now = now or timezone.now()
    contacts = (
        referral_selectors.contacts_visible_to(user=user)
        .filter(in_queue())
        .select_related("screening__assigned_to", "police_notification", "handover")
        .prefetch_related(_children())
        .order_by(queue_priority(), "decision_due_at", "pk")
    )
    if filters.status:
        contacts = contacts.filter(status=filters.status)
    if filters.channel:
        contacts = contacts.filter(channel=filters.channel)
    if (agency := record_number(filters.source_agency)) is not None:
        contacts = contacts.filter(source_agency_id=agency)
    if filters.assigned == "me":
        contacts = contacts.filter(screening__assigned_to=user)
    elif filters.assigned == "unassigned":
        contacts = contacts.filter(not_taken())
    elif (screener := record_number(filters.assigned)) is not None:
        contacts = contacts.filter(screening__assigned_to_id=screener)
    # The flags are worked out for the rows shown (queue_flags); filtering by one
    # needs it for every open contact, so only then is it part of the query.
    if filters.complex:
        contacts = contacts.annotate(is_complex=_latest_decision_complex()).filter(is_complex=True)
    if filters.re_referral:
        contacts = contacts.annotate(is_re_referral=_standing_referral_earlier()).filter(
            is_re_referral=True
        )
    if filters.rag in CLOCK_STATES:
        contacts = contacts.filter(clock_state(filters.rag, now))
    if filters.immediate:
        contacts = contacts.filter(immediate())
    if filters.overdue_checks == "any":
        contacts = contacts.filter(with_overdue_check(now))
    elif (checked_by := record_number(filters.overdue_checks)) is not None:
        contacts = contacts.filter(with_overdue_check(now, checked_by))
    term = filters.search.strip()
    if term:
        contacts = contacts.filter(
            Q(reference__iexact=term) | Q(pk__in=_contacts_with_child_named(term))
        )
    return contacts


def queue_rows(
    contacts: QuerySet[Contact], start: int, stop: int, *, filters: QueueFilters
) -> list[Contact]:
    """Rows ``start`` to ``stop`` of ``queue``'s contacts (or ``queue_state``'s). The
    whole queue, or the queue filtered by the contacts' own columns, is planned with its
    joins as written (docs/adr/0052): the open contacts, then each one's one-to-one rows.
    A filter through another table (a screener, a flag, a name) is left to the planner:
    starting from that table may be quicker."""
    own_columns = replace(filters, status="", channel="", source_agency="", rag="")
    if own_columns != QueueFilters():
        return list(contacts[start:stop])
    with joins_as_written(using=contacts.db):
        return list(contacts[start:stop])


def queue_flags(contacts: list[Contact]) -> list[Contact]:
    """Mark each contact ``is_re_referral``, ``is_complex``, ``first_decided_at``,
    ``withdrawal_asked`` (its referrer asked for it to be withdrawn) and ``cumulative``
    (the children meeting the police cumulative rule, docs/adr/0037),
    in one query for the rows on the page. As columns of the queue query itself, the
    planner would work them out for every open contact before choosing the page (at
    regional scale, by hashing every complex decision ever made)."""
    flags = {
        pk: (re_referral, complex_, decided, asked)
        for pk, re_referral, complex_, decided, asked in Contact.objects.filter(
            pk__in=[c.pk for c in contacts]
        )
        .annotate(
            is_re_referral=_standing_referral_earlier(),
            is_complex=_latest_decision_complex(),
            first_decided_at=Decision.objects.standing().decided_at_for(),
            withdrawal_asked=Exists(WithdrawalRequest.objects.filter(contact=OuterRef("pk"))),
        )
        .values_list("pk", "is_re_referral", "is_complex", "first_decided_at", "withdrawal_asked")
    }
    for contact in contacts:
        (
            contact.is_re_referral,
            contact.is_complex,
            contact.first_decided_at,
            contact.withdrawal_asked,
        ) = flags.get(contact.pk, (False, False, None, False))
    cumulative = cumulative_flags(contacts)
    for contact in contacts:
        contact.cumulative = cumulative.get(contact.pk, [])
    return contacts


def _children() -> Prefetch:
    return Prefetch(
        "subjects",
        queryset=ContactSubject.objects.filter(role__in=ContactSubject.CHILD_ROLES),
        to_attr="child_subjects",
    )


def queue_state(contacts: QuerySet[Contact]) -> QuerySet[Contact]:
    """``queue``'s contacts with only what a poll of the queue compares and draws again
    (reference, status, screener and their name, clock): planning the page's full query,
    with its joins and restriction flag, costs more than running it."""
    return (
        contacts.prefetch_related(None)
        .select_related(None)
        .select_related("screening__assigned_to")
        .only(
            "reference",
            "status",
            "decision_due_at",
            "urgency",
            "advice_only",
            "received_at",
            "screening__assigned_to__full_name",
        )
    )


def with_decided_at(contacts: list[Contact]) -> list[Contact]:
    """Mark each contact ``first_decided_at`` (where its clock stopped), in one query:
    all a poll of the queue needs to draw the clocks of the rows a page keeps."""
    decided = dict(
        Contact.objects.filter(pk__in=[c.pk for c in contacts])
        .annotate(first_decided_at=Decision.objects.standing().decided_at_for())
        .values_list("pk", "first_decided_at")
    )
    for contact in contacts:
        contact.first_decided_at = decided.get(contact.pk)
    return contacts


def taken_among(*, user: User, shown: list[tuple[str, int | None]]) -> set[str]:
    """Which of the rows gone from a page were taken: shown with no screener, and now
    held by one while still in the queue (the list filtered to contacts not yet taken).
    A row already held when shown, pushed to another page or decided, was not taken.
    ``shown``: each gone row's reference and the screener it showed."""
    references = [reference for reference, screener_id in shown if screener_id is None]
    if not can_screen(user) or not references:
        return set()
    return set(
        queue(user=user, filters=QueueFilters())
        .prefetch_related(None)
        .select_related(None)
        .order_by()
        .filter(reference__in=references, screening__assigned_to__isnull=False)
        .values_list("reference", flat=True)
    )


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
        Decision.objects.current().filter(
            contact=OuterRef("pk"),
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
        Contact.objects.filter(in_queue())
        .annotate(awaiting_strategy_approval=_awaiting_strategy_approval())
        .filter(Q(urgency=Contact.Urgency.IMMEDIATE) | Q(awaiting_strategy_approval=True))
        .annotate(first_decided_at=Decision.objects.standing().decided_at_for())
        .only("reference", "status", "decision_due_at", "urgency", "channel")
        .order_by(queue_priority(), "decision_due_at", "pk")[:20]
    )
