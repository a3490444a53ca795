"""The queue and the today page keep themselves current in real Chromium (issue 23,
parts 1 and 3): a contact recorded after the page loaded appears without a reload, the
row the screener is reading stays where it was with focus on it, the polite live region
says what changed, and axe finds nothing before or after."""

import re
from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from referrals.models import Contact
from screening import services
from tests.browser.navigation import navigate
from tests.factories import child_input, submit_contact
from tests.support.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _due_in(contact, delta):
    Contact.objects.filter(pk=contact.pk).update(decision_due_at=timezone.now() + delta)


def _top(locator) -> float:
    return locator.evaluate("element => element.getBoundingClientRect().top")


def test_the_queue_takes_in_new_contacts_without_moving_the_row_being_read(
    page, settings, screener, manager, referrer, assert_no_axe_violations
):
    settings.LIVE_QUEUE_POLL_SECONDS = 0.5
    waiting = []
    for hours in range(1, 13):
        contact = submit_contact(referrer, subjects=[child_input(first_name=f"Child{hours}")])
        _due_in(contact, timedelta(hours=hours * 2))
        waiting.append(contact)

    sign_in(page, screener)
    polls = []
    page.on("request", lambda r: polls.append(r) if "queue-updates" in r.url else None)
    page.set_viewport_size({"width": 1280, "height": 600})
    page.goto(reverse("screening:queue"))
    reading = page.get_by_role("link", name=waiting[6].reference, exact=True)
    reading.focus()
    reading.scroll_into_view_if_needed()
    before = _top(reading)
    assert_no_axe_violations(page)

    # Recorded after the page loaded: one due before the row being read, one after, and
    # one taken by someone else; all at once, so that one poll sees them all.
    with transaction.atomic():
        earlier = submit_contact(
            referrer, subjects=[child_input(first_name="Nina", last_name="Early")]
        )
        _due_in(earlier, timedelta(hours=3))
        later = submit_contact(
            referrer, subjects=[child_input(first_name="Otto", last_name="Late")]
        )
        _due_in(later, timedelta(hours=40))
        services.screening_claim(actor=manager, contact=waiting[0])

    expect(page.locator(f"#queue-row-{earlier.reference}")).to_contain_text("Nina Early")
    expect(page.locator(f"#queue-row-{later.reference}")).to_contain_text("Otto Late")
    live = page.locator("#queue-live")
    expect(live).to_have_attribute("aria-live", "polite")
    expect(live).to_contain_text("2 new contacts, 1 taken, 14 open contacts in all (was 12)")
    expect(page.locator(f"#queue-screener-{waiting[0].reference}")).to_have_text(manager.full_name)
    expect(page.locator("#queue-count")).to_have_text("14 open contacts.")
    # In order, the new rows where they belong, and nothing drawn twice.
    rows = page.locator("#queue-rows > tr")
    expect(rows).to_have_count(14)
    order = rows.evaluate_all("rows => rows.map(row => row.id)")
    assert order.index(f"queue-row-{earlier.reference}") == 1
    assert order[-1] == f"queue-row-{later.reference}"
    # The row being read is where it was, with focus still on it.
    expect(reading).to_be_focused()
    assert abs(_top(reading) - before) < 1
    assert_no_axe_violations(page)

    # Each poll says it is one, so it does not keep the session alive.
    assert polls
    assert all(poll.headers.get("x-frontdoor-poll") == "1" for poll in polls)
    # The next poll says nothing new: the live region keeps its last sentence.
    said = live.inner_text()
    page.wait_for_timeout(1500)  # three polls: nothing to wait on but time
    assert live.inner_text() == said


def test_the_queue_does_not_scroll_when_no_row_is_on_the_screen(page, settings, screener, referrer):
    """With the list below the screen and nothing in it focused, no row is being read:
    a row coming in above the others leaves the page where it is."""
    settings.LIVE_QUEUE_POLL_SECONDS = 0.5
    first = submit_contact(referrer)
    _due_in(first, timedelta(hours=10))
    sign_in(page, screener)
    page.set_viewport_size({"width": 1280, "height": 200})
    page.goto(reverse("screening:queue"))
    row = page.locator(f"#queue-row-{first.reference}")
    assert _top(row) > page.evaluate("window.innerHeight")
    assert page.evaluate("window.scrollY") == 0

    earlier = submit_contact(referrer, urgency="immediate")

    expect(page.locator(f"#queue-row-{earlier.reference}")).to_be_attached()
    assert page.evaluate("window.scrollY") == 0


def test_the_today_page_updates_its_figures_without_a_reload(
    page, settings, manager, referrer, assert_no_axe_violations
):
    settings.LIVE_TODAY_POLL_SECONDS = 0.5
    for _ in range(2):
        submit_contact(referrer)

    sign_in(page, manager)
    navigate(page, "Screening", "Today")
    expect(page.get_by_role("heading", level=1)).to_have_text("Today at the front door")
    waiting = page.locator("#today-waiting")
    expect(waiting).to_have_text(re.compile(r"^2 waiting in all$"))
    waiting.focus()
    assert_no_axe_violations(page)

    submit_contact(referrer, urgency="immediate")

    expect(page.locator("#today-immediate")).to_have_text(
        re.compile(r"^1 immediate-risk contacts not yet taken$")
    )
    expect(waiting).to_have_text(re.compile(r"^3 waiting in all$"))
    live = page.locator("#today-live")
    expect(live).to_have_attribute("aria-live", "polite")
    expect(live).to_contain_text("1 immediate risk not taken (was 0)")
    expect(live).to_contain_text("3 waiting (was 2)")
    # The figures were drawn again; focus is back on the figure it was on.
    expect(page.locator("#today-waiting")).to_be_focused()
    assert_no_axe_violations(page)
    # Each figure opens the list behind it.
    page.locator("#today-immediate").click()
    expect(page.locator("#queue-count")).to_have_text("1 open contact.")
    assert_no_axe_violations(page)
