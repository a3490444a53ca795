"""The truth of the numbers with specialist pathways (docs/adr/0046): a hand-built
world of referral contacts gives the same scorecard, CIN census and Annex A figures
once a contact of every pathway about the same child is added; a LADO allegation is
not a referral in any of them but is in Annex A List 1 when it concerns a child."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.utils import timezone

from outcomes.returns.annex_a import Window, annex_a_lists
from outcomes.returns.census import census_return
from outcomes.scorecard.periods import Period
from outcomes.scorecard.selectors import scorecard_count
from referrals.models import Pathway
from referrals.services import ReferrerInput
from screening import services_pathways as pathways
from screening.models import Route
from screening.pathways import PATHWAYS
from tests.factories import child_input, referral_contact
from tests.support.screening import decide

pytestmark = pytest.mark.django_db

NHS = "9434765919"
WINDOW = Window(date(2026, 7, 1), date(2026, 12, 31))
DETAILS = {
    "adult_name": "Mark Teacher",
    "adult_role": "PE teacher",
    "organisation": "Oak Primary School",
    "organisation_contact": "Jo Head",
    "request": "What do you know?",
    "team": "",
}


def _at(month: int, day: int) -> datetime:
    return datetime(2026, month, day, 10, tzinfo=UTC)


def _figures():
    card = scorecard_count(period=Period.parse("2026-Q3"), as_at=timezone.now())
    return {
        "period": card.figures,
        "trend": card.trend,
        "monthly": card.monthly,
        "by_agency": [(group.key, figures) for group, figures in card.by_agency],
    }


def _census():
    census = census_return(2027)
    return [(child.child_id, child.episodes) for child in census.children]


def test_pathways_leave_every_figure_for_the_referrals_as_it_was(
    screener, manager, referrer, lado_and_manager, level
):
    child = [child_input(nhs_number=NHS)]
    referral_contact(
        screener=screener, manager=manager, referrer=referrer, received_at=_at(7, 6), subjects=child
    )
    back = referral_contact(
        screener=screener,
        manager=manager,
        referrer=referrer,
        received_at=_at(8, 10),
        subjects=[child_input(nhs_number=NHS)],
        route=Route.EARLY_HELP,
    )
    referral_contact(
        screener=screener,
        manager=manager,
        referrer=referrer,
        received_at=_at(9, 7),
        subjects=[child_input(nhs_number=NHS)],
        route=Route.SOCIAL_CARE_ASSESSMENT,
    )
    assert back.subjects.get().person_id is not None
    before = (
        _figures(),
        _census(),
        annex_a_lists(user=manager, window=WINDOW, as_at=timezone.now()),
    )

    records = []
    for index, key in enumerate(PATHWAYS):
        config = PATHWAYS[key]
        details = dict(DETAILS, team=config.teams[0] if config.teams else "")
        actor = lado_and_manager if key == Pathway.LADO else screener
        records.append(
            pathways.pathway_record(
                actor=actor,
                pathway=key,
                data=pathways.PathwayInput(
                    concerns="Told about Amelia.",
                    children=[child_input(nhs_number=NHS)],
                    referrer=ReferrerInput(name="Jo Head"),
                    details=details,
                    due_on=date(2026, 12, 20),
                    received_at=_at(7 + index // 2, 20 + index % 2),
                ),
            )
        )
    # An allegation naming no child.
    pathways.pathway_record(
        actor=lado_and_manager,
        pathway=Pathway.LADO,
        data=pathways.PathwayInput(
            concerns="A youth worker shared indecent images; no child named yet.",
            children=[],
            referrer=ReferrerInput(name="DC Police"),
            details=DETAILS,
            received_at=_at(8, 3),
        ),
    )
    for record in records:
        assert record.contact.subjects.get().person_id == back.subjects.get().person_id

    after = (
        _figures(),
        _census(),
        annex_a_lists(user=manager, window=WINDOW, as_at=timezone.now()),
    )

    assert before[0]["period"]["referrals"].count == 2
    assert before[0]["period"]["re_referrals"].count == 1
    assert len(before[1]) == 1  # one child in the census …
    assert len(before[1][0][1]) == 2  # … with two episodes
    assert after[0] == before[0]  # the scorecard, every figure, trend and split
    assert after[1] == before[1]  # the CIN census, child by child, episode by episode
    annex_before, annex_after = before[2], after[2]
    assert annex_after.referrals == annex_before.referrals  # List 3
    assert annex_after.referral_references == annex_before.referral_references
    # List 1 gains the pathway contacts about a child (the LADO one among them), and
    # keeps every row it had.
    pathway_references = {record.contact.reference for record in records}
    assert set(annex_after.contact_references) == (
        set(annex_before.contact_references) | pathway_references
    )
    assert len(annex_after.contacts) == len(annex_before.contacts) + len(records)
    for row in annex_before.contacts:
        assert row in annex_after.contacts
    lado = next(r for r in records if r.contact.pathway == Pathway.LADO).contact
    assert lado.reference in annex_after.contact_references
    assert lado.reference not in annex_after.referral_references


def test_a_decision_after_a_pathway_is_no_re_referral(screener, referrer, lado_and_manager, level):
    pathways.pathway_record(
        actor=lado_and_manager,
        pathway=Pathway.LADO,
        data=pathways.PathwayInput(
            concerns="Told about Amelia.",
            children=[child_input(nhs_number=NHS)],
            referrer=ReferrerInput(name="Jo Head"),
            details=DETAILS,
            received_at=_at(7, 1),
        ),
    )
    from screening import services
    from tests.factories import submit_contact

    contact = submit_contact(referrer, subjects=[child_input(nhs_number=NHS)])
    services.screening_claim(actor=screener, contact=contact)
    assert decide(screener, contact, level, route=Route.EARLY_HELP).is_re_referral is False


@pytest.fixture
def lado_and_manager(manager):
    return manager
