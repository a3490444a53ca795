"""UK telephone numbers: the one check of a number someone keeps on their account, and
the ``tel:`` link for any number shown on a page. python-phonenumbers (Google's
libphonenumber metadata) knows which UK ranges are real, so "01234" or a number one
digit short is refused where a pattern would pass it, and a number abroad is refused
for an account (a member of the public calling from abroad is recorded as given, by
``referrals.validators.clean_phone``)."""

from __future__ import annotations

import phonenumbers
from django.core.exceptions import ValidationError

# The UK's country code, which the Crown Dependencies share.
UK_COUNTRY_CODE = 44
UK_PHONE_MESSAGE = "Enter a UK telephone number, like 01632 960 001 or 07700 900 982"


def uk_phone_clean(value: str) -> str:
    """A UK number as typed (spaces, brackets, +44 or 0) in its national written form,
    "" for nothing typed; ValidationError for anything else."""
    if not value.strip():
        return ""
    if "\x00" in value:
        raise ValidationError(UK_PHONE_MESSAGE, code="invalid_phone")
    try:
        number = phonenumbers.parse(value, "GB")
    except phonenumbers.NumberParseException:
        raise ValidationError(UK_PHONE_MESSAGE, code="invalid_phone") from None
    if number.country_code != UK_COUNTRY_CODE or not _dialable(number):
        raise ValidationError(UK_PHONE_MESSAGE, code="invalid_phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def _dialable(number: phonenumbers.PhoneNumber) -> bool:
    """A number in a real range; or, for Ofcom's ranges kept for drama and examples
    (01632 960xxx, 07700 900xxx), which the library calls invalid, one of a whole UK
    number's length (9 or 10 digits after the 0). Local-only dialling ("960001") and
    short codes are refused: a referrer may be called from anywhere."""
    if phonenumbers.is_valid_number(number):
        return True
    return phonenumbers.is_possible_number(number) and len(str(number.national_number)) in (9, 10)


def tel_href(value: str) -> str:
    """``tel:+441632960001`` for a number recorded anywhere (a referrer's, a caller's),
    or "" when it cannot be dialled as written (then the page shows it as text)."""
    try:
        number = phonenumbers.parse(value, "GB")
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_possible_number(number):
        return ""
    return "tel:" + phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
