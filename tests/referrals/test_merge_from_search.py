"""A manager who finds two records of one person in the search results ticks both and
goes to the merge comparison of those two (referrals:people-search-compare): only
managers, only ids in the address, anything but two answered with the results again."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from frontdoor.models import AuditEvent
from referrals import services
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

SEARCH = reverse("referrals:people-search")
COMPARE = reverse("referrals:people-search-compare")
FOUND = {"name": "Amelia Harrison"}


@pytest.fixture
def twins_on_record(db):
    """The same child twice (a misspelling on a later contact) and a namesake."""
    born = date(2016, 4, 12)
    return [
        PersonFactory(first_name="Amelia", last_name="Harrison", date_of_birth=born),
        PersonFactory(first_name="Amelia", last_name="Harrisson", date_of_birth=born),
        PersonFactory(first_name="Amelia", last_name="Harrison", date_of_birth=date(2012, 9, 3)),
    ]


def boxes(page: str) -> list[str]:
    return re.findall(r'name="pick" type="checkbox" value="(\d+)"', page)


def test_a_manager_can_tick_each_person_found_and_a_screener_cannot(
    client, manager, screener, twins_on_record
):
    client.force_login(manager)
    page = client.post(SEARCH, FOUND).text
    assert sorted(boxes(page)) == sorted(str(p.pk) for p in twins_on_record)
    assert "Compare the 2 selected records" in page
    assert f'formaction="{COMPARE}"' in page
    client.force_login(screener)
    page = client.post(SEARCH, FOUND).text
    assert "3 people found" in page
    assert boxes(page) == []
    assert "Compare the 2 selected records" not in page


def test_two_ticked_go_to_their_comparison_with_nothing_but_ids_in_the_address(
    client, manager, twins_on_record
):
    first, second, _ = twins_on_record
    client.force_login(manager)
    response = client.post(COMPARE, {**FOUND, "pick": [str(first.pk), str(second.pk)]})
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "referrals:person-merge-compare", args=[first.pk, second.pk]
    )
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert f"Compare person records {first.pk} and {second.pk}" in page.text


@pytest.mark.parametrize(
    ("picked", "message"),
    [
        ([], "Select 2 people to compare"),
        (["one"], "Select 2 people to compare"),
        (["same", "same"], "Select 2 people to compare"),
        (["one", "two", "three"], "Select only 2 people to compare: you selected 3"),
        (["one", "<script>alert(1)</script>"], "Select people from the results to compare"),
        (["one", "1 OR 1=1"], "Select people from the results to compare"),
        (["one", "9" * 40], "Select people from the results to compare"),
        (["one", "\x00"], "Select people from the results to compare"),
        (["one", "-4"], "Select people from the results to compare"),
    ],
)
def test_anything_but_two_shows_the_results_again_saying_what_to_do(
    client, manager, twins_on_record, picked, message
):
    ids = {
        "one": str(twins_on_record[0].pk),
        "two": str(twins_on_record[1].pk),
        "three": str(twins_on_record[2].pk),
        "same": str(twins_on_record[0].pk),
    }
    client.force_login(manager)
    response = client.post(COMPARE, {**FOUND, "pick": [ids.get(p, p) for p in picked]})
    assert response.status_code == 200
    page = response.text
    assert message in page
    assert "<title>Error: Search people and contacts" in page
    assert "3 people found" in page
    assert 'value="Amelia Harrison"' in page  # the search as typed
    assert f'href="#pick-{boxes(page)[0]}"' in page  # the summary leads to the boxes
    assert "<script>alert" not in page
    # The boxes ticked stay ticked, to change rather than start again.
    ticked = set(re.findall(r'value="(\d+)" form="search-form"[^>]* checked', page))
    assert ticked == {ids[p] for p in picked if p in ids}
    # Shown again, the results are a view of those records like any search.
    assert AuditEvent.objects.filter(action="search", actor=manager).count() == 1


def test_with_the_search_itself_wrong_its_own_error_comes_first(client, manager):
    client.force_login(manager)
    page = client.post(COMPARE, {"pick": ["1"]}).text
    assert "Enter at least one thing to search for" in page
    assert "Select 2 people" not in page


def test_a_restricted_person_found_has_no_box_and_the_comparison_still_guards_it(
    client, manager, manager_b, twins_on_record
):
    hidden = twins_on_record[2]
    services.restriction_add(
        actor=manager,
        person=hidden,
        reason="A member of staff's family.",
        ask=manager,
        allowed=[],
        review_due=timezone.localdate() + timedelta(days=30),
    )
    client.force_login(manager_b)
    page = client.post(SEARCH, FOUND).text
    assert f"Restricted record — ask {manager.full_name}" in page
    assert str(hidden.pk) not in boxes(page)
    assert len(boxes(page)) == 2
    # Its number posted anyway: the comparison refuses it as it does from any page.
    response = client.post(COMPARE, {**FOUND, "pick": [str(twins_on_record[0].pk), hidden.pk]})
    compare = client.get(response["Location"])
    assert compare.status_code == 403
    assert "3 September 2012" not in compare.text
    assert "Harrison" not in compare.text


def test_one_person_found_has_nothing_to_tick(client, manager, twins_on_record):
    client.force_login(manager)
    born = {"date_of_birth_0": "3", "date_of_birth_1": "9", "date_of_birth_2": "2012"}
    page = client.post(SEARCH, {**FOUND, **born}).text
    assert "1 person found" in page
    assert boxes(page) == []


def test_only_managers_may_post_two_people_to_compare(client, screener, referrer, twins_on_record):
    pair = {**FOUND, "pick": [str(twins_on_record[0].pk), str(twins_on_record[1].pk)]}
    for user in (screener, referrer):
        client.force_login(user)
        assert client.post(COMPARE, pair).status_code == 403
    assert client.get(COMPARE).status_code == 405
