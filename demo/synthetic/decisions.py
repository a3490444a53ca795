"""Screenings, multi-agency checks and decisions."""

from __future__ import annotations

from demo.synthetic.contacts import Plan
from demo.synthetic.tables import (
    BAND,
    CHECK_ANSWERS,
    CHECK_QUESTIONS,
    COMPLEX_REASONS,
    CONSENT_GIVERS,
    NULL,
    RETURN_COMMENT,
    SCALING,
    SIGNS,
    WITHHOLD_REASON,
    Status,
)
from screening.models import CENSUS_REFERRAL_ROUTES


class DecisionMixin:
    """The Generator's screening, checks and decisions for one contact."""

    def _screening(
        self, contact_id: int, route: str, status: str, screener: int, plan: Plan, complex_: bool
    ) -> None:
        if not plan.claimed:
            return  # nobody has taken it yet
        rnd, ts = self.rng.random, self.cal.timestamp
        signs = SIGNS[BAND[route]]
        low, high = SCALING[route]
        scaling = str(low + int(rnd() * (high - low + 1)))
        flagged = complex_
        held = status != Status.DECIDED  # a standing decision releases the contact
        if status in (Status.IN_SCREENING, Status.AWAITING_CHECKS):
            # Part way through: the worry and the strengths, perhaps a score.
            signs = ("", signs[1], "", signs[3], "", "", "")
            scaling = scaling if rnd() < 0.5 else NULL
            updated = min(plan.claimed + self._between(60, 1800), self.end)
        else:
            updated = plan.decided
        row = (
            str(self._id("screening_screening")),
            ts(plan.claimed) if held else NULL,
            *signs,
            scaling,
            "",
            ts(updated),
            str(screener) if held else NULL,
            str(contact_id),
            str(screener),
            "t" if flagged else "f",
            self._one(COMPLEX_REASONS) if flagged else "",
        )
        self.rows["screening_screening"].append("\t".join(row))

    def _checks(self, contact_id: int, screener: int, plan: Plan) -> None:
        if not plan.checks:
            return
        ts, rows = self.cal.timestamp, self.rows["screening_agencycheck"]
        agencies = self.rng.sample(
            self.world.check_agencies, min(len(plan.checks), len(self.world.check_agencies))
        )
        for (asked, answered), (agency, members) in zip(plan.checks, agencies, strict=False):
            # Most with a parent's consent, given the day it was asked; some without,
            # where a child is at risk of significant harm or asking would prejudice.
            roll = self.rng.random()
            if roll < 0.8:
                given_on = self.cal.date_of(self.cal.day_of(asked)).isoformat()
                basis = ("consent", self._one(CONSENT_GIVERS), given_on, "")
            elif roll < 0.95:
                basis = ("significant_harm", "", NULL, "")
            else:
                basis = ("prejudice", "", NULL, "A police investigation is under way.")
            row = (
                str(self._id("screening_agencycheck")),
                self._one(CHECK_QUESTIONS),
                ts(asked),
                "answered" if answered else "pending",
                self._one(CHECK_ANSWERS) if answered else "",
                ts(answered) if answered else NULL,
                str(agency),
                str(self._one(members)) if answered and members else NULL,
                str(contact_id),
                str(screener),
                *basis,
                ts(asked),  # sent when asked: the demo's council approves none first
                "",
            )
            rows.append("\t".join(row))

    def _decisions(
        self,
        contact_id: int,
        route: str,
        status: str,
        screener: int,
        plan: Plan,
        complex_: bool,
        need: str,
        re_referral: bool,
    ) -> list[tuple[int, str, int, bool]]:
        """Decision rows; returns those that stood, in order, as (id, route, when it
        stood, whether the family is told). ``need`` is the primary need a referral to
        social care records; every decision says whether the contact is a re-referral."""
        if not plan.decided:
            return []
        managers = [m for m in self.world.managers if m != screener] or self.world.managers
        manager = str(self._one(managers))  # never the screener who decided
        complex_reason = self._one(COMPLEX_REASONS) if complex_ else ""

        def row(decision_id, route_, decided, approval, approved, comment="", supersedes=0):
            withhold = plan.withhold and route_ == route
            values = (
                str(decision_id),
                route_,
                self._one(self.rationales[route_]),
                "t" if complex_ else "f",
                complex_reason,
                "withhold" if withhold else "notify",
                WITHHOLD_REASON if withhold else "",
                self.cal.timestamp(decided),
                approval,
                self.cal.timestamp(approved) if approved else NULL,
                comment,
                manager if approved else NULL,
                str(contact_id),
                str(screener),
                str(supersedes) if supersedes else NULL,
                str(self.world.levels[route_]),
                need if route_ in CENSUS_REFERRAL_ROUTES else "",
                "t" if re_referral else "f",
            )
            self.rows["screening_decision"].append("\t".join(values))

        first = self._id("screening_decision")
        notify = not plan.withhold
        if status == Status.AWAITING_APPROVAL:
            row(first, route, plan.decided, "pending", 0)
            return []
        if plan.returned:
            second = self._id("screening_decision")
            row(first, route, plan.decided, "returned", plan.returned, RETURN_COMMENT)
            row(second, route, plan.redecided, "approved", plan.approved, supersedes=first)
            return [(second, route, plan.approved, notify)]
        if plan.changed_route:
            second = self._id("screening_decision")
            row(first, plan.changed_route, plan.decided, "not_needed", 0)
            approval = "approved" if plan.needs_approval else "not_needed"
            row(second, route, plan.redecided, approval, plan.approved, supersedes=first)
            return [
                (first, plan.changed_route, plan.decided, True),
                (second, route, plan.approved or plan.redecided, notify),
            ]
        if plan.needs_approval:
            row(first, route, plan.decided, "approved", plan.approved)
            return [(first, route, plan.approved, notify)]
        row(first, route, plan.decided, "not_needed", 0)
        return [(first, route, plan.decided, notify)]
