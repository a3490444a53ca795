"""Working-day deadlines for what follows a referral (Working Together to Safeguard
Children): the rules alone, no database, so the form, the CSV import, the API, the
contact page and the scorecard all count them the same way.

* A Child and Family assessment is due within 45 working days of the referral date
  (the London date the contact was received).
* An initial child protection conference (ICPC) is due within 15 working days of
  the strategy discussion that started the section 47 enquiry: for one child on one
  contact, the latest strategy discussion on or before the conference.

"Within N working days of D" means on or before ``add_working_days(D, N)``; working
days are those of ``frontdoor/working_days.py`` (ADR 0006).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from frontdoor.working_days import add_working_days, is_working_day

ASSESSMENT_DAYS = 45
ICPC_DAYS = 15


def assessment_due(referral_on: date) -> date:
    return add_working_days(referral_on, ASSESSMENT_DAYS)


def icpc_due(strategy_on: date) -> date:
    return add_working_days(strategy_on, ICPC_DAYS)


def strategy_for_icpc(strategy_dates: Iterable[date], icpc_on: date) -> date | None:
    """The strategy discussion whose clock an ICPC on ``icpc_on`` answers to."""
    return max((day for day in strategy_dates if day <= icpc_on), default=None)


def working_days_after(start: date, end: date) -> int:
    """How many working days fall after ``start`` up to and including ``end``."""
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        count += is_working_day(day)
    return count
