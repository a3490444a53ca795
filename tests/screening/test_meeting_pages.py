import re
from datetime import date, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from frontdoor.roles import Role
from screening import services as screening_services
from screening import services_checks
from screening.meetings import services
from screening.models import ComplexCaseEntry
from tests.factories import submit_contact
from tests.support.checks import consented
from tests.support.screening import decide

pytestmark = pytest.mark.django_db


def an_action(description, owner, *, days=7):
    """The outcome page's action fields: what, who and when."""
    due = timezone.localdate() + timedelta(days=days)
    return {
        "action_description": description,
        "action_owner": owner.pk,
        "action_due_on_0": due.day,
        "action_due_on_1": due.month,
        "action_due_on_2": due.year,
    }


@pytest.fixture
def meeting(referrer):
    contact = submit_contact(referrer, concern_categories=["child_exploitation"])
    run, _ = services.complex_case_run(meeting_date=date(2026, 11, 23), slot=time(9, 30))
    return run, contact


@pytest.mark.parametrize(
    ("persona", "list_status", "status"),
    [
        (Role.MANAGER, 200, 200),
        (Role.SCREENER, 200, 200),
        # Not at this meeting: neither present nor asked about a case in it
        # (tests/screening/test_meeting_access.py has the ones they attend).
        (Role.PARTNER_AGENCY_MEMBER, 200, 404),
        (Role.REFERRER, 403, 403),
        (Role.PERFORMANCE_VIEWER, 403, 403),
        (Role.ADMINISTRATOR, 403, 403),
    ],
    indirect=["persona"],
)
def test_who_comes_to_the_meeting(client, persona, list_status, status, meeting):
    run, _ = meeting
    client.force_login(persona)
    assert client.get(reverse("screening:meetings")).status_code == list_status
    for url in (
        reverse("screening:meeting", args=[run.pk]),
        reverse("screening:meeting-print", args=[run.pk]),
    ):
        assert client.get(url).status_code == status


def test_the_chair_records_attendance_and_outcomes_and_agencies_contribute(
    client, manager, police_member, screener, meeting
):
    run, contact = meeting
    entry = run.entries.get()
    # The police were asked about the case, so their member comes to the meeting.
    screening_services.screening_claim(actor=screener, contact=contact)
    services_checks.check_request(
        actor=screener,
        contact=contact,
        agency=police_member.agency,
        question="Anything known?",
        sharing=consented(),
    )
    client.force_login(police_member)
    page = client.get(reverse("screening:meeting", args=[run.pk]))
    assert "Concern: child exploitation" in page.text
    assert "Record the outcome" not in page.text
    client.post(
        reverse("screening:meeting-contribution", args=[entry.pk]),
        {"information": "Known to the exploitation team since June."},
    )
    assert (
        client.post(
            reverse("screening:meeting-outcome", args=[entry.pk]), {"outcome": "decision"}
        ).status_code
        == 403
    )

    client.force_login(manager)
    client.post(
        reverse("screening:meeting-attendance", args=[run.pk]),
        {"attendees": [police_member.pk, screener.pk], "notes": "Quorate"},
    )
    client.post(
        reverse("screening:meeting-outcome", args=[entry.pk]),
        {"outcome": "more_information", **an_action("Check school attendance", screener)},
    )
    entry.refresh_from_db()
    assert entry.outcome == ComplexCaseEntry.Outcome.MORE_INFORMATION
    run.refresh_from_db()
    assert set(run.attendees.all()) == {police_member, screener, manager}

    printed = client.get(reverse("screening:meeting-print", args=[run.pk]))
    assert "Known to the exploitation team since June." in printed.text
    assert "Check school attendance" in printed.text
    assert police_member.full_name in printed.text
    listing = client.get(reverse("screening:meetings"))
    assert "Average wait" in listing.text


def test_more_information_needs_an_action_with_an_owner(client, manager, meeting):
    run, _ = meeting
    entry = run.entries.get()
    client.force_login(manager)
    response = client.post(
        reverse("screening:meeting-outcome", args=[entry.pk]),
        {"outcome": "more_information", "actions": "Talked it through"},
    )
    assert response.status_code == 400
    assert "Say what more information is needed and who will get it" in response.text
    assert "Talked it through" in response.text  # kept as typed
    entry.refresh_from_db()
    assert entry.outcome == ComplexCaseEntry.Outcome.PENDING


def test_a_case_reads_decided_only_once_its_decision_stands(
    client, manager, screener, level, meeting
):
    """The chair's "decided: record it in the screening decision" is a promise: the
    meeting, its print and its list say "Decision to be recorded" until a decision
    stands (no approval needed, or approved), not while none exists or one waits."""
    run, contact = meeting
    entry = run.entries.get()
    client.force_login(manager)
    client.post(
        reverse("screening:meeting-outcome", args=[entry.pk]),
        {
            "outcome": "decision",
            "agreed_route": "strategy_discussion",
            "agreed_reasoning": "Exploitation risk rising; strategy discussion today.",
        },
    )
    pages = (
        reverse("screening:meeting", args=[run.pk]),
        reverse("screening:meeting-print", args=[run.pk]),
    )

    def decided_column():
        listing = client.get(reverse("screening:meetings")).text
        row = listing[listing.index(reverse("screening:meeting", args=[run.pk])) :]
        return re.findall(r"numeric\">(\d+)</td>", row)[1]

    for url in pages:
        text = client.get(url).text
        assert "Decision to be recorded" in text
        assert "Decided through screening" not in text
    assert decided_column() == "0"

    screening_services.screening_claim(actor=screener, contact=contact)
    decision = decide(screener, contact, level)  # a strategy discussion waits for approval
    assert "Decision to be recorded" in client.get(pages[0]).text

    screening_services.decision_approve(actor=manager, decision=decision)
    for url in pages:
        text = client.get(url).text
        assert "Decided through screening" in text
        assert "Decision to be recorded" not in text
    assert decided_column() == "1"


def test_the_meeting_record_ends_each_sentence_once(client, manager, meeting):
    run, _ = meeting
    entry = run.entries.get()
    client.force_login(manager)
    client.post(
        reverse("screening:meeting-outcome", args=[entry.pk]),
        {"outcome": "more_information", **an_action("Check school attendance.", manager)},
    )
    printed = client.get(reverse("screening:meeting-print", args=[run.pk])).text
    assert "Check school attendance." in printed
    assert ".." not in printed
