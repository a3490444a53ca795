"""A record's number as a page or a link sends it back (a ticked box's value, a filter,
a choice), read once, the same way everywhere.

``str.isdigit`` is not enough: "²" and Arabic-Indic digits are digits to it, and
``int()`` then either refuses them or reads a number the page never wrote; a long run
of digits is past PostgreSQL's ``bigint``, or past the 4,300 digits ``int()`` reads.
Each was a 500 where the page should say "no such record".
"""

from __future__ import annotations

# PostgreSQL's bigint holds up to 9,223,372,036,854,775,807: 19 digits.
_MOST_DIGITS = 18


def record_number(value: str) -> int | None:
    """The number ``value`` names, if it is ASCII digits a record's id could be; else
    None."""
    if 0 < len(value) <= _MOST_DIGITS and value.isascii() and value.isdigit():
        return int(value)
    return None
