"""The complex-case meeting joined up with the rest of the front door (issue 23, part
7): a case the meeting decides opens the screening decision filled in from what it
agreed; its actions have owners and dates and appear on the owners' home pages; people
without accounts are recorded at the meeting by name and agency."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from frontdoor.models import Agency, AuditEvent
from screening import services as screening_services
from screening.meetings import services
from screening.models import ComplexCaseEntry, MeetingAction, MeetingGuest, Route
from tests.factories import AgencyFactory, UserFactory, submit_contact
from tests.screening.test_meeting_pages import an_action
from tests.support.screening import decide

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(referrer):
    contact = submit_contact(referrer, concern_categories=["child_exploitation"])
    run, _ = services.complex_case_run(meeting_date=date(2026, 11, 23), slot=time(9, 30))
    return run.entries.get(contact=contact)


def _outcome_url(entry):
    return reverse("screening:meeting-outcome", args=[entry.pk])


def test_a_case_decided_at_the_meeting_fills_in_the_screening_decision(
    client, manager, screener, level, case
):
    client.force_login(manager)
    response = client.post(
        _outcome_url(case),
        {
            "outcome": "decision",
            "agreed_route": Route.STRATEGY_DISCUSSION,
            "agreed_threshold": level.pk,
            "agreed_reasoning": "Exploitation risk rising after two missing episodes.",
        },
    )
    assert response.status_code == 302
    contact = case.contact
    screening_services.screening_claim(actor=screener, contact=contact)
    client.force_login(screener)

    page = client.get(reverse("screening:contact", args=[contact.reference])).text

    assert "Agreed at the complex-case meeting of 23 November 2026" in page
    assert 'value="strategy_discussion" checked' in page
    assert f'value="{level.pk}" checked' in page
    assert "Exploitation risk rising after two missing episodes.</textarea>" in page

    # Once the screener records the decision, the form no longer starts from it.
    decide(screener, contact, level)
    page = client.get(reverse("screening:contact", args=[contact.reference])).text
    assert "Agreed at the complex-case meeting" not in page


def test_a_decided_outcome_needs_the_route_and_why_and_keeps_what_was_typed(client, manager, case):
    client.force_login(manager)
    response = client.post(
        _outcome_url(case),
        {"outcome": "decision", "agreed_reasoning": "<script>alert(1)</script> =SUM(A1)"},
    )
    assert response.status_code == 400
    assert "Select the route the meeting agreed" in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; =SUM(A1)</textarea>" in response.text

    with_nul = client.post(
        _outcome_url(case),
        {"outcome": "decision", "agreed_route": "early_help", "agreed_reasoning": "Why\x00 not"},
    )
    assert with_nul.status_code == 400
    assert "Null characters are not allowed" in with_nul.text
    assert 'value="early_help" checked' in with_nul.text
    case.refresh_from_db()
    assert case.outcome == ComplexCaseEntry.Outcome.PENDING


def test_actions_have_owners_and_dates_and_appear_on_the_owners_home_page(
    client, manager, screener, police_member, case
):
    client.force_login(manager)
    response = client.post(
        _outcome_url(case),
        {
            "outcome": "more_information",
            **an_action("Ask the school about attendance", screener, days=2),
        },
    )
    assert response.status_code == 302
    client.post(
        reverse("screening:meeting-action-add", args=[case.pk]),
        an_action("Share the missing-episode history", police_member, days=1),
    )
    assert list(
        MeetingAction.objects.filter(entry=case).values_list("owner_id", "description")
    ) == [
        (police_member.pk, "Share the missing-episode history"),
        (screener.pk, "Ask the school about attendance"),
    ]
    meeting = client.get(reverse("screening:meeting", args=[case.run_id])).text
    assert "Share the missing-episode history" in meeting

    client.force_login(police_member)
    home = client.get(reverse("home")).text
    assert "Your actions from complex-case meetings" in home
    assert "Share the missing-episode history" in home
    assert "Ask the school about attendance" not in home  # the screener's, not theirs

    action = MeetingAction.objects.get(owner=police_member)
    done_url = reverse("screening:meeting-action-done", args=[action.pk])
    assert client.post(done_url).status_code == 302
    action.refresh_from_db()
    assert action.done_by == police_member
    assert "Share the missing-episode history" not in client.get(reverse("home")).text
    assert AuditEvent.objects.filter(
        via="screening.meeting_action_done", record_id=case.contact.reference
    ).exists()

    # Someone else's action is not theirs to mark done: as if it did not exist.
    other = MeetingAction.objects.get(owner=screener)
    assert client.post(reverse("screening:meeting-action-done", args=[other.pk])).status_code == 404


def test_an_overdue_action_is_marked_overdue(client, manager, screener, case):
    action = services.meeting_action_add(
        actor=manager,
        entry=case,
        action=services.ActionInput("Call the health visitor", screener, timezone.localdate()),
    )
    MeetingAction.objects.filter(pk=action.pk).update(
        due_on=timezone.localdate() - timedelta(days=1)
    )
    client.force_login(screener)
    assert "Overdue" in client.get(reverse("home")).text


def test_an_action_must_go_to_someone_at_the_mast_and_be_due_from_today(
    manager, referrer, screener, case
):
    with pytest.raises(services.MeetingOutcomeRefused) as refused:
        services.meeting_action_add(
            actor=manager,
            entry=case,
            action=services.ActionInput("Ask", referrer, timezone.localdate() - timedelta(days=1)),
        )
    assert set(refused.value.errors) == {"action_owner", "action_due_on"}
    assert not MeetingAction.objects.exists()


def test_guests_without_accounts_are_recorded_by_name_and_agency(client, manager, case):
    school = AgencyFactory(type=Agency.Type.EDUCATION, name="Oakfield Primary")
    client.force_login(manager)
    url = reverse("screening:meeting-guest-add", args=[case.run_id])

    empty = client.post(url, {"name": "", "role": "DSL"})
    assert empty.status_code == 400
    assert "Enter their name" in empty.text
    assert 'value="DSL"' in empty.text

    client.post(url, {"name": "Jo Whitfield", "agency": school.pk, "role": "DSL"})

    assert MeetingGuest.objects.get().name == "Jo Whitfield"
    printed = client.get(reverse("screening:meeting-print", args=[case.run_id])).text
    assert "Jo Whitfield (Oakfield Primary, DSL)" in printed


def test_only_the_chair_records_outcomes_actions_and_guests(client, screener, case):
    client.force_login(screener)
    for url in (
        _outcome_url(case),
        reverse("screening:meeting-action-add", args=[case.pk]),
        reverse("screening:meeting-guest-add", args=[case.run_id]),
    ):
        assert client.get(url).status_code == 403
    partner = UserFactory(roles=[])
    client.force_login(partner)
    assert client.get(_outcome_url(case)).status_code == 404
