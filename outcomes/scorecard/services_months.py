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

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from frontdoor.dispatch import send
from frontdoor.london import london_date, one_year_after, one_year_before, start_of
from outcomes.models import DownstreamOutcome, ScorecardMonth, ScorecardMonthMark
from outcomes.scorecard.definitions import DEFINITIONS_VERSION
from outcomes.scorecard.facts import load_facts
from outcomes.scorecard.kept import ALL, month_periods, months_to_keep, settle
from outcomes.scorecard.parts import agencies_in, is_empty, month_part
from outcomes.scorecard.periods import Granularity, Period
from outcomes.scorecard.selectors import AgencyGroup
from referrals.models import Contact, ContactSubject, ContactWithdrawal
from screening.models import Decision

MONTHS_KEEP_TASK = "outcomes.tasks.scorecard_months_keep"
# How far back the beat entry keeps months: the trend of any period a steering group
# looks at (two years before a year, and the year before that for re-referrals).
KEEP_MONTHS_BACK = 48
# Months counted from one load of facts (memory at a region's scale).
MONTHS_PER_LOAD = 6


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
            for key in agencies_in(facts, month):
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


def _open_month(now: datetime) -> date:
    """The month not kept yet: a change up to ``settle()`` before it began may be
    committed after its month was kept, so it marks that month as closed."""
    return Period.containing(london_date(now + settle()), Granularity.MONTH).start


def _mark(months: set[date], effective_at: datetime) -> None:
    now = timezone.now()
    closed = {month for month in months if month < _open_month(now)}
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


# The month of the contact and of each child's previous contact (by receipt, then id)
# within the year before it, if closed: one statement, writing nothing in the usual case
# (a contact received now about children with no earlier contact in a closed month).
# The previous one as "came back" counts it (facts._CAME_BACK_SQL): at the front door
# (a pathway's is counted apart) and not withdrawn; a withdrawal marks its own previous.
_OWN_AND_PREVIOUS_SQL = """
INSERT INTO {mark} (month, effective_at, marked_at)
SELECT DISTINCT month.start, %(effective)s, %(now)s
FROM (
    SELECT %(received)s::timestamptz AS received_at
    UNION ALL
    SELECT previous.received_at
    FROM {subject} subject
    CROSS JOIN LATERAL (
        SELECT contact.received_at
        FROM {subject} other
        JOIN {contact} contact ON contact.id = other.contact_id
        WHERE other.person_id = subject.person_id
          AND other.role = ANY(%(roles)s)
          AND contact.id <> %(contact)s
          AND (contact.received_at, contact.id) < (%(received)s::timestamptz, %(contact)s)
          AND contact.received_at >= %(year_before)s
          AND contact.pathway = ''
          AND NOT EXISTS (
              SELECT 1 FROM {withdrawal} withdrawal WHERE withdrawal.contact_id = contact.id
          )
        ORDER BY contact.received_at DESC, contact.id DESC
        LIMIT 1
    ) previous
    WHERE subject.contact_id = %(contact)s
      AND subject.role = ANY(%(roles)s)
      AND subject.person_id IS NOT NULL
) received
CROSS JOIN LATERAL (
    SELECT (date_trunc('month', received.received_at AT TIME ZONE 'Europe/London'))::date AS start
) month
WHERE month.start < %(open_month)s
"""


def _mark_own_and_previous(contact: Contact, effective_at: datetime) -> None:
    """Mark ``contact``'s month and each child's previous contact's month within the
    year before (the one a child "came back" from with this contact), where closed."""
    now = timezone.now()
    quote = connection.ops.quote_name
    sql = _OWN_AND_PREVIOUS_SQL.format(
        subject=quote(ContactSubject._meta.db_table),
        contact=quote(Contact._meta.db_table),
        mark=quote(ScorecardMonthMark._meta.db_table),
        withdrawal=quote(ContactWithdrawal._meta.db_table),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {
                "received": contact.received_at,
                "contact": contact.pk,
                "roles": [role.value for role in ContactSubject.CHILD_ROLES],
                "year_before": start_of(one_year_before(london_date(contact.received_at))),
                "effective": min(effective_at, now),
                "now": now,
                "open_month": _open_month(now),
            },
        )


def marks_for_contact_received(*, contact: Contact) -> None:
    """A contact recorded late (received in a closed month), and the previous contact
    of each child on it, which the child has now come back from. One statement per
    contact (intake's rate: docs/adr/0049)."""
    _mark_own_and_previous(contact, contact.created_at)


def marks_for_people(*, person_ids: Iterable[int]) -> None:
    """A child linked to a person record (a match confirmed, or a new record), or two
    records merged or the merge undone: every closed month with a contact about them.
    Re-referrals, who came back and each child counted once all read the links, which
    are not kept as at a moment: the live count reads today's, so the kept months do
    too, for any moment asked (the mark takes effect from the earliest month)."""
    moments = (
        Contact.objects.filter(
            subjects__person_id__in=list(person_ids),
            subjects__role__in=ContactSubject.CHILD_ROLES,
        )
        .values_list("received_at", flat=True)
        .distinct()
    )
    months = {_month_of(moment) for moment in moments}
    if months:
        _mark(months, start_of(min(months)))


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
    # Each child's contacts decided now, and the horizon a year after each.
    looking_back: dict[int, list[tuple[datetime, datetime]]] = {}
    for contact_id, own in persons.items():
        day = london_date(received[contact_id])
        horizon = start_of(one_year_after(day) + timedelta(days=1))
        for person in own:
            looking_back.setdefault(person, []).append((received[contact_id], horizon))
    for person, moment in later:
        if any(since < moment < horizon for since, horizon in looking_back[person]):
            months.add(_month_of(moment))
    stood = min(decision.approval_at or decision.decided_at for decision in decisions)
    _mark(months, stood)


def marks_for_withdrawal(*, withdrawal) -> None:
    """A contact withdrawn: its month, and each child's previous contact, whose
    "came back" may have been this one."""
    _mark_own_and_previous(withdrawal.contact, withdrawal.withdrawn_at)


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


def marks_for_notices(*, due: Iterable[datetime]) -> None:
    """Schools' notices found to have no school or stopped (not sent: not counted), or
    given a school's own due time: the months they were, and are, due in. Their state
    is not kept as at a moment (the live count reads today's), so the mark takes effect
    from the earliest month, as for links between records."""
    months = {_month_of(moment) for moment in due}
    if months:
        _mark(months, start_of(min(months)))
