"""Writes for kept months (docs/adr/0049-kept-month-counts.md): a closed month's
scorecard facts counted once, and marked when a late event changes them.

A month is kept once it has ended (``months_keep_due``: the beat entry, and on
demand before a recount). What is recorded later and changes a closed month writes a
mark in its own transaction (``marks_for_*``, subscribed to the domain events in
``outcomes.apps`` or called by outcomes' own services); a marked month is counted live
until it is kept again, which the next run of the beat entry does.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from frontdoor.dispatch import send
from frontdoor.london import london_date, one_year_after, one_year_before, start_of
from outcomes.models import DownstreamOutcome, ScorecardMonth, ScorecardMonthMark
from outcomes.scorecard.facts import load_facts
from outcomes.scorecard.kept import ALL, month_periods, months_to_keep, settle
from outcomes.scorecard.measures import DEFINITIONS_VERSION
from outcomes.scorecard.parts import is_empty, month_part
from outcomes.scorecard.periods import Granularity, Period
from outcomes.scorecard.selectors import NO_AGENCY, AgencyGroup
from referrals.models import Contact, ContactSubject
from screening.models import Decision

MONTHS_KEEP_TASK = "outcomes.tasks.scorecard_months_keep"
# How far back the beat entry keeps months: the trend of any period a steering group
# looks at (two years before a year, and the year before that for re-referrals).
KEEP_MONTHS_BACK = 48
# Months counted from one load of facts (memory at a region's scale).
MONTHS_PER_LOAD = 6


def _agency_key(agency_id: int | None) -> str:
    return NO_AGENCY if agency_id is None else str(agency_id)


def _agencies_in(facts, month: Period) -> set[str]:
    """The source agencies with anything counted in ``month``."""
    months = [month.start]
    ids = {fact.agency_id for fact in facts.received_in(months)}
    ids |= {fact.agency_id for fact in facts.decided_in(months)}
    ids |= {check.agency_id for check in facts.checks_asked_in(months)}
    ids |= {
        facts.contacts[outcome.contact_id].agency_id
        for outcome in facts.outcomes
        if month.contains(outcome.occurred_on)
    }
    ids |= {
        facts.contacts[notice.contact_id].agency_id
        for notice in facts.encompass
        if month.contains(notice.due_on) and notice.contact_id in facts.contacts
    }
    return {_agency_key(agency_id) for agency_id in ids}


def _runs(months: list[date]) -> list[list[date]]:
    """Consecutive months in runs of at most ``MONTHS_PER_LOAD``."""
    runs: list[list[date]] = []
    for month in sorted(months):
        previous = runs[-1][-1] if runs else None
        following = Period(previous, Granularity.MONTH).next().start if previous else None
        if runs and month == following and len(runs[-1]) < MONTHS_PER_LOAD:
            runs[-1].append(month)
        else:
            runs.append([month])
    return runs


def months_keep(*, months: Iterable[date], as_at: datetime | None = None) -> int:
    """Count each of ``months`` (closed by ``as_at``, now) as at ``as_at`` and keep it,
    replacing its earlier count; the number of months kept."""
    as_at = as_at or timezone.now()
    kept = 0
    for run in _runs([m for m in months if start_of(Period(m, Granularity.MONTH).end) <= as_at]):
        started = time.perf_counter()
        last = Period(run[-1], Granularity.MONTH)
        facts = load_facts(start=run[0], end=last.end, as_at=as_at, linked_only=True)
        for start in run:
            month = Period(start, Granularity.MONTH)
            parts = {ALL: month_part(facts, month)}
            for key in _agencies_in(facts, month):
                part = month_part(facts, month, AgencyGroup(key, "").includes)
                if not is_empty(part):
                    parts[key] = part
            seconds = (time.perf_counter() - started) / len(run)
            _month_write(start, parts, as_at, seconds)
            kept += 1
    return kept


def _month_write(month: date, parts, as_at: datetime, seconds: float) -> None:
    try:
        with transaction.atomic():
            _month_replace(month, parts, as_at, seconds)
    except IntegrityError:
        pass  # kept at the same time by another run: its count serves as well


def _month_replace(month: date, parts, as_at: datetime, seconds: float) -> None:
    ScorecardMonth.objects.filter(month=month).delete()
    ScorecardMonth.objects.bulk_create(
        ScorecardMonth(
            month=month,
            agency=key,
            definitions=DEFINITIONS_VERSION,
            counted_at=as_at,
            figures=part.figures_json(),
            hours=part.hours,
            children=part.children,
            returned=part.returned,
            seconds=seconds,
        )
        for key, part in parts.items()
    )
    # Marks written before this count (less the settling time) are in it.
    ScorecardMonthMark.objects.filter(month=month, marked_at__lt=as_at - settle()).delete()


def closed_months(now: datetime, back: int = KEEP_MONTHS_BACK) -> list[date]:
    this_month = Period.containing(london_date(now), Granularity.MONTH)
    return [
        month.start for month in month_periods(this_month.shifted(-back).start, this_month.start)
    ]


def months_keep_due(*, now: datetime | None = None, months: list[date] | None = None) -> int:
    """Keep every closed month (of the last ``KEEP_MONTHS_BACK``, or ``months``) not
    kept yet, kept under an earlier definition, or marked since it was kept."""
    now = now or timezone.now()
    if months is None:
        wanted = set(closed_months(now))
    else:  # on demand: any of them that has ended, however long ago
        this_month = Period.containing(london_date(now), Granularity.MONTH).start
        wanted = {month for month in months if month < this_month}
    return months_keep(months=months_to_keep(sorted(wanted), now), as_at=now)


def months_keep_request() -> bool:
    """Ask a worker to keep the months due (the task takes no arguments)."""
    return send(MONTHS_KEEP_TASK)


# Marks: which closed months a change recorded now touches.


def _month_of(moment: datetime) -> date:
    return london_date(moment).replace(day=1)


def _mark(months: set[date], effective_at: datetime) -> None:
    now = timezone.now()
    this_month = Period.containing(london_date(now + settle()), Granularity.MONTH).start
    closed = {month for month in months if month < this_month}
    ScorecardMonthMark.objects.bulk_create(
        ScorecardMonthMark(month=month, effective_at=min(effective_at, now), marked_at=now)
        for month in sorted(closed)
    )


def _persons(contact_ids: list[int]) -> dict[int, set[int]]:
    persons: dict[int, set[int]] = {}
    for contact_id, person_id in ContactSubject.objects.filter(
        contact_id__in=contact_ids, role__in=ContactSubject.CHILD_ROLES, person__isnull=False
    ).values_list("contact_id", "person_id"):
        persons.setdefault(contact_id, set()).add(person_id)
    return persons


def _linked_months(contact: Contact, persons: set[int], *, before: bool) -> set[date]:
    """Before: the month of each child's previous contact within the year before (the
    one a child "came back" from with this contact). After: the months of the
    children's contacts in the year after (whose re-referral looks back at this one)."""
    if not persons:
        return set()
    day = london_date(contact.received_at)
    others = Contact.objects.filter(
        subjects__person_id__in=persons, subjects__role__in=ContactSubject.CHILD_ROLES
    ).exclude(pk=contact.pk)
    if before:
        earlier = others.filter(
            Q(received_at__lt=contact.received_at)
            | Q(received_at=contact.received_at, pk__lt=contact.pk),
            received_at__gte=start_of(one_year_before(day)),
        )
        months = set()
        for person in persons:
            latest = (
                earlier.filter(subjects__person_id=person)
                .order_by("-received_at", "-pk")
                .values_list("received_at", flat=True)
                .first()
            )
            if latest is not None:
                months.add(_month_of(latest))
        return months
    later = others.filter(
        received_at__gt=contact.received_at,
        received_at__lt=start_of(one_year_after(day) + timedelta(days=1)),
    )
    return {_month_of(moment) for moment in later.values_list("received_at", flat=True)}


def marks_for_contact_received(*, contact: Contact) -> None:
    """A contact recorded late (received in a closed month), and the previous contact
    of each child on it, which the child has now come back from."""
    persons = _persons([contact.pk]).get(contact.pk, set())
    months = {_month_of(contact.received_at)}
    months |= _linked_months(contact, persons, before=True)
    _mark(months, contact.created_at)


def marks_for_decisions(*, decisions: list[Decision]) -> None:
    """Decisions standing (made, approved, or replacing one): each contact's month, the
    months its decisions were made in (decided and route share), and the children's
    contacts in the year after (re-referrals look back at its route). A few queries
    however many decisions (bulk triage)."""
    if not decisions:
        return
    ids = {decision.contact_id for decision in decisions}
    received = dict(Contact.objects.filter(pk__in=ids).values_list("pk", "received_at"))
    months = {_month_of(moment) for moment in received.values()}
    months |= {
        _month_of(moment)
        for moment in Decision.objects.filter(contact_id__in=ids).values_list(
            "decided_at", flat=True
        )
    }
    persons = _persons(list(ids))
    everyone = set().union(*persons.values()) if persons else set()
    later = ContactSubject.objects.filter(
        person_id__in=everyone,
        role__in=ContactSubject.CHILD_ROLES,
        contact__received_at__gt=min(received.values(), default=timezone.now()),
    ).values_list("person_id", "contact__received_at")
    for person, moment in later:
        for contact_id, own in persons.items():
            day = london_date(received[contact_id])
            horizon = start_of(one_year_after(day) + timedelta(days=1))
            if person in own and received[contact_id] < moment < horizon:
                months.add(_month_of(moment))
    stood = min(decision.approval_at or decision.decided_at for decision in decisions)
    _mark(months, stood)


def marks_for_withdrawal(*, withdrawal) -> None:
    """A contact withdrawn: its month, and each child's previous contact, whose
    "came back" may have been this one."""
    contact = withdrawal.contact
    persons = _persons([contact.pk]).get(contact.pk, set())
    months = {_month_of(contact.received_at)}
    months |= _linked_months(contact, persons, before=True)
    _mark(months, withdrawal.withdrawn_at)


def marks_for_outcome(*, outcome: DownstreamOutcome) -> None:
    """A downstream outcome recorded (however late): its contact's month (assessment
    conversion) and the month of every outcome recorded on that contact (the latest
    completion, the first strategy discussion and conference move between months)."""
    months = {_month_of(outcome.contact.received_at)}
    months |= {
        day.replace(day=1)
        for day in DownstreamOutcome.objects.filter(contact_id=outcome.contact_id).values_list(
            "occurred_on", flat=True
        )
    }
    _mark(months, outcome.recorded_at)
