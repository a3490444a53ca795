"""Term dates decide a school day only where they cover it (docs/adr/0038): next year's
dates loaded early hold nothing this year, the summer holiday after the last term is a
holiday, and the term-dates file replaces only the terms within its dates."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from outcomes.encompass.schooldays import notice_timing, terms_for
from outcomes.models_encompass import EncompassNotice, TermCalendar
from tests.encompass.test_notices import _at, _child_with_school
from tests.support.encompass import calendar_2026_27, police_notification, school

pytestmark = pytest.mark.django_db
State = EncompassNotice.State
NEXT_YEAR = (
    "Calendar,Term,First day,Last day\n"
    "Northshire schools,Autumn 1,2027-09-02,2027-10-22\n"
    "Northshire schools,Autumn 2,2027-11-01,2027-12-17\n"
    "Northshire schools,Spring 1,2028-01-04,2028-02-11\n"
)


def _upload(client, text: str):
    return client.post(
        reverse("outcomes:schools-upload"),
        {
            "kind": "term_dates",
            "file": SimpleUploadedFile("terms.csv", text.encode(), content_type="text/csv"),
        },
    )


def test_next_years_dates_loaded_in_november_keep_this_years(client, administrator, screener):
    calendar_2026_27()
    client.force_login(administrator)

    assert _upload(client, NEXT_YEAR).status_code == 200

    calendar = TermCalendar.objects.get(name="Northshire schools")
    starts = [term.starts_on for term in calendar.terms.all()]
    assert len(starts) == 9
    assert (starts[0], starts[-1]) == (date(2026, 9, 3), date(2028, 1, 4))
    # A Monday morning incident in term is due the next morning and goes at once.
    _child_with_school(school())
    notification = police_notification(incident_at=_at(date(2026, 11, 30), 9))
    notice = EncompassNotice.objects.get(notification=notification)
    assert (notice.state, notice.due_at, notice.release_at) == (
        State.RELEASED,
        _at(date(2026, 12, 1), 8, 30),
        None,
    )


def test_only_next_years_dates_hold_nothing_this_year(screener):
    """A calendar with only next year's terms does not cover this year: not held."""
    calendar = TermCalendar.objects.create(name="Oak Trust", is_default=True)
    calendar.terms.create(name="Autumn 1", starts_on=date(2027, 9, 2), ends_on=date(2027, 10, 22))
    _child_with_school(school())

    notification = police_notification(incident_at=_at(date(2026, 11, 30), 9))

    notice = EncompassNotice.objects.get(notification=notification)
    assert (notice.due_at, notice.release_at) == (_at(date(2026, 12, 1), 8, 30), None)


def test_a_summer_holiday_incident_is_held_to_the_first_day_back(client, administrator):
    """Worked out as a notice raised then would be (the recording service refuses an
    incident still to come, so the due time is asked of ``notice_timing`` itself)."""
    calendar_2026_27()
    millbrook = school()
    summer = _at(date(2027, 7, 28), 21)

    # Only this year's terms: the holiday runs to the end of the school year.
    timing = notice_timing(since=summer, terms=terms_for(millbrook))
    assert (timing.due_at, timing.release_at) == (
        _at(date(2027, 9, 1), 8, 30),
        _at(date(2027, 8, 31), 16),
    )

    # With next year's terms loaded: to their first day.
    client.force_login(administrator)
    _upload(client, NEXT_YEAR)
    timing = notice_timing(since=summer, terms=terms_for(millbrook))
    assert (timing.due_at, timing.release_at) == (
        _at(date(2027, 9, 2), 8, 30),
        _at(date(2027, 9, 1), 16),
    )


def test_a_corrected_term_replaces_only_the_terms_it_overlaps(client, administrator):
    calendar_2026_27()
    client.force_login(administrator)

    _upload(
        client,
        "Calendar,Term,First day,Last day\nNorthshire schools,Spring 1,2027-01-06,2027-02-12\n",
    )

    terms = TermCalendar.objects.get(name="Northshire schools").terms.all()
    assert len(terms) == 6
    assert [t.starts_on for t in terms if t.name == "Spring 1"] == [date(2027, 1, 6)]
