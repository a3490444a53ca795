"""Where letters to a contact's family go: one definition, read by the notices that
write them (outcomes), the decision form that warns when there is nowhere to send
one, and the contact page."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import prefetch_related_objects

from referrals.models import Contact, ContactSubject, FamilyAddress
from referrals.models.family_address import ADDRESS_LINE_LENGTH, ADDRESS_LINES_MAX

FAMILY_ROLES = (ContactSubject.Role.PARENT, ContactSubject.Role.CARER)


@dataclass(frozen=True)
class LetterAddress:
    addressee: str
    lines: tuple[str, ...]
    postcode: str
    # Set by staff on the contact (True), or as the referrer gave a parent's or
    # carer's address (False).
    set_by_staff: bool

    def as_text(self) -> str:
        """The recipient of a letter: the name, each line, the postcode."""
        return "\n".join([self.addressee, *self.lines, self.postcode])


def _fits_the_window(lines: tuple[str, ...]) -> tuple[str, ...] | None:
    """A referrer's address lines as a letter prints them: within the lines an address
    set by staff may have (the middle ones share the second line), or None when a line
    would still be too long for the envelope's window, where the postcode would be cut
    off (a letter without its postcode may not arrive)."""
    if len(lines) > ADDRESS_LINES_MAX:
        keep = ADDRESS_LINES_MAX - 2
        lines = (lines[0], ", ".join(lines[1 : len(lines) - keep]), *lines[len(lines) - keep :])
    if any(len(line) > ADDRESS_LINE_LENGTH for line in lines):
        return None
    return lines


def letter_address(contact: Contact) -> LetterAddress | None:
    """Where a letter to the family goes: the address staff set on the contact, else
    the first parent or carer the referrer gave an address and postcode for that fits
    an envelope's window; None when there is neither (staff are asked to set one).
    Uses the contact's prefetched subjects where it has them."""
    return letter_addresses([contact])[contact.pk]


def letter_addresses(contacts: Iterable[Contact]) -> dict[int, LetterAddress | None]:
    """``letter_address`` for each of ``contacts``, by contact id: two queries however
    many (the addresses staff set, then the people of the contacts without one)."""
    contacts = list(contacts)
    kept = {
        address.contact_id: address
        for address in FamilyAddress.objects.filter(
            contact_id__in=[contact.pk for contact in contacts]
        ).exclude(postcode="")
    }
    prefetch_related_objects([c for c in contacts if c.pk not in kept], "subjects")
    found: dict[int, LetterAddress | None] = {}
    for contact in contacts:
        address = kept.get(contact.pk)
        if address is not None:
            found[contact.pk] = LetterAddress(
                address.addressee, tuple(address.lines.splitlines()), address.postcode, True
            )
        else:
            found[contact.pk] = _given_address(contact)
    return found


def _given_address(contact: Contact) -> LetterAddress | None:
    for subject in contact.subjects.all():
        if subject.role in FAMILY_ROLES and subject.address.strip() and subject.postcode.strip():
            given = tuple(line.strip() for line in subject.address.splitlines() if line.strip())
            lines = _fits_the_window(given)
            if lines is not None and len(subject.full_name) <= ADDRESS_LINE_LENGTH:
                return LetterAddress(subject.full_name, lines, subject.postcode.strip(), False)
    return None
