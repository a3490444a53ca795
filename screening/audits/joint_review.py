"""The weekly joint review (Norfolk's model): a week's decisions by the agency that
made the contact and the route decided, with the weeks before it, for a manager to go
through with partner agencies.

A week's decisions are those that came to stand in it
(``DecisionQuerySet.began_standing_between``), the same the audit sample is drawn
from. A restricted contact not open to the reader is counted and listed by reference
only.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, F
from django.utils import timezone

from frontdoor.models import Agency, User
from referrals import selectors as referral_selectors
from screening.audits.selectors import can_audit
from screening.audits.weeks import week_bounds, week_label, week_of, weeks_before
from screening.models import Decision, Route

TREND_WEEKS = 8
WEEKS_OFFERED = 26
NO_AGENCY = "No partner agency (public, anonymous)"
ROUTES = list(Route)


class WeekError(ValueError):
    """A week asked for that cannot be shown; the message says why."""


def week_parse(text: str, today: date | None = None) -> date:
    """The Monday of the week holding the date ``text`` (YYYY-MM-DD)."""
    today = today or timezone.localdate()
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise WeekError("Choose a week from the list") from None
    if day.year < 2000:
        raise WeekError("Choose a week from the list")
    if week_of(day) > week_of(today):
        raise WeekError("That week has not started yet: choose this week or an earlier one")
    return week_of(day)


def weeks_offered(today: date | None = None) -> list[tuple[date, str]]:
    this_week = week_of(today or timezone.localdate())
    return [(week, week_label(week)) for week in reversed(weeks_before(this_week, WEEKS_OFFERED))]


def _agency_names(ids) -> dict[int | None, str]:
    names: dict[int | None, str] = dict(
        Agency.objects.filter(pk__in={i for i in ids if i}).values_list("pk", "name")
    )
    names[None] = NO_AGENCY
    return names


@dataclass
class RouteGroup:
    route: Route
    decisions: list[Decision]


@dataclass
class AgencyGroup:
    name: str
    routes: list[RouteGroup]
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
        return [d for g in self.groups for r in g.routes for d in r.decisions]

    @property
    def agencies_over_time(self) -> list[tuple[str, list[int]]]:
        """Each agency of the trend's weeks (this week's first), its count each week."""
        names = [g.name for g in self.groups]
        for line in self.trend:
            names += [name for name in sorted(line.by_agency) if name not in names]
        return [(name, [line.by_agency.get(name, 0) for line in self.trend]) for name in names]

    @property
    def previous(self) -> date:
        return self.week_start - timedelta(days=7)

    @property
    def next(self) -> date | None:
        following = self.week_start + timedelta(days=7)
        return following if following <= week_of(timezone.localdate()) else None


def _week_decisions(week_start: date):
    return Decision.objects.began_standing_between(*week_bounds(week_start))


def _trend(week_start: date) -> list[TrendLine]:
    lines = []
    for week in weeks_before(week_start, TREND_WEEKS):
        rows = list(
            _week_decisions(week)
            .values("route", agency=F("contact__source_agency_id"))
            .annotate(count=Count("pk"))
            .order_by()
        )
        names = _agency_names(row["agency"] for row in rows)
        by_route: Counter = Counter()
        by_agency: Counter = Counter()
        for row in rows:
            by_route[row["route"]] += row["count"]
            by_agency[names[row["agency"]]] += row["count"]
        lines.append(TrendLine(week, [by_route[r.value] for r in ROUTES], dict(by_agency)))
    return lines


def joint_review(*, user: User, week_start: date) -> JointReview:
    """The week's decisions for the joint review, for a manager. Each decision carries
    ``closed`` (its contact is restricted to people other than ``user``)."""
    if not can_audit(user):
        return JointReview(week_start, [], [])
    decisions = list(
        _week_decisions(week_start)
        .select_related(
            "contact__source_agency",
            "contact__referral_source",
            "decided_by",
            "approved_by",
            "threshold_level",
        )
        .annotate(closed=referral_selectors.closed_to(user, "contact_id"))
        .order_by("contact__received_at", "pk")
    )
    by_agency: dict[str, dict[str, list[Decision]]] = defaultdict(lambda: defaultdict(list))
    for decision in decisions:
        agency = decision.contact.source_agency
        by_agency[agency.name if agency else NO_AGENCY][decision.route].append(decision)
    # Agencies by name, the public last; routes in the order the decision form gives.
    names = sorted(by_agency, key=lambda name: (name == NO_AGENCY, name.lower()))
    groups = []
    for name in names:
        routes = by_agency[name]
        groups.append(
            AgencyGroup(
                name=name,
                routes=[RouteGroup(r, routes[r.value]) for r in ROUTES if routes.get(r.value)],
                counts=[len(routes.get(r.value, [])) for r in ROUTES],
            )
        )
    return JointReview(week_start, groups, _trend(week_start))


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


def csv_rows(review: JointReview) -> list[list]:
    """One row a decision, for the CSV (made safe for spreadsheets by the writer)."""
    rows = []
    for group in review.groups:
        for route_group in group.routes:
            for decision in route_group.decisions:
                contact = decision.contact
                shared = [
                    review.label,
                    group.name,
                    route_group.route.label,
                    contact.reference,
                    timezone.localtime(contact.received_at).strftime("%Y-%m-%d %H:%M"),
                    timezone.localtime(decision.decided_at).strftime("%Y-%m-%d %H:%M"),
                ]
                if decision.closed:
                    rows.append([*shared, "", "", "", "", RESTRICTED_NOTE])
                    continue
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
    return rows
