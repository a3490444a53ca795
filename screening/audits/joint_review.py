"""The weekly joint review (Norfolk's model): a week's decisions by the agency that
made the contact and the route decided, with the weeks before it, for a manager to go
through with partner agencies.

A week's decisions are those that came to stand in it
(``DecisionQuerySet.began_standing_between``), the same the audit sample is drawn
from. A restricted contact not open to the reader is counted and listed by reference
only.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, F, IntegerField, Min, QuerySet, Value, When
from django.db.models.functions import Lower
from django.utils import timezone

from frontdoor.models import Agency, User
from referrals import selectors as referral_selectors
from screening.audits.selectors import can_audit
from screening.audits.weeks import (
    last_complete_week,
    week_bounds,
    week_label,
    week_of,
    weeks_before,
)
from screening.models import Decision, Route

TREND_WEEKS = 8
WEEKS_OFFERED = 26
DECISIONS_PER_PAGE = 50
NO_AGENCY = "No partner agency (public, anonymous)"
ROUTES = list(Route)


class WeekError(ValueError):
    """A week asked for that cannot be shown; the message says why."""


def first_week() -> date:
    """The week of the service's first decision (last week before there is one): no
    week before it has anything to review."""
    first = Decision.objects.aggregate(first=Min("decided_at"))["first"]
    return week_of(timezone.localdate(first)) if first else last_complete_week()


def week_parse(text: str, today: date | None = None, earliest: date | None = None) -> date:
    """The Monday of the week holding the date ``text`` (YYYY-MM-DD), from the week of
    ``earliest`` (the service's first decision, by default) to this week."""
    today = today or timezone.localdate()
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise WeekError("Choose a week from the list") from None
    if week_of(day) > week_of(today):
        raise WeekError("That week has not started yet: choose this week or an earlier one")
    earliest = week_of(earliest or first_week())
    if week_of(day) < earliest:
        raise WeekError(
            f"There are no decisions before the week of {week_label(earliest)}: "
            "choose that week or a later one"
        )
    return week_of(day)


def weeks_offered(
    today: date | None = None, earliest: date | None = None
) -> list[tuple[date, str]]:
    """Up to ``WEEKS_OFFERED`` weeks, this one first, none before ``earliest``."""
    this_week = week_of(today or timezone.localdate())
    earliest = min(week_of(earliest or first_week()), this_week - timedelta(days=7))
    weeks = [w for w in weeks_before(this_week, WEEKS_OFFERED) if w >= earliest]
    return [(week, week_label(week)) for week in reversed(weeks)]


def _agency_names(ids) -> dict[int | None, str]:
    names: dict[int | None, str] = dict(
        Agency.objects.filter(pk__in={i for i in ids if i}).values_list("pk", "name")
    )
    names[None] = NO_AGENCY
    return names


@dataclass
class RouteGroup:
    """A page's decisions from one agency on one route, and how many the week had."""

    agency: str
    route: Route
    decisions: list[Decision]
    of: int
    first_of_agency: bool  # the page's first from this agency: its heading goes above


@dataclass
class AgencyGroup:
    name: str
    counts: list[int]  # by route, in ROUTES order

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass
class TrendLine:
    week_start: date
    counts: list[int]  # by route
    by_agency: dict[str, int] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return week_label(self.week_start)

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass
class JointReview:
    week_start: date
    groups: list[AgencyGroup]
    trend: list[TrendLine]  # oldest first, ending with this week
    page: Page | None = None  # of the week's decisions, in the order listed
    listed: list[RouteGroup] = field(default_factory=list)  # the page's, grouped
    earliest: date | None = None

    @property
    def label(self) -> str:
        return week_label(self.week_start)

    @property
    def route_totals(self) -> list[int]:
        return [sum(g.counts[i] for g in self.groups) for i in range(len(ROUTES))]

    @property
    def total(self) -> int:
        return sum(g.total for g in self.groups)

    @property
    def decisions(self) -> list[Decision]:
        """The decisions listed on this page."""
        return [d for r in self.listed for d in r.decisions]

    @property
    def agencies_over_time(self) -> list[tuple[str, list[int]]]:
        """Each agency of the trend's weeks (this week's first), its count each week."""
        names = [g.name for g in self.groups]
        for line in self.trend:
            names += [name for name in sorted(line.by_agency) if name not in names]
        return [(name, [line.by_agency.get(name, 0) for line in self.trend]) for name in names]

    @property
    def previous(self) -> date | None:
        before = self.week_start - timedelta(days=7)
        return before if self.earliest is None or before >= self.earliest else None

    @property
    def next(self) -> date | None:
        following = self.week_start + timedelta(days=7)
        return following if following <= week_of(timezone.localdate()) else None


def _week_decisions(week_start: date):
    return Decision.objects.began_standing_between(*week_bounds(week_start))


def _counts(week: date) -> tuple[Counter, Counter, dict]:
    """The week's decisions counted by route and by agency name, and by both."""
    rows = list(
        _week_decisions(week)
        .values("route", agency=F("contact__source_agency_id"))
        .annotate(count=Count("pk"))
        .order_by()
    )
    names = _agency_names(row["agency"] for row in rows)
    by_route: Counter = Counter()
    by_agency: Counter = Counter()
    both: dict[str, Counter] = {}
    for row in rows:
        name = names[row["agency"]]
        by_route[row["route"]] += row["count"]
        by_agency[name] += row["count"]
        both.setdefault(name, Counter())[row["route"]] += row["count"]
    return by_route, by_agency, both


def _trend(week_start: date) -> tuple[list[TrendLine], dict]:
    """The trend's lines, and the last (this) week's counts by agency and route."""
    lines = []
    both: dict = {}
    for week in weeks_before(week_start, TREND_WEEKS):
        by_route, by_agency, both = _counts(week)
        lines.append(TrendLine(week, [by_route[r.value] for r in ROUTES], dict(by_agency)))
    return lines, both


def _agency_order(name: str) -> tuple[bool, str]:
    """Agencies by name as a person reads a list, the public last."""
    return (name == NO_AGENCY, name.lower())


def week_decisions_listed(*, user: User, week_start: date) -> QuerySet[Decision]:
    """The week's decisions in the order listed: by agency (the public last), route,
    then when received. Each carries ``closed`` (its contact is restricted to people
    other than ``user``)."""
    route_order = Case(
        *[When(route=route.value, then=Value(i)) for i, route in enumerate(ROUTES)],
        output_field=IntegerField(),
    )
    return (
        _week_decisions(week_start)
        .select_related(
            "contact__source_agency",
            "contact__referral_source",
            "decided_by",
            "approved_by",
            "threshold_level",
        )
        .annotate(closed=referral_selectors.closed_to(user, "contact_id"))
        .order_by(
            Lower("contact__source_agency__name").asc(nulls_last=True),
            "contact__source_agency__name",
            route_order,
            "contact__received_at",
            "pk",
        )
    )


def _agency_name(decision: Decision) -> str:
    agency = decision.contact.source_agency
    return agency.name if agency else NO_AGENCY


def _listed(decisions, both: dict) -> list[RouteGroup]:
    listed: list[RouteGroup] = []
    for decision in decisions:
        name = _agency_name(decision)
        last = listed[-1] if listed else None
        if last and (last.agency, last.route.value) == (name, decision.route):
            last.decisions.append(decision)
            continue
        listed.append(
            RouteGroup(
                agency=name,
                route=Route(decision.route),
                decisions=[decision],
                of=both.get(name, Counter())[decision.route],
                first_of_agency=not last or last.agency != name,
            )
        )
    return listed


def joint_review(*, user: User, week_start: date, page: str | int | None = 1) -> JointReview:
    """The week's decisions for the joint review, for a manager: the counts of them
    all, and page ``page`` of the list (``DECISIONS_PER_PAGE`` to a page)."""
    if not can_audit(user):
        return JointReview(week_start, [], [])
    trend, both = _trend(week_start)
    groups = [
        AgencyGroup(name=name, counts=[both[name][r.value] for r in ROUTES])
        for name in sorted(both, key=_agency_order)
    ]
    shown = Paginator(week_decisions_listed(user=user, week_start=week_start), DECISIONS_PER_PAGE)
    listing = shown.get_page(page)
    return JointReview(
        week_start,
        groups,
        trend,
        page=listing,
        listed=_listed(listing.object_list, both),
        earliest=first_week(),
    )


CSV_HEADER = [
    "Week",
    "Source agency",
    "Route",
    "Contact",
    "Received",
    "Decided",
    "Threshold",
    "Re-referral",
    "Decided by",
    "Approved by",
    "Rationale",
]
RESTRICTED_NOTE = "Restricted record: details are for the people named on it"


def csv_rows(*, user: User, week_start: date) -> tuple[list[list], list[str]]:
    """One row a decision of the week, all of them, for the CSV (made safe for
    spreadsheets by the writer); and the references of the contacts whose details it
    holds (not the restricted ones closed to ``user``)."""
    label = week_label(week_start)
    rows = []
    shown = []
    for decision in week_decisions_listed(user=user, week_start=week_start).iterator(2000):
        contact = decision.contact
        shared = [
            label,
            _agency_name(decision),
            Route(decision.route).label,
            contact.reference,
            timezone.localtime(contact.received_at).strftime("%Y-%m-%d %H:%M"),
            timezone.localtime(decision.decided_at).strftime("%Y-%m-%d %H:%M"),
        ]
        if decision.closed:
            rows.append([*shared, "", "", "", "", RESTRICTED_NOTE])
            continue
        shown.append(contact.reference)
        rows.append(
            [
                *shared,
                str(decision.threshold_level),
                "Yes" if decision.is_re_referral else "No",
                decision.decided_by.full_name,
                decision.approved_by.full_name if decision.approved_by else "",
                decision.rationale,
            ]
        )
    return rows, shown
