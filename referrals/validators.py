"""Identifier checks shared by the forms and the API, using maintained libraries.

Each returns the value in its canonical form or raises ``ValidationError`` with a
message in GOV.UK style, saying what to do.
"""

from __future__ import annotations

import phonenumbers
from django.core.exceptions import ValidationError
from localflavor.gb.forms import GBPostcodeField
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.gb import nhs, upn

_postcode_field = GBPostcodeField()


def clean_nhs_number(value: str) -> str:
    if not value.strip():
        return ""
    try:
        return nhs.validate(value)
    except StdnumError:
        raise ValidationError(
            "Enter a valid NHS number, like 485 777 3456: 10 digits, as on an NHS letter",
            code="invalid_nhs_number",
        ) from None


def clean_unique_pupil_number(value: str) -> str:
    if not value.strip():
        return ""
    try:
        return upn.validate(value)
    except StdnumError:
        raise ValidationError(
            "Enter a valid Unique Pupil Number: a letter followed by 12 digits or letters",
            code="invalid_upn",
        ) from None


def clean_postcode(value: str) -> str:
    if not value.strip():
        return ""
    try:
        return _postcode_field.clean(value)
    except ValidationError:
        raise ValidationError(
            "Enter a real postcode, like YO1 7HH", code="invalid_postcode"
        ) from None


def clean_phone(value: str) -> str:
    if not value.strip():
        return ""
    try:
        number = phonenumbers.parse(value, "GB")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_possible_number(number):
        raise ValidationError(
            "Enter a telephone number, like 01632 960 001 or 07700 900 982",
            code="invalid_phone",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
