"""The schools directory: loaded from the DfE's Get Information about Schools extract
(GIAS "All establishment data", its own column names), the council's Key Adult list
and term dates, each a CSV; one service for the administrators' upload page and the
``load_schools`` command.

Unlike the outcomes import, a directory file is applied row by row: the good rows are
kept and each bad row is reported with its line and what is wrong (one school's odd
postcode must not hold up four hundred Key Adults). A term-dates calendar is changed
only when all of its rows are good, as half a calendar would hold notices wrongly,
and only from its first day there to its last (the terms before and after are kept).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from enum import StrEnum

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from frontdoor.audit import audit_record
from frontdoor.models import AuditEvent, User
from frontdoor.phones import uk_phone_clean
from frontdoor.roles import Permission
from frontdoor.spreadsheets import csv_text
from outcomes.encompass import terms as term_rules
from outcomes.models_encompass import School, TermCalendar


class Kind(StrEnum):
    GIAS = "gias"
    KEY_ADULTS = "key_adults"
    TERM_DATES = "term_dates"


KIND_LABELS = {
    Kind.GIAS: "Schools (Get Information about Schools extract)",
    Kind.KEY_ADULTS: "Key Adults (the council's list)",
    Kind.TERM_DATES: "Term dates",
}
# GIAS's own headers, as in edubasealldataYYYYMMDD.csv.
GIAS_REQUIRED = ("URN", "EstablishmentName", "EstablishmentStatus (name)")
GIAS_OPTIONAL = (
    "PhaseOfEducation (name)",
    "TypeOfEstablishment (name)",
    "LA (name)",
    "LA (code)",
    "EstablishmentNumber",
    "Postcode",
)
KEY_ADULT_REQUIRED = ("URN", "Key Adult name", "Key Adult email")
KEY_ADULT_OPTIONAL = ("Key Adult phone", "Secure email", "Open all year", "Term calendar")
TERM_REQUIRED = ("Calendar", "Term", "First day", "Last day")
REQUIRED = {
    Kind.GIAS: GIAS_REQUIRED,
    Kind.KEY_ADULTS: KEY_ADULT_REQUIRED,
    Kind.TERM_DATES: TERM_REQUIRED,
}
OPTIONAL = {Kind.GIAS: GIAS_OPTIONAL, Kind.KEY_ADULTS: KEY_ADULT_OPTIONAL, Kind.TERM_DATES: ()}
ERRORS_SHOWN = 200
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0", ""}


class DirectoryRefused(Exception):
    pass


class RowProblem(Exception):
    pass


@dataclass
class DirectoryReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0  # GIAS rows of other local authorities
    errors: list[tuple[int, str]] = field(default_factory=list)


def _text(data: bytes) -> str:
    """UTF-8 (with or without its mark), else Windows-1252, as GIAS's extract is saved."""
    text = csv_text(data)
    if text is None:
        raise DirectoryRefused("The file must be a CSV saved as UTF-8")
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise DirectoryRefused(
            f"Line {line:,} has a null character: save the file again as CSV (UTF-8)"
        )
    if not text.strip():
        raise DirectoryRefused("The file is empty: choose a CSV file with a header row")
    return text


def _rows(text: str, kind: Kind) -> list[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        headers = [name.strip() for name in reader.fieldnames or []]
        reader.fieldnames = headers
        missing = [name for name in REQUIRED[kind] if name not in headers]
        if missing:
            raise DirectoryRefused(
                f"The file has no column {', '.join(missing)}: is it the "
                f"{KIND_LABELS[kind].lower()} file?"
            )
        wanted = (*REQUIRED[kind], *OPTIONAL[kind])
        return [
            (reader.line_num, {name: (row.get(name) or "").strip() for name in wanted})
            for row in reader
            if any((value or "").strip() for value in row.values() if isinstance(value, str))
        ]
    except csv.Error as error:
        raise DirectoryRefused(
            f"Line {reader.line_num:,} is not readable as CSV: {error}"
        ) from None


# A cell a spreadsheet would run as a formula starts with one of these (after spaces).
FORMULA_STARTS = ("=", "+", "-", "@")
# GIAS statuses of a school that is open now ("Proposed to open" is not yet).
OPEN_STATUSES = {"open", "open, but proposed to close"}


def _no_formulas(row: dict[str, str]) -> None:
    for name, value in row.items():
        if value.strip().startswith(FORMULA_STARTS):
            raise RowProblem(f"{name} holds a spreadsheet formula: save the values, not formulas")


def _limited(value: str, name: str, length: int) -> str:
    if len(value) > length:
        raise RowProblem(f"{name} is longer than {length} characters")
    return value


def _gias_values(row: dict[str, str]) -> dict:
    urn = row["URN"]
    if not re.fullmatch(r"\d{1,10}", urn):
        raise RowProblem("URN must be a number, like 121212")
    if not row["EstablishmentName"]:
        raise RowProblem("EstablishmentName is empty")
    la_code, number = row["LA (code)"], row["EstablishmentNumber"]
    if la_code and not re.fullmatch(r"\d{3}", la_code):
        raise RowProblem("LA (code) must be three digits, like 815")
    if number and not re.fullmatch(r"\d{1,4}", number):
        raise RowProblem("EstablishmentNumber must be up to four digits, like 2001")
    phase = row["PhaseOfEducation (name)"]
    kind = row["TypeOfEstablishment (name)"]
    return {
        "name": _limited(row["EstablishmentName"], "EstablishmentName", 200),
        "phase": _limited(phase, "PhaseOfEducation (name)", 60),
        "type_of_establishment": _limited(kind, "TypeOfEstablishment (name)", 100),
        "local_authority": _limited(row["LA (name)"], "LA (name)", 100),
        "la_code": la_code,
        "establishment_number": number.zfill(4) if number else "",
        "postcode": _limited(row["Postcode"].upper(), "Postcode", 8),
        "is_open": row["EstablishmentStatus (name)"].strip().lower() in OPEN_STATUSES,
        "is_early_years": phase.lower() == "nursery" or "nursery" in kind.lower(),
    }


def _gias_import(rows, report: DirectoryReport) -> None:
    wanted = {name.lower() for name in settings.ENCOMPASS_LOCAL_AUTHORITIES}
    existing = {school.urn: school for school in School.objects.all()}
    new, changed = [], []
    seen: dict[str, int] = {}
    for line, row in rows:
        if wanted and row["LA (name)"].lower() not in wanted:
            report.skipped += 1
            continue
        if row["URN"] in seen:
            report.errors.append(
                (
                    line,
                    f"URN {row['URN'][:20]} is also on line {seen[row['URN']]:,}: "
                    "only the first row was loaded",
                )
            )
            continue
        seen[row["URN"]] = line
        try:
            _no_formulas(row)
            values = _gias_values(row)
        except RowProblem as problem:
            report.errors.append((line, str(problem)))
            continue
        school = existing.get(row["URN"])
        if school is None:
            school = School(urn=row["URN"], **values)
            existing[school.urn] = school
            new.append(school)
        elif any(getattr(school, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(school, name, value)
            changed.append(school)
        else:
            report.unchanged += 1
    for school in [*new, *changed]:
        if not school.is_open:
            # A closed school gets no notices: its Key Adult's details are not kept.
            school.key_adult_name = school.key_adult_email = school.key_adult_phone = ""
            school.secure_email = ""
    School.objects.bulk_create(new, batch_size=1000)
    School.objects.bulk_update(changed, fields=list(_GIAS_FIELDS), batch_size=1000)
    report.created, report.updated = len(new), len({s.urn for s in changed})


_GIAS_FIELDS = (
    "name",
    "phase",
    "type_of_establishment",
    "local_authority",
    "la_code",
    "establishment_number",
    "postcode",
    "is_open",
    "is_early_years",
    "key_adult_name",
    "key_adult_email",
    "key_adult_phone",
    "secure_email",
)


def _email(value: str, name: str) -> str:
    if not value:
        return ""
    try:
        validate_email(value)
    except ValidationError:
        raise RowProblem(
            f"{name} is not an email address, like dsl@school.example.sch.uk"
        ) from None
    return _limited(value, name, 254)


def _key_adult_values(row: dict[str, str], calendars: dict[str, TermCalendar]) -> dict:
    if not row["Key Adult name"]:
        raise RowProblem("Key Adult name is empty")
    values = {
        "key_adult_name": _limited(row["Key Adult name"], "Key Adult name", 200),
        "key_adult_email": _email(row["Key Adult email"], "Key Adult email"),
        "secure_email": _email(row["Secure email"], "Secure email"),
    }
    if not values["key_adult_email"] and not values["secure_email"]:
        raise RowProblem("Give the Key Adult's email or the school's secure email")
    try:
        values["key_adult_phone"] = uk_phone_clean(row["Key Adult phone"])
    except ValidationError:
        raise RowProblem("Key Adult phone is not a UK telephone number") from None
    open_all_year = row["Open all year"].lower()
    if open_all_year not in YES | NO:
        raise RowProblem("Open all year must be yes or no")
    values["open_all_year"] = open_all_year in YES
    calendar_name = row["Term calendar"]
    if calendar_name:
        calendar = calendars.get(calendar_name.lower())
        if calendar is None:
            raise RowProblem(f"No term calendar is called {calendar_name}: import its dates first")
        values["term_calendar"] = calendar
    return values


def _key_adults_import(rows, report: DirectoryReport) -> None:
    schools = {school.urn: school for school in School.objects.all()}
    calendars = {calendar.name.lower(): calendar for calendar in TermCalendar.objects.all()}
    for line, row in rows:
        try:
            _no_formulas(row)
            school = schools.get(row["URN"])
            if school is None:
                raise RowProblem(
                    f"URN {row['URN'][:20]} is not in the directory: import the GIAS file first"
                )
            if not school.is_open:
                raise RowProblem(
                    f"{school.name} ({school.urn}) is not open, as GIAS lists it: a closed "
                    "school keeps no Key Adult"
                )
            values = _key_adult_values(row, calendars)
        except RowProblem as problem:
            report.errors.append((line, str(problem)))
            continue
        if all(getattr(school, name) == value for name, value in values.items()):
            report.unchanged += 1
            continue
        for name, value in values.items():
            setattr(school, name, value)
        school.save()
        report.updated += 1


def _term_dates_import(rows, report: DirectoryReport) -> None:
    by_calendar: dict[str, list[tuple[int, dict[str, str]]]] = {}
    for line, row in rows:
        by_calendar.setdefault(row["Calendar"], []).append((line, row))
    for name, calendar_rows in by_calendar.items():
        terms, bad = [], False
        for line, row in calendar_rows:
            try:
                _no_formulas(row)
                if not name:
                    raise RowProblem("Calendar is empty")
                terms.append(term_rules.term_from(row["Term"], row["First day"], row["Last day"]))
            except (RowProblem, term_rules.TermProblem) as problem:
                report.errors.append((line, str(problem)))
                bad = True
        overlap = "" if bad else term_rules.overlap_problem(terms)
        if overlap:
            report.errors.append((calendar_rows[0][0], f"{name[:200]}: {overlap}"))
        if bad or overlap:
            continue
        calendar, created = term_rules.calendar_for(_limited(name, "Calendar", 200))
        term_rules.terms_replace(calendar, terms, only_their_dates=True)
        report.created += created
        report.updated += not created


def directory_import(*, actor: User | None, kind: str, data: bytes) -> DirectoryReport:
    """Apply one directory file; the report says what changed and which rows were not."""
    try:
        kind = Kind(kind)
    except ValueError:
        raise DirectoryRefused("Choose which file this is") from None
    rows = _rows(_text(data), kind)
    report = DirectoryReport()
    with transaction.atomic():
        {
            Kind.GIAS: _gias_import,
            Kind.KEY_ADULTS: _key_adults_import,
            Kind.TERM_DATES: _term_dates_import,
        }[kind](rows, report)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CHANGE,
            record_type="school_directory",
            record_id=kind.value,
            via="outcomes.encompass.directory_import",
            detail={
                "created": report.created,
                "updated": report.updated,
                "errors": len(report.errors),
            },
        )
    return report


SCHOOL_FIELDS = (
    "key_adult_name",
    "key_adult_email",
    "key_adult_phone",
    "secure_email",
    "open_all_year",
    "term_calendar",
    "is_early_years",
    "agency",
)


@transaction.atomic
def school_change(*, actor: User, school: School, values: dict) -> School:
    """An administrator's change to a school's Key Adult, calendar or settings."""
    if not actor.has_perm(Permission.ADMINISTER_SERVICE.perm):
        raise DirectoryRefused("Only administrators change the schools directory.")
    changed = [name for name in SCHOOL_FIELDS if getattr(school, name) != values[name]]
    for name in changed:
        setattr(school, name, values[name])
    school.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CHANGE,
        record_type="school",
        record_id=school.urn,
        via="outcomes.encompass.school_change",
        detail={"fields": changed},
    )
    return school
