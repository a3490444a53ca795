"""The today page's figures: a fixed handful of aggregate queries (COUNT with FILTER,
GROUP BY), whatever the size of the data, each figure with the link to the list behind
it. The counts use the lists' own definitions (the queue's filters, the approvals
list, the notices page's filter), so a figure and its list always agree.

Screening staff see every contact, restricted ones included, as the queue counts them:
no figure names a child, and the lists behind them show a restricted record as such.
A manager sees the whole front door; a screener, the contacts they hold, with what
every screener may act on (immediate risk not yet taken, schools' notices to confirm).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone

from frontdoor.london import LONDON, start_of
from frontdoor.models import User
from frontdoor.shared_figures import shared
from outcomes.encompass import selectors as encompass_selectors
from outcomes.models_encompass import EncompassNotice
from referrals.models import Contact
from screening import selectors as screening_selectors
from screening.models import AgencyCheck, Decision
from screening.models_checks import answer_overdue


def may_see(user: User) -> bool:
    return screening_selectors.can_screen(user)


def sees_everyone(user: User) -> bool:
    """A manager's page is the whole front door's; a screener's, their own work."""
    return screening_selectors.can_approve(user)


def _queue(**filters: str) -> str:
    query = urlencode({name: value for name, value in filters.items() if value})
    return reverse("screening:queue") + (f"?{query}" if query else "")


@dataclass(frozen=True)
class Figure:
    count: int
    url: str
    # The longest any of them has waited: since when (None when there are none).
    since: datetime | None = None


@dataclass(frozen=True)
class AgencyChecks:
    agency_id: int
    agency: str
    overdue: Figure


@dataclass(frozen=True)
class ScreenerWork:
    user_id: int
    name: str
    holding: Figure
    overdue: Figure


@dataclass(frozen=True)
class Period:
    """Contacts received in a period so far, against the same part of the period a
    week before, and the whole of that one."""

    label: str
    so_far: Figure
    last_week_by_now: int
    last_week: Figure

    @property
    def change(self) -> int:
        return self.so_far.count - self.last_week_by_now


@dataclass(frozen=True)
class Today:
    everyone: bool  # a manager's page; a screener's shows their own work
    at: datetime
    clocks: dict[str, Figure]  # "red", "amber", "green"
    waiting: Figure
    breaching: Figure
    immediate_not_taken: Figure
    checks_overdue: list[AgencyChecks]
    approvals: Figure  # decisions waiting for a manager
    checks_held: Figure | None  # checks without consent waiting for a manager
    screeners: list[ScreenerWork]
    received: list[Period]
    encompass_overdue: Figure
    encompass_due_soon: Figure


def _clocks(user: User, everyone: bool, now: datetime) -> tuple[dict[str, Figure], Figure, Figure]:
    clock_state = screening_selectors.clock_state
    mine = {} if everyone else {"assigned": "me"}
    contacts = Contact.objects.filter(screening_selectors.in_queue())
    if not everyone:
        contacts = contacts.filter(screening__assigned_to=user)
    states = ("red", "amber", "green", "breaching")
    counted = contacts.aggregate(
        waiting=Count("pk"),
        **{state: Count("pk", filter=clock_state(state, now)) for state in states},
    )
    clocks = {state: Figure(counted[state], _queue(rag=state, **mine)) for state in states[:3]}
    waiting = Figure(counted["waiting"], _queue(**mine))
    return clocks, waiting, Figure(counted["breaching"], _queue(rag="breaching", **mine))


def _immediate_not_taken() -> Figure:
    count = Contact.objects.filter(
        screening_selectors.in_queue(),
        screening_selectors.immediate(),
        screening_selectors.not_taken(),
    ).count()
    return Figure(count, _queue(immediate="on", assigned="unassigned"))


def _checks_overdue(user: User, everyone: bool, now: datetime) -> list[AgencyChecks]:
    checks = AgencyCheck.objects.filter(
        answer_overdue(now), screening_selectors.in_queue("contact__")
    )
    if not everyone:
        checks = checks.filter(contact__screening__assigned_to=user)
    mine = {} if everyone else {"assigned": "me"}
    return [
        AgencyChecks(
            agency_id=row["agency"],
            agency=row["agency__name"],
            overdue=Figure(
                row["count"], _queue(overdue_checks=str(row["agency"]), **mine), row["since"]
            ),
        )
        # Contacts, not checks: the queue's list behind the figure lists contacts.
        for row in checks.values("agency", "agency__name")
        .annotate(count=Count("contact", distinct=True), since=Min("sent_at"))
        .order_by("-count", "agency__name")
    ]


def _approvals(user: User, everyone: bool) -> tuple[Figure, Figure | None]:
    if not everyone:
        # Their own decisions waiting: the queue's contacts of theirs awaiting approval.
        waiting = Decision.objects.filter(
            approval=Decision.Approval.PENDING,
            contact__status=Contact.Status.AWAITING_APPROVAL,
            contact__screening__assigned_to=user,
        ).aggregate(count=Count("pk"), since=Min("decided_at"))
        url = _queue(status=Contact.Status.AWAITING_APPROVAL, assigned="me")
        return Figure(waiting["count"], url, waiting["since"]), None
    url = reverse("screening:approvals")
    decisions = (
        screening_selectors.approvals_pending(user=user)
        .order_by()
        .aggregate(count=Count("pk"), since=Min("decided_at"))
    )
    held = (
        screening_selectors.checks_awaiting_approval(user=user)
        .order_by()
        .aggregate(count=Count("pk"), since=Min("requested_at"))
    )
    return (
        Figure(decisions["count"], url, decisions["since"]),
        Figure(held["count"], url, held["since"]),
    )


def _screeners(now: datetime) -> list[ScreenerWork]:
    rows = (
        Contact.objects.filter(screening_selectors.in_queue(), screening__assigned_to__isnull=False)
        .values("screening__assigned_to", "screening__assigned_to__full_name")
        .annotate(
            count=Count("pk"),
            overdue=Count("pk", filter=screening_selectors.clock_state("red", now)),
        )
        .order_by("-count", "screening__assigned_to__full_name")
    )
    return [
        ScreenerWork(
            user_id=row["screening__assigned_to"],
            name=row["screening__assigned_to__full_name"],
            holding=Figure(row["count"], _queue(assigned=str(row["screening__assigned_to"]))),
            overdue=Figure(
                row["overdue"], _queue(assigned=str(row["screening__assigned_to"]), rag="red")
            ),
        )
        for row in rows
    ]


def _contacts_received(start, end) -> str:
    query = {"received_from": start.isoformat(), "received_to": end.isoformat()}
    return reverse("referrals:contact-list") + "?" + urlencode(query)


def _received(now: datetime) -> list[Period]:
    """Contacts received today and this week (Monday on), each against the same part of
    the day or week a week earlier, in one query over a fortnight of receipts."""
    today = now.astimezone(LONDON).date()
    monday = today - timedelta(days=today.weekday())
    week_ago = today - timedelta(days=7)
    # The same London wall-clock moment a week ago (an hour out across a clock change).
    moment_week_ago = datetime.combine(week_ago, now.astimezone(LONDON).time(), tzinfo=LONDON)
    last_monday = monday - timedelta(days=7)
    between = {
        "today": Q(received_at__gte=start_of(today)),
        "day_week_ago_by_now": Q(
            received_at__gte=start_of(week_ago), received_at__lt=moment_week_ago
        ),
        "day_week_ago": Q(
            received_at__gte=start_of(week_ago), received_at__lt=start_of(week_ago + timedelta(1))
        ),
        "week": Q(received_at__gte=start_of(monday)),
        "last_week_by_now": Q(received_at__lt=moment_week_ago),
        "last_week": Q(received_at__lt=start_of(monday)),
    }
    counted = Contact.objects.filter(
        received_at__gte=start_of(last_monday), received_at__lte=now
    ).aggregate(**{name: Count("pk", filter=when) for name, when in between.items()})
    return [
        Period(
            "Today so far",
            Figure(counted["today"], _contacts_received(today, today)),
            counted["day_week_ago_by_now"],
            Figure(counted["day_week_ago"], _contacts_received(week_ago, week_ago)),
        ),
        Period(
            "This week so far",
            Figure(counted["week"], _contacts_received(monday, today)),
            counted["last_week_by_now"],
            Figure(
                counted["last_week"],
                _contacts_received(last_monday, monday - timedelta(days=1)),
            ),
        ),
    ]


def _encompass(now: datetime) -> tuple[Figure, Figure]:
    counted = EncompassNotice.objects.filter(encompass_selectors.due_soon(now)).aggregate(
        soon=Count("pk"),
        overdue=Count("pk", filter=Q(due_at__lte=now)),
        since=Min("due_at"),
    )
    url = reverse("outcomes:encompass") + "?status="
    since = counted["since"] if counted["overdue"] else None
    return (
        Figure(counted["overdue"], url + "awaiting_school_overdue", since),
        Figure(counted["soon"], url + "awaiting_school_soon"),
    )


@dataclass(frozen=True)
class _Common:
    """What every screener's page shows alike: worked out once for all of them."""

    immediate_not_taken: Figure
    received: list[Period]
    encompass_overdue: Figure
    encompass_due_soon: Figure


def _common(now: datetime) -> _Common:
    encompass_overdue, encompass_due_soon = _encompass(now)
    return _Common(_immediate_not_taken(), _received(now), encompass_overdue, encompass_due_soon)


def _team(user: User, now: datetime) -> Today:
    common = _common(now)
    clocks, waiting, breaching = _clocks(user, True, now)
    approvals, checks_held = _approvals(user, True)
    return Today(
        everyone=True,
        at=now,
        clocks=clocks,
        waiting=waiting,
        breaching=breaching,
        immediate_not_taken=common.immediate_not_taken,
        checks_overdue=_checks_overdue(user, True, now),
        approvals=approvals,
        checks_held=checks_held,
        screeners=_screeners(now),
        received=common.received,
        encompass_overdue=common.encompass_overdue,
        encompass_due_soon=common.encompass_due_soon,
    )


def _own(user: User, now: datetime, common: _Common) -> Today:
    clocks, waiting, breaching = _clocks(user, False, now)
    approvals, _ = _approvals(user, False)
    return Today(
        everyone=False,
        at=now,
        clocks=clocks,
        waiting=waiting,
        breaching=breaching,
        immediate_not_taken=common.immediate_not_taken,
        checks_overdue=_checks_overdue(user, False, now),
        approvals=approvals,
        checks_held=None,
        screeners=[],
        received=common.received,
        encompass_overdue=common.encompass_overdue,
        encompass_due_soon=common.encompass_due_soon,
    )


def today(*, user: User, fresh: bool = True) -> Today | None:
    """The figures this user's today page shows, or None for someone who may not see it.
    A manager's are the whole front door's, the same for every manager; a screener's mix
    their own work with what every screener sees alike. Unless ``fresh``, what is the
    same for everyone may be as another request counted it in the last few seconds
    (``frontdoor.shared_figures``): the page's polls, not a person opening the page."""
    if not may_see(user):
        return None
    now = timezone.now()
    if sees_everyone(user):
        # Every manager's page counts alike (restricted contacts are counted, not named).
        return shared("today:team", lambda: _team(user, now), fresh=fresh)
    common = shared("today:common", lambda: _common(now), fresh=fresh)
    return _own(user, now, common)
