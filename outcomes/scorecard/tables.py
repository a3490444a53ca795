"""The scorecard as rows: one list of every figure with its label, shared by the page,
the CSV and XLSX exports, the PDF pack and the API, so they cannot disagree."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from outcomes.models import DownstreamOutcome
from outcomes.scorecard import by_service
from outcomes.scorecard.definitions import (
    CHECKS_WITHOUT_CONSENT,
    HEADLINE_MEASURES,
    Kind,
    maturing_until,
)
from outcomes.scorecard.measures import NOT_DECIDED, WITHDRAWN, Figure, Figures
from outcomes.scorecard.selectors import Scorecard
from referrals.models import Contact
from screening.models import Route, SharingBasis

EXTRA_FIGURES = {
    "overdue": ("Contacts still waiting past their due time", Kind.COUNT),
    "cp_plans": ("Child protection plans started (children)", Kind.COUNT),
    CHECKS_WITHOUT_CONSENT: ("Multi-agency checks asked without the family's consent", Kind.RATE),
}
BREAKDOWN_TITLES = {
    "source": "Contacts by referral source (CIN census code)",
    "channel": "Contacts by channel",
    "route": "Contacts by route (standing decision)",
    "route_share": "Contacts decided in the period, by route",
    by_service.DIMENSION: by_service.TITLE,
    "assessment_outcome": "Assessments completed, by outcome",
    "check_basis": "Multi-agency checks asked, by basis for sharing",
}


@dataclass(frozen=True)
class Row:
    key: str
    measure: str
    breakdown: str
    kind: Kind
    figure: Figure

    @property
    def numerator(self) -> int:
        return self.figure.count

    @property
    def denominator(self) -> int | None:
        return self.figure.base

    @property
    def percent(self) -> float | None:
        return None if self.kind is not Kind.RATE else self.figure.percent

    @property
    def hours(self) -> float | None:
        return self.figure.hours

    @property
    def display(self) -> str:
        return display(self.kind, self.figure)


def display(kind: Kind, figure: Figure) -> str:
    if kind is Kind.HOURS:
        return "No decisions" if figure.hours is None else f"{figure.hours:.1f} working hours"
    if kind is Kind.RATE:
        return "No cases" if figure.percent is None else f"{figure.percent:.1f}%"
    return f"{figure.count:,}"


def value_label(dimension: str, value: str, source_labels: dict[str, str]) -> str:
    if dimension == "source":
        return f"{value}: {source_labels.get(value, 'Unknown code')}"
    if dimension == "channel":
        return channel_label(value)
    if dimension in ("route", "route_share"):
        return route_label(value)
    if dimension == by_service.DIMENSION:
        return by_service.service_label(value)
    if dimension == "assessment_outcome":
        return DownstreamOutcome.AssessmentOutcome(value).label
    if dimension == "check_basis":
        return SharingBasis(value).label
    return value


def _sort_key(dimension: str, value: str):
    if dimension in ("route", "route_share"):
        order = [route.value for route in Route] + [WITHDRAWN, NOT_DECIDED]
        return order.index(value)
    if dimension == "channel":
        return [channel.value for channel in Contact.Channel].index(value)
    if dimension == "check_basis":
        return [basis.value for basis in SharingBasis].index(value)
    if dimension == "source":
        number = "".join(c for c in value if c.isdigit())
        return (int(number or 0), value)
    return value


def headline_rows(figures: Figures) -> list[Row]:
    return [
        Row(measure.key, measure.title, "", measure.kind, figures[measure.key])
        for measure in HEADLINE_MEASURES
    ]


def breakdown_rows(
    figures: Figures,
    dimension: str,
    source_labels: dict[str, str],
    service_labels: dict[str, tuple[tuple, str]] | None = None,
) -> list[Row]:
    """``service_labels``: ``by_service.labels_for`` read once by a caller making rows
    for many figure sets (otherwise read here)."""
    prefix = f"{dimension}:"
    if dimension == by_service.DIMENSION:
        return _service_rows(figures, prefix, service_labels)
    keys = sorted(
        (key for key in figures if key.startswith(prefix)),
        key=lambda key: _sort_key(dimension, key[len(prefix) :]),
    )
    return [
        Row(
            key,
            BREAKDOWN_TITLES[dimension],
            value_label(dimension, key[len(prefix) :], source_labels),
            Kind.RATE,
            figures[key],
        )
        for key in keys
    ]


def _service_rows(
    figures: Figures, prefix: str, labels: dict[str, tuple[tuple, str]] | None
) -> list[Row]:
    """The routes split by service: labels and order read in one query (or given)."""
    values = [key[len(prefix) :] for key in figures if key.startswith(prefix)]
    if labels is None:
        labels = by_service.service_labels(values) if values else {}
    return [
        Row(
            f"{prefix}{value}",
            by_service.TITLE,
            labels[value][1],
            Kind.RATE,
            figures[prefix + value],
        )
        for value in sorted(values, key=lambda value: labels[value][0])
    ]


def all_rows(
    figures: Figures,
    source_labels: dict[str, str],
    service_labels: dict[str, tuple[tuple, str]] | None = None,
) -> list[Row]:
    """Every figure for one period (and one agency, when the figures are an agency's);
    ``service_labels`` as for ``breakdown_rows``."""
    rows = headline_rows(figures)
    rows += [
        Row(key, title, "", kind, figures[key]) for key, (title, kind) in EXTRA_FIGURES.items()
    ]
    for dimension in BREAKDOWN_TITLES:
        rows += breakdown_rows(figures, dimension, source_labels, service_labels)
    return rows


@dataclass(frozen=True)
class LongRow:
    """One line of the CSV/XLSX "all figures" sheet."""

    period: str
    period_label: str
    agency: str
    row: Row
    # The last day a figure counted forward can still rise, while it can (ADR 0008).
    maturing: date | None = None


def card_figure_sets(card: Scorecard) -> list[Figures]:
    """Every set of figures a scorecard holds: everyone's, each agency's, each period's."""
    return [
        card.figures,
        *(figures for _, figures in card.by_agency),
        *(figures for _, figures in card.trend),
    ]


def long_rows(card: Scorecard) -> list[LongRow]:
    """The chosen period for everyone and per agency, then the trend of every figure
    (the services' labels read once for them all)."""
    services = by_service.labels_for(card_figure_sets(card))

    def lines(period, agency: str, figures: Figures) -> list[LongRow]:
        return [
            LongRow(
                period.key,
                period.label,
                agency,
                row,
                maturing_until(row.key, period, card.as_at),
            )
            for row in all_rows(figures, card.source_labels, services)
        ]

    result = lines(card.period, "All agencies", card.figures)
    for group, figures in card.by_agency:
        result += lines(card.period, group.name, figures)
    for period, figures in card.trend[:-1]:
        result += lines(period, "All agencies", figures)
    return result


def route_label(value: str) -> str:
    if value == NOT_DECIDED:
        return "Not decided yet"
    if value == WITHDRAWN:
        return "Withdrawn"
    return Route(value).label


def channel_label(value: str) -> str:
    return Contact.Channel(value).label
