"""The whole demo's census: the DfE's rules over its exports (as for the synthetic data
in tests/outcomes/test_census_generated.py), and the rules its records must keep
whatever the validator says (tests/census_invariants.py). A module of its own, so that
no other test can run inside its world."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

import pytest
from django.utils import timezone

from demo.common import demo_data_load
from demo.intake import DEMO_CONTACT_COUNT, demo_contacts_load
from demo.outcomes import demo_outcomes_load
from demo.screening import demo_meetings_load, demo_screening_load
from outcomes.models import DownstreamOutcome
from referrals.models import ContactSubject
from screening.models import Decision
from tests.census_invariants import census_problems, census_shares
from tests.support.census_checks import (
    EXPECTED_QUERIES,
    census_checked,
    census_errors,
    census_queries,
)
from tests.support.worlds import built_once

pytestmark = pytest.mark.django_db


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
    """Loaded once for the tests below, which only read it (tests/support/worlds.py)."""
    yield from built_once(django_db_blocker, _demo_load)


def test_the_census_of_the_demo_data_passes_the_dfe_rules(demo):
    for year in (2026, 2027):
        checked = census_checked(year)
        assert checked.episodes > 0
        assert census_errors(checked) == Counter(), year
        assert census_queries(checked) <= EXPECTED_QUERIES


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
