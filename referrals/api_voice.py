"""The child's voice in the partner API: an optional ``voice`` on each child sent,
and ``voices`` on every contact read back."""

from __future__ import annotations

from django.utils import timezone
from rest_framework import serializers

from frontdoor.limits import LIMITS


class ChildVoiceFields(serializers.Serializer):
    seen = serializers.BooleanField(
        help_text="Whether the child was seen or spoken to about this concern."
    )
    seen_on = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="If seen: when."
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

    def validate(self, attrs):
        errors = {}
        if attrs["seen"]:
            if attrs["not_seen_reason"].strip():
                errors["not_seen_reason"] = "Leave out: the child was seen or spoken to."
            for name, what in (("seen_by", "who saw or spoke to"), ("said", "what said")):
                if not attrs[name].strip():
                    errors[name] = f"Give {what.replace('said', 'the child said')}."
            if attrs["seen_on"] and attrs["seen_on"] > timezone.localdate():
                errors["seen_on"] = "The day the child was seen cannot be in the future."
        else:
            for name in ("seen_on", "seen_by", "said"):
                if attrs[name]:
                    errors[name] = "Leave out: the child was not seen or spoken to."
            if not attrs["not_seen_reason"].strip():
                errors["not_seen_reason"] = "Say why the child was not seen or spoken to."
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


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
        for number, child in enumerate(contact.children, start=1)
        if child.child_seen is not None
    ]
