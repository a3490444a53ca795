"""One meaning of "the decision that stands", wherever it is asked.

A world of contacts whose decisions were superseded, returned, approved, left
pending, stood at once, or never made (advice on a phone consultation), read at
three moments by every part of the front door that asks: the queue's clock, the
referrer's page, the scorecard's facts, Annex A, the CIN census and retention. Each
must see the same standing route (and the same moment of decision) for each contact
as the hand-written table below, which is ADR 0008's definition: the latest decision
that needed no approval or was approved, as recorded at the moment asked.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from outcomes import retention
from outcomes.returns import annex_a
from outcomes.returns.census import census_return
from outcomes.scorecard.facts import load_facts
from outcomes.selectors import standing_decision
from referrals.models import Contact
from screening import selectors as screening_selectors
from screening import services as screening_services
from screening.models import CENSUS_REFERRAL_ROUTES, REFERRAL_ROUTES, Decision, Route
from tests.outcomes.scorecard_world import at, empty_world

pytestmark = pytest.mark.django_db

EH, S17, S47 = Route.EARLY_HELP, Route.SOCIAL_CARE_ASSESSMENT, Route.STRATEGY_DISCUSSION
OPEN, ADVICE = Route.ALREADY_OPEN, Route.INFORMATION_AND_ADVICE
SEPTEMBER = annex_a.Window(date(2026, 9, 1), date(2026, 9, 30))


@pytest.fixture
def world(screener, manager):
    world = empty_world(screener, manager)
    for day, key in enumerate(
        ["superseded", "returned", "approved", "pending", "open", "lowered", "rethought"],
        start=1,
    ):
        world.contact(key, child=key.title(), received=at(2026, 9, day), agency=world.school)
    world.contact(
        "advice",
        child="Advice",
        received=at(2026, 9, 10),
        agency=world.police,
        channel=Contact.Channel.PHONE_CONSULTATION,
        advice_only=True,
        advice_given="Advice on talking to the family about school attendance.",
    )
    return world


def _decide(world, key: str, route: str) -> Decision:
    return world.decide(key, route, timezone.now())


def _approve(world, decision: Decision) -> None:
    screening_services.decision_approve(actor=world.manager, decision=decision)


def test_every_reader_sees_the_same_standing_decision(world, manager):
    first = {
        "superseded": _decide(world, "superseded", EH),
        "returned": _decide(world, "returned", EH),
        "approved": _decide(world, "approved", S47),
        "pending": _decide(world, "pending", S17),
        "open": _decide(world, "open", OPEN),
        "lowered": _decide(world, "lowered", S17),
        "rethought": _decide(world, "rethought", S17),
    }
    after_first = timezone.now()
    raised = _decide(world, "superseded", S17)
    sent_back = _decide(world, "returned", S47)
    _approve(world, first["approved"])
    _approve(world, first["lowered"])
    _approve(world, first["rethought"])
    while_waiting = timezone.now()
    _approve(world, raised)
    screening_services.decision_return(
        actor=world.manager, decision=sent_back, comment="Look at the school's account again."
    )
    _decide(world, "lowered", EH)
    _decide(world, "rethought", S47)  # waits for a manager, who has not looked yet
    finally_ = timezone.now()

    # What stands, as recorded at each moment (None: nothing stands yet).
    expected = {
        after_first: {
            "superseded": EH,
            "returned": EH,
            "approved": None,
            "pending": None,
            "open": OPEN,
            "lowered": None,
            "rethought": None,
            "advice": ADVICE,
        },
        while_waiting: {
            "superseded": EH,  # the raised route waits for a manager
            "returned": EH,
            "approved": S47,
            "pending": None,
            "open": OPEN,
            "lowered": S17,
            "rethought": S17,
            "advice": ADVICE,
        },
        finally_: {
            "superseded": S17,
            "returned": EH,  # a returned decision never stands
            "approved": S47,
            "pending": None,
            "open": OPEN,
            "lowered": EH,  # superseded by a route that needed no approval
            "rethought": S17,  # what stands until a manager approves the new route
            "advice": ADVICE,
        },
    }
    ids = {key: contact.pk for key, contact in world.contacts.items()}
    # When each was decided: the first standing decision was made (not approved).
    decided = {
        "superseded": first["superseded"].decided_at,
        "returned": first["returned"].decided_at,
        "approved": first["approved"].decided_at,
        "pending": None,
        "open": first["open"].decided_at,
        "lowered": first["lowered"].decided_at,
        "rethought": first["rethought"].decided_at,
        "advice": world.contacts["advice"].received_at,
    }

    for moment, routes in expected.items():
        referrals = {key for key, route in routes.items() if route in CENSUS_REFERRAL_ROUTES}

        facts = load_facts(start=date(2026, 9, 1), end=date(2026, 10, 1), as_at=moment)
        assert {key: facts.contacts[pk].route or None for key, pk in ids.items()} == routes

        lists = annex_a.annex_a_lists(user=manager, window=SEPTEMBER, as_at=moment)
        assert set(lists.referral_references) == {
            world.contacts[key].reference for key in referrals
        }

        annotated = dict(
            Contact.objects.annotate(route=Decision.objects.standing_at(moment).route_for())
            .filter(pk__in=ids.values())
            .values_list("pk", "route")
        )
        assert {key: annotated[pk] for key, pk in ids.items()} == routes

    now = expected[finally_]
    referrals = {key for key, route in now.items() if route in CENSUS_REFERRAL_ROUTES}
    assert set(census_return(2027).contact_ids) == {ids[key] for key in referrals}

    for key, contact in world.contacts.items():
        decision = standing_decision(Contact.objects.get(pk=contact.pk))
        assert (decision.route if decision else None) == (None if key == "advice" else now[key])

    later = timezone.now() + timedelta(days=366 * max(settings.RETENTION_YEARS.values()))
    kinds = {
        kind: set(retention.contacts_due(kind=kind, now=later).values_list("pk", flat=True))
        for kind in retention.KIND_ROUTES
    }
    for key, route in now.items():
        due = {kind for kind, pks in kinds.items() if ids[key] in pks}
        wanted = {kind for kind, routes in retention.KIND_ROUTES.items() if route in routes}
        assert due == wanted, key

    facts = load_facts(start=date(2026, 9, 1), end=date(2026, 10, 1), as_at=finally_)
    contacts = [Contact.objects.get(pk=pk) for pk in ids.values()]
    flagged = {c.pk: c.first_decided_at for c in screening_selectors.queue_flags(contacts)}
    for key, pk in ids.items():
        contact = Contact.objects.get(pk=pk)
        assert facts.contacts[pk].first_decided_at == decided[key], key
        assert screening_selectors.decided_at(contact) == decided[key], key
        assert flagged[pk] == decided[key], key

    # The re-referral rule: a later contact about the same child, received within
    # the 12 months, is a re-referral when the earlier one's standing route is a referral.
    again = {
        key: world.contact(f"{key}-again", child=key.title(), received=at(2026, 10, 15))
        for key in ids
    }
    flagged = {
        c.pk: c.is_re_referral for c in screening_selectors.queue_flags(list(again.values()))
    }
    for key, contact in again.items():
        wanted = now[key] in REFERRAL_ROUTES
        assert screening_selectors.is_re_referral(contact=contact) is wanted, key
        assert flagged[contact.pk] is wanted, key


@pytest.mark.parametrize(
    ("earlier", "later", "counts"),
    [
        (at(2025, 10, 15, 8), at(2026, 10, 15, 9), True),  # the anniversary, an hour earlier
        (at(2025, 10, 14, 23, 30), at(2026, 10, 15, 9), False),  # the day before it
        (at(2024, 2, 29, 12), at(2025, 2, 28, 9), True),  # 29 February falls back to the 28th
        (at(2025, 6, 15, 0, 30), at(2026, 6, 15, 0, 10), True),  # London midnight in BST
    ],
)
def test_the_queue_and_the_decision_agree_on_the_twelve_months_edge(
    screener, manager, earlier, later, counts
):
    """ "Within the 12 months before" is one rule (ADR 0008: the start of the same London
    date a year before): the queue's re-referral flag (a database expression) and the
    rule a decision records (Python) answer alike on the anniversary day."""
    world = empty_world(screener, manager)
    world.contact("earlier", child="Edge", received=earlier, agency=world.school)
    world.decide(
        "earlier", S17, earlier + timedelta(hours=1), approved=earlier + timedelta(hours=2)
    )
    world.contact("later", child="Edge", received=later, agency=world.school)
    contact = Contact.objects.get(pk=world.contacts["later"].pk)

    assert screening_selectors.is_re_referral(contact=contact) is counts
    flagged = screening_selectors.queue(
        user=screener, filters=screening_selectors.QueueFilters(re_referral=True)
    )
    assert (contact in list(flagged)) is counts
