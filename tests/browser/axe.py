"""axe-core in Chromium: the rules every page is held to, and the one accepted exception."""

from __future__ import annotations

import time

from playwright.sync_api import Error as PlaywrightError

from tests.conftest import AXE_SOURCE

# A click that follows a link returns before the next page has replaced this one: axe
# started in that gap meets a document being torn down. These are the ways it says so.
_NAVIGATED_AWAY = ("Execution context was destroyed", "reading 'documentElement'", "navigat")

# WCAG 2.2 A and AA, and axe's best practice.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def _is_conditional_reveal(violation: dict, node: dict) -> bool:
    """GOV.UK Frontend marks a radio or checkbox that reveals more questions with
    ``aria-expanded``, which ARIA does not list for radios. GDS keep it on purpose, as
    screen readers announce it (alphagov/govuk-frontend#979): the one finding we accept."""
    return (
        violation["id"] == "aria-allowed-attr"
        and all("aria-expanded" in check["message"] for check in node["any"] + node["all"])
        and 'aria-controls="conditional-' in node["html"]
    )


def axe_in_every_page(context) -> None:
    """Load axe-core into every page the browser context opens: the script goes to the
    browser once, instead of once per page."""
    context.add_init_script(path=AXE_SOURCE)


def axe_start(page) -> None:
    """Start axe on the page as it is now, without waiting for it: another tab may load
    its next page while this one's renderer works."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=AXE_SOURCE.read_text())
    # Only the violations come back to Python: axe's passes and inapplicable rules, with
    # every element they matched, were most of the time a page's check took.
    page.evaluate(
        "tags => { window.frontdoorAxe = axe.run(document, "
        "{runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})"
        ".then(result => result.violations); }",
        AXE_TAGS,
    )


def axe_findings(page) -> list[str]:
    """The findings of the run ``axe_start`` began, one line per element, less the
    accepted one."""
    violations = page.evaluate("() => window.frontdoorAxe")
    if violations is None:
        raise PlaywrightError("axe's run was lost: the page navigated away while it ran")
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} -> {node['target'][0]}"
        for violation in violations
        for node in violation["nodes"]
        if not _is_conditional_reveal(violation, node)
    ]


def axe_violations(page) -> list[str]:
    """axe's findings on the page once it has loaded, one line per element, less the
    accepted one. A run the browser's navigation cut short is run again on the new page."""
    deadline = time.monotonic() + 15
    while True:
        page.wait_for_load_state("load")
        try:
            axe_start(page)
            return axe_findings(page)
        except PlaywrightError as error:
            cut_short = any(sign in str(error) for sign in _NAVIGATED_AWAY) or (
                "run was lost" in str(error)
            )
            if not cut_short or time.monotonic() > deadline:
                raise
