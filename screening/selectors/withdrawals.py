"""A contact's withdrawal, and its referrer's request for one, as the screening page
and the withdrawal page show them (docs/adr/0036). Read for a contact the caller
opened through ``screening_get``."""

from __future__ import annotations

from referrals.models import OPEN_STATUSES, Contact, ContactWithdrawal, WithdrawalRequest
from screening.models import Decision


def withdrawable(contact: Contact, *, standing: bool | None = None) -> bool:
    """Whether ``contact`` may be withdrawn: still open, and no decision on it stands
    (one decided again waits in awaiting approval with its old decision standing), and
    not a specialist pathway's (docs/adr/0046: it closes by its outcome). The
    one rule the screening page, the referrer's request and ``contact_withdraw`` share;
    ``standing`` when the caller already knows whether a decision stands."""
    if contact.status not in OPEN_STATUSES or contact.pathway:  # pathways close by outcome
        return False
    if standing is None:
        standing = Decision.objects.standing().filter(contact=contact).exists()
    return not standing


def withdrawal_parts(contact: Contact) -> dict:
    """``withdrawal`` (or None), ``withdrawal_request`` (or None), whether the request
    was ``withdrawal_declined`` (staff decided the contact instead) and whether the
    contact ``can_withdraw`` (open, and no decision on it stands)."""
    # Only a withdrawn contact has a withdrawal, and whether a decision stands only
    # matters to a request or an open contact: a decided contact's page, the most
    # opened, asks one question here rather than three.
    withdrawal = (
        ContactWithdrawal.objects.select_related("withdrawn_by", "duplicate_of")
        .filter(contact=contact)
        .first()
        if contact.status == Contact.Status.WITHDRAWN
        else None
    )
    asked = WithdrawalRequest.objects.select_related("asked_by").filter(contact=contact).first()
    standing = (
        Decision.objects.standing().filter(contact=contact).exists()
        if asked is not None or contact.status in OPEN_STATUSES
        else False
    )
    return {
        "withdrawal": withdrawal,
        "withdrawal_request": asked,
        "withdrawal_declined": asked is not None and standing,
        "can_withdraw": withdrawable(contact, standing=standing),
    }
