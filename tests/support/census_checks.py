"""The DfE's census rules run over an export: the export made and checked by the real
validator, the errors and queries it found, and the queries generated data may raise."""

from __future__ import annotations

from collections import Counter

from outcomes.models import CensusExport
from outcomes.returns import services as returns

# Kept in step with the README's "Census queries" list.
EXPECTED_QUERIES = {
    "8770Q",  # school-age children whose UPN the front door was never given
    "8670Q",  # assessments started 45+ working days before 31 March and still open
    "8675Q",  # s47 enquiries started 15+ working days before 31 March, no conference yet
    "8530Q",  # unborn children referred early in the year whose birth nobody reported
    "2887Q",  # fewer than eight disability codes used in the whole return
}


def census_checked(year: int) -> CensusExport:
    export = returns.census_export_make(actor=None, year=year)
    checked = returns.census_export_check(export_id=export.pk)
    assert checked.status == CensusExport.Status.CHECKED, checked.failure
    assert checked.report["rules_that_crashed"] == []
    return checked


def census_errors(checked: CensusExport) -> Counter:
    found = Counter(i["rule"] for i in checked.report["issues"] if i["kind"] == "error")
    found.update(i["rule"] for i in checked.report["return_level"] if i["kind"] == "error")
    return found


def census_queries(checked: CensusExport) -> set[str]:
    issues = checked.report["issues"] + checked.report["return_level"]
    return {i["rule"] for i in issues if i["kind"] == "query"}
