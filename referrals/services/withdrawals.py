"""A referrer asking for their referral to be withdrawn (docs/adr/0036). The request
is recorded, shown on the screening page and flagged in the queue; staff withdraw
the contact (``screening.services_withdraw``) or carry on screening. The rules for
the note are shared with the staff's withdrawal, so both say the same."""

from __future__ import annotations

from django.db import transaction

from frontdoor.audit import audit_record
from frontdoor.limits import LIMITS
from frontdoor.models import AuditEvent, User
from referrals.models import OPEN_STATUSES, Contact, WithdrawalReason, WithdrawalRequest

NOTE_LIMIT = LIMITS.narrative


class WithdrawalRefused(Exception):
    """The withdrawal (or the request for one) cannot be recorded: ``errors`` has a
    message for each field it concerns (``None`` for the whole form)."""

    def __init__(self, errors: dict[str | None, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def withdrawal_problems(*, reason: str, note: str) -> dict[str | None, str]:
    """What is wrong with a reason and a note, field by field (empty: nothing)."""
    problems: dict[str | None, str] = {}
    if reason not in WithdrawalReason.values:
        problems["reason"] = "Select why the contact should be withdrawn"
    if "\x00" in note:
        problems["note"] = "The note has a null character (\\0) in it: type it again"
    elif not note.strip():
        problems["note"] = "Enter a note saying what happened"
    elif len(note) > NOTE_LIMIT:
        problems["note"] = f"The note must be {NOTE_LIMIT:,} characters or fewer"
    return problems


@transaction.atomic
def withdrawal_request_record(
    *, actor: User, contact: Contact, reason: str, note: str
) -> WithdrawalRequest:
    """The referrer of ``contact`` asks for it to be withdrawn, while it is undecided.
    Only the referrer who sent it may ask (the view reaches it through
    ``outcomes.selectors.my_referral``, 404 for anyone else); once only."""
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if contact.referrer_id is None or contact.referrer_id != actor.pk:
        raise WithdrawalRefused({None: "Only the person who sent a referral can ask this."})
    problems = withdrawal_problems(reason=reason, note=note)
    if problems:
        raise WithdrawalRefused(problems)
    if contact.status not in OPEN_STATUSES:
        raise WithdrawalRefused(
            {
                None: f"{contact.reference} has been {contact.get_status_display().lower()}: "
                "it can no longer be withdrawn. Call the front door if you are worried."
            }
        )
    if WithdrawalRequest.objects.filter(contact=contact).exists():
        raise WithdrawalRefused({None: "You have already asked us to withdraw this referral."})
    request = WithdrawalRequest.objects.create(
        contact=contact, reason=reason, note=note.strip(), asked_by=actor
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CHANGE,
        record_type="contact",
        record_id=contact.reference,
        via="referrals.withdrawal_request",
        detail={"withdrawal_request": request.pk, "reason": reason},
    )
    return request
