"""The DfE's census rules over exports of generated data: no errors, and only the
queries the README lists with the reason the data truly raises them; and the rules the
demo's records must keep whatever the validator says (tests/census_invariants.py)."""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from demo.common import demo_data_load
from demo.intake import DEMO_CONTACT_COUNT, demo_contacts_load
from demo.outcomes import demo_outcomes_load
from demo.screening import demo_meetings_load, demo_screening_load
from outcomes.models import CensusExport, DownstreamOutcome
from outcomes.returns import services as returns
from referrals.models import ContactSubject
from screening.models import Decision
from tests.census_invariants import census_problems, census_shares
from tests.support.worlds import built_once

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


@dataclass(frozen=True)
class DemoLoad:
    now: datetime
    recorded: int


def _demo_load() -> DemoLoad:
    """The whole demo, as ``load_demo_data`` loads it (tests/test_demo_data.py runs the
    command itself): its steps in its order, at one moment."""
    demo_data_load()
    now = timezone.now()
    demo_contacts_load(count=DEMO_CONTACT_COUNT, now=now)
    demo_screening_load(now=now)
    demo_meetings_load(now=now)
    return DemoLoad(now=now, recorded=demo_outcomes_load(now=now))


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Loaded once for the tests below, which only read it (tests/support/worlds.py).
    After the synthetic data's test, which must not see it."""
    yield from built_once(django_db_blocker, _demo_load)


def test_the_census_of_the_demo_data_passes_the_dfe_rules(demo):
    for year in (2026, 2027):
        checked = _checked(year)
        assert checked.episodes > 0
        assert _errors(checked) == Counter(), year
        assert _queries(checked) <= EXPECTED_QUERIES


def test_a_census_return_of_the_demo_would_keep_the_dfe_rules(demo):
    """Every referral's children get CIN census episodes that the DfE's rules accept:
    census details for each child, a primary need on each referral, work in order and
    ended before the case closes, and a child's case closed before their next referral
    (a referral within 90 days of another goes to the allocated worker instead)."""
    assert census_problems() == []
    assert demo_outcomes_load(now=demo.now) == 0  # a second run records nothing twice
    shares = census_shares()
    assert shares["episodes"] >= 20
    assert 0 < shares["closed"] < 1
    assert demo.recorded == DownstreamOutcome.objects.count()
    events = Counter(DownstreamOutcome.objects.values_list("event", flat=True))
    assert {"assessment_started", "assessment_completed", "case_closed"} <= set(events)
    # Each s47 enquiry ends once: in a conference or in none being needed.
    assert events["s47_enquiry"] >= events["icpc"] + events["icpc_not_required"] > 0
    needs = Decision.objects.filter(route__in=["social_care_assessment", "strategy_discussion"])
    assert needs.exists()
    assert not needs.filter(primary_need="")
    children = ContactSubject.objects.filter(role__in=ContactSubject.CHILD_ROLES)
    assert not children.filter(disabilities=[])
    assert children.exclude(ethnicity="").exists()
    assert children.exclude(unique_pupil_number="").exists()
