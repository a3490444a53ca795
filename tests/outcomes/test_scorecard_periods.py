"""Periods as people write them: one parser for the scorecard page, its downloads,
the API and the worker's recount task."""

from __future__ import annotations

from datetime import date

import pytest

from outcomes.scorecard.periods import Granularity, Period, PeriodError, recent_choices

Q3 = Period(date(2026, 7, 1), Granularity.QUARTER)
JULY = Period(date(2026, 7, 1), Granularity.MONTH)
FY = Period(date(2025, 4, 1), Granularity.FINANCIAL_YEAR)
YEAR = Period(date(2026, 1, 1), Granularity.YEAR)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2026-Q3", Q3),
        ("Q3 2026", Q3),
        ("2026 Q3", Q3),
        ("q3-2026", Q3),
        ("Q3/2026", Q3),
        ("2026q3", Q3),
        ("  quarter 3 2026 ", Q3),
        ("2026-07", JULY),
        ("2026/07", JULY),
        ("2026-7", JULY),
        ("07/2026", JULY),
        ("July 2026", JULY),
        ("Jul 2026", JULY),
        ("jul-2026", JULY),
        ("2026 July", JULY),
        ("JULY 2026", JULY),
        ("Sept 2026", Period(date(2026, 9, 1), Granularity.MONTH)),
        ("2026", YEAR),
        ("2025-26", FY),
        ("2025/26", FY),
        ("2025/2026", FY),
        ("2025-2026", FY),
        ("FY2025-26", FY),
        ("fy 2025/26", FY),
        ("Financial year 2025-26", FY),
        # Both a month and a financial year: a dash means the month, a slash the year.
        ("2011-12", Period(date(2011, 12, 1), Granularity.MONTH)),
        ("2011/12", Period(date(2011, 4, 1), Granularity.FINANCIAL_YEAR)),
    ],
)
def test_the_obvious_spellings_name_the_period(typed, expected):
    assert Period.parse(typed) == expected
    assert Period.parse(expected.key) == expected


def test_a_financial_year_runs_april_to_march():
    assert (FY.start, FY.end) == (date(2025, 4, 1), date(2026, 4, 1))
    assert FY.key == "FY2025-26"
    assert FY.label == "Financial year 2025 to 2026"
    assert FY.short_label == "2025-26"
    assert Period.containing(date(2026, 3, 31), Granularity.FINANCIAL_YEAR) == FY
    assert Period.containing(date(2026, 4, 1), Granularity.FINANCIAL_YEAR) == FY.next()
    assert [each.key for each in FY.trend()] == ["FY2023-24", "FY2024-25", "FY2025-26"]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("Q5 2026", "Enter a quarter from Q1 to Q4, like Q3 2026"),
        ("2026-Q0", "Enter a quarter from Q1 to Q4, like Q3 2026"),
        ("2026-00", "Enter a month from 1 to 12, like 2026-07 or July 2026"),
        ("2026-13", "Enter a month from 01 to 12 (2026-07), or a financial year as two"),
        ("Smarch 2026", "Enter a month by its name or number, like July 2026 or 2026-07"),
        ("2025-2027", "Enter a financial year as two years in a row, like 2025-26"),
        ("FY2025-27", "Enter a financial year as two years in a row, like 2025-26"),
        ("1999", "Enter a year from 2000 to 2100"),
        ("0001-Q1", "Enter a year from 2000 to 2100"),
        ("July 9999", "Enter a year from 2000 to 2100"),
    ],
)
def test_a_near_miss_says_what_is_wrong(typed, message):
    with pytest.raises(PeriodError) as refused:
        Period.parse(typed)
    assert str(refused.value).startswith(message)


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "last quarter",
        "2026-07-01",
        "Q3",
        "July",
        "Q3 26",
        "99999999999",
        "2026\x00",
        "\x00",
        "\uff12\uff10\uff12\uff16",  # full-width 2026: Python's \d would take it
        "<script>alert(1)</script>",
        "'; DROP TABLE outcomes_scorecardsnapshot; --",
        "2026-Q3" * 50,
        "Q3 2026 Q3 2026",
    ],
)
def test_nonsense_and_hostile_input_get_the_general_message(typed):
    with pytest.raises(PeriodError) as refused:
        Period.parse(typed)
    assert str(refused.value) == (
        "Enter a period as a month (July 2026), a quarter (Q3 2026), a year (2026) "
        "or a financial year (2025-26)"
    )


def test_recent_choices_are_named_from_today():
    choices = {choice.label: choice.period.key for choice in recent_choices(date(2026, 11, 29))}
    assert choices == {
        "Last quarter": "2026-Q3",
        "This quarter so far": "2026-Q4",
        "Last month": "2026-10",
        "This month so far": "2026-11",
        "Last financial year": "FY2025-26",
        "This financial year so far": "FY2026-27",
        "Last year": "2025",
        "This year so far": "2026",
    }
