"""Notices to referrers and families, and what social care did after a referral."""

from __future__ import annotations

from demo.common import LATE_ASSESSMENT_REASONS, LATE_ICPC_REASONS
from demo.synthetic.tables import (
    ASSESSMENT_DAYS,
    CLOSE_AFTER,
    CP_PLAN_SHARE,
    HOUR,
    ICPC_DAYS,
    ICPC_SHARE_OF_S47,
    LATE_ASSESSMENT_SHARE,
    LATE_ICPC_SHARE,
    MOVED_AWAY_SHARE,
    NO_ASSESSMENT_SHARE,
    NO_FACTORS_SHARE,
    NO_FAMILY_ADDRESS,
    NULL,
    RECEIPT_DELAY,
    S47_SHARE,
    SIBLING_OUTCOME_DIFFERS,
    STEP_DOWN_SHARE,
    STRATEGY_TO_ASSESSMENT_SHARE,
    Event,
    _pick,
)
from outcomes.models import DownstreamOutcome
from screening.models import Route

# (event, day, assessment outcome, factors as COPY text, reason for closure, late reason)
_Event = tuple[str, int, str, str, str, str]
NFA = DownstreamOutcome.AssessmentOutcome.NO_FURTHER_ACTION
CHILD_IN_NEED = DownstreamOutcome.AssessmentOutcome.CHILD_IN_NEED
CHILD_PROTECTION = DownstreamOutcome.AssessmentOutcome.CHILD_PROTECTION


class NoticeMixin:
    """The Generator's notices and downstream outcomes for one contact."""

    def _notice(
        self,
        contact_id: int,
        decision_id: int,
        kind: str,
        audience: str,
        address: tuple[str, str],
        created: int,
    ) -> None:
        notice_id = self._id("outcomes_notice")
        channel, recipient = address
        ts = self.cal.timestamp
        if not recipient:  # outcomes.services: a family letter with nowhere to go
            status, attempts, failure, provider = "permanent_failure", "0", NO_FAMILY_ADDRESS, ""
            started = sent = updated = NULL
            updated = ts(created)
        else:
            started_at = min(created + self._between(1, 30), self.end)
            sent_at = min(started_at + self._between(1, 5), self.end)
            receipt = RECEIPT_DELAY[channel]
            delivered_at = sent_at + self._between(*receipt)
            status = "delivered" if delivered_at <= self.end else "sent"
            attempts, failure, provider = "1", "", f"synthetic-{notice_id}"
            started, sent = ts(started_at), ts(sent_at)
            updated = ts(delivered_at if status == "delivered" else sent_at)
        row = (
            str(notice_id),
            kind,
            audience,
            channel,
            recipient,
            f"{self.uuid_prefix}{notice_id:012x}",
            status,
            attempts,
            failure,
            provider,
            ts(created),
            started,
            NULL,
            sent,
            updated,
            str(contact_id),
            str(decision_id) if decision_id else NULL,
            NULL,
            NULL,
        )
        self.rows["outcomes_notice"].append("\t".join(row))

    def _downstream(
        self,
        contact_id: int,
        route: str,
        children: list,
        stood_at: int,
        referral_day: int,
        categories: list[str],
    ) -> None:
        """What social care recorded after the referral, for each child on it: one CIN
        census episode each, whose work ends before the case closes, and whose planned
        closing day the child carries so a new contact meanwhile is "already open"."""
        rnd, cal = self.rng.random, self.cal
        day = cal.day_of(stood_at)
        plans: dict[int, list[_Event]] = {subject_id: [] for subject_id, _, _ in children}
        closes: dict[int, int] = {}
        if route == Route.SOCIAL_CARE_ASSESSMENT:
            start = cal.add_working_days(day, self._between(0, 5))
            self._assessment_path(children, plans, closes, referral_day, start, categories)
        elif route == Route.STRATEGY_DISCUSSION:
            held = cal.add_working_days(day, self._between(0, 2))
            for events in plans.values():
                events.append((Event.STRATEGY_DISCUSSION, held, "", "", "", ""))
            if rnd() < S47_SHARE:
                self._s47_path(children, plans, closes, referral_day, held, categories)
            elif rnd() < STRATEGY_TO_ASSESSMENT_SHARE:  # no enquiry: an s17 assessment
                self._assessment_path(children, plans, closes, referral_day, held, categories)
            else:
                self._closed_without_assessment(children, plans, closes, held)
        else:
            return  # already open: the allocated worker's case carries on
        for _, _, member in children:
            member.closes_on = max(member.closes_on, closes[id(member)])
        rows = self.rows["outcomes_downstreamoutcome"]
        recorder, source = str(self.world.outcome_recorder), self.world.outcome_source
        for subject_id, events in plans.items():
            for event, on, outcome, factors, reason, late in events:
                if on > self.end_day:
                    continue  # not happened yet
                recorded = cal.midnights[on + self._between(0, 3)] + self._between(
                    9 * HOUR, 18 * HOUR
                )
                recorded = min(max(recorded, stood_at + 60), self.end)
                outcome_id = self._id("outcomes_downstreamoutcome")
                row = (
                    str(outcome_id),
                    event,
                    cal.date_text[on],
                    outcome,
                    source,
                    f"SYN-{outcome_id}" if source == DownstreamOutcome.Source.API else "",
                    cal.timestamp(recorded),
                    str(contact_id),
                    recorder,
                    str(subject_id),
                    factors or "{}",
                    reason,
                    late,
                )
                rows.append("\t".join(row))

    # -- one episode's work --------------------------------------------------------------

    def _closed_without_assessment(self, children, plans, closes, after: int) -> None:
        """A referral social care closed with no assessment (the census's ReferralNFA)."""
        low, high = CLOSE_AFTER["referral_nfa"]
        closed = self.cal.add_working_days(after, self._between(low, high + 1))
        for subject_id, _, member in children:
            plans[subject_id].append((Event.CASE_CLOSED, closed, "", "", "RC7", ""))
            closes[id(member)] = closed

    def _completed_on(self, referral_day: int, started: int) -> tuple[int, str]:
        """When an assessment started on ``started`` is signed off, and why it was late
        when it was (past 45 working days from the referral)."""
        cal = self.cal
        if self.rng.random() < LATE_ASSESSMENT_SHARE:
            took = self._between(ASSESSMENT_DAYS + 1, ASSESSMENT_DAYS + 31)
        else:
            took = int(self.rng.triangular(10, ASSESSMENT_DAYS + 1, 30))
        took = max(took, cal.working_days_between(referral_day, started) + 3)
        completed = cal.add_working_days(referral_day, took)
        late = completed > cal.add_working_days(referral_day, ASSESSMENT_DAYS)
        return completed, self._one(LATE_ASSESSMENT_REASONS) if late else ""

    def _factors(self, categories: list[str], outcome: str, on: int, *, none_allowed: bool) -> str:
        """Factors identified at the end of an assessment, as COPY text: from the
        contact's worries, with codes valid in the return year it ended in; "21" (none)
        alone and only for no further action (the census queries it otherwise)."""
        rng = self.rng
        if none_allowed and outcome == NFA and rng.random() < NO_FACTORS_SHARE:
            return "{21}"
        date_ = self.cal.date_of(on)
        table = self._factor_table(date_.year + 1 if date_.month >= 4 else date_.year)
        codes = [_pick(rng, table[category]) for category in categories]
        if rng.random() < 0.4:
            codes.append(_pick(rng, table[""]))
        return "{" + ",".join(dict.fromkeys(codes)) + "}"

    def _outcome(self, base: str, weights) -> str:
        if self.rng.random() < SIBLING_OUTCOME_DIFFERS:  # siblings' can end differently
            return _pick(self.rng, weights)
        return base

    def _closure(
        self, outcome: str, after: int, *, after_s47: bool, factors: str = ""
    ) -> tuple[int, str]:
        """When the case closes and the census reason: RC8 or RC9 only after an
        assessment ended in no further action with no s47 enquiry (DfE rule 2990).
        An assessment that found nothing (factor 21) closes the day it is signed off."""
        rnd = self.rng.random
        low, high = (0, 0) if factors == "{21}" else CLOSE_AFTER[outcome]
        closed = self.cal.add_working_days(after, self._between(low, high + 1))
        if outcome == NFA:
            reason = "RC7" if after_s47 else "RC9" if rnd() < STEP_DOWN_SHARE else "RC8"
        elif outcome == DownstreamOutcome.AssessmentOutcome.LOOKED_AFTER:
            reason = _pick(self.rng, self.looked_after_closures)
        else:
            reason = "RC5" if rnd() < MOVED_AWAY_SHARE else "RC7"
        return closed, reason

    def _assessment_path(self, children, plans, closes, referral_day, start, categories) -> None:
        """A Child and Family assessment under s17 (or none at all, a few times)."""
        if self.rng.random() < NO_ASSESSMENT_SHARE:
            self._closed_without_assessment(children, plans, closes, start)
            return
        completed, late = self._completed_on(referral_day, start)
        base = _pick(self.rng, self.assessment_outcomes)
        for subject_id, _, member in children:
            outcome = self._outcome(base, self.assessment_outcomes)
            factors = self._factors(categories, outcome, completed, none_allowed=True)
            closed, reason = self._closure(outcome, completed, after_s47=False, factors=factors)
            plans[subject_id] += [
                (Event.ASSESSMENT_STARTED, start, "", "", "", ""),
                (Event.ASSESSMENT_COMPLETED, completed, outcome, factors, "", late),
                (Event.CASE_CLOSED, closed, "", "", reason, ""),
            ]
            closes[id(member)] = closed

    def _s47_path(self, children, plans, closes, referral_day, held, categories) -> None:
        """An s47 enquiry from the strategy discussion, with the assessment it is made
        through; it ends in a conference (31 % of strategy discussions) or in none."""
        rnd, cal = self.rng.random, self.cal
        if rnd() < ICPC_SHARE_OF_S47:
            # England: about 81 % of conferences within 15 working days; never at a weekend.
            took = self._between(16, 27) if rnd() < LATE_ICPC_SHARE else self._between(5, 16)
            conference = cal.office_day(cal.add_working_days(held, took))
            late_conference = conference > cal.add_working_days(held, ICPC_DAYS)
            conference_late = self._one(LATE_ICPC_REASONS) if late_conference else ""
            # The enquiry's assessment is signed off for the conference.
            completed = cal.add_working_days(held, self._between(max(took - 4, 1), took + 1))
            late = completed > cal.add_working_days(referral_day, ASSESSMENT_DAYS)
            assessment_late = self._one(LATE_ASSESSMENT_REASONS) if late else ""
            plan = rnd() < CP_PLAN_SHARE
            outcome = CHILD_PROTECTION if plan else CHILD_IN_NEED
            ended = max(conference, completed)
            ending = [(Event.ICPC, conference, "", "", "", conference_late)]
            if plan:
                ending.append((Event.CP_PLAN, conference, "", "", "", ""))
            outcomes = None
        else:
            ended = cal.add_working_days(held, self._between(3, 16))
            ending = [(Event.ICPC_NOT_REQUIRED, ended, "", "", "", "")]
            completed, assessment_late = self._completed_on(referral_day, held)
            outcomes = self.s47_outcomes
            outcome = _pick(self.rng, outcomes)
        for subject_id, _, member in children:
            child_outcome = self._outcome(outcome, outcomes) if outcomes else outcome
            factors = self._factors(categories, child_outcome, completed, none_allowed=False)
            closed, reason = self._closure(child_outcome, max(ended, completed), after_s47=True)
            plans[subject_id] += [
                (Event.S47_ENQUIRY, held, "", "", "", ""),
                (Event.ASSESSMENT_STARTED, held, "", "", "", ""),
                *ending,
                (
                    Event.ASSESSMENT_COMPLETED,
                    completed,
                    child_outcome,
                    factors,
                    "",
                    assessment_late,
                ),
                (Event.CASE_CLOSED, closed, "", "", reason, ""),
            ]
            closes[id(member)] = closed
