"""Partner systems in real Chromium (issue 21, part 1): an administrator tries to add a
system with nothing filled in (each missing answer named, the title says Error), then
with a hostile name and a scope its account may not have (told why, nothing typed
lost), then adds it; the token is shown once and works; a rotation keeps the old token
working through its grace period; revoking it refuses it at once. Axe finds nothing
at each step."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from frontdoor.roles import Role
from referrals import services
from tests.factories import UserFactory
from tests.support.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TOKEN = re.compile(r"^fd_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$")
HOSTILE = "<script>alert(1)</script> =SUM(A1)"


def test_an_administrator_adds_a_system_and_rotates_and_revokes_its_token(
    page, administrator, assert_no_axe_violations
):
    account = UserFactory(
        roles=[Role.CASE_SYSTEM], full_name="Mosaic service", email="mosaic@council.example"
    )
    sign_in(page, administrator)
    page.goto(reverse("referrals:systems"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Partner systems")
    expect(page.get_by_role("link", name="Partner systems")).to_have_attribute(
        "aria-current", "page"
    )
    expect(page.get_by_text("There are no partner systems yet.")).to_be_visible()
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Add a partner system").click()
    page.get_by_role("button", name="Add the system and issue its token").click()
    summary = page.locator(".govuk-error-summary")
    for message in (
        "Enter the partner system's name",
        "Choose the service account the system acts as",
        "Choose at least one thing the system may do",
    ):
        expect(summary).to_contain_text(message)
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert_no_axe_violations(page)

    page.get_by_label("Name").fill(HOSTILE)
    page.get_by_label("Service account it acts as").select_option(
        label="Mosaic service (mosaic@council.example)"
    )
    page.get_by_label("Submit contacts").check()
    page.get_by_role("button", name="Add the system and issue its token").click()
    expect(summary).to_contain_text("its roles do not allow it")
    expect(page.get_by_label("Name")).to_have_value(HOSTILE)
    assert_no_axe_violations(page)

    page.get_by_label("Name").fill("Mosaic (live)")
    page.get_by_label("Submit contacts").uncheck()
    page.get_by_label("Post outcome events and its own ids for contacts").check()
    page.get_by_role("button", name="Add the system and issue its token").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Store the token now")
    first = page.get_by_label("Token").input_value()
    assert TOKEN.match(first)
    assert services.api_client_authenticate(token=first).name == "Mosaic (live)"
    assert_no_axe_violations(page)
    token_page = page.url
    page.get_by_role("link", name="I have stored it").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mosaic (live)")
    page.goto(token_page)  # shown once: back on the system's page, without the token
    expect(page.get_by_role("heading", level=1)).to_have_text("Mosaic (live)")
    expect(page.get_by_text("A token is shown only once")).to_be_visible()
    assert first not in page.content()
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Issue a new token").click()
    page.get_by_role("button", name="Issue the token").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Choose how long the old token may keep working"
    )
    assert_no_axe_violations(page)
    page.get_by_label("24 hours").check()
    page.get_by_role("button", name="Issue the token").click()
    second = page.get_by_label("Token").input_value()
    assert TOKEN.match(second)
    assert second != first
    page.get_by_role("link", name="I have stored it").click()
    tokens = page.get_by_role("table")
    expect(tokens).to_contain_text("Being replaced: works until")
    expect(tokens).to_contain_text("In use")
    assert services.api_client_authenticate(token=first) is not None  # in its grace period
    assert_no_axe_violations(page)

    page.get_by_role("link", name=f"Revoke token fd_{first.split('_')[1]}_…").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Revoke token")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Revoke the token").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("has been revoked")
    expect(tokens).to_contain_text("Revoked")
    assert services.api_client_authenticate(token=first) is None
    assert services.api_client_authenticate(token=second) is not None
    assert account.api_clients.get().tokens.count() == 2
    assert reverse("referrals:systems") in page.content()
