"""What a partner-agency member may open of the complex-case meeting (issue 16,
finding 2; docs/adr/0012-restricted-records-who-sees-and-who-lifts.md): only meetings
they attend (recorded as present, or their agency was asked about or contributed to
a case in it), and within those, in full only the cases their agency was asked
about or contributed to, with their own agency's answers and no other agency's."""

from __future__ import annotations

from datetime import date, time

import pytest
from django.urls import reverse

from frontdoor.models import Agency
from frontdoor.roles import Role
from screening import services, services_checks
from screening.meetings import services as meetings
from tests.factories import AgencyFactory, UserFactory, child_input, submit_contact
from tests.support.checks import consented

pytestmark = pytest.mark.django_db

CONCERNS = "Amelia was seen getting into cars with older men after school."


@pytest.fixture
def health_member(db):
    health = AgencyFactory(name="Demo Health", type=Agency.Type.HEALTH)
    return UserFactory(roles=[Role.PARTNER_AGENCY_MEMBER], agency=health, full_name="Hal Health")


@pytest.fixture
def table(referrer, screener, police, health_member):
    """A meeting of two cases: police and health were asked about the first (both
    answered, and health added what it knows); nobody asked the police about the
    second."""
    asked = submit_contact(referrer, concern_categories=["child_exploitation"], concerns=CONCERNS)
    services.screening_claim(actor=screener, contact=asked)
    for agency, answer in ((police, "Police: seen twice."), (health_member.agency, "Health: A&E.")):
        check = services_checks.check_request(
            actor=screener,
            contact=asked,
            agency=agency,
            question="Anything known?",
            sharing=consented(),
        )
        member = UserFactory(roles=[Role.PARTNER_AGENCY_MEMBER], agency=agency)
        services_checks.check_answer(actor=member, check=check, response=answer)
    other = submit_contact(
        referrer,
        concern_categories=["child_exploitation"],
        subjects=[child_input(first_name="Noah", last_name="Quigley")],
        concerns="Noah is missing school and has new expensive clothes.",
    )
    run, _ = meetings.complex_case_run(meeting_date=date(2026, 11, 23), slot=time(9, 30))
    entry = run.entries.get(contact=asked)
    meetings.meeting_contribution_record(
        actor=health_member, entry=entry, information="Health visitor knows the family."
    )
    return run, asked, other


def test_a_partner_member_opens_only_meetings_they_attend(client, referrer, police_member):
    submit_contact(referrer, concern_categories=["child_exploitation"])
    run, _ = meetings.complex_case_run(meeting_date=date(2026, 11, 23), slot=time(9, 30))
    entry = run.entries.get()
    client.force_login(police_member)
    listing = client.get(reverse("screening:meetings"))
    assert listing.status_code == 200
    assert reverse("screening:meeting", args=[run.pk]) not in listing.text
    for name in ("screening:meeting", "screening:meeting-print"):
        assert client.get(reverse(name, args=[run.pk])).status_code == 404
    contribution = client.post(
        reverse("screening:meeting-contribution", args=[entry.pk]), {"information": "Known."}
    )
    assert contribution.status_code == 404
    assert not entry.contributions.exists()


def test_within_a_meeting_a_partner_member_sees_their_agencys_cases_and_answers_only(
    client, police_member, table
):
    run, asked, other = table
    client.force_login(police_member)
    assert (
        reverse("screening:meeting", args=[run.pk])
        in client.get(reverse("screening:meetings")).text
    )
    for name in ("screening:meeting", "screening:meeting-print"):
        page = client.get(reverse(name, args=[run.pk])).text
        # The case the police were asked about: who and why, and the police's answer.
        assert "Amelia Harrison" in page
        assert "Concern: child exploitation" in page
        assert "Police: seen twice." in page
        # Not another agency's answer or information, the referrer's account, or history.
        assert "Health: A&amp;E." not in page
        assert "Health visitor knows the family." not in page
        assert CONCERNS not in page
        # The case nobody asked the police about: that it is there, nothing of it.
        assert other.reference in page
        assert "Noah" not in page
        assert "expensive clothes" not in page

    other_entry = run.entries.get(contact=other)
    refused = client.post(
        reverse("screening:meeting-contribution", args=[other_entry.pk]), {"information": "x"}
    )
    assert refused.status_code == 404
    mine = client.post(
        reverse("screening:meeting-contribution", args=[run.entries.get(contact=asked).pk]),
        {"information": "Police know the older men."},
    )
    assert mine.status_code == 302


def test_a_partner_member_recorded_as_present_opens_the_meeting(
    client, manager, referrer, police_member
):
    submit_contact(referrer, concern_categories=["child_exploitation"], concerns=CONCERNS)
    run, _ = meetings.complex_case_run(meeting_date=date(2026, 11, 23), slot=time(9, 30))
    meetings.meeting_attendance_record(actor=manager, run=run, attendees=[police_member])
    client.force_login(police_member)
    page = client.get(reverse("screening:meeting", args=[run.pk]))
    assert page.status_code == 200
    assert "Amelia" not in page.text  # present, but the police were not asked about it
    assert CONCERNS not in page.text


def test_screening_staff_still_see_every_case_in_full(client, screener, table):
    run, _, _ = table
    client.force_login(screener)
    page = client.get(reverse("screening:meeting", args=[run.pk])).text
    for text in ("Amelia Harrison", "Noah Quigley", CONCERNS, "Health: A&amp;E."):
        assert text in page
