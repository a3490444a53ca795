"""A screener searches in Chromium: from the navigation, by a misspelt name, through a
second page of results, with bad input, and past a restricted record; axe finds
nothing at each step and nothing typed reaches the address bar."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from referrals import services
from referrals.models import Person
from tests.factories import PersonFactory
from tests.support.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_screener_searches(page, screener, manager, assert_no_axe_violations):
    Person.objects.bulk_create(
        Person(first_name="Amelia", last_name="Harrison", postcode="YO1 7HH") for _ in range(24)
    )
    hidden = PersonFactory(
        first_name="Amelia", last_name="Harrison", date_of_birth=date(2016, 4, 12)
    )
    services.restriction_add(
        actor=manager,
        person=hidden,
        reason="A member of staff's family.",
        ask=manager,
        allowed=[],
        review_due=timezone.localdate() + timedelta(days=30),
    )
    search_url = reverse("referrals:people-search")
    sign_in(page, screener)

    # A screener's People area is the search alone, so the area's link opens it.
    page.get_by_role("link", name="People", exact=True).click()
    expect(page.get_by_role("heading", name="Search people and contacts")).to_be_visible()
    # Concern words are for managers: a screener has no such box.
    expect(page.get_by_label("Words in the concern")).to_have_count(0)
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Enter at least one thing to search for")).to_be_visible()
    assert_no_axe_violations(page)

    page.get_by_label("Name").fill("Amelia Harisson")
    page.get_by_label("Postcode or part of the address").fill("<script>alert(1)</script>")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="0 people found")).to_be_visible()
    # What was typed stays in the boxes, shown as text, never run.
    expect(page.get_by_label("Name")).to_have_value("Amelia Harisson")
    expect(page.get_by_label("Postcode or part of the address")).to_have_value(
        "<script>alert(1)</script>"
    )

    page.get_by_label("Postcode or part of the address").fill("")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="25 people found")).to_be_visible()
    expect(page.get_by_text("Showing 1 to 20, closest match first")).to_be_visible()
    assert page.url.endswith(search_url)
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Next page").click()
    expect(page.get_by_text("Showing 21 to 25")).to_be_visible()
    expect(page.get_by_text("Page 2 of 2")).to_be_visible()
    assert page.url.endswith(search_url)
    assert "Harisson" not in page.url
    assert_no_axe_violations(page)

    # Equally alike names go in the order made, so the restricted person, made
    # last, is on this page: one row saying whom to ask, and nothing of them.
    expect(page.get_by_text(f"Restricted record — ask {manager.full_name}")).to_have_count(1)
    expect(page.locator("main")).not_to_contain_text("12 April 2016")

    page.set_viewport_size({"width": 375, "height": 900})
    assert_no_axe_violations(page)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the results scroll sideways by {overflow}px on a phone"
