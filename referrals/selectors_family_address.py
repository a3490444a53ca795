"""Where letters to a contact's family go: one definition, read by the notices that
write them (outcomes), the decision form that warns when there is nowhere to send
one, and the contact page."""

from __future__ import annotations

from dataclasses import dataclass

from referrals.models import Contact, ContactSubject, FamilyAddress

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


def letter_address(contact: Contact) -> LetterAddress | None:
    """Where a letter to the family goes: the address staff set on the contact, else
    the first parent or carer the referrer gave an address and postcode for; None
    when there is neither. Uses the contact's prefetched subjects where it has them."""
    kept = FamilyAddress.objects.filter(contact=contact).exclude(postcode="").first()
    if kept is not None:
        return LetterAddress(kept.addressee, tuple(kept.lines.splitlines()), kept.postcode, True)
    for subject in contact.subjects.all():
        if subject.role in FAMILY_ROLES and subject.address.strip() and subject.postcode.strip():
            lines = tuple(line.strip() for line in subject.address.splitlines() if line.strip())
            return LetterAddress(subject.full_name, lines, subject.postcode.strip(), False)
    return None
