"""A record's number sent back by a page (a choice, a ticked box, a filter) that is no
record's number: a superscript or Arabic-Indic digit, or more digits than PostgreSQL's
bigint holds. Each says "no such record" or is ignored, never a 500."""

from datetime import date, time

import pytest
from django.urls import reverse

from referrals.models import ContactSubject
from screening.meetings import services as meetings
from tests.factories import PersonFactory, child_input, submit_contact

pytestmark = pytest.mark.django_db
NOT_NUMBERS = ["\u00b2", "\u0661\u0662", "9" * 30, "9" * 5000, "", "-1"]


@pytest.mark.parametrize("sent", NOT_NUMBERS)
def test_a_match_choice_that_is_no_candidate_is_not_found(client, screener, referrer, sent):
    amelia = PersonFactory(first_name="Amelia", last_name="Harrison")
    contact = submit_contact(
        referrer, subjects=[child_input(last_name="Harisson", date_of_birth=amelia.date_of_birth)]
    )
    subject = contact.subjects.get()
    client.force_login(screener)
    response = client.post(
        reverse("referrals:subject-match", args=[contact.reference, subject.pk]),
        {"candidate": sent},
    )
    assert response.status_code == 404
    subject.refresh_from_db()
    assert subject.match_status == ContactSubject.MatchStatus.UNMATCHED


def test_attendees_that_are_no_ones_numbers_are_left_out(client, manager, screener, referrer):
    submit_contact(referrer, concern_categories=["child_exploitation"])
    run, _ = meetings.complex_case_run(meeting_date=date(2026, 11, 23), slot=time(9, 30))
    client.force_login(manager)
    response = client.post(
        reverse("screening:meeting-attendance", args=[run.pk]),
        {"attendees": [*NOT_NUMBERS, str(screener.pk)], "notes": "Quorate"},
    )
    assert response.status_code == 302
    assert set(run.attendees.all()) == {screener, manager}


@pytest.mark.parametrize("name", ["source_agency", "assigned", "overdue_checks"])
def test_queue_filters_that_are_no_records_number_show_the_queue(client, screener, name):
    client.force_login(screener)
    for sent in NOT_NUMBERS:
        assert client.get(reverse("screening:queue"), {name: sent}).status_code == 200
        assert client.get(reverse("screening:queue-updates"), {name: sent}).status_code in (
            200,
            204,
        )
