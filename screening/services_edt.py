"""The emergency duty team's handover (docs/adr/0044): what it did on a contact it
recorded out of hours, and what the day team should do first. Written once, by the EDT
member who recorded the contact; the same words go into the contact log (and so the
person's chronology) as an entry from the emergency duty team, in one transaction."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from frontdoor.audit import audit_record
from frontdoor.models import AuditEvent, User
from frontdoor.roles import is_out_of_hours_recorder
from frontdoor.working_days import service_opens
from referrals.models import Contact, OutOfHoursHandover, Restriction
from referrals.selectors import made_by
from screening.services_log import NOTE_LIMIT, handover_logged

# Both parts go into one contact-log note, with their headings.
PART_LIMIT = (NOTE_LIMIT - 100) // 2
EDT_NAME = "Emergency duty team"
DONE_HEADING = "What the emergency duty team did:"
NEXT_HEADING = "For the day team:"


class HandoverRefused(Exception):
    """``errors`` by field (``None`` for the handover as a whole), as the form shows them."""

    def __init__(self, errors: dict[str | None, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def handover_problems(*, what_was_done: str, for_the_day_team: str) -> dict[str | None, str]:
    """What is wrong with a handover's words, by field: the form's rule and the service's."""
    problems: dict[str | None, str] = {}
    for name, text, required in (
        ("what_was_done", what_was_done, True),
        ("for_the_day_team", for_the_day_team, False),
    ):
        if "\x00" in text:
            problems[name] = "This has a null character (\\0) in it: type it again"
        elif len(text) > PART_LIMIT:
            problems[name] = f"This must be {PART_LIMIT:,} characters or fewer"
        elif required and not text.strip():
            problems[name] = "Enter what the emergency duty team did"
    return problems


def handover_note(*, what_was_done: str, for_the_day_team: str) -> str:
    """The contact-log entry's words: both parts, each under its heading."""
    parts = [f"{DONE_HEADING}\n{what_was_done.strip()}"]
    if for_the_day_team.strip():
        parts.append(f"{NEXT_HEADING}\n{for_the_day_team.strip()}")
    return "\n\n".join(parts)


@transaction.atomic
def handover_record(
    *, actor: User, contact: Contact, what_was_done: str, for_the_day_team: str = ""
) -> OutOfHoursHandover:
    """Hand a contact the EDT recorded out of hours over to the day team."""
    if not is_out_of_hours_recorder(actor):
        raise HandoverRefused({None: "Only the emergency duty team writes a handover."})
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if not contact.out_of_hours or contact.recorded_by_id != actor.pk:
        raise HandoverRefused({None: "Only who recorded this contact out of hours hands it over."})
    # Whoever made a contact may always reach it, a child on it restricted or not: the
    # rule ``contact_get`` keeps (``made_by``), so the EDT hands over what it recorded.
    if (
        not made_by(actor, contact)
        and Restriction.objects.closed_to(actor).on_contact(contact.pk).exists()
    ):
        raise HandoverRefused({None: "This record is restricted to the people named on it."})
    if contact.erased_at is not None:
        raise HandoverRefused({None: "This contact was erased under the retention policy."})
    if OutOfHoursHandover.objects.filter(contact=contact).exists():
        raise HandoverRefused({None: "This contact has already been handed over."})
    problems = handover_problems(what_was_done=what_was_done, for_the_day_team=for_the_day_team)
    if problems:
        raise HandoverRefused(problems)
    now = timezone.now()
    try:
        with transaction.atomic():
            handover = OutOfHoursHandover.objects.create(
                contact=contact,
                what_was_done=what_was_done.strip(),
                for_the_day_team=for_the_day_team.strip(),
                recorded_by=actor,
                recorded_at=now,
                handed_over_at=_handed_over_at(now),
            )
    except IntegrityError:  # handed over by another request between our read and write
        raise HandoverRefused({None: "This contact has already been handed over."}) from None
    entry = handover_logged(
        actor=actor,
        contact=contact,
        note=handover_note(what_was_done=what_was_done, for_the_day_team=for_the_day_team),
        with_name=f"{EDT_NAME} (handover)",
        at=now,
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        record_type="contact",
        record_id=contact.reference,
        via="screening.handover_record",
        detail={"handover": handover.pk, "log_entry": entry.pk},
    )
    return handover


def _handed_over_at(recorded_at: datetime) -> datetime:
    """When the day team next opens: the moment the contact reaches its queue's top."""
    return service_opens(recorded_at)
