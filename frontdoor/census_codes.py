"""Reads of the statutory code lists (CensusCode, ReferralSource) for a return year.

A return year is named by the year its census period ends: 2025-26 is 2026 and
runs from 1 April 2025 to 31 March 2026.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from django.db.models import Q

from frontdoor.models import CensusCode

ETHNICITY_NOT_OBTAINED = "NOBT"

_YEAR_KEY = re.compile(r"^(\d{4})-(\d{2})$")


class UnknownReturnYear(ValueError):
    pass


def return_year_of(day: date) -> int:
    """The return year whose census period holds ``day``."""
    return day.year + 1 if day.month >= 4 else day.year


def return_year_from_key(key: str) -> int:
    """``2025-26`` → 2026; anything else is refused with a message a person can act on."""
    match = _YEAR_KEY.match(key.strip())
    if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        raise UnknownReturnYear(f"'{key}' is not a return year; write it like 2025-26")
    return int(match.group(1)) + 1


def return_year_key(year: int) -> str:
    return f"{year - 1}-{year % 100:02d}"


def census_period(year: int) -> tuple[date, date]:
    return date(year - 1, 4, 1), date(year, 3, 31)


def _valid_in(year: int) -> Q:
    return Q(first_year__lte=year) & (Q(last_year__isnull=True) | Q(last_year__gte=year))


def census_code_lists(code_lists: Iterable[str], year: int) -> dict[str, list[CensusCode]]:
    """Several lists' codes valid in the return year, in the published order: one query
    for a page that offers more than one list."""
    found: dict[str, list[CensusCode]] = {name: [] for name in code_lists}
    for code in CensusCode.objects.filter(_valid_in(year), code_list__in=list(found)):
        found[code.code_list].append(code)
    return found


def census_codes(code_list: str, year: int) -> list[CensusCode]:
    """The list's codes valid in the return year, in the published order."""
    return census_code_lists([code_list], year)[code_list]


def as_choices(codes: Iterable[CensusCode]) -> list[tuple[str, str]]:
    return [(code.code, f"{code.code}: {code.label}") for code in codes]


def census_code_choices(code_list: str, year: int) -> list[tuple[str, str]]:
    return as_choices(census_codes(code_list, year))


def annex_a_labels(code_list: str, year: int) -> dict[str, str]:
    return {code.code: code.annex_a_label for code in census_codes(code_list, year)}
