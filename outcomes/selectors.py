"""Reads for notices and outcomes, scoped to the acting user."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from frontdoor.census_codes import census_codes, return_year_of
from frontdoor.london import london_date, months_before
from frontdoor.models import CensusCode, User
from frontdoor.roles import Permission
from outcomes import deadlines
from outcomes.models import DownstreamOutcome, Notice, OutcomeImport
from outcomes.selectors_letters import letters_on
from referrals import selectors as referral_selectors
from referrals.models import (
    Contact,
    ContactSubject,
    ContactWithdrawal,
    WithdrawalRequest,
)
from screening import selectors as screening_selectors
from screening.models import Decision, Route
from screening.selectors import EarlierReferral


def standing_decision(contact: Contact) -> Decision | None:
    """The decision that stands (final or approved), if any; pending ones do not."""
    decisions = getattr(contact, "standing_decisions", None)
    if decisions is None:
        decisions = list(contact.decisions.standing().latest_first()[:1])
    return decisions[0] if decisions else None


def outcome_imports_for(*, user: User) -> QuerySet[OutcomeImport]:
    """A person's own uploads: their reports name rows of contacts they sent."""
    if not user.has_perm(Permission.RECORD_OUTCOMES.perm):
        return OutcomeImport.objects.none()
    return OutcomeImport.objects.filter(uploaded_by=user).defer("content")


def my_referrals(*, user: User) -> QuerySet[Contact]:
    """The contacts this referrer made, with their standing decision; nobody else's."""
    if not user.has_perm(Permission.SUBMIT_REFERRALS.perm):
        return Contact.objects.none()
    return (
        referral_selectors.contacts_visible_to(user=user)
        .filter(referrer=user)
        .prefetch_related(
            Prefetch(
                "subjects",
                queryset=ContactSubject.objects.filter(role__in=ContactSubject.CHILD_ROLES),
                to_attr="child_subjects",
            ),
            Prefetch(
                "decisions",
                queryset=Decision.objects.standing().latest_first(),
                to_attr="standing_decisions",
            ),
        )
    )


@dataclass(frozen=True)
class ReferralOutcome:
    contact: Contact
    decision: Decision | None
    withdrawal: ContactWithdrawal | None = None
    withdrawal_request: WithdrawalRequest | None = None

    @property
    def may_ask_to_withdraw(self) -> bool:
        """Undecided, not withdrawn, and not asked already (docs/adr/0036)."""
        return self.withdrawal_request is None and screening_selectors.withdrawable(
            self.contact, standing=self.decision is not None
        )


def my_referral(*, user: User, reference: str) -> ReferralOutcome:
    """The referrer's own referral: 404 for anyone else's (or anyone else)."""
    contact = referral_selectors.contact_get(user=user, reference=reference)
    if contact.referrer_id != user.pk:
        raise Http404("No referral found")
    return ReferralOutcome(
        contact=contact,
        decision=standing_decision(contact),
        withdrawal=ContactWithdrawal.objects.filter(contact=contact).first(),
        withdrawal_request=WithdrawalRequest.objects.filter(contact=contact).first(),
    )


def notices_for_staff(*, user: User, contact: Contact) -> list[Notice]:
    """The notices on a contact the caller opened with ``contact_get``."""
    if not referral_selectors.can_screen(user):
        return []
    return list(
        Notice.objects.filter(contact=contact)
        .select_related("decision", "requested_by", "resend_of")
        .order_by("created_at")
    )


def notice_get(*, user: User, reference: str, notice_id: int) -> Notice:
    """One notice, for screening staff: its contact by ``contact_get``'s rule (404
    alike for missing and not theirs, then the restricted-record refusal), and 404 for
    a notice that is not on that contact."""
    if not referral_selectors.can_screen(user):
        raise Http404("No notice found")
    contact = referral_selectors.contact_get(user=user, reference=reference)
    try:
        return Notice.objects.select_related("contact").get(pk=notice_id, contact=contact)
    except Notice.DoesNotExist:
        raise Http404("No notice found") from None


# --- Working-day deadlines on a referral (outcomes/deadlines.py has the rules) ---------


class DeadlineState(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    OVERDUE = "overdue"
    ON_TIME = "on_time"
    LATE = "late"
    CLOSED = "closed"  # the case closed before the assessment or conference
    NOT_REQUIRED = "not_required"  # the section 47 ended without a conference


TAG_COLOURS = {
    DeadlineState.NOT_STARTED: "grey",
    DeadlineState.IN_PROGRESS: "blue",
    DeadlineState.OVERDUE: "red",
    DeadlineState.ON_TIME: "green",
    DeadlineState.LATE: "orange",
    DeadlineState.CLOSED: "grey",
    DeadlineState.NOT_REQUIRED: "grey",
}


def _day(value: date) -> str:
    return f"{value.day} {value:%b %Y}"


def _days(count: int) -> str:
    return f"{count} working day{'' if count == 1 else 's'}"


@dataclass(frozen=True)
class Deadline:
    """One statutory clock for one child: an assessment's or a conference's."""

    kind: str  # "assessment" or "icpc"
    clock_from: date  # the referral date, or the strategy discussion's
    due_on: date
    state: DeadlineState
    done_on: date | None = None  # completed, held, closed or found not needed
    started: bool = False  # an assessment recorded as started
    working_days: int = 0  # left while running; past the due date when overdue
    late_reason: str = ""

    @property
    def tag_colour(self) -> str:
        return TAG_COLOURS[self.state]

    @property
    def summary(self) -> str:
        done = "Completed" if self.kind == "assessment" else "Held"
        match self.state:
            case DeadlineState.ON_TIME:
                return f"{done} on time, on {_day(self.done_on)}"
            case DeadlineState.LATE:
                return f"{done} late, on {_day(self.done_on)}"
            case DeadlineState.CLOSED:
                return f"Case closed on {_day(self.done_on)}"
            case DeadlineState.NOT_REQUIRED:
                return f"Not needed: section 47 ended on {_day(self.done_on)}"
            case DeadlineState.OVERDUE:
                return f"Overdue by {_days(self.working_days)}" if self.working_days else "Overdue"
        left = "due today" if not self.working_days else f"{_days(self.working_days)} left"
        if self.state is DeadlineState.IN_PROGRESS:
            return f"In progress: {left}"
        return f"{'Not started' if self.kind == 'assessment' else 'Not held yet'}: {left}"


@dataclass(frozen=True)
class ChildDeadlines:
    child: ContactSubject
    assessment: Deadline | None
    icpc: Deadline | None  # only once a strategy discussion is recorded


def _running(
    kind: str, clock_from: date, due: date, today: date, *, started: bool = False
) -> Deadline:
    if today > due:
        over = deadlines.working_days_after(due, today)
        return Deadline(
            kind, clock_from, due, DeadlineState.OVERDUE, started=started, working_days=over
        )
    state = DeadlineState.IN_PROGRESS if started else DeadlineState.NOT_STARTED
    left = deadlines.working_days_after(today, due)
    return Deadline(kind, clock_from, due, state, started=started, working_days=left)


def _assessment_deadline(
    events: list[DownstreamOutcome], referral_on: date, today: date
) -> Deadline:
    Event = DownstreamOutcome.Event
    due = deadlines.assessment_due(referral_on)
    completions = [e for e in events if e.event == Event.ASSESSMENT_COMPLETED]
    if completions:
        # The latest completion, as the scorecard counts it.
        done = max(completions, key=lambda e: (e.occurred_on, e.pk))
        late = done.occurred_on > due
        return Deadline(
            "assessment",
            referral_on,
            due,
            DeadlineState.LATE if late else DeadlineState.ON_TIME,
            done_on=done.occurred_on,
            started=True,
            late_reason=done.late_reason if late else "",
        )
    closed = [e.occurred_on for e in events if e.event == Event.CASE_CLOSED]
    started = any(e.event == Event.ASSESSMENT_STARTED for e in events)
    if closed:
        return Deadline(
            "assessment",
            referral_on,
            due,
            DeadlineState.CLOSED,
            done_on=min(closed),
            started=started,
        )
    return _running("assessment", referral_on, due, today, started=started)


def _icpc_deadline(events: list[DownstreamOutcome], today: date) -> Deadline | None:
    Event = DownstreamOutcome.Event
    strategies = [e.occurred_on for e in events if e.event == Event.STRATEGY_DISCUSSION]
    if not strategies:
        return None
    # The latest strategy discussion starts the clock now running; a conference on or
    # after it answers to it (the latest one on or before the conference).
    strategy_on = max(strategies)
    due = deadlines.icpc_due(strategy_on)
    after = sorted(
        (e for e in events if e.occurred_on >= strategy_on), key=lambda e: (e.occurred_on, e.pk)
    )
    conference = next((e for e in after if e.event == Event.ICPC), None)
    if conference is not None:
        late = conference.occurred_on > due
        return Deadline(
            "icpc",
            strategy_on,
            due,
            DeadlineState.LATE if late else DeadlineState.ON_TIME,
            done_on=conference.occurred_on,
            late_reason=conference.late_reason if late else "",
        )
    for event, state in (
        (Event.ICPC_NOT_REQUIRED, DeadlineState.NOT_REQUIRED),
        (Event.CASE_CLOSED, DeadlineState.CLOSED),
    ):
        ended = next((e for e in after if e.event == event), None)
        if ended is not None:
            return Deadline("icpc", strategy_on, due, state, done_on=ended.occurred_on)
    return _running("icpc", strategy_on, due, today)


def deadlines_for(
    contact: Contact, *, user: User, today: date | None = None
) -> list[ChildDeadlines]:
    """Each child's assessment deadline (45 working days from the referral date) and,
    once a strategy discussion is recorded, conference deadline (15 working days from
    it), with where each stands ``today``. Empty unless the contact is a referral and
    the user works on referrals. Two or three queries however many children."""
    if not (
        user.has_perm(Permission.RECORD_OUTCOMES.perm)
        or user.has_perm(Permission.SCREEN_CONTACTS.perm)
    ):
        return []
    decision = standing_decision(contact)
    if decision is None or not decision.is_referral:
        return []
    today = today or timezone.localdate()
    referral_on = london_date(contact.received_at)
    by_child: dict[int, list[DownstreamOutcome]] = {}
    for event in DownstreamOutcome.objects.filter(contact=contact).only(
        "subject_id", "event", "occurred_on", "late_reason"
    ):
        by_child.setdefault(event.subject_id, []).append(event)
    result = []
    for child in contact.children:
        events = by_child.get(child.pk, [])
        # A case already open is with its allocated worker: no new assessment unless
        # one is recorded.
        assessment = None
        if decision.route != Route.ALREADY_OPEN or any(
            e.event.startswith("assessment_") for e in events
        ):
            assessment = _assessment_deadline(events, referral_on, today)
        result.append(ChildDeadlines(child, assessment, _icpc_deadline(events, today)))
    return result


# --- Re-referral guidance on the screening contact page (frontdoor/page_parts.py) -----


@dataclass(frozen=True)
class EarlierClosure:
    reference: str
    closed_on: date
    reason: str  # the census reason for closure, with its code; blank when restricted
    restricted: bool


@dataclass(frozen=True)
class ReReferralGuidance:
    """What the screener should see before deciding about one child."""

    subject: ContactSubject
    referral: EarlierReferral | None  # the latest in the 12 months before
    closure: EarlierClosure | None  # the latest case closed in the 6 months before


def earlier_closures(*, user: User, contact: Contact) -> dict[int, EarlierClosure]:
    """For each matched child on ``contact``, by person id, the latest case closed (a
    ``case_closed`` outcome on a contact received before it, where they were a child)
    in the 6 months before it. Screening staff only. One query, plus one per return
    year of the closures found (at most two) for the reasons' labels."""
    if not screening_selectors.can_screen(user):
        return {}
    person_ids = {s.person_id for s in contact.subjects.all() if s.is_child and s.person_id}
    if not person_ids:
        return {}
    day = london_date(contact.received_at)
    closed = list(
        DownstreamOutcome.objects.filter(
            event=DownstreamOutcome.Event.CASE_CLOSED,
            occurred_on__gte=months_before(day, 6),
            occurred_on__lte=day,
            subject__person_id__in=person_ids,
            subject__role__in=ContactSubject.CHILD_ROLES,
            subject__contact__received_at__lt=contact.received_at,
        )
        .exclude(subject__contact_id=contact.pk)
        .annotate(restricted=referral_selectors.closed_to(user, "subject__contact_id"))
        .values(
            "subject__person_id",
            "subject__contact__reference",
            "occurred_on",
            "reason_for_closure",
            "restricted",
        )
        .order_by("subject__person_id", "-occurred_on", "-pk")
        .distinct("subject__person_id")
    )
    labels = {
        year: {
            code.code: f"{code.code}: {code.label}"
            for code in census_codes(CensusCode.CodeList.REASON_FOR_CLOSURE, year)
        }
        for year in {return_year_of(row["occurred_on"]) for row in closed}
    }
    return {
        row["subject__person_id"]: EarlierClosure(
            row["subject__contact__reference"],
            row["occurred_on"],
            ""
            if row["restricted"]
            else labels[return_year_of(row["occurred_on"])].get(
                row["reason_for_closure"], row["reason_for_closure"]
            ),
            row["restricted"],
        )
        for row in closed
    }


def re_referral_guidance(*, user: User, contact: Contact) -> list[ReReferralGuidance]:
    """For each matched child on ``contact`` who meets the re-referral rule, the
    latest standing referral received in the 12 months before it (screening's read)
    and the latest case closed in the 6 months before (this app's). Screening staff
    only. Two queries however many children, plus the closures' labels."""
    referrals = screening_selectors.earlier_referrals(user=user, contact=contact)
    closures = earlier_closures(user=user, contact=contact)
    return [
        ReReferralGuidance(child, referrals.get(child.person_id), closures.get(child.person_id))
        for child in contact.subjects.all()
        if child.is_child
        and child.person_id
        and (child.person_id in referrals or child.person_id in closures)
    ]


def screening_contact_parts(*, user: User, contact: Contact) -> dict:
    """What the screening contact page shows of outcomes (``frontdoor.page_parts``): the
    re-referral guidance, each child's statutory deadlines and the family letters the
    council prints and posts, with where each one is."""
    return {
        "guidance": re_referral_guidance(user=user, contact=contact),
        "deadlines": deadlines_for(contact, user=user),
        "family_letters": letters_on(user=user, contact=contact),
    }
