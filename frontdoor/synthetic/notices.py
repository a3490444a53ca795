"""Notices to referrers and families, and what social care did after a referral."""

from __future__ import annotations

from frontdoor.synthetic.tables import (
    CP_PLAN_SHARE,
    HOUR,
    ICPC_SHARE_OF_S47,
    NO_FAMILY_ADDRESS,
    NULL,
    RECEIPT_DELAY,
    S47_SHARE,
    Event,
    _pick,
)
from outcomes.models import DownstreamOutcome
from screening.models import Route


class _NoticeMixin:
    """The _Generator's notices and downstream outcomes for one contact."""

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
        self, contact_id: int, route: str, children: list[tuple[int, str]], stood_at: int
    ) -> None:
        """What social care recorded after the referral, for each child on it."""
        rnd, cal = self.rng.random, self.cal
        day = cal.day_of(stood_at)
        events: list[tuple[str, int, str]] = []
        if route == Route.SOCIAL_CARE_ASSESSMENT and rnd() < 0.92:
            started = cal.add_working_days(day, self._between(0, 4))
            events.append((Event.ASSESSMENT_STARTED, started, ""))
            if rnd() < 0.95:
                took = int(self.rng.triangular(15, 65, 35))  # the limit is 45 working days
                outcome = _pick(self.rng, self.assessment_outcomes)
                events.append(
                    (Event.ASSESSMENT_COMPLETED, cal.add_working_days(started, took), outcome)
                )
        elif route == Route.STRATEGY_DISCUSSION:
            held = cal.add_working_days(day, self._between(0, 2))
            events.append((Event.STRATEGY_DISCUSSION, held, ""))
            if rnd() < S47_SHARE:
                events.append((Event.S47_ENQUIRY, held, ""))
                if rnd() < ICPC_SHARE_OF_S47:
                    # England: about 81 % of conferences within 15 working days.
                    took = self._between(8, 16) if rnd() < 0.81 else self._between(16, 26)
                    conference = cal.add_working_days(held, took)
                    events.append((Event.ICPC, conference, ""))
                    if rnd() < CP_PLAN_SHARE:
                        events.append((Event.CP_PLAN, conference, ""))
        rows = self.rows["outcomes_downstreamoutcome"]
        recorder, source = str(self.world.outcome_recorder), self.world.outcome_source
        for event, on, outcome in events:
            if on > self.end_day:
                continue  # not happened yet
            recorded = cal.midnights[on + self._between(0, 3)] + self._between(9 * HOUR, 18 * HOUR)
            recorded = min(max(recorded, stood_at + 60), self.end)
            for subject_id, _ in children:
                outcome_id = self._id("outcomes_downstreamoutcome")
                if outcome and rnd() < 0.15:  # siblings' assessments can end differently
                    outcome = _pick(self.rng, self.assessment_outcomes)
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
                )
                rows.append("\t".join(row))
