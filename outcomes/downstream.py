"""Writes for downstream outcomes: one rule set for the form, the CSV import and the API.

A downstream outcome belongs to a referral (a contact whose standing decision
routed it to social care) and to one child on it. Senders give their own id for
each event, so sending it again changes nothing.

The CIN census reads these events, so their codes are checked against the code
list of the return year holding the event's date (``frontdoor/census_codes.py``),
and an assessment or conference recorded after its working-day deadline
(``outcomes/deadlines.py``) must say why.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from frontdoor.audit import audit_record
from frontdoor.census_codes import census_codes, return_year_key, return_year_of
from frontdoor.london import london_date
from frontdoor.models import AuditEvent, CensusCode, User
from frontdoor.roles import Permission
from outcomes import deadlines
from outcomes.models import DownstreamOutcome
from outcomes.scorecard.services_months import marks_for_outcome
from outcomes.selectors import standing_decision
from referrals.models import Contact, ContactSubject
from referrals.validators import clean_nhs_number

CSV_COLUMNS = ["event_id", "contact_reference", "child", "event", "date", "assessment_outcome"]
# Added for the CIN census; files made before them still import.
OPTIONAL_CSV_COLUMNS = ["factors", "reason_for_closure", "late_reason"]
EVENTS = {value: label for value, label in DownstreamOutcome.Event.choices}
ASSESSMENT_OUTCOMES = dict(DownstreamOutcome.AssessmentOutcome.choices)
Event = DownstreamOutcome.Event
NO_FACTORS = "21"
_FACTOR_SEPARATORS = re.compile(r"[\s;,]+")
PROGRESS_EVERY = 250  # rows between progress reports on a long import


class OutcomeRejected(Exception):
    """A rule refused the event; ``field`` names the input it is about, if one."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class OutcomeEventInput:
    contact_reference: str
    child: str  # NHS number, "First Last", or the child's number on the contact (1, 2 …)
    event: str
    occurred_on: date
    assessment_outcome: str = ""
    external_id: str = ""
    factors: tuple[str, ...] = ()  # CIN census codes, only for a completed assessment
    reason_for_closure: str = ""  # CIN census code, only (and always) for a closed case
    late_reason: str = ""  # needed when an assessment or ICPC is past its deadline


@dataclass(frozen=True)
class _Checked:
    """An event that passed the rules, with its codes as they will be stored."""

    contact: Contact
    subject: ContactSubject
    factors: list[str]
    reason_for_closure: str
    late_reason: str = ""


def split_factors(text: str) -> tuple[str, ...]:
    """Factor codes as written in a CSV cell: separated by spaces or semicolons."""
    return tuple(code for code in _FACTOR_SEPARATORS.split(text.strip()) if code)


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def _child_on(contact: Contact, child: str) -> ContactSubject:
    children = [s for s in contact.subjects.all() if s.role in ContactSubject.CHILD_ROLES]
    wanted = child.strip()
    if not wanted and len(children) == 1:
        return children[0]
    if (
        wanted.isascii()
        and wanted.isdigit()
        and len(wanted) < 3
        and 1 <= int(wanted) <= len(children)
    ):
        return children[int(wanted) - 1]
    if wanted.replace(" ", "").isdigit():
        nhs = clean_nhs_number(wanted)
        found = [c for c in children if c.nhs_number == nhs]
    else:
        found = [c for c in children if c.full_name.lower() == " ".join(wanted.lower().split())]
    if len(found) != 1:
        raise OutcomeRejected(f"No single child '{wanted}' on {contact.reference}", field="child")
    return found[0]


def _not_in_year(code_list: str, code: str, year: int, what: str) -> str:
    """Why ``code`` is refused for ``year``: retired, not yet in use, or never a code."""
    rows = list(CensusCode.objects.filter(code_list=code_list, code=code))
    year_name = return_year_key(year)
    if any(row.last_year is not None and row.last_year < year for row in rows):
        last = max(row.last_year for row in rows if row.last_year is not None)
        return (
            f"{what} {code} is not in the {year_name} census list: "
            f"it was last used in {return_year_key(last)}"
        )
    if rows:
        first = min(row.first_year for row in rows)
        return f"{what} {code} is not in the {year_name} census list: it is used from " + (
            return_year_key(first)
        )
    return f"{what} '{code}' is not a CIN census code"


def _checked_factors(data: OutcomeEventInput) -> list[str]:
    codes = [code.strip().upper() for code in data.factors if code.strip()]
    if not codes:
        return []
    if data.event != Event.ASSESSMENT_COMPLETED:
        raise OutcomeRejected("Only a completed assessment has factors", field="factors")
    year = return_year_of(data.occurred_on)
    valid = {code.code for code in census_codes(CensusCode.CodeList.ASSESSMENT_FACTOR, year)}
    seen: set[str] = set()
    for code in codes:
        if code not in valid:
            raise OutcomeRejected(
                _not_in_year(CensusCode.CodeList.ASSESSMENT_FACTOR, code, year, "Factor"),
                field="factors",
            )
        if code in seen:
            raise OutcomeRejected(f"Factor {code} is given more than once", field="factors")
        seen.add(code)
    if NO_FACTORS in seen and len(codes) > 1:
        raise OutcomeRejected(
            "Factor 21 (no factors identified) cannot be given with other factors",
            field="factors",
        )
    return codes


def _checked_reason_for_closure(data: OutcomeEventInput) -> str:
    code = data.reason_for_closure.strip().upper()
    if data.event != Event.CASE_CLOSED:
        if code:
            raise OutcomeRejected(
                "Only a closed case has a reason for closure", field="reason_for_closure"
            )
        return ""
    if not code:
        raise OutcomeRejected(
            "A closed case needs its reason for closure", field="reason_for_closure"
        )
    year = return_year_of(data.occurred_on)
    valid = {c.code for c in census_codes(CensusCode.CodeList.REASON_FOR_CLOSURE, year)}
    if code not in valid:
        raise OutcomeRejected(
            _not_in_year(CensusCode.CodeList.REASON_FOR_CLOSURE, code, year, "Reason for closure"),
            field="reason_for_closure",
        )
    return code


def _validated(*, actor: User, data: OutcomeEventInput) -> _Checked:
    """Every rule except the deadlines (which may need other events of the same file)."""
    if not actor.has_perm(Permission.RECORD_OUTCOMES.perm):
        raise OutcomeRejected("Your role does not allow recording outcomes")
    contact = (
        Contact.objects.filter(reference=data.contact_reference.strip())
        .prefetch_related("subjects")
        .first()
    )
    if contact is None:
        raise OutcomeRejected(f"No contact {data.contact_reference}")
    decision = standing_decision(contact)
    if decision is None or not decision.is_referral:
        raise OutcomeRejected(f"{contact.reference} is not a referral to social care")
    if data.event not in EVENTS:
        raise OutcomeRejected(f"Unknown event '{data.event}'", field="event")
    completed = data.event == Event.ASSESSMENT_COMPLETED
    if completed and data.assessment_outcome not in ASSESSMENT_OUTCOMES:
        raise OutcomeRejected(
            "A completed assessment needs its outcome", field="assessment_outcome"
        )
    if not completed and data.assessment_outcome:
        raise OutcomeRejected(
            "Only a completed assessment has an outcome", field="assessment_outcome"
        )
    if data.occurred_on > timezone.localdate():
        raise OutcomeRejected("The date cannot be in the future", field="occurred_on")
    if data.occurred_on < london_date(contact.received_at):
        raise OutcomeRejected("The date is before the contact was received", field="occurred_on")
    if data.event == Event.ICPC and data.occurred_on.weekday() >= 5:
        # Conferences are not held at weekends, and the DfE census rejects such dates.
        raise OutcomeRejected(
            "An initial child protection conference cannot be on a Saturday or Sunday: "
            f"check the date ({data.occurred_on:%A} {_day(data.occurred_on)})",
            field="occurred_on",
        )
    factors = _checked_factors(data)
    reason_for_closure = _checked_reason_for_closure(data)
    try:
        subject = _child_on(contact, data.child)
    except OutcomeRejected:
        raise
    except Exception as error:
        raise OutcomeRejected(str(getattr(error, "message", error)), field="child") from None
    return _Checked(contact, subject, factors, reason_for_closure)


def _deadline_checked(
    checked: _Checked,
    data: OutcomeEventInput,
    strategy_in_file: dict[tuple[int, int], list[date]] | None = None,
) -> _Checked:
    """The late reason to keep: required past the deadline, dropped when in time (an
    on-time event has nothing to explain, and the census reads only the late ones)."""
    reason = data.late_reason.strip()
    if data.event == Event.ASSESSMENT_COMPLETED:
        referral_on = london_date(checked.contact.received_at)
        due = deadlines.assessment_due(referral_on)
        message = (
            f"Say why the assessment took longer than {deadlines.ASSESSMENT_DAYS} working days "
            f"(it was due by {_day(due)}, {deadlines.ASSESSMENT_DAYS} working days after the "
            f"referral on {_day(referral_on)})"
        )
    elif data.event == Event.ICPC:
        recorded = DownstreamOutcome.objects.filter(
            contact=checked.contact,
            subject=checked.subject,
            event=Event.STRATEGY_DISCUSSION,
            occurred_on__lte=data.occurred_on,
        ).values_list("occurred_on", flat=True)
        in_file = (strategy_in_file or {}).get((checked.contact.pk, checked.subject.pk), [])
        strategy_on = deadlines.strategy_for_icpc([*recorded, *in_file], data.occurred_on)
        if strategy_on is None:  # no strategy discussion recorded: no clock to measure by
            return _with_late_reason(checked, "")
        due = deadlines.icpc_due(strategy_on)
        message = (
            f"Say why the conference was held more than {deadlines.ICPC_DAYS} working days "
            f"after the strategy discussion on {_day(strategy_on)} (it was due by {_day(due)})"
        )
    else:
        return _with_late_reason(checked, "")
    if data.occurred_on <= due:
        return _with_late_reason(checked, "")
    if not reason:
        raise OutcomeRejected(message, field="late_reason")
    return _with_late_reason(checked, reason)


def _with_late_reason(checked: _Checked, reason: str) -> _Checked:
    return _Checked(
        checked.contact, checked.subject, checked.factors, checked.reason_for_closure, reason
    )


def _create(
    *, actor: User, data: OutcomeEventInput, source: str, checked: _Checked
) -> tuple[DownstreamOutcome, bool]:
    contact, subject = checked.contact, checked.subject
    if data.external_id:
        existing = DownstreamOutcome.objects.filter(
            source=source, external_id=data.external_id
        ).first()
        if existing is not None:
            fields = ("contact_id", "subject_id", "event", "occurred_on", "assessment_outcome")
            same = tuple(getattr(existing, name) for name in fields) == (
                contact.pk,
                subject.pk,
                data.event,
                data.occurred_on,
                data.assessment_outcome,
            ) and (existing.factors, existing.reason_for_closure) == (
                checked.factors,
                checked.reason_for_closure,
            )
            if not same:
                raise OutcomeRejected(
                    f"Event id {data.external_id} was sent before with other details"
                )
            return existing, False
    outcome = DownstreamOutcome.objects.create(
        contact=contact,
        subject=subject,
        event=data.event,
        occurred_on=data.occurred_on,
        assessment_outcome=data.assessment_outcome,
        factors=checked.factors,
        reason_for_closure=checked.reason_for_closure,
        late_reason=checked.late_reason,
        source=source,
        external_id=data.external_id,
        recorded_by=actor,
    )
    # However late it is recorded, the months it changes are counted again (ADR 0049).
    marks_for_outcome(outcome=outcome)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        record_type="contact",
        record_id=contact.reference,
        via=f"outcomes.downstream:{source}",
        detail={"outcome": outcome.pk, "event": data.event},
    )
    return outcome, True


@transaction.atomic
def outcome_event_record(
    *, actor: User, data: OutcomeEventInput, source: str
) -> tuple[DownstreamOutcome, bool]:
    """Record one event; (outcome, created). A repeat of an earlier id returns it."""
    checked = _deadline_checked(_validated(actor=actor, data=data), data)
    try:
        with transaction.atomic():
            return _create(actor=actor, data=data, source=source, checked=checked)
    except IntegrityError:
        return DownstreamOutcome.objects.get(source=source, external_id=data.external_id), False


@dataclass
class ImportReport:
    created: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def _row_input(row: dict[str, str | None]) -> OutcomeEventInput:
    if not (row.get("event_id") or "").strip():
        raise OutcomeRejected("event_id is empty")
    try:
        occurred_on = date.fromisoformat((row.get("date") or "").strip())
    except ValueError:
        raise OutcomeRejected("date must be like 2026-11-23") from None
    return OutcomeEventInput(
        contact_reference=row["contact_reference"] or "",
        child=row["child"] or "",
        event=(row["event"] or "").strip(),
        occurred_on=occurred_on,
        assessment_outcome=(row["assessment_outcome"] or "").strip(),
        external_id=(row["event_id"] or "").strip(),
        factors=split_factors(row.get("factors") or ""),
        reason_for_closure=(row.get("reason_for_closure") or "").strip(),
        late_reason=(row.get("late_reason") or "").strip(),
    )


def outcome_events_import(
    *, actor: User, file_text: str, progress: Callable[[str, int], None] | None = None
) -> ImportReport:
    """Import a CSV of events: every row is checked first; any error and nothing is saved.

    ``progress(stage, rows_checked)`` is told how far the check has gone ("checking"),
    and once before the rows are saved ("saving"), so a page can show it.
    """
    report = ImportReport()
    progress = progress or (lambda stage, done: None)
    if "\x00" in file_text:
        # PostgreSQL text cannot hold NUL (a 500 once it reached a query); a spreadsheet
        # saved as CSV never has one, so the file is damaged or not a CSV at all.
        line = file_text.count("\n", 0, file_text.index("\x00")) + 1
        report.errors.append(
            (line, "This line has a null character: save the file again as CSV (UTF-8)")
        )
        return report
    # newline="" lets the csv module see quoted line breaks and stray carriage returns.
    reader = csv.DictReader(io.StringIO(file_text, newline=""))
    try:
        rows = list(enumerate(reader, start=2))
    except csv.Error as error:
        report.errors.append((reader.line_num or 1, f"The file is not readable as CSV: {error}"))
        return report
    missing = [column for column in CSV_COLUMNS if column not in (reader.fieldnames or [])]
    if missing:
        report.errors.append((1, f"Missing columns: {', '.join(missing)}"))
        return report
    first_pass: list[tuple[int, OutcomeEventInput, _Checked]] = []
    for done, (number, row) in enumerate(rows):
        if done % PROGRESS_EVERY == 0:
            progress("checking", done)
        try:
            data = _row_input(row)
            first_pass.append((number, data, _validated(actor=actor, data=data)))
        except OutcomeRejected as rejected:
            report.errors.append((number, str(rejected)))
    # A conference's clock may start at a strategy discussion elsewhere in the same file.
    strategy_in_file: dict[tuple[int, int], list[date]] = {}
    for _, data, checked in first_pass:
        if data.event == Event.STRATEGY_DISCUSSION:
            pair = (checked.contact.pk, checked.subject.pk)
            strategy_in_file.setdefault(pair, []).append(data.occurred_on)
    parsed: list[tuple[int, OutcomeEventInput, _Checked]] = []
    for number, data, checked in first_pass:
        try:
            parsed.append((number, data, _deadline_checked(checked, data, strategy_in_file)))
        except OutcomeRejected as rejected:
            report.errors.append((number, str(rejected)))
    if report.errors:
        report.errors.sort(key=lambda error: error[0])
        return report
    progress("saving", len(rows))
    try:
        with transaction.atomic():
            for number, data, checked in parsed:
                try:
                    _, created = _create(actor=actor, data=data, source="csv", checked=checked)
                except OutcomeRejected as rejected:
                    report.errors.append((number, str(rejected)))
                    raise
                report.created += created
                report.unchanged += not created
    except OutcomeRejected:
        report.created = report.unchanged = 0
    return report
