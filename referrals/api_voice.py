"""The child's voice in the partner API: an optional ``voice`` on each child sent,
and ``voices`` on every contact read back."""

from __future__ import annotations

from datetime import date

from rest_framework import serializers

from frontdoor.limits import LIMITS
from referrals.models import ContactSubject
from referrals.services import SubjectInput


class ChildVoiceFields(serializers.Serializer):
    seen = serializers.BooleanField(
        help_text="Whether the child was seen or spoken to about this concern."
    )
    seen_on = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="If seen: the day they were seen or spoken to (not in the future, not "
        "before the child's date of birth). Required if seen.",
    )
    seen_by = serializers.CharField(
        max_length=LIMITS.short_text,
        required=False,
        allow_blank=True,
        default="",
        help_text="If seen: who saw or spoke to them (name and role). Required if seen.",
    )
    said = serializers.CharField(
        max_length=LIMITS.narrative,
        required=False,
        allow_blank=True,
        default="",
        help_text="If seen: what the child said, in their own words. Required if seen.",
    )
    not_seen_reason = serializers.CharField(
        max_length=LIMITS.reason,
        required=False,
        allow_blank=True,
        default="",
        help_text="If not seen: why not (for example too young, non-verbal, not safe to "
        "ask). Required if not seen.",
    )


# The API's names for the fields of SubjectInput.child_voice_problems (the one rule).
API_NAMES = {
    "child_seen": "seen",
    "child_seen_on": "seen_on",
    "child_seen_by": "seen_by",
    "child_said": "said",
    "child_not_seen_reason": "not_seen_reason",
}


def voice_problems(voice: dict, *, date_of_birth: date | None) -> dict[str, str]:
    """What is wrong with a child's ``voice`` as sent, by the API's field names, from
    the rule intake applies (date seen required when seen, not before the birth)."""
    given = SubjectInput(
        role=ContactSubject.Role.CHILD,
        first_name="",
        last_name="",
        date_of_birth=date_of_birth,
        **voice_input(voice),
    )
    return {API_NAMES[name]: message for name, message in given.child_voice_problems().items()}


def voice_input(voice: dict | None) -> dict:
    if not voice:
        return {}
    return {
        "child_seen": voice["seen"],
        "child_seen_on": voice["seen_on"],
        "child_seen_by": voice["seen_by"],
        "child_said": voice["said"],
        "child_not_seen_reason": voice["not_seen_reason"],
    }


class ChildVoiceOutput(serializers.Serializer):
    child = serializers.IntegerField(help_text="Which child, counting from 1 as sent.")
    seen = serializers.BooleanField()
    seen_on = serializers.DateField(allow_null=True)
    seen_by = serializers.CharField()
    said = serializers.CharField()
    not_seen_reason = serializers.CharField()


def children_of(contact) -> list:
    """The contact's children, in the order sent: as intake has just saved them
    (``Contact.recorded_subjects``) on the contact it returns, else read."""
    if contact.recorded_subjects is None:
        return contact.children
    return [subject for subject in contact.recorded_subjects if subject.is_child]


def voices_of(contact) -> list[dict]:
    """Each child's voice as the contact holds it, numbered as the children were sent."""
    return [
        {
            "child": number,
            "seen": child.child_seen,
            "seen_on": child.child_seen_on.isoformat() if child.child_seen_on else None,
            "seen_by": child.child_seen_by,
            "said": child.child_said,
            "not_seen_reason": child.child_not_seen_reason,
        }
        for number, child in enumerate(children_of(contact), start=1)
        if child.child_seen is not None
    ]
