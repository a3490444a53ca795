"""A force's batch of police notifications as a CSV file: the upload page and the
``import_police_notifications`` command both keep it as a job (``police_import_jobs``)
that reads it here a chunk at a time (``import_chunk``).

One row is one notification (its children and adults in numbered columns). The good
rows of each chunk are recorded together (``police_notifications_receive_many``,
docs/adr/0040) and a bad row never costs the good ones; each bad row is reported by
its row number and field; a reference the force already sent (in an earlier file or
earlier in this one) is a re-send, reported as such and not recorded again. A cell
that starts like a spreadsheet formula (= + - @, spaces before it aside) is refused,
never stored; a NUL byte fails its row only."""

from __future__ import annotations

import csv
import datetime
import io
import logging
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone

from frontdoor.limits import LIMITS, in_megabytes
from frontdoor.london import NoSuchLondonTime, london_wall_clock
from frontdoor.models import Agency, User
from frontdoor.spreadsheets import csv_text, looks_like_formula
from referrals.models import ContactSubject, IncidentType, Involvement, RiskGrade
from referrals.services.inputs import ContactRejected, SubjectInput
from referrals.services.police import (
    PoliceDetails,
    PoliceNotificationInput,
    PoliceNotificationRefused,
    PoliceReceipt,
    police_notification_receive,
)
from referrals.services.police_batch import police_notifications_receive_many
from referrals.validators import check_date_of_birth, clean_postcode

logger = logging.getLogger(__name__)
CHILD_COLUMNS = 4
CHUNK = 100  # rows recorded together and committed together
VIA = "referrals.police_notifications_import"
ADULT_COLUMNS = 3
REQUIRED = [
    "police_reference",
    "incident_date",
    "incident_time",
    "incident_type",
    "risk_grade",
    "officer_account",
    "child_1_first_name",
    "child_1_last_name",
    "child_1_involvement",
]
OPTIONAL = [
    "incident_number",
    "officer_name",
    "family_told",
    "address",
    "postcode",
    *[
        f"child_{n}_{part}"
        for n in range(1, CHILD_COLUMNS + 1)
        for part in ("first_name", "last_name", "date_of_birth", "involvement", "said")
    ],
    *[
        f"adult_{n}_{part}"
        for n in range(1, ADULT_COLUMNS + 1)
        for part in ("first_name", "last_name", "date_of_birth", "involvement", "relationship")
    ],
]
COLUMNS = [*REQUIRED, *[name for name in OPTIONAL if name not in REQUIRED]]
CHILD_WORDS = {
    "present": Involvement.CHILD_PRESENT,
    "resident": Involvement.CHILD_RESIDENT,
    Involvement.CHILD_PRESENT.value: Involvement.CHILD_PRESENT,
    Involvement.CHILD_RESIDENT.value: Involvement.CHILD_RESIDENT,
}
ADULT_WORDS = {
    value: value
    for value in (
        Involvement.VICTIM,
        Involvement.ALLEGED_PERPETRATOR,
        Involvement.WITNESS,
        Involvement.OTHER_ADULT,
    )
}
TOLD = {"yes": True, "y": True, "true": True, "no": False, "n": False, "false": False, "": None}


class ImportFileRefused(Exception):
    """The file as a whole cannot be imported (too big, not a CSV, no header)."""


class RowRefused(Exception):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column


@dataclass
class PoliceImportReport:
    created: list[tuple[int, str, str]] = field(default_factory=list)  # row, police ref, contact
    resent: list[tuple[int, str, str]] = field(default_factory=list)
    # Re-sends that differ (also in ``resent``): row, police ref, contact, how.
    changed: list[tuple[int, str, str, str]] = field(default_factory=list)
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # row, column, message

    @property
    def rows(self) -> int:
        return len(self.created) + len(self.resent) + len(self.errors)

    def extend(self, other: PoliceImportReport) -> None:
        self.created += other.created
        self.resent += other.resent
        self.changed += other.changed
        self.errors += other.errors


def _cell(row: dict, column: str, *, required: bool = False, limit: int = 0) -> str:
    value = row.get(column) or ""
    if "\x00" in value:
        raise RowRefused(column, "has a null character: save the file again as CSV (UTF-8)")
    if looks_like_formula(value):
        raise RowRefused(
            column, "starts like a spreadsheet formula (= + - @): send the value, not a formula"
        )
    value = value.strip()
    if required and not value:
        raise RowRefused(column, "is empty")
    if limit and len(value) > limit:
        raise RowRefused(column, f"must be {limit:,} characters or fewer (it has {len(value):,})")
    return value


def _date(row: dict, column: str, *, required: bool = False) -> datetime.date | None:
    value = _cell(row, column, required=required)
    if not value:
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise RowRefused(column, "must be a date like 2026-11-23 or 23/11/2026")


def _incident_at(row: dict) -> datetime.datetime:
    day = _date(row, "incident_date", required=True)
    value = _cell(row, "incident_time", required=True)
    try:
        time = datetime.datetime.strptime(value.replace(".", ":"), "%H:%M").time()
    except ValueError:
        raise RowRefused("incident_time", "must be a 24-hour time like 22:15") from None
    try:
        moment = london_wall_clock(day, time)
    except NoSuchLondonTime as wrong:
        raise RowRefused("incident_time", str(wrong)) from None
    if moment > timezone.now():
        raise RowRefused("incident_time", "the incident cannot be in the future")
    return moment


def _choice(row: dict, column: str, words: dict, what: str) -> str:
    value = _cell(row, column, required=True).lower().replace(" ", "_")
    if value not in words:
        raise RowRefused(column, f"must be one of: {', '.join(sorted(set(words)))} ({what})")
    return words[value]


def _person(row: dict, prefix: str, *, adult: bool, postcode: str, address: str) -> SubjectInput:
    for part in ("first_name", "last_name"):
        if not (row.get(f"{prefix}_{part}") or "").strip():
            raise RowRefused(
                f"{prefix}_{part}",
                f"is empty, but the {prefix} columns are not: give their name, or leave "
                f"every {prefix} column empty",
            )
    first = _cell(row, f"{prefix}_first_name", required=True, limit=LIMITS.name)
    last = _cell(row, f"{prefix}_last_name", required=True, limit=LIMITS.name)
    born = _date(row, f"{prefix}_date_of_birth")
    if born:
        try:
            check_date_of_birth(born, adult=adult)
        except ValidationError as wrong:
            raise RowRefused(f"{prefix}_date_of_birth", wrong.messages[0]) from None
    return SubjectInput(
        role=ContactSubject.Role.CHILD if not adult else ContactSubject.Role.OTHER_ADULT,
        first_name=first,
        last_name=last,
        date_of_birth=born,
        address=address,
        postcode=postcode,
    )


def _present(row: dict, prefix: str) -> bool:
    """Anything in the slot's columns: then it is someone, and needs a name."""
    return any(
        (value or "").strip() for column, value in row.items() if column.startswith(f"{prefix}_")
    )


def row_input(row: dict) -> PoliceNotificationInput:
    """One row as what the recording service takes; raises ``RowRefused``."""
    incident_at = _incident_at(row)
    postcode = _cell(row, "postcode", limit=LIMITS.postcode)
    if postcode:
        try:
            postcode = clean_postcode(postcode)
        except ValidationError as wrong:
            raise RowRefused("postcode", wrong.messages[0]) from None
    address = _cell(row, "address", limit=LIMITS.address)
    officer = _cell(row, "officer_name", limit=LIMITS.short_text)
    told = _cell(row, "family_told").lower()
    if told not in TOLD:
        raise RowRefused("family_told", "must be yes, no or empty (not said)")
    subjects, involvements = [], []
    for n in range(1, CHILD_COLUMNS + 1):
        prefix = f"child_{n}"
        if n > 1 and not _present(row, prefix):
            continue
        child = _person(row, prefix, adult=False, postcode=postcode, address=address)
        said = _cell(row, f"{prefix}_said", limit=LIMITS.narrative)
        if said:
            child = replace(
                child,
                child_seen=True,
                child_seen_on=timezone.localdate(incident_at),
                child_seen_by=officer or "The attending officer",
                child_said=said,
            )
        subjects.append(child)
        involvements.append(
            _choice(row, f"{prefix}_involvement", CHILD_WORDS, "was the child there")
        )
    for n in range(1, ADULT_COLUMNS + 1):
        prefix = f"adult_{n}"
        if not _present(row, prefix):
            continue
        adult = _person(row, prefix, adult=True, postcode=postcode, address=address)
        involvement = _choice(row, f"{prefix}_involvement", ADULT_WORDS, "how they were involved")
        relationship = _cell(row, f"{prefix}_relationship", limit=LIMITS.short_text)
        role = (
            ContactSubject.Role.ALLEGED_PERPETRATOR
            if involvement == Involvement.ALLEGED_PERPETRATOR
            else ContactSubject.Role.OTHER_ADULT
        )
        subjects.append(
            SubjectInput(
                **{**adult.__dict__, "role": role, "relationship_to_children": relationship}
            )
        )
        involvements.append(involvement)
    incident_words = {value: value for value in IncidentType.values}
    grade_words = {value: value for value in RiskGrade.values}
    return PoliceNotificationInput(
        details=PoliceDetails(
            police_reference=_cell(row, "police_reference", required=True, limit=50),
            incident_number=_cell(row, "incident_number", limit=50),
            incident_at=incident_at,
            incident_type=_choice(row, "incident_type", incident_words, "the type of incident"),
            risk_grade=_choice(row, "risk_grade", grade_words, "the officer's risk grade"),
            officer_account=_cell(row, "officer_account", required=True, limit=LIMITS.narrative),
            officer_name=officer,
            family_told=TOLD[told],
        ),
        subjects=subjects,
        involvements=involvements,
    )


def _text(data: bytes) -> str:
    if len(data) > settings.POLICE_IMPORT_MAX_BYTES:
        raise ImportFileRefused(
            f"The file must be smaller than {in_megabytes(settings.POLICE_IMPORT_MAX_BYTES)}"
        )
    text = csv_text(data)  # UTF-8, else Windows-1252 (as Excel saves it)
    if text is None:
        raise ImportFileRefused("The file must be a CSV saved as UTF-8 or Windows-1252")
    if not text.strip():
        raise ImportFileRefused("The file is empty: choose a CSV file with a header row")
    return text


def _rows(text: str) -> list[tuple[int, dict]]:
    """The rows with their numbers as a spreadsheet shows them (the header is row 1,
    blank rows are counted and skipped)."""
    # newline="" lets the csv module see quoted line breaks and stray carriage returns.
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[int, dict]] = []
    try:
        header = [name.strip().lower() for name in next(reader, [])]
        missing = [column for column in REQUIRED if column not in header]
        if missing:
            raise ImportFileRefused(f"Row 1 (the header) is missing: {', '.join(missing)}")
        for number, values in enumerate(reader, start=2):
            if not any(value.strip() for value in values):
                continue
            rows.append((number, dict(zip(header, values, strict=False))))
            if len(rows) > settings.POLICE_IMPORT_MAX_ROWS:
                raise ImportFileRefused(
                    f"The file has more than {settings.POLICE_IMPORT_MAX_ROWS:,} notifications: "
                    "split it into smaller files"
                )
    except csv.Error as error:
        raise ImportFileRefused(
            f"Line {reader.line_num:,} is not readable as CSV ({error}): nothing was imported"
        ) from None
    return rows


def _report(report: PoliceImportReport, number: int, notification, outcome) -> None:
    """What became of one row: its receipt, or why it was refused."""
    if isinstance(outcome, PoliceNotificationRefused):
        report.errors.append((number, outcome.field or "", str(outcome)))
        return
    if isinstance(outcome, ContactRejected):
        report.errors.append((number, "", str(outcome)))
        return
    reference, contact = notification.details.police_reference, outcome.contact.reference
    kept = report.created if outcome.created else report.resent
    kept.append((number, reference, contact))
    if outcome.changes:
        how = "; ".join(change.sentence for change in outcome.changes)
        report.changed.append((number, reference, contact, how))


# A row the database refused for a reason no check foresaw: said without its contents.
ROW_FAILED = (
    "This row could not be recorded (an error in the service, not in the row as far as "
    "we know): send it again, and tell the service desk if it fails again"
)


def _one_by_one(
    actor: User, force: Agency, number: int, notification
) -> PoliceReceipt | ContactRejected:
    """One row recorded alone in its own savepoint, no acknowledgement sent (the file
    has one summary): a database error on it refuses this row only, the rest go on."""
    try:
        with transaction.atomic():
            return police_notification_receive(
                actor=actor, data=notification, force=force, via=VIA, acknowledge=False
            )
    except ContactRejected as rejected:  # PoliceNotificationRefused among them
        return rejected
    except DatabaseError as failed:
        # The row number and the error's kind only: its message may quote the row.
        logger.warning(
            "Row %s of a police import failed in the database (%s)", number, type(failed).__name__
        )
        return ContactRejected(ROW_FAILED)


def import_chunk(*, actor: User, force: Agency, rows: list[tuple[int, dict]]) -> PoliceImportReport:
    """Record a chunk of a file's rows (the caller holds its transaction): the rows read
    as notifications are recorded together (``police_notifications_receive_many``); if
    that fails as a whole (a fault no check foresaw), each is recorded alone in its own
    savepoint, as the import always did, so a bad row costs only itself."""
    report = PoliceImportReport()
    parsed = []
    for number, row in rows:
        try:
            parsed.append((number, row_input(row)))
        except RowRefused as refused:
            report.errors.append((number, refused.column, str(refused)))
    notifications = [notification for _, notification in parsed]
    try:
        with transaction.atomic():
            outcomes = police_notifications_receive_many(
                actor=actor, force=force, data=notifications, via=VIA
            )
    except (DatabaseError, ContactRejected) as failed:
        logger.warning(
            "A chunk of a police import is recorded row by row (%s)", type(failed).__name__
        )
        outcomes = [
            _one_by_one(actor, force, number, notification) for number, notification in parsed
        ]
    for (number, notification), outcome in zip(parsed, outcomes, strict=True):
        _report(report, number, notification, outcome)
    for kept in (report.created, report.resent, report.changed, report.errors):
        kept.sort(key=lambda entry: entry[0])
    return report


def police_notifications_import(*, actor: User, force: Agency, data: bytes) -> PoliceImportReport:
    """Import a force's CSV file now, a chunk of rows to a transaction; raises
    ``ImportFileRefused`` for a file that cannot be read at all (nothing imported).
    Rows are numbered as a spreadsheet shows them. The upload page and the command
    run it as a kept job (``police_import_jobs``)."""
    rows = file_rows(data)
    report = PoliceImportReport()
    for start in range(0, len(rows), CHUNK):
        with transaction.atomic():
            chunk = import_chunk(actor=actor, force=force, rows=rows[start : start + CHUNK])
        report.extend(chunk)
    return report


def file_rows(data: bytes) -> list[tuple[int, dict]]:
    """The file's rows, numbered; ``ImportFileRefused`` for a file that cannot be read."""
    return _rows(_text(data))
