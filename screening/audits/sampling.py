"""Choosing a week's decisions for audit, and the manager for each: plain functions of
what they are given, seeded by the week, so the same week's decisions always give the
same sample (and a test can say exactly which).

Every screener who made a decision that stood that week has one of theirs chosen;
then more are chosen at random until the sample holds the configured share of the
week's decisions (rounded up). Each is given to the manager with the fewest of the
sample so far among those who may grade it: not its decider or approver, and one
the contact is open to (a restricted contact's named people).
"""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from screening.models_audits import DecisionAudit


@dataclass(frozen=True)
class Candidate:
    decision_id: int
    decided_by_id: int


@dataclass(frozen=True)
class ToAssign:
    key: int  # the audit's id
    excluded: frozenset[int]  # the decider and the approver
    may_grade: frozenset[int]  # the managers the contact is open to


def _seed(week_start: date, purpose: str) -> str:
    return f"decision-audit:{week_start.isoformat()}:{purpose}"


def sample_size(population: int, percent: Decimal) -> int:
    """The configured share of ``population``, rounded up (a share of one is one)."""
    return math.ceil(Decimal(population) * Decimal(percent) / 100) if population else 0


def sample_choose(
    candidates: Iterable[Candidate], *, week_start: date, percent: Decimal
) -> list[tuple[int, DecisionAudit.Reason]]:
    """(decision id, why chosen) for the week's sample, in decision-id order."""
    ordered = sorted(candidates, key=lambda c: c.decision_id)
    # Reproducible on purpose (the same week, the same sample): no secret rests on it.
    rng = random.Random(_seed(week_start, "sample"))  # noqa: S311
    by_decider: dict[int, list[int]] = defaultdict(list)
    for candidate in ordered:
        by_decider[candidate.decided_by_id].append(candidate.decision_id)
    chosen: dict[int, DecisionAudit.Reason] = {}
    for decider in sorted(by_decider):
        chosen[rng.choice(by_decider[decider])] = DecisionAudit.Reason.SCREENER
    rest = [c.decision_id for c in ordered if c.decision_id not in chosen]
    more = max(0, sample_size(len(ordered), percent) - len(chosen))
    for decision_id in rng.sample(rest, min(more, len(rest))):
        chosen[decision_id] = DecisionAudit.Reason.RANDOM
    return sorted(chosen.items())


def managers_choose(
    audits: Sequence[ToAssign],
    *,
    managers: Iterable[int],
    week_start: date,
    already: Iterable[int] = (),
) -> dict[int, int | None]:
    """Audit id -> the manager to grade it, or None where nobody may. ``already``:
    the managers of the sample's audits given out before (one each), so a later
    round spreads the work on from where it was."""
    everyone = sorted(set(managers))
    load = Counter(already)
    rng = random.Random(_seed(week_start, "assign"))  # noqa: S311
    given: dict[int, int | None] = {}
    for audit in sorted(audits, key=lambda a: a.key):
        eligible = [m for m in everyone if m not in audit.excluded and m in audit.may_grade]
        if not eligible:
            given[audit.key] = None
            continue
        fewest = min(load[m] for m in eligible)
        manager = rng.choice([m for m in eligible if load[m] == fewest])
        load[manager] += 1
        given[audit.key] = manager
    return given
