"""A performance viewer makes the Children in Need census return, in Chromium, with axe:
the export is checked by a real Celery worker running the DfE's rules."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from playwright.sync_api import expect

from tests.browser.navigation import navigate
from tests.outcomes.scorecard_world import build_world
from tests.support.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_performance_viewer_exports_the_census_and_reads_the_rules_report(
    page, screener, manager, performance_viewer, celery_worker, assert_no_axe_violations
):
    build_world(screener, manager)
    sign_in(page, performance_viewer)
    navigate(page, "Performance", "Census")
    expect(page.get_by_role("heading", level=1)).to_have_text("Children in Need census")
    assert_no_axe_violations(page)

    page.get_by_role("combobox", name="Return year").select_option(label="2025-26")
    page.get_by_role("button", name="Export and check").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Children in Need census 2025-26")
    # The page asks again every five seconds until the worker has run the rules.
    expect(page.get_by_role("status")).to_contain_text("0 errors", timeout=120_000)
    assert_no_axe_violations(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the XML").click()
    root = ET.parse(download.value.path()).getroot()
    assert root.findtext("Header/CollectionDetails/Year") == "2026"
    assert len(root.find("Children")) > 0

    page.get_by_role("link", name="Back to the census exports").click()
    expect(page.locator("table")).to_contain_text("0 errors")
    assert_no_axe_violations(page)
