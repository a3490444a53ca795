"""Reads for the steering-group scorecard, scoped to the acting user.

Aggregates are for anyone holding ``view_performance`` (managers, performance
viewers, partner-agency members of the MAST); the contacts behind a figure only for
``view_performance_records`` (managers), as are Ofsted's Annex A lists
(``outcomes/returns/annex_a.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone

from frontdoor.london import LONDON
from frontdoor.models import Agency, ReferralSource, User
from frontdoor.replica import reporting_reads
from frontdoor.roles import Permission
from outcomes.models import NationalFigure, ScorecardSnapshot
from outcomes.scorecard.definitions import ALWAYS_COUNTED, DEFINITIONS_VERSION
from outcomes.scorecard.fact_queries import NO_AGENCY
from outcomes.scorecard.facts import ContactFact, Item, load_facts
from outcomes.scorecard.kept import ALL, kept_parts
from outcomes.scorecard.measures import Figure, Figures, Totals, compute, needs_of, section_of
from outcomes.scorecard.parts import (
    KeptMonthGone,
    MonthPart,
    agencies_in,
    is_empty,
    merge,
    month_part,
)
from outcomes.scorecard.periods import Granularity, Period
from referrals import selectors as referral_selectors
from referrals.models import Contact, ContactSubject


def can_view_scorecard(user: User) -> bool:
    return user.is_authenticated and user.has_perm(Permission.VIEW_PERFORMANCE.perm)


def can_open_records(user: User) -> bool:
    return user.is_authenticated and user.has_perm(Permission.VIEW_PERFORMANCE_RECORDS.perm)


@dataclass(frozen=True)
class AgencyGroup:
    key: str  # an agency's id, or NO_AGENCY for the public and anonymous
    name: str

    def includes(self, fact: ContactFact) -> bool:
        if self.key == NO_AGENCY:
            return fact.agency_id is None
        return str(fact.agency_id) == self.key


@dataclass
class Scorecard:
    period: Period
    as_at: datetime
    figures: Figures
    trend: list[tuple[Period, Figures]]
    monthly: list[tuple[Period, Figures]]
    by_agency: list[tuple[AgencyGroup, Figures]]
    national: dict[str, NationalFigure]
    source_labels: dict[str, str]
    kept: ScorecardSnapshot | None = None  # when it comes from a kept count


def _agency_groups(facts_contacts, period: Period) -> list[AgencyGroup]:
    ids = {fact.agency_id for fact in facts_contacts if period.contains(fact.received_on)}
    groups = [
        AgencyGroup(str(agency.pk), agency.name)
        for agency in Agency.objects.filter(pk__in=ids - {None}).order_by("name")
    ]
    if None in ids:
        groups.append(AgencyGroup(NO_AGENCY, "No partner agency (public, anonymous)"))
    return groups


def _chart_months(period: Period) -> list[Period]:
    last_month = Period.containing(period.end, Granularity.MONTH).previous()
    return [last_month.shifted(offset) for offset in range(-11, 1)]


def months_of_card(period: Period) -> list[date]:
    """Every month a scorecard for ``period`` counts: its trend's and its chart's."""
    return sorted(
        {m.start for each in (*period.trend(), *_chart_months(period)) for m in each.months()}
    )


# Counted on the replica when there is one (docs/adr/0047). Not figure_get: its items
# are looked up on the primary next, and must all be there.
@reporting_reads()
def scorecard_count(*, period: Period, as_at: datetime) -> Scorecard:
    """Every measure for ``period`` as at ``as_at``, with its trend over earlier
    periods, the twelve months to its end (for the charts) and the split by source
    agency: the sums of kept months (docs/adr/0049) and the others counted live, or
    all counted afresh when no kept month holds at ``as_at``."""
    trend = period.trend()
    months = _chart_months(period)
    for _ in range(KEPT_TRIES):
        kept = kept_parts(months_of_card(period), as_at)
        if not kept:
            break
        try:
            return _scorecard_from_parts(period, as_at, trend, months, kept)
        except KeptMonthGone:
            continue  # a month kept again while counting: from what holds now
    return scorecard_count_afresh(period=period, as_at=as_at)


KEPT_TRIES = 3


def _live_parts(months: list[date], as_at: datetime) -> dict[date, dict[str, MonthPart]]:
    """The parts of months not kept (or not holding at ``as_at``), counted live: each
    run of consecutive months from one load of facts."""
    parts: dict[date, dict[str, MonthPart]] = {}
    runs: list[list[date]] = []
    for month in sorted(months):
        if runs and Period(runs[-1][-1], Granularity.MONTH).next().start == month:
            runs[-1].append(month)
        else:
            runs.append([month])
    for run in runs:
        facts = load_facts(
            start=run[0], end=Period(run[-1], Granularity.MONTH).end, as_at=as_at, linked_only=True
        )
        for start in run:
            month = Period(start, Granularity.MONTH)
            parts[start] = {ALL: month_part(facts, month)}
            # As a kept month is split (services_months.months_keep).
            for key in agencies_in(facts, month):
                part = month_part(facts, month, AgencyGroup(key, "").includes)
                if not is_empty(part):
                    parts[start][key] = part
    return parts


def _scorecard_from_parts(period, as_at, trend, months, kept) -> Scorecard:
    every_month = months_of_card(period)
    parts = {**kept, **_live_parts([m for m in every_month if m not in kept], as_at)}

    def figures(each: Period, agency: str = ALL) -> Figures:
        return merge(
            [parts[m.start][agency] for m in each.months() if agency in parts[m.start]], as_at
        )

    counted = {key for m in period.months() for key in parts[m.start] if key != ALL}
    # In the database's order of names, as a fresh count lists them (its collation, not
    # Python's: "eSafety" and "Education" sort differently).
    groups = [
        AgencyGroup(str(pk), name)
        for pk, name in Agency.objects.filter(pk__in=[k for k in counted if k.isdigit()])
        .order_by("name")
        .values_list("pk", "name")
    ]
    if NO_AGENCY in counted:
        groups.append(AgencyGroup(NO_AGENCY, "No partner agency (public, anonymous)"))
    by_agency = [(group, figures(period, group.key)) for group in groups]
    trend_figures = [(each, figures(each)) for each in trend]
    return Scorecard(
        period=period,
        as_at=as_at,
        figures=trend_figures[-1][1],
        trend=trend_figures,
        monthly=[(month, figures(month)) for month in months],
        by_agency=[(g, f) for g, f in by_agency if f["contacts"].count],
        national=national_figures(),
        source_labels=source_labels(),
    )


def scorecard_count_afresh(*, period: Period, as_at: datetime) -> Scorecard:
    """Count every measure for ``period`` afresh from row-level facts (the live path:
    what kept months are checked against)."""
    trend = period.trend()
    months = _chart_months(period)
    start = min(trend[0].start, months[0].start)
    facts = load_facts(start=start, end=period.end, as_at=as_at)

    trend_figures = [(each, compute(facts, each)) for each in trend]
    by_agency = [
        (group, compute(facts, period, group.includes))
        for group in _agency_groups(facts.contacts.values(), period)
    ]
    return Scorecard(
        period=period,
        as_at=as_at,
        figures=trend_figures[-1][1],
        trend=trend_figures,
        monthly=[(month, compute(facts, month)) for month in months],
        by_agency=by_agency,
        national=national_figures(),
        source_labels=source_labels(),
    )


def as_at_parse(text: str) -> datetime | None:
    """The moment a scorecard link, download or API call asks to count at: an ISO 8601
    date and time, London time when it gives no offset; a moment still to come counts
    as now. None for no moment (the latest kept count). ValueError when unreadable."""
    text = text.strip()
    if not text:
        return None
    moment = datetime.fromisoformat(text)
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=LONDON)
    try:
        moment = moment.astimezone(UTC)
    except OverflowError:  # "0001-01-01T00:00+14:00" is before the first moment there is
        raise ValueError("out of range") from None
    return min(moment, timezone.now())


def scorecard_get(*, user: User, period: Period, as_at: datetime | None = None) -> Scorecard:
    """The scorecard as kept (counted overnight, or when someone asked for a recount):
    the latest kept count without ``as_at``, the one made at ``as_at`` with it. With
    none kept, it is counted now, which at a region's scale takes a while."""
    if not can_view_scorecard(user):
        raise PermissionDenied
    kept = ScorecardSnapshot.objects.filter(period=period.key)
    snapshot = kept.filter(as_at=as_at).first() if as_at else kept.order_by("-as_at").first()
    if snapshot is not None and snapshot_is_complete(snapshot):
        return scorecard_from_snapshot(snapshot, period)
    return scorecard_count(period=period, as_at=as_at or timezone.now())


def snapshot_is_complete(snapshot: ScorecardSnapshot) -> bool:
    """Whether a kept count holds every measure the scorecard now shows, under today's
    definitions; one kept before a measure was added or redefined (repeat contacts
    counted forward) is counted afresh instead (until tonight's count)."""
    if snapshot.figures.get("definitions") != DEFINITIONS_VERSION:
        return False
    trend = snapshot.figures.get("trend") or []
    return bool(trend) and all(key in trend[-1][1] for key in ALWAYS_COUNTED)


def _totals(figures: dict) -> dict[str, Totals]:
    return {key: Totals(*numbers) for key, numbers in figures.items()}


def scorecard_from_snapshot(snapshot: ScorecardSnapshot, period: Period) -> Scorecard:
    kept = snapshot.figures
    trend = [(Period.parse(key), _totals(figures)) for key, figures in kept["trend"]]
    return Scorecard(
        period=period,
        as_at=snapshot.as_at,
        figures=trend[-1][1],
        trend=trend,
        monthly=[(Period.parse(key), _totals(figures)) for key, figures in kept["monthly"]],
        by_agency=[
            (AgencyGroup(key, name), _totals(figures)) for key, name, figures in kept["by_agency"]
        ],
        national=national_figures(),
        source_labels=source_labels(),
        kept=snapshot,
    )


def national_figures() -> dict[str, NationalFigure]:
    return {figure.measure: figure for figure in NationalFigure.objects.all()}


def figure_get(
    *, user: User, period: Period, as_at: datetime, key: str, agency: str = ""
) -> Figure:
    """One figure, recomputed exactly as the scorecard showed it (same ``as_at``)."""
    if not can_open_records(user):
        raise PermissionDenied
    if agency:
        agency_name(agency)  # 404 for an agency that does not exist
    if section_of(key) is None:
        raise Http404("No such figure")
    # Only what this figure reads: of the year before, only what is linked to the
    # period (docs/adr/0049), and where it looks at no other agency's contacts, only
    # its agency's. The same counting as the scorecard's, over fewer facts.
    facts = load_facts(
        start=period.start,
        end=period.end,
        as_at=as_at,
        linked_only=True,
        needs=needs_of(key, agency),
    )
    belongs = AgencyGroup(agency, "").includes if agency else None
    figures = compute(facts, period, belongs, only=key)
    if key not in figures:
        raise Http404("No such figure")
    return figures[key]


@dataclass(frozen=True)
class FigureRow:
    contact: Contact
    child: ContactSubject | None
    returned_with: Contact | None = None  # the contact a child came back with


def figure_rows(*, user: User, items: tuple[Item, ...]) -> list[FigureRow]:
    """The contacts (and the child, where a figure counts children) behind a figure."""
    if not can_open_records(user):
        raise PermissionDenied
    contacts = (
        referral_selectors.contacts_visible_to(user=user)
        .filter(pk__in={item.contact_id for item in items})
        .select_related("source_agency", "referral_source")
        .prefetch_related(
            Prefetch(
                "subjects",
                queryset=ContactSubject.objects.filter(role__in=ContactSubject.CHILD_ROLES),
                to_attr="child_subjects",
            )
        )
    )
    by_id = {contact.pk: contact for contact in contacts}
    returns = {
        contact.pk: contact
        for contact in referral_selectors.contacts_visible_to(user=user).filter(
            pk__in={item.returned_with for item in items if item.returned_with}
        )
    }
    rows = []
    for item in items:
        contact = by_id[item.contact_id]
        child = next((s for s in contact.child_subjects if s.pk == item.subject_id), None)
        rows.append(FigureRow(contact, child, returns.get(item.returned_with)))
    return rows


def source_labels() -> dict[str, str]:
    """CIN census referral-source codes and their labels (reference data, no case data)."""
    return dict(ReferralSource.objects.values_list("code", "label"))


def agency_name(key: str) -> str:
    if key == NO_AGENCY:
        return "No partner agency (public, anonymous)"
    # Only an id as the scorecard writes it (str(pk)): "²" is a digit to isdigit(), and
    # "0012" or Arabic-Indic digits would name an agency whose contacts the split by
    # agency (which compares keys as written) then never finds.
    written = len(key) < 19 and key.isascii() and key.isdigit() and key == str(int(key))
    agency = Agency.objects.filter(pk=int(key)).first() if written else None
    if agency is None:
        raise Http404("No such agency")
    return agency.name
