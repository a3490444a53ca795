"""The sign-in journey in real Chromium, checked with axe-core."""

import pytest
from playwright.sync_api import expect

from frontdoor.roles import Role
from tests.support.landing import LANDING_HEADINGS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def fill_sign_in(page, email, password):
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_sign_in_page_and_its_errors_are_accessible(page, screener, assert_no_axe_violations):
    page.goto("/")
    assert page.url.endswith("/sign-in/?next=/")
    assert_no_axe_violations(page)

    fill_sign_in(page, screener.email, "wrong password")

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    assert "Enter a correct email address and password" in summary.inner_text()
    # GOV.UK Frontend moves focus to the summary so screen readers announce it.
    assert page.evaluate("document.activeElement.classList.contains('govuk-error-summary')")
    assert page.get_by_label("Email address").input_value() == screener.email
    assert page.title().startswith("Error: ")
    assert_no_axe_violations(page)


def test_error_summary_links_move_to_the_field(page, db):
    page.goto("/sign-in/")
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("link", name="Enter your password").click()

    assert page.evaluate("document.activeElement.id") == "id_password"


@pytest.mark.parametrize("persona", list(Role), indirect=True)
def test_each_role_signs_in_to_its_own_accessible_page(
    page, persona, password, assert_no_axe_violations
):
    from tests.conftest import otp_code_for

    page.goto("/sign-in/")
    fill_sign_in(page, persona.email, password)
    if "/account/two-factor/" in page.url:
        expect(page.get_by_role("heading", level=1)).to_have_text("Set up your authenticator app")
        assert_no_axe_violations(page)
        page.get_by_label("Code from your authenticator app").fill("12345")
        page.get_by_role("button", name="Continue").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text("6 numbers")
        assert_no_axe_violations(page)
        page.get_by_label("Code from your authenticator app").fill(otp_code_for(persona))
        page.get_by_role("button", name="Continue").click()

    role = Role(persona.groups.get().name)
    expect(page.get_by_role("heading", level=1)).to_have_text(LANDING_HEADINGS[role])
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You have signed out")
    assert_no_axe_violations(page)


def test_pages_run_without_console_errors_under_the_csp(chromium, live_server, screener, password):
    # A context that enforces the CSP, to prove the app's own scripts obey it.
    context = chromium.new_context(base_url=live_server.url)
    page = context.new_page()
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))

    page.goto("/sign-in/")
    fill_sign_in(page, screener.email, password)
    page.wait_for_load_state("networkidle")

    assert problems == []
    assert "govuk-frontend-supported" in page.evaluate("document.body.className")
    context.close()
