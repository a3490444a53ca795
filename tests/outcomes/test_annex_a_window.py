"""The Annex A page's window: six months at most, the inspection date's six months
before, what it says when a date is not one, and who may have the lists."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from frontdoor.models import AuditEvent
from frontdoor.roles import Role
from outcomes.returns import annex_a
from tests.factories import UserFactory
from tests.support.annex_a import PAGE, WINDOW_B, signed_in, window_query


def test_the_page_offers_the_last_six_months_by_default(client, manager, db):
    response = signed_in(client, manager).get(PAGE)
    assert response.status_code == 200
    body = response.content.decode()
    window = annex_a.six_months_to(timezone.localdate())
    assert f'name="start_0" type="text" inputmode="numeric" value="{window.start.day}"' in body
    assert f'name="end_2" type="text" inputmode="numeric" value="{window.end.year}"' in body
    assert "Allocated Team" in body or "allocated team" in body


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (
            {"start": ("1", "5", "2026"), "end": ("1", "11", "2026")},
            "The window can be at most six months: for a start date of 1 May 2026 the end "
            "date must be 31 October 2026 or earlier",
        ),
        (
            {"start": ("31", "8", "2026"), "end": ("1", "3", "2027")},
            "for a start date of 31 August 2026 the end date must be 28 February 2027",
        ),
        (
            {"start": ("1", "5", "2026"), "end": ("30", "4", "2026")},
            "The end date must be the same as or after the start date",
        ),
        (
            {"start": ("31", "2", "2026"), "end": ("1", "3", "2026")},
            "Start date must be a real date",
        ),
        ({"start": ("", "", ""), "end": ("1", "3", "2026")}, "Enter the start date"),
        ({"start": ("1", "2", "2026"), "end": ("", "3", "2026")}, "End date must include a day"),
    ],
)
def test_a_window_that_is_not_one_is_explained_and_kept(client, manager, db, typed, message):
    query = {"list": "1"}
    for name, parts in typed.items():
        query.update({f"{name}_{index}": part for index, part in enumerate(parts)})
    response = signed_in(client, manager).get(PAGE, query)
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body
    assert message in body
    for name, parts in typed.items():
        for index, part in enumerate(parts):
            assert f'name="{name}_{index}" type="text" inputmode="numeric" value="{part}"' in body
    assert not AuditEvent.objects.filter(action="export").exists()


def test_six_months_to_the_day_is_allowed(client, manager, db):
    query = window_query(date(2026, 5, 1), date(2026, 10, 31))
    response = signed_in(client, manager).get(PAGE, {**query, "list": "3"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")


def test_the_inspection_date_fills_in_the_six_months_before_it(client, manager, db):
    client = signed_in(client, manager)
    response = client.get(
        PAGE, {"inspection_date_0": "15", "inspection_date_1": "10", "inspection_date_2": "2026"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "15 April 2026 to 14 October 2026" in body
    assert 'name="start_1" type="text" inputmode="numeric" value="4"' in body
    assert 'name="end_0" type="text" inputmode="numeric" value="14"' in body

    bad = client.get(
        PAGE, {"inspection_date_0": "15", "inspection_date_1": "13", "inspection_date_2": "2026"}
    )
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "Inspection date must be a real date" in text
    assert 'name="inspection_date_1" type="text" inputmode="numeric" value="13"' in text
    later = timezone.localdate() + timedelta(days=400)
    far = client.get(
        PAGE,
        {
            "inspection_date_0": str(later.day),
            "inspection_date_1": str(later.month),
            "inspection_date_2": str(later.year),
        },
    )
    assert "The inspection date must be within the next year" in far.content.decode()


def test_windows_are_six_months_at_most_and_at_best():
    day = date(2024, 1, 1)
    while day < date(2028, 12, 31):
        window = annex_a.six_months_to(day)
        assert window.end == day
        assert annex_a.latest_end(window.start) >= day
        assert annex_a.latest_end(window.start - timedelta(days=1)) < day
        if day <= timezone.localdate():
            assert annex_a.window_problem(window.start, window.end) == ""
        day += timedelta(days=1)
    assert annex_a.six_months_before_inspection(date(2026, 10, 15)) == annex_a.Window(
        date(2026, 4, 15), date(2026, 10, 14)
    )


@pytest.mark.parametrize(
    "role", [Role.SCREENER, Role.PERFORMANCE_VIEWER, Role.PARTNER_AGENCY_MEMBER]
)
def test_only_managers_may_have_the_lists(client, db, role):
    client.force_login(UserFactory(roles=[role]))
    assert client.get(PAGE).status_code == 403
    assert client.get(PAGE, {**WINDOW_B, "format": "xlsx"}).status_code == 403
    assert client.get(PAGE, {**WINDOW_B, "list": "3"}).status_code == 403
    assert not AuditEvent.objects.filter(action="export").exists()
