"""What a channel hands ``contact_submit``, and how intake refuses a contact."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from frontdoor.models import Agency
from referrals.models import Contact, ContactSubject


class ContactRejected(Exception):
    """A contact that breaks a rule no form or serializer should have let through."""


class IdempotencyKeyReused(ContactRejected):
    """The partner sent an Idempotency-Key again with a different body: a second concern
    under the first one's key, which must not be dropped in silence."""

    def __init__(self, contact: Contact) -> None:
        self.contact = contact
        super().__init__(
            f"This Idempotency-Key was already used, with a different body, for "
            f"{contact.reference}. Nothing new was recorded: send a new concern with a new "
            f"key; retry a failed send with the same key and exactly the same body."
        )


@dataclass(frozen=True)
class SubjectInput:
    role: ContactSubject.Role
    first_name: str
    last_name: str
    other_names: str = ""
    date_of_birth: date | None = None
    expected_date_of_birth: date | None = None
    sex: str = "unknown"
    nhs_number: str = ""
    unique_pupil_number: str = ""
    address: str = ""
    postcode: str = ""
    relationship_to_children: str = ""
    # CIN census codes for a child: blank ethnicity and no disabilities are "not yet
    # obtained"; ["NONE"] is "no disability".
    ethnicity: str = ""
    disabilities: tuple[str, ...] = ()
    # The child's voice (a born child only): seen or spoken to by the referrer (None:
    # not said); if so when, by whom and what they said; if not, why not.
    child_seen: bool | None = None
    child_seen_on: date | None = None
    child_seen_by: str = ""
    child_said: str = ""
    child_not_seen_reason: str = ""

    def child_voice_problem(self) -> str:
        """Why the child's voice as given cannot be recorded, or "" when it can."""
        said = (self.child_seen_on, self.child_seen_by.strip(), self.child_said.strip())
        why_not = self.child_not_seen_reason.strip()
        if self.child_seen is None:
            if any(said) or why_not:
                return "Say whether the child was seen or spoken to."
            return ""
        if self.role != ContactSubject.Role.CHILD:
            return "Only a child who has been born can be seen or spoken to."
        if self.child_seen and why_not:
            return "A child who was seen or spoken to needs no reason why not."
        if self.child_seen:
            if not (said[1] and said[2]):
                return "Say who saw or spoke to the child and what the child said."
            if self.child_seen_on is not None and self.child_seen_on > timezone.localdate():
                return "The day the child was seen or spoken to cannot be in the future."
            return ""
        if any(said):
            return "A child who was not seen or spoken to has no words or who saw them."
        if not why_not:
            return "Say why the child was not seen or spoken to."
        return ""


@dataclass(frozen=True)
class ReferrerInput:
    """Who raised the concern when they have no account (or are anonymous)."""

    anonymous: bool = False
    name: str = ""
    role: str = ""
    organisation: str = ""
    phone: str = ""
    email: str = ""
    referral_source_code: str = ""  # a CIN census code, when staff chose one


@dataclass(frozen=True)
class ContactInput:
    subjects: list[SubjectInput]
    concerns: str
    concern_categories: list[str]
    family_awareness: Contact.FamilyAwareness
    urgency: Contact.Urgency = Contact.Urgency.ROUTINE
    family_not_told_reason: str = ""
    referrer: ReferrerInput | None = None
    source_agency: Agency | None = None
    advice_given: str = ""
    advice_only: bool = False
    received_at: datetime | None = None
