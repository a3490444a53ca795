"""Writes to the contact log: record an entry, correct one. Nothing else: entries are
never edited or deleted (the database refuses both), so a mistake stays visible with
its correction beside it, as decisions stay with the decision that superseded them.

Anyone screening may write to a contact's log whoever holds it, and after it is
decided: calls back to the referrer and the family go on after the decision.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from frontdoor.audit import audit_record
from frontdoor.limits import LIMITS
from frontdoor.models import Agency, AuditEvent, User
from referrals.models import Contact, Restriction
from screening.models import ContactLogEntry
from screening.selectors import can_screen

# As long as a rationale may be: a call note is a narrative like the others.
NOTE_LIMIT = LIMITS.narrative


class LogRefused(Exception):
    """The entry cannot be recorded; ``errors`` names each field it concerns (a form
    shows them there), or ``None`` for the entry as a whole."""

    def __init__(self, errors: dict[str | None, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True)
class LogInput:
    """One conversation or action, as a form or a test gives it."""

    with_whom: ContactLogEntry.WithWhom | str
    how: ContactLogEntry.How | str
    occurred_at: datetime
    note: str
    agency: Agency | None = None
    with_name: str = ""


def log_problems(data: LogInput, *, contact: Contact, now: datetime) -> dict[str | None, str]:
    """What is wrong with an entry, by field: the one rule the form shows field by
    field and the services refuse on."""
    problems: dict[str | None, str] = {}
    if data.with_whom not in ContactLogEntry.WithWhom.values:
        problems["with_whom"] = "Select who it was with"
    elif data.with_whom == ContactLogEntry.WithWhom.AGENCY and data.agency is None:
        problems["agency"] = "Select which agency"
    elif data.with_whom == ContactLogEntry.WithWhom.OTHER and not data.with_name.strip():
        problems["with_name"] = "Enter who it was with"
    if data.how not in ContactLogEntry.How.values:
        problems["how"] = "Select how it happened"
    if data.occurred_at > now:
        problems["occurred_on"] = "The date and time must be now or in the past"
    elif data.occurred_at < contact.received_at.replace(second=0, microsecond=0):
        received = timezone.localtime(contact.received_at)
        problems["occurred_on"] = (
            f"The date and time must be on or after the contact was received "
            f"({received:%-d %B %Y at %H:%M})"
        )
    if not data.note.strip():
        problems["note"] = "Enter what was said or done"
    elif len(data.note) > NOTE_LIMIT:
        problems["note"] = f"The note must be {NOTE_LIMIT:,} characters or fewer"
    if "\x00" in data.note or "\x00" in data.with_name:
        problems["note"] = "The note has a null character (\\0) in it: type it again"
    return problems


def _may_write(actor: User, contact: Contact) -> None:
    if not can_screen(actor):
        raise LogRefused({None: "Only screeners and managers may write to the contact log."})
    # Views refuse first, through the contact's access function; this holds for every
    # other caller.
    if Restriction.objects.closed_to(actor).on_contact(contact.pk).exists():
        raise LogRefused({None: "This record is restricted to the people named on it."})
    if contact.erased_at is not None:
        raise LogRefused({None: "This contact was erased under the retention policy."})


def _create(*, actor: User, contact: Contact, data: LogInput, **extra) -> ContactLogEntry:
    now = timezone.now()
    problems = log_problems(data, contact=contact, now=now)
    if problems:
        raise LogRefused(problems)
    is_agency = data.with_whom == ContactLogEntry.WithWhom.AGENCY
    return ContactLogEntry.objects.create(
        contact=contact,
        with_whom=data.with_whom,
        agency=data.agency if is_agency else None,
        with_name=data.with_name.strip(),
        how=data.how,
        occurred_at=data.occurred_at,
        note=data.note.strip(),
        recorded_by=actor,
        recorded_at=now,
        **extra,
    )


@transaction.atomic
def log_entry_record(*, actor: User, contact: Contact, data: LogInput) -> ContactLogEntry:
    """Record a conversation or action on the contact."""
    _may_write(actor, contact)
    entry = _create(actor=actor, contact=contact, data=data)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        record_type="contact",
        record_id=contact.reference,
        via="screening.log_entry_record",
        detail={"log_entry": entry.pk},
    )
    return entry


@transaction.atomic
def log_entry_correct(
    *, actor: User, entry: ContactLogEntry, data: LogInput, reason: str
) -> ContactLogEntry:
    """Record what ``entry`` should have said, and why; ``entry`` stays as it was,
    marked as corrected. Each entry is corrected once: a wrong correction is itself
    corrected."""
    entry = ContactLogEntry.objects.select_for_update().select_related("contact").get(pk=entry.pk)
    contact = entry.contact
    _may_write(actor, contact)
    if ContactLogEntry.objects.filter(corrects=entry).exists():
        raise LogRefused(
            {None: "This entry has already been corrected: correct the correction instead."}
        )
    if not reason.strip():
        raise LogRefused({"reason": "Enter why the entry is being corrected"})
    if "\x00" in reason:
        raise LogRefused({"reason": "The reason has a null character (\\0) in it: type it again"})
    try:
        with transaction.atomic():
            correction = _create(
                actor=actor,
                contact=contact,
                data=data,
                corrects=entry,
                correction_reason=reason.strip(),
            )
    except IntegrityError:  # someone corrected it between our read and write
        raise LogRefused(
            {None: "This entry has just been corrected by someone else: see the log."}
        ) from None
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CHANGE,
        record_type="contact",
        record_id=contact.reference,
        via="screening.log_entry_correct",
        detail={"log_entry": correction.pk, "corrects": entry.pk},
    )
    return correction


def police_resend_logged(*, notification, actor: User, note: str) -> None:
    """A force's re-send that differs from what was recorded, on the contact's log for
    the screener (``events.POLICE_NOTIFICATION_RESENT``, docs/adr/0037): an entry with
    the force, written by whoever sent it (the force's account or its seconded staff)."""
    contact = notification.contact
    if contact.erased_at is not None:
        return
    if len(note) > NOTE_LIMIT:
        note = note[: NOTE_LIMIT - 1] + "…"
    _create(
        actor=actor,
        contact=contact,
        data=LogInput(
            with_whom=ContactLogEntry.WithWhom.AGENCY,
            how=ContactLogEntry.How.OTHER,
            occurred_at=timezone.now(),
            note=note,
            agency=notification.force,
            with_name=notification.officer_name,
        ),
    )


def handover_logged(
    *, actor: User, contact: Contact, note: str, with_name: str, at: datetime
) -> ContactLogEntry:
    """The emergency duty team's handover on the contact's log (docs/adr/0044), so the
    person's chronology has it: an entry written by the EDT member, who is not screening
    staff (``handover_record`` checks who may hand over; this writes the entry only)."""
    return _create(
        actor=actor,
        contact=contact,
        data=LogInput(
            with_whom=ContactLogEntry.WithWhom.OTHER,
            how=ContactLogEntry.How.OTHER,
            occurred_at=at,
            note=note,
            with_name=with_name,
        ),
    )
