"""What a channel hands ``contact_submit``, and how intake refuses a contact."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError

from frontdoor.models import Agency
from referrals.models import Contact, ContactSubject
from referrals.validators import check_child_seen_on


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

    def child_voice_problems(self) -> dict[str, str]:
        """What is wrong with the child's voice as given, by field (``child_seen``,
        ``child_seen_on``, ``child_seen_by``, ``child_said``, ``child_not_seen_reason``),
        empty when it can be recorded. The one rule: the web forms and the partner API
        name their failing fields from it, and intake refuses what breaks it. A child
        seen needs the date (a screener must know how fresh the child's words are), who
        saw them and what they said; a child not seen needs why not."""
        given = {
            "child_seen_on": self.child_seen_on is not None,
            "child_seen_by": bool(self.child_seen_by.strip()),
            "child_said": bool(self.child_said.strip()),
        }
        why_not = bool(self.child_not_seen_reason.strip())
        if self.child_seen is None:
            if any(given.values()) or why_not:
                return {"child_seen": "Select yes or no: has the child been seen or spoken to?"}
            return {}
        if self.role != ContactSubject.Role.CHILD:
            return {"child_seen": "Only a child who has been born can be seen or spoken to"}
        problems: dict[str, str] = {}
        if not self.child_seen:
            for name, present in given.items():
                if present:
                    problems[name] = (
                        "Leave this blank: you said the child was not seen or spoken to"
                    )
            if not why_not:
                problems["child_not_seen_reason"] = "Enter why the child was not seen or spoken to"
            return problems
        if why_not:
            problems["child_not_seen_reason"] = (
                "Leave why not blank: you said the child was seen or spoken to"
            )
        if self.child_seen_on is None:
            problems["child_seen_on"] = "Enter the date they were seen or spoken to"
        else:
            try:
                check_child_seen_on(self.child_seen_on, date_of_birth=self.date_of_birth)
            except ValidationError as wrong:
                problems["child_seen_on"] = wrong.messages[0]
        if not given["child_seen_by"]:
            problems["child_seen_by"] = "Enter who saw or spoke to the child"
        if not given["child_said"]:
            problems["child_said"] = (
                "Enter what the child said, in their own words (if they said nothing, say so)"
            )
        return problems

    def child_voice_problem(self) -> str:
        """The first of ``child_voice_problems``, or "" when the voice can be recorded."""
        return next(iter(self.child_voice_problems().values()), "")


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
    # When the decision is due, for a channel with its own clock (a police
    # notification's grade); otherwise one working day from receipt.
    decision_due_at: datetime | None = None
    # Recorded by the emergency duty team out of hours (docs/adr/0044).
    out_of_hours: bool = False
    # A specialist pathway's contact (docs/adr/0046); its clock is ``decision_due_at``.
    pathway: str = ""
