"""Term dates: calendars of terms, edited by administrators (a page with one term a
line, or the term-dates CSV), only when every term given is good. The page shows and
replaces a calendar's terms whole; the CSV replaces only those from its first day to
its last (next year's dates, loaded in November, leave this year's as they are)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from itertools import pairwise

from django.db import transaction
from django.db.models.functions import Lower

from frontdoor.audit import audit_record
from frontdoor.models import AuditEvent, User
from frontdoor.roles import Permission
from outcomes.models_encompass import TermCalendar, TermPeriod

DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
LONGEST_TERM_DAYS = 120


class TermProblem(Exception):
    pass


@dataclass(frozen=True)
class Term:
    name: str
    starts_on: date
    ends_on: date


def _day(value: str, what: str) -> date:
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(value.strip(), pattern).date()
        except ValueError:
            continue
    raise TermProblem(f"{what} must be a date like 2026-09-03 or 03/09/2026")


def term_from(name: str, first: str, last: str) -> Term:
    name = name.strip()
    if not name:
        raise TermProblem("Give the term a name, like Autumn 1")
    if len(name) > 100:
        raise TermProblem("The term's name is longer than 100 characters")
    starts_on, ends_on = _day(first, "First day"), _day(last, "Last day")
    if ends_on < starts_on:
        raise TermProblem(f"{name} ends before it starts")
    if (ends_on - starts_on).days > LONGEST_TERM_DAYS:
        raise TermProblem(f"{name} is longer than {LONGEST_TERM_DAYS} days: check the dates")
    return Term(name, starts_on, ends_on)


def terms_from_lines(text: str) -> tuple[list[Term], list[tuple[int, str]]]:
    """Terms typed one a line as "name, first day, last day"; and the lines that are not."""
    terms, errors = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split(",")]
        try:
            if len(parts) != 3:
                raise TermProblem("Write the term as: name, first day, last day")
            terms.append(term_from(*parts))
        except TermProblem as problem:
            errors.append((number, str(problem)))
    return terms, errors


def terms_as_lines(calendar: TermCalendar) -> str:
    return "\n".join(
        f"{term.name}, {term.starts_on:%Y-%m-%d}, {term.ends_on:%Y-%m-%d}"
        for term in calendar.terms.all()
    )


def calendar_for(name: str) -> tuple[TermCalendar, bool]:
    """The calendar of that name (any case), made if new; the first is the default."""
    calendar = TermCalendar.objects.annotate(lower=Lower("name")).filter(lower=name.lower()).first()
    if calendar is not None:
        return calendar, False
    first = not TermCalendar.objects.exists()
    return TermCalendar.objects.create(name=name, is_default=first), True


def overlap_problem(terms: list[Term]) -> str:
    ordered = sorted(terms, key=lambda term: term.starts_on)
    for earlier, later in pairwise(ordered):
        if later.starts_on <= earlier.ends_on:
            return f"{earlier.name} and {later.name} overlap"
    return ""


def terms_replace(
    calendar: TermCalendar, terms: list[Term], *, only_their_dates: bool = False
) -> None:
    """The calendar's terms become ``terms``: all of them, or with ``only_their_dates``
    those from the first day of ``terms`` to the last, the terms before and after kept
    (they cannot overlap the new ones)."""
    overlap = overlap_problem(terms)
    if overlap:
        raise TermProblem(overlap)
    replaced = calendar.terms.all()
    if only_their_dates and terms:
        replaced = replaced.filter(
            starts_on__lte=max(term.ends_on for term in terms),
            ends_on__gte=min(term.starts_on for term in terms),
        )
    replaced.delete()
    TermPeriod.objects.bulk_create(
        TermPeriod(calendar=calendar, name=t.name, starts_on=t.starts_on, ends_on=t.ends_on)
        for t in terms
    )


class TermsRefused(Exception):
    pass


def _administers(actor: User) -> None:
    if not actor.has_perm(Permission.ADMINISTER_SERVICE.perm):
        raise TermsRefused("Only administrators change term dates.")


def _audit(actor: User, calendar: TermCalendar, via: str) -> None:
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CHANGE,
        record_type="term_calendar",
        record_id=calendar.pk,
        via=via,
    )


@transaction.atomic
def calendar_create(*, actor: User, name: str) -> TermCalendar:
    _administers(actor)
    name = name.strip()
    if not name:
        raise TermsRefused("Enter the calendar's name")
    if TermCalendar.objects.annotate(lower=Lower("name")).filter(lower=name.lower()).exists():
        raise TermsRefused("There is already a calendar with that name")
    calendar, _ = calendar_for(name[:200])
    _audit(actor, calendar, "outcomes.encompass.calendar_create")
    return calendar


@transaction.atomic
def calendar_change(
    *, actor: User, calendar: TermCalendar, lines: str, is_default: bool
) -> list[tuple[int, str]]:
    """Replace the calendar's terms with those typed; nothing changes if any line is
    wrong (the lines and what is wrong with each are returned)."""
    _administers(actor)
    terms, errors = terms_from_lines(lines)
    if not errors:
        try:
            terms_replace(calendar, terms)
        except TermProblem as problem:
            errors = [(0, str(problem))]
    if errors:
        transaction.set_rollback(True)
        return errors
    if is_default and not calendar.is_default:
        TermCalendar.objects.filter(is_default=True).update(is_default=False)
        TermCalendar.objects.filter(pk=calendar.pk).update(is_default=True)
    _audit(actor, calendar, "outcomes.encompass.calendar_change")
    return []
