"""The demo shows the product working whatever day ``make run`` is first run on
(issue 17): red, amber and green clocks in the queue, a meeting held and one to hold,
approvals waiting and a decision sent back, valid postcodes, and worries that fit
each child's age. The demo is loaded as at a fixed moment (its ``now``) instead of
freezing the clock."""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime

import pytest

from demo.common import DEMO_ACCOUNTS, demo_data_load
from demo.intake import demo_contacts_load
from demo.narratives import NARRATIVES, age_on
from demo.screening import demo_meetings_load, demo_screening_load
from frontdoor.london import LONDON
from frontdoor.models import User
from frontdoor.roles import Role
from frontdoor.working_days import is_working_day
from referrals.models import ContactSubject, Person
from referrals.validators import clean_postcode
from screening import selectors
from screening.meetings.slots import slot_moment
from screening.models import ComplexCaseEntry, ComplexCaseRun, Decision
from tests.support.worlds import built_once

SATURDAY = datetime(2026, 11, 21, 11, 0, tzinfo=LONDON)
MONDAY_MORNING = datetime(2026, 11, 23, 8, 15, tzinfo=LONDON)
BANK_HOLIDAY = datetime(2026, 8, 31, 13, 0, tzinfo=LONDON)  # the summer bank holiday


def _load(now: datetime) -> datetime:
    demo_data_load()
    demo_contacts_load(count=60, now=now)
    demo_screening_load(now=now)
    demo_meetings_load(now=now)
    return now


@pytest.fixture(scope="module")
def now(request, django_db_setup, django_db_blocker):
    """The demo loaded as at the day in hand, once for the tests that read it on that
    day (see tests/support/worlds.py)."""
    yield from built_once(django_db_blocker, lambda: _load(request.param))


@pytest.mark.parametrize(
    "now",
    [SATURDAY, MONDAY_MORNING, BANK_HOLIDAY],
    ids=["saturday", "monday-8am", "bank-holiday"],
    indirect=True,
)
def test_the_demo_queue_meetings_and_approvals_exist_whatever_the_day(db, now):
    assert not is_working_day(now.date()) or now.hour < 9

    screener = User.objects.get(
        email=next(a.email for a in DEMO_ACCOUNTS if a.role == Role.SCREENER)
    )
    queue = selectors.queue(user=screener, filters=selectors.QueueFilters(), now=now)
    clocks = Counter(selectors.clock_for(contact, now).rag for contact in queue)
    assert clocks["red"] >= 3
    assert clocks["amber"] >= 3
    assert clocks["green"] >= 3

    current, past = ComplexCaseRun.objects.order_by("-meeting_date", "-slot")
    assert (
        slot_moment(past.meeting_date, past.slot)
        < slot_moment(current.meeting_date, current.slot)
        <= now
    )
    assert past.chaired_by is not None
    assert past.entries.exists()
    assert not past.entries.filter(outcome=ComplexCaseEntry.Outcome.PENDING).exists()
    assert past.entries.filter(outcome=ComplexCaseEntry.Outcome.MORE_INFORMATION).exists()
    assert current.entries.count() >= 2
    assert not current.entries.exclude(outcome=ComplexCaseEntry.Outcome.PENDING).exists()
    # Nobody was waiting for a meeting before they were referred.
    for run in (past, current):
        held = slot_moment(run.meeting_date, run.slot)
        assert all(entry.contact.received_at <= held for entry in run.entries.all())

    assert Decision.objects.filter(approval=Decision.Approval.PENDING).count() >= 3
    returned = Decision.objects.filter(approval=Decision.Approval.RETURNED)
    assert returned.filter(contact__status__in=["in_screening"]).exists()


@pytest.mark.parametrize("now", [SATURDAY], ids=["saturday"], indirect=True)
def test_demo_postcodes_pass_the_referral_forms_check_and_worries_fit_ages(db, now):

    postcodes = {*Person.objects.values_list("postcode", flat=True)}
    postcodes |= {*ContactSubject.objects.values_list("postcode", flat=True)}
    postcodes.discard("")
    assert postcodes
    for postcode in postcodes:
        assert clean_postcode(postcode) == postcode

    children = ContactSubject.objects.filter(role__in=ContactSubject.CHILD_ROLES).order_by("pk")
    first_child = {}
    for child in children.select_related("contact"):
        first_child.setdefault(child.contact_id, child)
    assert len(first_child) >= 60
    for child in first_child.values():
        contact = child.contact
        age = age_on(child.date_of_birth, contact.received_at.astimezone(LONDON).date())
        for category in contact.concern_categories:
            said = [
                (youngest, oldest)
                for text, youngest, oldest in NARRATIVES[category]
                if re.search(_pattern(text), contact.concerns)
            ]
            assert said, (category, contact.concerns)
            assert any(youngest <= age <= oldest for youngest, oldest in said), (
                age,
                contact.concerns,
            )


def _pattern(narrative: str) -> str:
    parts = re.split(r"\{child\}|\{adult\}", narrative)
    return ".+?".join(re.escape(part) for part in parts)
