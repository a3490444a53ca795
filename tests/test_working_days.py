"""Working-day arithmetic across weekends, bank holidays and clock changes."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from frontdoor.working_days import (
    add_working_days,
    add_working_time,
    decision_due,
    is_working_day,
    working_time_between,
)

LONDON = ZoneInfo("Europe/London")


def at(*args):
    return datetime(*args, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (at(2026, 11, 23, 10, 0), at(2026, 11, 24, 10, 0)),  # Monday -> Tuesday
        (at(2026, 11, 27, 15, 0), at(2026, 11, 30, 15, 0)),  # Friday -> Monday
        (at(2026, 11, 28, 11, 0), at(2026, 12, 1, 0, 0)),  # Saturday -> end of Monday
        (
            at(2026, 12, 24, 16, 30),
            at(2026, 12, 29, 16, 30),
        ),  # Christmas Eve -> after Boxing Day (substitute 28th)
        (at(2026, 12, 25, 9, 0), at(2026, 12, 30, 0, 0)),  # Christmas Day -> end of the 29th
        (at(2026, 12, 31, 12, 0), at(2027, 1, 4, 12, 0)),  # New Year's Eve -> Monday 4 January
        (
            at(2027, 3, 25, 14, 0),
            at(2027, 3, 30, 14, 0),
        ),  # Maundy Thursday -> Tuesday after Easter Monday
        (at(2027, 5, 28, 9, 15), at(2027, 6, 1, 9, 15)),  # Friday before spring bank holiday
    ],
)
def test_decision_is_due_one_working_day_after_receipt(received, due):
    assert decision_due(received) == due


def test_clock_changes_keep_the_london_wall_clock_time():
    # Clocks go forward on Sunday 29 March 2026: Friday 10:00 GMT is due Monday 10:00 BST.
    due = decision_due(at(2026, 3, 27, 10, 0))
    assert due == at(2026, 3, 30, 10, 0)
    assert due.utcoffset() == timedelta(hours=1)
    # Clocks go back on Sunday 25 October 2026.
    assert decision_due(at(2026, 10, 23, 17, 45)) == at(2026, 10, 26, 17, 45)


def test_received_in_utc_is_read_in_london_time():
    # 23:30 UTC on Monday 1 June 2026 is 00:30 on Tuesday in London.
    received = datetime(2026, 6, 1, 23, 30, tzinfo=ZoneInfo("UTC"))
    assert decision_due(received) == at(2026, 6, 3, 0, 30)


def test_good_friday_receipt_waits_for_easter_tuesday():
    assert decision_due(at(2027, 3, 26, 10, 0)) == at(2027, 3, 31, 0, 0)


def test_bank_holidays_are_englands():
    assert not is_working_day(date(2026, 12, 28))  # Boxing Day substitute
    assert not is_working_day(date(2027, 3, 29))  # Easter Monday
    assert is_working_day(date(2027, 1, 4))
    # St Andrew's Day is a Scottish holiday, not an English one.
    assert is_working_day(date(2026, 11, 30))


def test_weekend_cover_councils_can_count_weekends(settings):
    settings.WORKING_DAYS_INCLUDE_WEEKENDS = True
    assert is_working_day(date(2026, 11, 28))
    assert decision_due(at(2026, 11, 27, 15, 0)) == at(2026, 11, 28, 15, 0)


def test_working_time_skips_weekends_and_holidays():
    friday_noon = at(2026, 11, 27, 12, 0)
    monday_noon = at(2026, 11, 30, 12, 0)
    assert working_time_between(friday_noon, monday_noon) == timedelta(hours=24)
    assert working_time_between(monday_noon, friday_noon) == -timedelta(hours=24)
    assert add_working_time(friday_noon, timedelta(hours=18)) == at(2026, 11, 30, 6, 0)


def test_working_time_over_a_working_clock_change_day_is_real_time(settings):
    settings.WORKING_DAYS_INCLUDE_WEEKENDS = True
    # Sunday 28 March 2027 is 23 hours long.
    assert working_time_between(at(2027, 3, 28, 0, 0), at(2027, 3, 29, 0, 0)) == timedelta(hours=23)


def test_statutory_limits_in_working_days():
    # 45 working days from Monday 23 November 2026 skips Christmas and New Year.
    assert add_working_days(date(2026, 11, 23), 45) == date(2027, 1, 28)
    assert add_working_days(date(2026, 11, 23), 15) == date(2026, 12, 14)
