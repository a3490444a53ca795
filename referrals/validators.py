"""Identifier and date checks shared by the forms and the API, using maintained libraries.

Each returns the value in its canonical form or raises ``ValidationError`` with a
message in GOV.UK style, saying what to do. Each rule lives here once: the web forms,
the partner API and imports all call these.
"""

from __future__ import annotations

import datetime
import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils import timezone
from localflavor.gb.forms import GBPostcodeField
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.gb import nhs, upn

from frontdoor.london import years_before

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


def check_nhs_numbers_distinct(numbers: list[str], *, noun: str = "person") -> None:
    """An NHS number belongs to one person: the same one twice on a contact is a slip.
    ``numbers`` in order on the form (blank for none), already cleaned."""
    seen: dict[str, int] = {}
    for position, number in enumerate(numbers, start=1):
        if not number:
            continue
        if number in seen:
            raise ValidationError(
                f"{noun.capitalize()} {position} has the same NHS number as {noun} "
                f"{seen[number]}: an NHS number belongs to one person, so check both",
                code="repeated_nhs_number",
            )
        seen[number] = position


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


# --- Plausible dates -----------------------------------------------------------------
# Any date typed into a GOV.UK date input: nothing Front Door records is outside these,
# and later arithmetic (six months before, a year before) cannot leave Python's range.
EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)
# Children's services work with children (0 to 17) and care leavers up to 25; a child
# older than that on a contact is a typing mistake. Adults may be of any real age.
CHILD_OLDEST_YEARS = 25
ADULT_OLDEST_YEARS = 120
# An expected date may have just passed (babies come late: up to 42 weeks of
# pregnancy), and is never more than a full pregnancy (40 weeks) away, with a margin.
EXPECTED_BIRTH_PASSED_BY = datetime.timedelta(days=31)
EXPECTED_BIRTH_AHEAD_BY = datetime.timedelta(weeks=44)
# A partner's clock may run a little fast. A concern held for more than a year before it
# reached us is a wrong date: it would start an already-missed clock, land in a
# statutory return already made, and could be proposed for erasure on arrival.
RECEIVED_AT_CLOCK_SKEW = datetime.timedelta(minutes=5)
RECEIVED_AT_OLDEST = datetime.timedelta(days=366)


def _long(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def check_in_range(value: datetime.date, *, noun: str) -> datetime.date:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValidationError(
            f"{noun} must be between {_long(EARLIEST_DATE)} and {_long(LATEST_DATE)}",
            code="date_out_of_range",
        )
    return value


def check_date_of_birth(
    value: datetime.date, *, adult: bool, today: datetime.date | None = None
) -> datetime.date:
    """Not in the future; a child no older than 25, an adult no older than 120."""
    today = today or timezone.localdate()
    if value > today:
        raise ValidationError("Date of birth must be today or in the past", code="future_birth")
    oldest = years_before(today, ADULT_OLDEST_YEARS if adult else CHILD_OLDEST_YEARS)
    if value < oldest:
        who = "an adult" if adult else "a child"
        raise ValidationError(
            f"Date of birth must be after {_long(oldest)} for {who}: check the year",
            code="implausible_birth",
        )
    return value


def check_expected_date_of_birth(
    value: datetime.date, *, today: datetime.date | None = None
) -> datetime.date:
    """From a month ago to about ten months ahead (44 weeks)."""
    today = today or timezone.localdate()
    if value < today - EXPECTED_BIRTH_PASSED_BY:
        raise ValidationError(
            "Expected date of birth must be in the future, or within the last month: "
            "if the baby has been born, give their date of birth",
            code="expected_birth_passed",
        )
    if value > today + EXPECTED_BIRTH_AHEAD_BY:
        raise ValidationError(
            f"Expected date of birth must be before {_long(today + EXPECTED_BIRTH_AHEAD_BY)}"
            ": check the year",
            code="expected_birth_too_far",
        )
    return value


def check_child_seen_on(
    value: datetime.date,
    *,
    date_of_birth: datetime.date | None = None,
    today: datetime.date | None = None,
) -> datetime.date:
    """When the child was seen or spoken to: a plausible date, not ahead of today, and
    not before the child was born (when their date of birth is known)."""
    noun = "Date they were seen or spoken to"
    check_in_range(value, noun=noun)
    if value > (today or timezone.localdate()):
        raise ValidationError(f"{noun} must be today or in the past", code="future_seen")
    if date_of_birth is not None and value < date_of_birth:
        raise ValidationError(
            f"{noun} must be on or after the child's date of birth, {_long(date_of_birth)}",
            code="seen_before_birth",
        )
    return value


def check_received_at(
    value: datetime.datetime, *, now: datetime.datetime | None = None
) -> datetime.datetime:
    """When a partner first heard of the concern: not ahead of now (a few minutes'
    clock difference allowed), not more than a year ago."""
    now = now or timezone.now()
    if value > now + RECEIVED_AT_CLOCK_SKEW:
        raise ValidationError("received_at cannot be in the future.", code="future_receipt")
    if value < now - RECEIVED_AT_OLDEST:
        raise ValidationError(
            "received_at cannot be more than a year ago: send when you received the "
            "concern, or leave it out to use the time of sending.",
            code="old_receipt",
        )
    return min(value, now)


# A police reference or incident number: what forces use, and nothing a spreadsheet
# would run as a formula or a page as markup (no leading = + - @, no < >). The form, the
# API and the recording service (so the CSV import too) all ask it (docs/adr/0037).
POLICE_REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 /_.\-]*$")
