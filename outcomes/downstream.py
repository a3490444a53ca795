"""Writes for downstream outcomes: one rule set for the form, the CSV import and the API.

A downstream outcome belongs to a referral (a contact whose standing decision
routed it to social care) and to one child on it. Senders give their own id for
each event, so sending it again changes nothing.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from frontdoor.audit import audit_record
from frontdoor.models import AuditEvent, User
from frontdoor.roles import Permission
from outcomes.models import DownstreamOutcome
from outcomes.selectors import standing_decision
from referrals.models import Contact, ContactSubject
from referrals.validators import clean_nhs_number

CSV_COLUMNS = ["event_id", "contact_reference", "child", "event", "date", "assessment_outcome"]
EVENTS = {value: label for value, label in DownstreamOutcome.Event.choices}
ASSESSMENT_OUTCOMES = dict(DownstreamOutcome.AssessmentOutcome.choices)


class OutcomeRejected(Exception):
    pass


@dataclass(frozen=True)
class OutcomeEventInput:
    contact_reference: str
    child: str  # NHS number, "First Last", or the child's number on the contact (1, 2 …)
    event: str
    occurred_on: date
    assessment_outcome: str = ""
    external_id: str = ""


def _child_on(contact: Contact, child: str) -> ContactSubject:
    children = [s for s in contact.subjects.all() if s.role in ContactSubject.CHILD_ROLES]
    wanted = child.strip()
    if not wanted and len(children) == 1:
        return children[0]
    if wanted.isdigit() and len(wanted) < 3 and 1 <= int(wanted) <= len(children):
        return children[int(wanted) - 1]
    if wanted.replace(" ", "").isdigit():
        nhs = clean_nhs_number(wanted)
        found = [c for c in children if c.nhs_number == nhs]
    else:
        found = [c for c in children if c.full_name.lower() == " ".join(wanted.lower().split())]
    if len(found) != 1:
        raise OutcomeRejected(f"No single child '{wanted}' on {contact.reference}")
    return found[0]


def _validated(*, actor: User, data: OutcomeEventInput) -> tuple[Contact, ContactSubject]:
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
        raise OutcomeRejected(f"Unknown event '{data.event}'")
    completed = data.event == DownstreamOutcome.Event.ASSESSMENT_COMPLETED
    if completed and data.assessment_outcome not in ASSESSMENT_OUTCOMES:
        raise OutcomeRejected("A completed assessment needs its outcome")
    if not completed and data.assessment_outcome:
        raise OutcomeRejected("Only a completed assessment has an outcome")
    if data.occurred_on > timezone.localdate():
        raise OutcomeRejected("The date cannot be in the future")
    if data.occurred_on < timezone.localtime(contact.received_at).date():
        raise OutcomeRejected("The date is before the contact was received")
    try:
        subject = _child_on(contact, data.child)
    except Exception as error:
        raise OutcomeRejected(str(getattr(error, "message", error))) from None
    return contact, subject


def _create(
    *, actor: User, data: OutcomeEventInput, source: str, contact: Contact, subject: ContactSubject
) -> tuple[DownstreamOutcome, bool]:
    if data.external_id:
        existing = DownstreamOutcome.objects.filter(
            source=source, external_id=data.external_id
        ).first()
        if existing is not None:
            same = (existing.contact_id, existing.event, existing.occurred_on) == (
                contact.pk,
                data.event,
                data.occurred_on,
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
        source=source,
        external_id=data.external_id,
        recorded_by=actor,
    )
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
    contact, subject = _validated(actor=actor, data=data)
    try:
        with transaction.atomic():
            return _create(actor=actor, data=data, source=source, contact=contact, subject=subject)
    except IntegrityError:
        return DownstreamOutcome.objects.get(source=source, external_id=data.external_id), False


@dataclass
class ImportReport:
    created: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def outcome_events_import(*, actor: User, file_text: str) -> ImportReport:
    """Import a CSV of events: every row is checked first; any error and nothing is saved."""
    report = ImportReport()
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
    parsed: list[tuple[int, OutcomeEventInput, Contact, ContactSubject]] = []
    for number, row in rows:
        try:
            if not (row.get("event_id") or "").strip():
                raise OutcomeRejected("event_id is empty")
            try:
                occurred_on = date.fromisoformat((row.get("date") or "").strip())
            except ValueError:
                raise OutcomeRejected("date must be like 2026-11-23") from None
            data = OutcomeEventInput(
                contact_reference=row["contact_reference"] or "",
                child=row["child"] or "",
                event=(row["event"] or "").strip(),
                occurred_on=occurred_on,
                assessment_outcome=(row["assessment_outcome"] or "").strip(),
                external_id=row["event_id"].strip(),
            )
            contact, subject = _validated(actor=actor, data=data)
            parsed.append((number, data, contact, subject))
        except OutcomeRejected as rejected:
            report.errors.append((number, str(rejected)))
    if report.errors:
        return report
    try:
        with transaction.atomic():
            for number, data, contact, subject in parsed:
                try:
                    _, created = _create(
                        actor=actor, data=data, source="csv", contact=contact, subject=subject
                    )
                except OutcomeRejected as rejected:
                    report.errors.append((number, str(rejected)))
                    raise
                report.created += created
                report.unchanged += not created
    except OutcomeRejected:
        report.created = report.unchanged = 0
    return report
