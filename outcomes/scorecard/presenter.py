"""The scorecard as its pages and PDF pack show it: every figure as a cell with its
links to the records behind it, the changes on last period, and the charts."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from django.urls import reverse

from frontdoor.london import LONDON
from outcomes.scorecard import charts, selectors
from outcomes.scorecard.definitions import HEADLINE_MEASURES, MEASURES_BY_KEY, Kind, maturing_until
from outcomes.scorecard.measures import Figure, Figures
from outcomes.scorecard.periods import Period
from outcomes.scorecard.tables import (
    BREAKDOWN_TITLES,
    EXTRA_FIGURES,
    Row,
    breakdown_rows,
    display,
    headline_rows,
)
from screening.models import Route

# After the routes: contacts withdrawn before any decision (ADR 0036), then undecided.
UNDECIDED_KEYS = ("withdrawn", "not_decided")
WITHDRAWN_COLOUR = "#912b88"  # GOV.UK magenta: 7:1 against white, apart from the routes'
ROUTE_COLOURS = dict(zip([route.value for route in Route], charts.PALETTE, strict=False))

AGENCY_MEASURES = (
    "contacts",
    "referrals",
    "re_referrals",
    "assessment_conversion",
    "assessment_nfa",
    "repeat_not_progressed",
    "strategy_icpc",
    "icpc_within_15_days",
    "assessment_within_45_days",
    "timeliness",
)


def query_string(**values) -> str:
    return urlencode({k: v for k, v in values.items() if v not in (None, "")})


class Links:
    def __init__(self, *, period: Period, as_at: datetime, can_open: bool) -> None:
        self.period, self.as_at, self.can_open = period, as_at.isoformat(), can_open

    def figure(self, key: str, part: str = "numerator", agency: str = "", period=None) -> str:
        if not self.can_open:
            return ""
        return (
            reverse("outcomes:scorecard-figure")
            + "?"
            + query_string(
                period=(period or self.period).key,
                as_at=self.as_at,
                figure=key,
                part=part,
                agency=agency,
            )
        )

    def download(self, name: str) -> str:
        return reverse(name) + "?" + query_string(period=self.period.key, as_at=self.as_at)


def _cell(
    figure: Figure,
    kind: Kind,
    key: str,
    links: Links,
    agency: str = "",
    period=None,
    label: str = "",
    maturing=None,
):
    """One figure on the page; ``label`` tells a screen reader what a bare number is;
    ``maturing`` is the last day a figure counted forward can still rise, if it can."""
    has_base = kind is Kind.RATE and figure.base is not None
    return {
        "label": label,
        "maturing": maturing,
        "display": display(kind, figure),
        "numerator": figure.count if kind is not Kind.HOURS else None,
        "denominator": figure.base if has_base else None,
        "href": links.figure(key, agency=agency, period=period) if kind is not Kind.HOURS else "",
        "base_href": links.figure(key, "denominator", agency, period) if has_base else "",
        "hours_href": links.figure(key, agency=agency, period=period) if kind is Kind.HOURS else "",
    }


def _change(kind: Kind, now: Figure, before: Figure) -> str:
    if kind is Kind.RATE:
        if now.percent is None or before.percent is None:
            return ""
        delta, unit = now.percent - before.percent, " points"
    elif kind is Kind.HOURS:
        if now.hours is None or before.hours is None:
            return ""
        delta, unit = now.hours - before.hours, " hours"
    else:
        delta, unit = now.count - before.count, ""
    if abs(delta) < 0.05:
        return "no change"
    amount = f"{abs(delta):.1f}".removesuffix(".0")
    if amount == "1" and unit:
        unit = unit.rstrip("s")
    return f"{'up' if delta > 0 else 'down'} {amount}{unit}"


def scorecard_context(card: selectors.Scorecard, *, can_open: bool) -> dict:
    links = Links(period=card.period, as_at=card.as_at, can_open=can_open)
    previous = card.trend[-2][1] if len(card.trend) > 1 else None
    previous_period = card.trend[-2][0] if previous else None

    def maturing(key: str, period: Period):
        return maturing_until(key, period, card.as_at)

    headline = []
    for row in headline_rows(card.figures):
        national = card.national.get(row.key)
        headline.append(
            {
                "row": row,
                "definition": MEASURES_BY_KEY[row.key].definition,
                "cell": _cell(
                    row.figure,
                    row.kind,
                    row.key,
                    links,
                    label=row.measure,
                    maturing=maturing(row.key, card.period),
                ),
                "previous": display(row.kind, previous[row.key]) if previous else "",
                "previous_maturing": maturing(row.key, previous_period) if previous else None,
                "change": _change(row.kind, row.figure, previous[row.key]) if previous else "",
                "national": national,
            }
        )
    breakdowns = [
        {
            "title": title,
            "rows": [
                {
                    "row": row,
                    "cell": _cell(
                        row.figure, Kind.RATE, row.key, links, label=f"{title}: {row.breakdown}"
                    ),
                }
                for row in breakdown_rows(card.figures, dimension, card.source_labels)
            ],
        }
        for dimension, title in BREAKDOWN_TITLES.items()
    ]
    extras = [
        {
            "row": Row(key, title, "", kind, card.figures[key]),
            "cell": _cell(card.figures[key], kind, key, links, label=title),
        }
        for key, (title, kind) in EXTRA_FIGURES.items()
    ]
    trend = [
        {
            "measure": measure,
            "cells": [
                _cell(
                    figures[measure.key],
                    measure.kind,
                    measure.key,
                    links,
                    period=period,
                    label=f"{measure.title}, {period.label}",
                    maturing=maturing(measure.key, period),
                )
                for period, figures in card.trend
            ],
        }
        for measure in HEADLINE_MEASURES
    ]
    by_agency = [
        {
            "group": group,
            "cells": [
                _cell(
                    figures[key],
                    MEASURES_BY_KEY[key].kind,
                    key,
                    links,
                    agency=group.key,
                    label=f"{MEASURES_BY_KEY[key].title}, {group.name}",
                    maturing=maturing(key, card.period),
                )
                for key in AGENCY_MEASURES
            ],
        }
        for group, figures in card.by_agency
    ]
    return {
        "card": card,
        "period": card.period,
        "as_at_local": card.as_at.astimezone(LONDON),
        "headline": headline,
        "breakdowns": breakdowns,
        "extras": extras,
        "trend": trend,
        "trend_periods": [period for period, _ in card.trend],
        "agency_measures": [MEASURES_BY_KEY[key] for key in AGENCY_MEASURES],
        "by_agency": by_agency,
        "charts": _charts(card),
        "maturing": _maturing_note(card),
        "monthly": [
            {
                "month": month,
                "counts": [figures.get(f"route:{route.value}", Figure(())).count for route in Route]
                + [figures.get(f"route:{key}", Figure(())).count for key in UNDECIDED_KEYS],
                "total": figures["contacts"].count,
            }
            for month, figures in card.monthly
        ],
        "route_labels": [route.label for route in Route] + ["Withdrawn", "Not decided yet"],
        "funnel": funnel(card.figures),
        "links": links,
        "can_open": can_open,
    }


def _maturing_note(card: selectors.Scorecard) -> dict | None:
    """What the page says when the chosen period's figures counted forward can still
    rise: which measure, and until when."""
    for measure in HEADLINE_MEASURES:
        until = maturing_until(measure.key, card.period, card.as_at)
        if until is not None:
            return {"measure": measure, "until": until}
    return None


def _charts(card: selectors.Scorecard) -> dict:
    month_labels = [f"{month.start:%b %Y}" for month, _ in card.monthly]
    route_series = [
        charts.Series(
            route.label,
            [figures.get(f"route:{route.value}", Figure(())).count for _, figures in card.monthly],
            ROUTE_COLOURS[route.value],
        )
        for route in Route
    ] + [
        charts.Series(
            "Withdrawn",
            [figures.get("route:withdrawn", Figure(())).count for _, figures in card.monthly],
            WITHDRAWN_COLOUR,
        ),
        charts.Series(
            "Not decided yet",
            [figures.get("route:not_decided", Figure(())).count for _, figures in card.monthly],
            charts.PALETTE[5],
        ),
    ]
    trend_labels = [period.short_label for period, _ in card.trend]
    re_referral = card.national.get("re_referrals")
    return {
        "monthly_routes": charts.stacked_bars(
            "Contacts each month by route",
            f"Contacts received in each of the 12 months to {card.period.end:%B %Y} "
            "(exclusive), stacked by the route of their standing decision.",
            month_labels,
            route_series,
        ),
        "re_referrals": charts.lines(
            "Re-referral rate",
            "Percentage of referrals that were re-referrals within 12 months, by period"
            + (", with the England figure as a dashed line." if re_referral else "."),
            trend_labels,
            [charts.Series("Re-referrals", [f["re_referrals"].percent for _, f in card.trend])],
            reference=("England", float(re_referral.percent)) if re_referral else None,
        ),
        "repeats": charts.lines(
            "Repeat contacts not progressed",
            "Percentage of children whose contact ended in advice or early help who came "
            "back with another contact within 12 months, by period. A hollow point is a "
            "period still maturing: its figure can still rise until 12 months after it ends.",
            trend_labels,
            [
                charts.Series(
                    "Came back within 12 months",
                    [f["repeat_not_progressed"].percent for _, f in card.trend],
                    charts.PALETTE[4],
                )
            ],
            hollow=[
                maturing_until("repeat_not_progressed", period, card.as_at) is not None
                for period, _ in card.trend
            ],
        ),
        "timeliness": charts.lines(
            "Decided within one working day",
            "Percentage of contacts decided within one working day, by period.",
            trend_labels,
            [
                charts.Series(
                    "Decided in time",
                    [f["timeliness"].percent for _, f in card.trend],
                    charts.PALETTE[1],
                )
            ],
        ),
        "funnel": charts.funnel(
            "From contact to plan",
            "Contacts, referrals, assessments and their outcomes, and strategy discussions "
            f"and conferences, in {card.period.label}.",
            [(label, value) for _, label, value in funnel(card.figures)],
        ),
    }


def funnel(figures: Figures) -> list[tuple[str, str, int]]:
    """Steps from contact to plan, each (figure key, label, count), for the chart."""
    return [
        ("contacts", "Contacts", figures["contacts"].count),
        ("referrals", "Referrals", figures["referrals"].count),
        ("assessment_conversion", "Referrals assessed", figures["assessment_conversion"].count),
        (
            "assessment_nfa:denominator",
            "Assessments completed",
            figures["assessment_nfa"].base or 0,
        ),
        ("assessment_nfa", "Ended in no further action", figures["assessment_nfa"].count),
        ("cp_plans", "Child protection plans started", figures["cp_plans"].count),
        ("strategy_icpc:denominator", "Strategy discussions", figures["strategy_icpc"].base or 0),
        ("strategy_icpc", "Followed by an ICPC", figures["strategy_icpc"].count),
    ]
