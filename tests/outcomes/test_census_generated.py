"""The DfE's census rules over exports of generated data: no errors, and only the
queries the README lists with the reason the data truly raises them."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from django.core.management import call_command

from outcomes.models import CensusExport
from outcomes.returns import services as returns

pytestmark = pytest.mark.django_db

# Kept in step with the README's "Census queries" list.
EXPECTED_QUERIES = {
    "8770Q",  # school-age children whose UPN the front door was never given
    "8670Q",  # assessments started 45+ working days before 31 March and still open
    "8675Q",  # s47 enquiries started 15+ working days before 31 March, no conference yet
    "8530Q",  # unborn children referred early in the year whose birth nobody reported
    "2887Q",  # fewer than eight disability codes used in the whole return
}


def _checked(year: int) -> CensusExport:
    export = returns.census_export_make(actor=None, year=year)
    checked = returns.census_export_check(export_id=export.pk)
    assert checked.status == CensusExport.Status.CHECKED, checked.failure
    assert checked.report["rules_that_crashed"] == []
    return checked


def _errors(checked: CensusExport) -> Counter:
    found = Counter(i["rule"] for i in checked.report["issues"] if i["kind"] == "error")
    found.update(i["rule"] for i in checked.report["return_level"] if i["kind"] == "error")
    return found


def _queries(checked: CensusExport) -> set[str]:
    issues = checked.report["issues"] + checked.report["return_level"]
    return {i["rule"] for i in issues if i["kind"] == "query"}


def test_the_census_of_synthetic_data_passes_the_dfe_rules():
    call_command("generate_synthetic", contacts=3000, years=2, seed=11, stdout=io.StringIO())
    checked = _checked(2026)
    assert checked.episodes > 300
    assert _errors(checked) == Counter()
    assert _queries(checked) <= EXPECTED_QUERIES


# The demo's census (loaded once for two tests): tests/outcomes/test_census_of_the_demo.py.
