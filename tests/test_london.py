"""The London calendar and NHS numbers made for people the front door makes up."""

from datetime import UTC, date, datetime

from stdnum.gb import nhs

from frontdoor.london import (
    LONDON,
    london_date,
    months_before,
    one_year_before,
    start_of,
    twelve_months_before,
    years_before,
)
from frontdoor.nhs_numbers import nhs_number_from


def test_a_moment_after_midnight_in_summer_is_the_next_london_day():
    assert london_date(datetime(2026, 3, 31, 23, 30, tzinfo=UTC)) == date(2026, 4, 1)
    assert london_date(datetime(2026, 1, 31, 23, 30, tzinfo=UTC)) == date(2026, 1, 31)


def test_a_day_starts_at_london_midnight():
    assert start_of(date(2026, 7, 1)) == datetime(2026, 6, 30, 23, 0, tzinfo=UTC)
    assert start_of(date(2026, 1, 1)).tzinfo == LONDON


def test_the_year_before_29_february_is_the_28th():
    assert one_year_before(date(2028, 2, 29)) == date(2027, 2, 28)
    assert years_before(datetime(2028, 2, 29, 9, tzinfo=LONDON), 6) == datetime(
        2022, 2, 28, 9, tzinfo=LONDON
    )
    assert months_before(date(2026, 5, 31), 1) == date(2026, 4, 30)


def test_twelve_months_before_starts_at_the_london_midnight_a_year_earlier():
    received = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)  # 1 July in London
    assert twelve_months_before(received) == start_of(date(2025, 7, 1))


def test_nhs_numbers_carry_the_check_digit_stdnum_accepts():
    assert nhs_number_from("943476587") == "9434765870"  # python-stdnum's own example
    made = [nhs_number_from(f"{body:09d}") for body in range(400_000_000, 400_000_200)]
    assert all(nhs.is_valid(number) for number in made if number)
    # A body whose check digit would be 10 is never issued.
    assert None in made
    assert all(
        not nhs.is_valid(f"{body:09d}{d}")
        for body, number in zip(range(400_000_000, 400_000_200), made, strict=True)
        if number is None
        for d in range(10)
    )
