"""The records the scorecard counts, loaded once per request as plain facts.

Every measure is a filter over these facts, so a scorecard with its trend, its
split by agency and its monthly chart costs a handful of queries however many
contacts there are (no per-row queries), and every figure can name the contacts
behind it.

Reproducibility: facts are taken *as recorded at* a moment (``as_at``). A contact
recorded later, a decision made or approved later and an outcome recorded later
are left out, so the figures for a past period, asked for as at the same moment,
come out the same whenever they are computed. Decisions are never edited and an
approval is final (the database enforces both), which is what makes this exact.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Q

from frontdoor.working_days import LONDON, working_time_between
from outcomes.models import DownstreamOutcome
from outcomes.scorecard.periods import one_year_before
from referrals.models import Contact, ContactSubject
from screening.models import Decision, Route

# A child is the person record when the screener matched one; otherwise the
# child as named on that contact alone (who then has no history to count).
ChildKey = tuple[str, int]


@dataclass(frozen=True, order=True)
class Item:
    """One thing a figure counts: a contact, or one child on a contact."""

    contact_id: int
    subject_id: int = 0


@dataclass
class ContactFact:
    id: int
    received_at: datetime
    received_on: date
    due_at: datetime
    channel: str
    agency_id: int | None
    source_code: str
    route: str = ""  # of the decision standing at as_at; "" when none stands
    first_decided_at: datetime | None = None
    children: list[tuple[int, ChildKey]] = field(default_factory=list)

    @property
    def decided_on(self) -> date | None:
        return self.first_decided_at.astimezone(LONDON).date() if self.first_decided_at else None

    @property
    def decision_working_hours(self) -> float | None:
        if self.first_decided_at is None:
            return None
        elapsed = working_time_between(self.received_at, self.first_decided_at)
        return max(elapsed.total_seconds(), 0) / 3600


@dataclass(frozen=True)
class OutcomeFact:
    contact_id: int
    subject_id: int
    event: str
    occurred_on: date
    assessment_outcome: str


@dataclass
class Facts:
    as_at: datetime
    contacts: dict[int, ContactFact]
    outcomes: list[OutcomeFact]
    contacts_by_child: dict[ChildKey, list[ContactFact]]


def _decision_stood_at(approval: str, approval_at: datetime | None, as_at: datetime) -> bool:
    if approval == Decision.Approval.NOT_NEEDED:
        return True
    return (
        approval == Decision.Approval.APPROVED and approval_at is not None and approval_at <= as_at
    )


def load_facts(*, start: date, end: date, as_at: datetime) -> Facts:
    """Contacts received from a year before ``start`` up to ``end`` (the year before
    is what re-referrals and repeat contacts look back over), their children,
    decisions and downstream outcomes, as recorded at ``as_at``."""
    window_start = datetime.combine(one_year_before(start), datetime.min.time(), tzinfo=LONDON)
    window_end = datetime.combine(end, datetime.min.time(), tzinfo=LONDON)
    in_window = Q(received_at__gte=window_start, received_at__lt=window_end, created_at__lte=as_at)

    outcome_rows = list(
        DownstreamOutcome.objects.filter(recorded_at__lte=as_at)
        .filter(
            Q(contact__received_at__gte=window_start, contact__received_at__lt=window_end)
            | Q(occurred_on__gte=one_year_before(start), occurred_on__lt=end)
        )
        .values_list("contact_id", "subject_id", "event", "occurred_on", "assessment_outcome")
    )
    # Outcomes in the window can belong to a referral received before it.
    extra_ids = {row[0] for row in outcome_rows}
    contact_filter = in_window | Q(pk__in=extra_ids, created_at__lte=as_at)

    contacts: dict[int, ContactFact] = {}
    advice_only: set[int] = set()
    for pk, received_at, due_at, channel, agency_id, code, is_advice_only in (
        Contact.objects.filter(contact_filter)
        .values_list(
            "pk",
            "received_at",
            "decision_due_at",
            "channel",
            "source_agency_id",
            "referral_source__code",
            "advice_only",
        )
        .iterator(chunk_size=5000)
    ):
        contacts[pk] = ContactFact(
            id=pk,
            received_at=received_at,
            received_on=received_at.astimezone(LONDON).date(),
            due_at=due_at,
            channel=channel,
            agency_id=agency_id,
            source_code=code,
        )
        if is_advice_only:
            advice_only.add(pk)

    # Advice given on a phone consultation is the decision, made as the call ended.
    for pk in advice_only:
        fact = contacts[pk]
        fact.route = Route.INFORMATION_AND_ADVICE
        fact.first_decided_at = fact.received_at

    decision_rows = (
        Decision.objects.filter(
            Q(contact__in=Contact.objects.filter(contact_filter)), decided_at__lte=as_at
        )
        .order_by("contact_id", "decided_at", "pk")
        .values_list("contact_id", "route", "decided_at", "approval", "approval_at")
    )
    for contact_id, route, decided_at, approval, approval_at in decision_rows.iterator(
        chunk_size=5000
    ):
        fact = contacts.get(contact_id)
        if fact is None or not _decision_stood_at(approval, approval_at, as_at):
            continue
        # Ordered by decided_at: the first standing decision times the contact,
        # the last one is where it went.
        if fact.first_decided_at is None:
            fact.first_decided_at = decided_at
        fact.route = route

    contacts_by_child: dict[ChildKey, list[ContactFact]] = defaultdict(list)
    for contact_id, subject_id, person_id in (
        ContactSubject.objects.filter(
            contact__in=Contact.objects.filter(contact_filter),
            role__in=ContactSubject.CHILD_ROLES,
        )
        .order_by("contact_id", "position", "pk")
        .values_list("contact_id", "pk", "person_id")
        .iterator(chunk_size=5000)
    ):
        fact = contacts.get(contact_id)
        if fact is None:
            continue
        key: ChildKey = ("person", person_id) if person_id else ("subject", subject_id)
        fact.children.append((subject_id, key))
        contacts_by_child[key].append(fact)
    for history in contacts_by_child.values():
        history.sort(key=lambda fact: (fact.received_at, fact.id))

    outcomes = [OutcomeFact(*row) for row in outcome_rows if row[0] in contacts]
    return Facts(
        as_at=as_at,
        contacts=contacts,
        outcomes=outcomes,
        contacts_by_child=dict(contacts_by_child),
    )
