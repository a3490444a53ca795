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
from functools import cached_property
from typing import NamedTuple

from django.conf import settings
from django.db import transaction
from django.db.models import Case, DateField, F, Q, When
from django.db.models.expressions import RawSQL

from frontdoor.london import london_date, one_year_before, start_of
from frontdoor.replica import reporting_connection
from frontdoor.working_days import decision_due, working_time_between
from outcomes.models import DownstreamOutcome, EncompassNotice, Notice
from outcomes.scorecard import fact_queries
from outcomes.scorecard.came_back import came_back
from outcomes.scorecard.fact_queries import EVERYTHING, Needs, agency_q
from referrals.models import FRONT_DOOR, Contact, ContactSubject
from screening.models import AgencyCheck, Decision

# A child is the person record when the screener matched one; otherwise the
# child as named on that contact alone (who then has no history to count).
ChildKey = tuple[str, int]


class Item(NamedTuple):
    """One thing a figure counts: a contact, or one child on a contact; for a child
    who came back (repeat contacts not progressed), the contact they came back with."""

    contact_id: int
    subject_id: int = 0
    returned_with: int = 0


@dataclass(eq=False)
class ContactFact:
    id: int
    received_at: datetime
    received_on: date
    channel: str
    agency_id: int | None
    source_code: str
    route: str = ""  # of the decision standing at as_at; "" when none stands
    service_id: int | None = None  # the onward service that decision names
    first_decided_at: datetime | None = None
    decided_on: date | None = None
    # Withdrawn (as recorded at as_at): no decision stood, and none will (ADR 0036).
    withdrawn_at: datetime | None = None
    children: list[tuple[int, ChildKey]] = field(default_factory=list)

    @cached_property
    def due_at(self) -> datetime:
        # One working day from receipt, the statutory timescale, whatever clock the
        # front door set itself (an immediate-risk contact's or a police grade's
        # shorter one, in ``decision_due_at``): ADR 0008. Worked out when asked: the
        # year before a period, loaded for re-referrals, is never timed.
        return decision_due(self.received_at)

    @cached_property
    def year_before(self) -> date:
        return one_year_before(self.received_on)

    @cached_property
    def decision_working_hours(self) -> float | None:
        if self.first_decided_at is None:
            return None
        elapsed = working_time_between(self.received_at, self.first_decided_at)
        return max(elapsed.total_seconds(), 0) / 3600


@dataclass(frozen=True)
class CheckFact:
    """A multi-agency check: the contact it is about, the London day it was asked and
    the basis for sharing. ``agency_id`` is the contact's source agency, so a check
    goes with its contact when the scorecard is split by agency."""

    contact_id: int
    asked_on: date
    basis: str
    agency_id: int | None


@dataclass(frozen=True)
class OutcomeFact:
    contact_id: int
    subject_id: int
    event: str
    occurred_on: date
    assessment_outcome: str


class EncompassFact(NamedTuple):
    """An Operation Encompass notice to a child's school: when it was due, and when it
    was sent (None: not sent as at the moment counted). ``agency_id`` is its contact's
    source agency, so a notice goes with its contact when the scorecard is split by
    agency (as a check does), without its contact loaded as a fact."""

    contact_id: int
    subject_id: int
    due_on: date
    due_at: datetime
    sent_at: datetime | None
    agency_id: int | None = None


@dataclass
class OutcomeMaps:
    """Downstream outcomes by (contact, child), as the measures need them."""

    assessed_contacts: set[int]
    completed: dict[tuple[int, int], tuple[date, str]]  # the latest completion
    strategy: dict[tuple[int, int], date]  # the first strategy discussion
    icpc: dict[tuple[int, int], date]  # the first conference
    plans: dict[tuple[int, int], date]
    # Every strategy discussion: a conference's 15 working days run from the latest
    # one on or before it (outcomes/deadlines.py), as the contact page shows.
    strategy_dates: dict[tuple[int, int], list[date]] = field(default_factory=dict)


def outcome_maps(outcomes: list[OutcomeFact]) -> OutcomeMaps:
    Event = DownstreamOutcome.Event
    maps = OutcomeMaps(set(), {}, {}, {}, {})
    for outcome in outcomes:
        pair = (outcome.contact_id, outcome.subject_id)
        day = outcome.occurred_on
        if outcome.event in (Event.ASSESSMENT_STARTED, Event.ASSESSMENT_COMPLETED):
            maps.assessed_contacts.add(outcome.contact_id)
        if outcome.event == Event.ASSESSMENT_COMPLETED:
            if pair not in maps.completed or day >= maps.completed[pair][0]:
                maps.completed[pair] = (day, outcome.assessment_outcome)
        elif outcome.event == Event.STRATEGY_DISCUSSION:
            maps.strategy[pair] = min(day, maps.strategy.get(pair, day))
            maps.strategy_dates.setdefault(pair, []).append(day)
        elif outcome.event == Event.ICPC:
            maps.icpc[pair] = min(day, maps.icpc.get(pair, day))
        elif outcome.event == Event.CP_PLAN:
            maps.plans[pair] = min(day, maps.plans.get(pair, day))
    return maps


def earlier_within_year(earlier: ContactFact, later: ContactFact) -> bool:
    """``earlier`` was received before ``later``, on or after the same date a year before."""
    return (earlier.received_at, earlier.id) < (
        later.received_at,
        later.id,
    ) and earlier.received_on >= later.year_before


def _month(day: date) -> date:
    return day.replace(day=1)


@dataclass(eq=False)
class Facts:
    as_at: datetime
    contacts: dict[int, ContactFact]
    outcomes: list[OutcomeFact]
    contacts_by_child: dict[ChildKey, list[ContactFact]]
    checks: list[CheckFact] = field(default_factory=list)
    encompass: list[EncompassFact] = field(default_factory=list)

    @cached_property
    def outcome_maps(self) -> OutcomeMaps:
        return outcome_maps(self.outcomes)

    @cached_property
    def _received_by_month(self) -> dict[date, list[ContactFact]]:
        months: dict[date, list[ContactFact]] = defaultdict(list)
        for fact in self.contacts.values():
            months[_month(fact.received_on)].append(fact)
        return months

    @cached_property
    def _decided_by_month(self) -> dict[date, list[ContactFact]]:
        months: dict[date, list[ContactFact]] = defaultdict(list)
        for fact in self.contacts.values():
            if fact.decided_on is not None:
                months[_month(fact.decided_on)].append(fact)
        return months

    def received_in(self, months: list[date]) -> list[ContactFact]:
        """Contacts received in these months (in no particular order)."""
        return [fact for month in months for fact in self._received_by_month.get(month, ())]

    def decided_in(self, months: list[date]) -> list[ContactFact]:
        return [fact for month in months for fact in self._decided_by_month.get(month, ())]

    @cached_property
    def _checks_by_month(self) -> dict[date, list[CheckFact]]:
        months: dict[date, list[CheckFact]] = defaultdict(list)
        for check in self.checks:
            months[_month(check.asked_on)].append(check)
        return months

    @cached_property
    def _notices_by_month(self) -> dict[date, list[EncompassFact]]:
        months: dict[date, list[EncompassFact]] = defaultdict(list)
        for notice in self.encompass:
            months[_month(notice.due_on)].append(notice)
        return months

    def notices_due_in(self, months: list[date]) -> list[EncompassFact]:
        """Schools' notices due in these months."""
        return [notice for month in months for notice in self._notices_by_month.get(month, ())]

    def checks_asked_in(self, months: list[date]) -> list[CheckFact]:
        """Checks asked in these months, in the order they were asked."""
        return [check for month in months for check in self._checks_by_month.get(month, ())]

    @cached_property
    def re_referrals(self) -> set[int]:
        """Contacts with a child who had a referral in the 12 months before (any period)."""
        from screening.models import is_referral

        found = set()
        for child, history in self.contacts_by_child.items():
            if child[0] != "person":
                continue
            for index, fact in enumerate(history):
                if any(
                    is_referral(other.route) and earlier_within_year(other, fact)
                    for other in history[:index]
                ):
                    found.add(fact.id)
        return found

    # (contact, child subject) -> the contact the child came back with: the first
    # other contact about the same person record received in the 12 months after,
    # as recorded at as_at and not withdrawn (``came_back``), for contacts received
    # from ``start`` on. Worked out by PostgreSQL in one query.
    came_back: dict[tuple[int, int], int] = field(default_factory=dict)


def load_facts(
    *,
    start: date,
    end: date,
    as_at: datetime,
    linked_only: bool = False,
    needs: Needs = EVERYTHING,
) -> Facts:
    """See ``_load_facts``. Its lists of ids under OR (contacts linked to the span, with
    an outcome in it) are hashed only if they fit in the session's work_mem; past it
    PostgreSQL scans the whole list for every row, minutes at a million contacts. The
    count is given ``SCORECARD_WORK_MEM`` for its transaction, on whichever database
    it reads (the replica's inside reporting_reads, docs/adr/0047)."""
    connection = reporting_connection(Contact)
    with transaction.atomic(using=connection.alias):
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('work_mem', %s, true)", [settings.SCORECARD_WORK_MEM])
        return _load_facts(start=start, end=end, as_at=as_at, linked_only=linked_only, needs=needs)


def _load_facts(
    *, start: date, end: date, as_at: datetime, linked_only: bool, needs: Needs
) -> Facts:
    """Contacts received from a year before ``start`` up to ``end`` (the year before
    is what re-referrals look back over), their children, decisions and downstream
    outcomes, as recorded at ``as_at``; and which children on contacts from ``start``
    on came back with another contact in the 12 months after (up to ``as_at``).

    ``linked_only``: of the year before, only the contacts about the span's children
    and those with outcomes loaded, which is all that the figures of months from
    ``start`` on read (kept months, docs/adr/0049), not the year before's own; and
    with ``needs`` (linked only), only what a figure reads (``fact_queries.Needs``)."""
    if not linked_only and needs != EVERYTHING:
        raise ValueError("A fresh count loads everything.")
    window_start = start_of(one_year_before(start))
    window_end = start_of(end)
    outcome_rows = fact_queries.outcome_rows(start, end, as_at, linked_only, needs)
    # Outcomes in the window can belong to a referral received before it.
    extra_ids = {
        row[0]
        for row in outcome_rows
        if row[5] < (start_of(start) if linked_only else window_start)
    }
    # A specialist pathway's contact is counted apart, never here (docs/adr/0046).
    if linked_only:
        contact_filter = (
            Q(
                pk__in=fact_queries.linked_ids(start, end, window_start, extra_ids, needs),
                created_at__lte=as_at,
            )
            & FRONT_DOOR
        )
    else:
        in_window = Q(
            received_at__gte=window_start, received_at__lt=window_end, created_at__lte=as_at
        )
        contact_filter = (in_window | Q(pk__in=extra_ids, created_at__lte=as_at)) & FRONT_DOOR
    related_filter = Q(
        contact__received_at__gte=window_start,
        contact__received_at__lt=window_end,
        contact__created_at__lte=as_at,
    ) | Q(contact_id__in=extra_ids, contact__created_at__lte=as_at)

    contacts: dict[int, ContactFact] = {}
    # The decisions that stood at as_at, worked out by PostgreSQL per contact (index
    # decision_contact_latest_idx): the first times the contact, the latest is its route.
    standing = Decision.objects.standing_at(as_at)
    rows = (
        Contact.objects.filter(contact_filter)
        .annotate(
            first_decided_at=standing.decided_at_for(),
            standing_route=standing.route_for(),
            standing_service=standing.latest_for("service_id"),
            # A join, not a subquery per contact: with so few withdrawals PostgreSQL
            # reads their table whole for each contact otherwise.
            withdrawn_at=Case(
                When(
                    withdrawal__withdrawn_at__lte=as_at,
                    then=F("withdrawal__withdrawn_at"),
                )
            ),
            # The London date, by PostgreSQL (a date reads faster than a moment).
            received_on=_LONDON_DATE_RECEIVED,
        )
        .order_by("pk")
        .values_list(
            "pk",
            "received_at",
            "channel",
            "source_agency_id",
            "referral_source__code",
            "first_decided_at",
            "standing_route",
            "withdrawn_at",
            "standing_service",
            "received_on",
        )
    )
    for pk, received_at, channel, agency_id, code, decided, route, withdrawn, service, on in rows:
        contacts[pk] = ContactFact(
            id=pk,
            received_at=received_at,
            received_on=on,
            channel=channel,
            agency_id=agency_id,
            source_code=code,
            route=route or "",
            first_decided_at=decided,
            decided_on=london_date(decided) if decided else None,
            withdrawn_at=withdrawn,
            service_id=service,
        )

    if linked_only:  # the children of the contacts loaded, not of the whole year before
        # One array parameter, however many contacts (not a placeholder each).
        related_filter = Q(fact_queries.subjects_of(list(contacts)))
    contacts_by_child: dict[ChildKey, list[ContactFact]] = defaultdict(list)
    children = ContactSubject.objects.none()
    if needs.children:
        children = ContactSubject.objects.filter(
            related_filter, role__in=ContactSubject.CHILD_ROLES
        )
    for contact_id, subject_id, person_id in children.order_by(
        "contact_id", "position", "pk"
    ).values_list("contact_id", "pk", "person_id"):
        fact = contacts.get(contact_id)
        if fact is None:
            continue
        key: ChildKey = ("person", person_id) if person_id else ("subject", subject_id)
        fact.children.append((subject_id, key))
        contacts_by_child[key].append(fact)
    for history in contacts_by_child.values():
        history.sort(key=lambda fact: (fact.received_at, fact.id))

    if linked_only and needs.outcomes:
        span_start = start_of(start)
        own_ids = [pk for pk, fact in contacts.items() if fact.received_at >= span_start]
        outcome_rows = fact_queries.own_outcomes(outcome_rows, own_ids, as_at)
    outcomes = [OutcomeFact(*row[:5]) for row in outcome_rows if row[0] in contacts]
    # Checks asked in the window (about any contact, however long ago received), as
    # recorded at as_at: one asked later is not counted yet.
    checks = [
        CheckFact(contact_id, london_date(asked_at), basis, agency_id)
        for contact_id, asked_at, basis, agency_id in _or_none(
            AgencyCheck.objects.filter(agency_q(needs.agency, "contact__")), needs.checks
        )
        .filter(
            # Only the span's are counted (kept months read no others).
            requested_at__gte=start_of(start) if linked_only else window_start,
            requested_at__lt=window_end,
            requested_at__lte=as_at,
        )
        .order_by("requested_at", "pk")
        .values_list("contact_id", "requested_at", "basis", "contact__source_agency_id")
    ]
    encompass = _notices(start, end, as_at, contacts, needs) if needs.notices else []
    return Facts(
        as_at=as_at,
        contacts=contacts,
        outcomes=outcomes,
        contacts_by_child=dict(contacts_by_child),
        checks=checks,
        encompass=encompass,
        came_back=came_back(start=start, end=end, as_at=as_at) if needs.came_back else {},
    )


# London dates by PostgreSQL, read as dates (no conversion per row in Python, as a
# moment's London date, or TruncDate's, would be).
_LONDON_DATE_RECEIVED = RawSQL(
    """("referrals_contact"."received_at" AT TIME ZONE 'Europe/London')::date""",
    (),
    output_field=DateField(),
)
_LONDON_DATE_DUE = RawSQL(
    """("outcomes_encompassnotice"."due_at" AT TIME ZONE 'Europe/London')::date""",
    (),
    output_field=DateField(),
)


def _notices(
    start: date, end: date, as_at: datetime, contacts: dict[int, ContactFact], needs: Needs
) -> list[EncompassFact]:
    """Schools' notices due from ``start`` up to ``end`` (not those a screener found no
    school for), on front-door contacts received in the window (a notice is due days
    after its contact). Of the year before, their contacts are not loaded as facts for
    them: the notice carries its contact's agency, all its figure reads, looked up for
    those not loaded; and when it was sent (None: not by as_at). Each looked up by id:
    joined, PostgreSQL may read every contact or every notice sent."""
    window_start = start_of(one_year_before(start))
    rows = list(
        EncompassNotice.objects.filter(
            due_at__gte=start_of(start), due_at__lt=start_of(end), created_at__lte=as_at
        )
        .exclude(state=EncompassNotice.State.NOT_SENT)
        .order_by("due_at", "pk")
        .annotate(due_on=_LONDON_DATE_DUE)
        .values_list("contact_id", "subject_id", "due_at", "notice_id", "due_on")
    )
    notices = [row[3] for row in rows if row[3] is not None]
    sent = dict(
        Notice.objects.filter(fact_queries.notices_in(notices), sent_at__lte=as_at).values_list(
            "pk", "sent_at"
        )
        if notices
        else ()
    )
    # Every contact loaded (but those loaded for an outcome, from before the window) is a
    # front-door contact received in the window and recorded by as_at.
    agencies = {pk: f.agency_id for pk, f in contacts.items() if f.received_at >= window_start}
    missing = list({row[0] for row in rows} - agencies.keys())
    if missing:
        agencies.update(
            Contact.objects.filter(
                fact_queries.contacts_in(missing),
                agency_q(needs.agency),
                FRONT_DOOR,
                received_at__gte=window_start,
                received_at__lt=start_of(end),
                created_at__lte=as_at,
            ).values_list("pk", "source_agency_id")
        )
    return [
        EncompassFact(contact_id, subject, due_on, due_at, sent.get(notice), agencies[contact_id])
        for contact_id, subject, due_at, notice, due_on in rows
        if contact_id in agencies
    ]


def _or_none(queryset, wanted: bool):
    return queryset if wanted else queryset.none()
