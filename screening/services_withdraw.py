"""Withdrawing a contact (docs/adr/0036): screening staff end a contact that should not
be screened (sent in error, a duplicate, the wrong local authority, the referrer has
withdrawn the concern) while no decision on it stands. One transaction: the status
moves by ``contact_status_move`` (a conditional update, so a decision or another
withdrawal made at the same moment loses cleanly), the withdrawal is written, the
screening is let go, the change is audited, and ``CONTACT_WITHDRAWN`` is published
for the event to case systems, written in this same transaction."""

from __future__ import annotations

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from frontdoor import events
from frontdoor.audit import audit_record
from frontdoor.errors import RecordRestricted
from frontdoor.models import AuditEvent, User
from frontdoor.roles import Permission
from referrals import selectors as referral_selectors
from referrals.models import (
    Contact,
    ContactWithdrawal,
    Restriction,
    WithdrawalAskedBy,
    WithdrawalReason,
)
from referrals.services import (
    ContactStatusRefused,
    WithdrawalRefused,
    contact_status_move,
    withdrawal_problems,
)
from screening.models import Screening
from screening.selectors.withdrawals import withdrawable


def _duplicate_of(*, actor: User, contact: Contact, reference: str) -> Contact:
    """The contact this one duplicates: one that exists and is open to ``actor`` (the
    same rule as opening it), is not this one, and is not withdrawn itself."""
    reference = reference.strip().upper()
    if not reference:
        raise WithdrawalRefused({"duplicate_of": "Enter the reference of the other contact"})
    if "\x00" in reference or len(reference) > 20:
        raise WithdrawalRefused({"duplicate_of": "Enter a reference like FD-2026-000123"})
    if reference == contact.reference:
        raise WithdrawalRefused(
            {"duplicate_of": "Enter the reference of the other contact, not this one"}
        )
    try:
        other = referral_selectors.contact_get(user=actor, reference=reference)
    except Http404:
        raise WithdrawalRefused(
            {"duplicate_of": f"There is no contact {reference} that you can open"}
        ) from None
    except RecordRestricted:
        raise WithdrawalRefused(
            {"duplicate_of": f"{reference} is restricted to the people named on it"}
        ) from None
    # The contact it repeats carries the concern on: one withdrawn itself (perhaps as a
    # duplicate of this one) would leave none.
    if other.status == Contact.Status.WITHDRAWN:
        raise WithdrawalRefused(
            {
                "duplicate_of": f"{reference} was itself withdrawn: enter the contact "
                "that is carrying on, or choose another reason"
            }
        )
    return other


@transaction.atomic
def contact_withdraw(
    *,
    actor: User,
    contact: Contact,
    reason: str,
    note: str,
    asked_by: str = WithdrawalAskedBy.STAFF,
    duplicate_of: str = "",
) -> ContactWithdrawal:
    """Withdraw ``contact``: screeners and managers named on it if it is restricted,
    from any open status, never once a decision on it stands. ``duplicate_of`` is the
    other contact's reference, for a duplicate only."""
    if not actor.has_perm(Permission.SCREEN_CONTACTS.perm):
        raise WithdrawalRefused({None: "Your role does not allow this."})
    if Restriction.objects.closed_to(actor).on_contact(contact.pk).exists():
        raise WithdrawalRefused({None: "This record is restricted to the people named on it."})
    if contact.pathway:  # docs/adr/0046: never screened, so never withdrawn from screening
        raise WithdrawalRefused(
            {
                None: f"{contact.reference} is a {contact.get_pathway_display().lower()}: it "
                "is not withdrawn, it closes when its outcome is recorded on its pathway record."
            }
        )
    problems = withdrawal_problems(reason=reason, note=note)
    if asked_by not in WithdrawalAskedBy.values:
        problems["asked_by"] = "Select who asked for it to be withdrawn"
    other = None
    if reason == WithdrawalReason.DUPLICATE and "duplicate_of" not in problems:
        try:
            other = _duplicate_of(actor=actor, contact=contact, reference=duplicate_of)
        except WithdrawalRefused as refused:
            problems.update(refused.errors)
    if problems:
        raise WithdrawalRefused(problems)
    # As it is now, locked: a decision being recorded holds the same lock. The contact
    # it duplicates too (both in one statement, in id order, so two contacts withdrawn
    # as each other's duplicate at once wait in turn and the second is refused).
    locked = {
        row.pk: row
        for row in Contact.objects.select_for_update()
        .filter(pk__in={contact.pk, other.pk if other else contact.pk})
        .order_by("pk")
    }
    contact = locked[contact.pk]
    if other is not None and locked[other.pk].status == Contact.Status.WITHDRAWN:
        raise WithdrawalRefused(
            {"duplicate_of": f"{other.reference} was itself withdrawn a moment ago"}
        )
    if contact.status == Contact.Status.WITHDRAWN:
        raise WithdrawalRefused({None: f"{contact.reference} has already been withdrawn."})
    if not withdrawable(contact):
        raise WithdrawalRefused(
            {
                None: f"{contact.reference} has been decided: a decided contact cannot be "
                "withdrawn. Record a new decision instead."
            }
        )
    try:
        contact_status_move(contact=contact, to=Contact.Status.WITHDRAWN)
    except ContactStatusRefused as refused:
        raise WithdrawalRefused({None: str(refused)}) from None
    withdrawal = ContactWithdrawal.objects.create(
        contact=contact,
        reason=reason,
        duplicate_of=other,
        note=note.strip(),
        asked_by=asked_by,
        withdrawn_by=actor,
        withdrawn_at=timezone.now(),
    )
    # Nobody screens it any more: it leaves whoever held it.
    Screening.objects.filter(contact=contact).update(
        assigned_to=None, claimed_at=None, updated_at=timezone.now()
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CHANGE,
        record_type="contact",
        record_id=contact.reference,
        via="screening.withdraw",
        detail={
            "withdrawal": withdrawal.pk,
            "reason": reason,
            "status": {"to": Contact.Status.WITHDRAWN},
        },
    )
    events.publish(events.CONTACT_WITHDRAWN, withdrawal=withdrawal)
    return withdrawal
