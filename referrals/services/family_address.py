"""Setting where letters to a contact's family go: staff correct or add the family's
postal address on the contact. Audited against the contact (ids only: the address
itself is in the change history, never in the audit trail)."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction

from frontdoor.audit import audit_record
from frontdoor.models import AuditEvent, User
from frontdoor.roles import Permission
from referrals.models import Contact, FamilyAddress
from referrals.models.family_address import ADDRESS_LINE_LENGTH, ADDRESS_LINES_MAX
from referrals.selectors import contact_ensure_open
from referrals.validators import clean_postcode


class FamilyAddressRefused(Exception):
    """The address cannot be saved; ``field`` names the form field it is about."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def _line(value: str, *, noun: str, field: str) -> str:
    value = " ".join(value.split())  # one line: no tabs or line breaks inside it
    if any(unicodedata.category(char) in ("Cc", "Cf", "Co", "Cs") for char in value) or (
        "\x00" in value
    ):
        raise FamilyAddressRefused(f"{noun} has a character that cannot be printed", field)
    if "<" in value or ">" in value:
        raise FamilyAddressRefused(f"{noun} cannot contain < or >", field)
    if len(value) > ADDRESS_LINE_LENGTH:
        raise FamilyAddressRefused(
            f"{noun} must be {ADDRESS_LINE_LENGTH} characters or fewer (it has {len(value):,})",
            field,
        )
    return value


def family_address_clean(
    *, addressee: str, lines: Sequence[tuple[str, str]], postcode: str
) -> tuple[str, list[str], str]:
    """The name, address lines and postcode as a letter prints them, or
    ``FamilyAddressRefused`` saying what to fix. ``lines`` are (field, text) pairs in
    order; blank ones are left out."""
    name = _line(addressee, noun="The name on the letter", field="addressee")
    if not name:
        raise FamilyAddressRefused("Enter the name to put on the letter", "addressee")
    kept = []
    for field, text in lines:
        line = _line(text, noun="The address", field=field)
        if line:
            kept.append(line)
    if not kept:
        raise FamilyAddressRefused("Enter the first line of the address", lines[0][0])
    if len(kept) > ADDRESS_LINES_MAX:
        raise FamilyAddressRefused(
            f"An address can have at most {ADDRESS_LINES_MAX} lines before the postcode",
            lines[0][0],
        )
    if "\x00" in postcode:
        raise FamilyAddressRefused("Enter a real postcode, like YO1 7HH", "postcode")
    try:
        code = clean_postcode(postcode)
    except ValidationError as invalid:
        raise FamilyAddressRefused(invalid.messages[0], "postcode") from None
    if not code:
        raise FamilyAddressRefused("Enter the postcode", "postcode")
    return name, kept, code


@transaction.atomic
def family_address_set(
    *,
    actor: User,
    contact: Contact,
    addressee: str,
    lines: Sequence[tuple[str, str]],
    postcode: str,
) -> FamilyAddress:
    """Set the postal address letters to this contact's family go to."""
    if not actor.has_perm(Permission.SCREEN_CONTACTS.perm):
        raise FamilyAddressRefused("Only screeners and managers can change a family's address.")
    # The view opened the contact with contact_get; this guards any other caller.
    contact_ensure_open(user=actor, contact=contact)
    if contact.erased_at is not None:
        raise FamilyAddressRefused("This contact was erased under the retention policy.")
    name, kept, code = family_address_clean(addressee=addressee, lines=lines, postcode=postcode)
    address, created = FamilyAddress.objects.update_or_create(
        contact=contact,
        defaults={
            "addressee": name,
            "lines": "\n".join(kept),
            "postcode": code,
            "changed_by": actor,
        },
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE if created else AuditEvent.Action.CHANGE,
        record_type="contact",
        record_id=contact.reference,
        via="referrals.family_address_set",
        detail={"family_address": address.pk},
    )
    return address
