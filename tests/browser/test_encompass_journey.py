"""Operation Encompass in Chromium: a manager finds the notices page from the service
navigation and filters it; a screener confirms a child's school; the school's Key Adult
opens the acknowledgement link without signing in. Each page passes axe."""

from datetime import datetime

import pytest
from playwright.sync_api import expect

from frontdoor.london import LONDON
from outcomes.encompass import notices as encompass
from outcomes.models_encompass import EncompassNotice
from tests.browser.axe import axe_in_every_page, axe_violations
from tests.factories import child_input
from tests.support.browser import sign_in
from tests.support.encompass import calendar_2026_27, police_notification, school

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
FRIDAY_NIGHT = datetime(2026, 11, 27, 22, 40, tzinfo=LONDON)


def test_a_manager_sees_the_encompass_page_and_a_screener_confirms_a_school(
    page, chromium, live_server, manager, screener
):
    calendar_2026_27()
    millbrook = school()
    police_notification(incident_at=FRIDAY_NIGHT, children=[child_input()])
    sent = police_notification(incident_at=FRIDAY_NIGHT, children=[child_input(first_name="Oscar")])
    encompass.school_confirm(
        actor=screener,
        encompass=EncompassNotice.objects.get(notification=sent),
        school=millbrook,
    )

    sign_in(page, manager)
    page.goto("/")
    page.get_by_role("link", name="Screening").first.click()
    page.get_by_role("link", name="Operation Encompass").click()
    expect(page.get_by_role("heading", name="Operation Encompass notices")).to_be_visible()
    table = page.locator("table")
    expect(table).to_contain_text("Amelia Harrison")
    expect(table).to_contain_text("Waiting for the school to be confirmed")
    expect(table).to_contain_text("Late")
    assert axe_violations(page) == []
    page.get_by_label("Show").select_option("awaiting_school")
    page.get_by_role("button", name="Filter").click()
    expect(table).not_to_contain_text("Oscar")
    assert axe_violations(page) == []

    # A screener confirms Amelia's school: first without choosing, then with it.
    sign_in(page, screener)
    page.goto("/outcomes/encompass/?status=awaiting_school")
    page.get_by_role("link", name="Confirm the school of Amelia Harrison").click()
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say whether the child")
    assert axe_violations(page) == []
    page.get_by_label("This school (choose it below)").check()
    page.get_by_label("School or setting", exact=True).select_option(
        label=f"{millbrook.name} ({millbrook.urn})"
    )
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("School confirmed")

    # The Key Adult's link, in a browser with no session.
    notice = EncompassNotice.objects.get(subject__first_name="Amelia")
    context = chromium.new_context(base_url=live_server.url, bypass_csp=True)
    axe_in_every_page(context)
    school_side = context.new_page()
    school_side.goto(f"/outcomes/encompass/read/{encompass.acknowledge_token(notice)}/")
    assert axe_violations(school_side) == []
    school_side.get_by_role("button", name="I have read the notice").click()
    expect(school_side.get_by_role("heading", name="Thank you")).to_be_visible()
    assert axe_violations(school_side) == []
    school_side.reload()  # the form posted again: the link is used
    expect(school_side.get_by_role("heading", name="This link has been used")).to_be_visible()
    context.close()
