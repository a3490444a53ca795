"""The axe check every browser test relies on: it finds a real problem, names the
element, and lets through only the one accepted GOV.UK Frontend finding. Without this,
a checker that returned nothing would pass every page."""

from __future__ import annotations

import pytest

from tests.browser.axe import axe_violations

pytestmark = pytest.mark.browser

PAGE = """<!doctype html><html lang="en"><head><title>Axe check</title></head>
<body><main><h1>Axe check</h1>{body}</main></body></html>"""

CONDITIONAL_REVEAL = """
<div class="govuk-radios" data-module="govuk-radios">
  <input id="contact" name="contact" type="radio" value="phone"
         aria-controls="conditional-contact" aria-expanded="false">
  <label for="contact">Phone</label>
  <div id="conditional-contact"><label for="number">Number</label><input id="number"></div>
</div>"""


@pytest.fixture
def blank_page(chromium):
    context = chromium.new_context()
    yield context.new_page()
    context.close()


def test_an_image_without_a_text_alternative_is_found_and_named(blank_page):
    blank_page.set_content(PAGE.format(body='<img src="data:," id="chart">'))

    found = axe_violations(blank_page)

    assert len(found) == 1
    assert found[0].startswith("image-alt (critical)")
    assert found[0].endswith("-> #chart")


def test_a_clean_page_and_the_accepted_conditional_reveal_pass(blank_page):
    blank_page.set_content(PAGE.format(body=CONDITIONAL_REVEAL))

    assert axe_violations(blank_page) == []


def test_the_conditional_reveal_is_accepted_only_on_a_reveal(blank_page):
    # aria-expanded on a radio that reveals nothing is still a finding.
    blank_page.set_content(
        PAGE.format(body=CONDITIONAL_REVEAL.replace("conditional-contact", "other"))
    )

    assert [f.split(" ")[0] for f in axe_violations(blank_page)] == ["aria-allowed-attr"]
