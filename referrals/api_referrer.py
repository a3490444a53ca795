"""Who sent a contact, in the partner API: the optional ``referrer`` block a partner
sends, and ``referrer`` on every contact read back (as the screener sees it:
``referrals.selectors_referrer.referrer_details``)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from rest_framework import serializers

from frontdoor.limits import LIMITS
from referrals.models import Contact
from referrals.selectors_referrer import referrer_details
from referrals.validators import clean_phone


class ReferrerFields(serializers.Serializer):
    name = serializers.CharField(
        max_length=LIMITS.short_text, help_text="The professional's name, e.g. PC Jane Doe."
    )
    role = serializers.CharField(
        max_length=LIMITS.short_text,
        required=False,
        allow_blank=True,
        default="",
        help_text="Their job or rank, e.g. Police constable, Designated safeguarding lead.",
    )
    phone = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=LIMITS.phone,
        help_text="A telephone number the front door can call them back on, e.g. 01632 960 001 "
        "(a UK number, or one starting with + and its country code).",
    )
    email = serializers.EmailField(
        required=False,
        allow_blank=True,
        default="",
        max_length=LIMITS.email,
        help_text="An email address the front door can write to them at.",
    )

    def validate_phone(self, value):
        try:
            return clean_phone(value)
        except ValidationError as error:
            raise serializers.ValidationError(error.messages) from None


# Who sent it, as the front door recorded it (comments, not docstrings: a serializer's
# docstring would become its description in the schema).
class ReferrerOutput(serializers.Serializer):
    name = serializers.CharField()
    role = serializers.CharField()
    agency = serializers.CharField()
    phone = serializers.CharField(help_text="Empty when none was given.")
    email = serializers.CharField(help_text="Empty when none was given.")


def referrer_of(contact: Contact) -> dict | None:
    details = referrer_details(contact)
    if details.anonymous or details.erased:
        return None
    return {
        "name": details.name,
        "role": details.role,
        "agency": details.agency,
        "phone": details.phones[0].number if details.phones else "",
        "email": details.email,
    }
