"""Decision quality audits on the scorecard (docs/adr/0043): of the audits graded by
the moment counted, those of decisions made in the period, by route and by rubric
criterion, and the share graded good or better in each period of the trend.

Audits are few (a twentieth of the decisions), so they are counted when the page is
asked for, at the same moment as its other figures; they are not part of the kept
overnight count.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count

from outcomes.scorecard.periods import Period
from screening.models import (
    AuditCriterion,
    AuditCriterionGrade,
    AuditGrade,
    DecisionAudit,
    Route,
)
from screening.models_audits import GOOD_OR_BETTER

GRADES = list(AuditGrade)


@dataclass(frozen=True)
class GradeLine:
    """How many audits were graded each grade (in ``GRADES`` order)."""

    label: str
    counts: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def good_or_better(self) -> int:
        pairs = zip(GRADES, self.counts, strict=True)
        return sum(n for grade, n in pairs if grade in GOOD_OR_BETTER)

    @property
    def percent(self) -> str:
        """The share good or better, as the page shows it ("" with nothing graded)."""
        if not self.total:
            return ""
        return f"{round(100 * self.good_or_better / self.total)}%"


@dataclass(frozen=True)
class TrendPoint:
    period: Period
    line: GradeLine


@dataclass(frozen=True)
class AuditResults:
    period: Period
    by_route: list[GradeLine]
    overall: GradeLine
    by_criterion: list[GradeLine]
    trend: list[TrendPoint]


def _graded(period: Period, as_at: datetime):
    return DecisionAudit.objects.filter(
        graded_at__lte=as_at,
        decision__decided_at__gte=period.starts_at,
        decision__decided_at__lt=period.ends_at,
    )


def _line(label: str, counts: Counter) -> GradeLine:
    return GradeLine(label, tuple(counts[grade.value] for grade in GRADES))


def audit_results(*, period: Period, as_at: datetime) -> AuditResults:
    """The period's audit results, and each period of its trend's; a query for each."""
    rows = (
        _graded(period, as_at).values("decision__route", "grade").annotate(n=Count("pk")).order_by()
    )
    by_route: dict[str, Counter] = {}
    overall: Counter = Counter()
    for row in rows:
        by_route.setdefault(row["decision__route"], Counter())[row["grade"]] += row["n"]
        overall[row["grade"]] += row["n"]
    # By criterion, under its wording now: a reworded criterion is still one line.
    criteria: dict[int, Counter] = {}
    for row in (
        AuditCriterionGrade.objects.filter(audit__in=_graded(period, as_at))
        .values("criterion_id", "grade")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        criteria.setdefault(row["criterion_id"], Counter())[row["grade"]] += row["n"]
    titles = dict(
        AuditCriterion.objects.filter(pk__in=criteria)
        .order_by("position", "pk")
        .values_list("pk", "title")
    )
    trend = []
    for each in period.trend():
        counts: Counter = Counter(
            {
                row["grade"]: row["n"]
                for row in _graded(each, as_at).values("grade").annotate(n=Count("pk")).order_by()
            }
        )
        trend.append(TrendPoint(each, _line(each.short_label, counts)))
    return AuditResults(
        period=period,
        by_route=[_line(r.label, by_route[r.value]) for r in Route if r.value in by_route],
        overall=_line("All routes", overall),
        by_criterion=[_line(title, criteria[pk]) for pk, title in titles.items()],
        trend=trend,
    )
