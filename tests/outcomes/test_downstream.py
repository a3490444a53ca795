"""Downstream outcomes through the form, the CSV import and the API."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from frontdoor.roles import Role
from outcomes import downstream
from outcomes.models import DownstreamOutcome
from referrals.services import api_client_create
from screening import services as screening
from screening.models import Route
from tests.factories import UserFactory, child_input, submit_contact
from tests.screening.test_screening_services import decide

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def referral(screener, manager, referrer, level):
    contact = submit_contact(
        referrer,
        subjects=[child_input(nhs_number="9434765919"), child_input(first_name="Noah")],
        received_at=timezone.now() - timedelta(days=20),
    )
    screening.screening_claim(actor=screener, contact=contact)
    decision = decide(screener, contact, level, route=Route.STRATEGY_DISCUSSION)
    screening.decision_approve(actor=manager, decision=decision)
    return contact


def csv_text(*rows):
    header = "event_id,contact_reference,child,event,date,assessment_outcome\n"
    return header + "".join(",".join(row) + "\n" for row in rows)


def test_the_form_records_an_event_for_a_child(client, screener, referral):
    client.force_login(screener)
    noah = referral.subjects.get(first_name="Noah")
    response = client.post(
        reverse("outcomes:contact-outcomes", args=[referral.reference]),
        {
            "child": noah.pk,
            "event": "strategy_discussion",
            "occurred_on_0": str(TODAY.day),
            "occurred_on_1": str(TODAY.month),
            "occurred_on_2": str(TODAY.year),
        },
    )
    assert response.status_code == 302
    outcome = DownstreamOutcome.objects.get()
    assert (outcome.subject, outcome.source, outcome.recorded_by) == (noah, "form", screener)


def test_the_form_explains_what_is_wrong(client, screener, referral):
    client.force_login(screener)
    response = client.post(
        reverse("outcomes:contact-outcomes", args=[referral.reference]),
        {
            "child": referral.subjects.first().pk,
            "event": "assessment_completed",
            "occurred_on_0": str(TODAY.day),
            "occurred_on_1": str(TODAY.month),
            "occurred_on_2": str(TODAY.year),
        },
    )
    assert "A completed assessment needs its outcome" in response.text
    assert not DownstreamOutcome.objects.exists()


def test_only_referrals_have_downstream_outcomes(screener, referrer, level):
    contact = submit_contact(referrer)
    screening.screening_claim(actor=screener, contact=contact)
    decide(screener, contact, level, route=Route.EARLY_HELP)
    with pytest.raises(downstream.OutcomeRejected, match="not a referral"):
        downstream.outcome_event_record(
            actor=screener,
            data=downstream.OutcomeEventInput(contact.reference, "", "assessment_started", TODAY),
            source="form",
        )


def test_csv_import_is_all_or_nothing_with_a_row_report(screener, referral):
    ref = referral.reference
    bad = csv_text(
        ["e1", ref, "943 476 5919", "assessment_started", str(TODAY), ""],
        ["e2", ref, "Noah Harrison", "icpc", "2026-13-01", ""],
        ["e3", "FD-1999-000001", "", "icpc", str(TODAY), ""],
        ["e4", ref, "Zed", "icpc", str(TODAY), ""],
    )
    report = downstream.outcome_events_import(actor=screener, file_text=bad)
    assert [row for row, _ in report.errors] == [3, 4, 5]
    assert "date must be like" in report.errors[0][1]
    assert not DownstreamOutcome.objects.exists()

    good = csv_text(
        ["e1", ref, "943 476 5919", "assessment_started", str(TODAY), ""],
        ["e2", ref, "Noah Harrison", "assessment_completed", str(TODAY), "child_in_need"],
        ["e3", ref, "2", "s47_enquiry", str(TODAY), ""],
    )
    first = downstream.outcome_events_import(actor=screener, file_text=good)
    again = downstream.outcome_events_import(actor=screener, file_text=good)
    assert (first.created, first.unchanged, first.errors) == (3, 0, [])
    assert (again.created, again.unchanged) == (0, 3)
    assert DownstreamOutcome.objects.count() == 3


def test_csv_upload_page(client, screener, referral):
    client.force_login(screener)
    upload = SimpleUploadedFile(
        "events.csv",
        csv_text(["x1", referral.reference, "1", "cp_plan", str(TODAY), ""]).encode(),
        content_type="text/csv",
    )
    response = client.post(reverse("outcomes:import"), {"file": upload})
    assert "Imported 1 new event" in response.text
    missing = client.post(reverse("outcomes:import"), {})
    assert "Choose a CSV file to import" in missing.text


def test_missing_columns_are_reported(screener):
    report = downstream.outcome_events_import(actor=screener, file_text="event_id,date\n1,2\n")
    assert report.errors == [
        (1, "Missing columns: contact_reference, child, event, assessment_outcome")
    ]


def test_the_api_records_events_once(referral):
    account = UserFactory(roles=[Role.CASE_SYSTEM])
    _, token = api_client_create(name="Case system", account=account)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    body = {
        "event_id": "LL-778",
        "contact_reference": referral.reference,
        "child": "943 476 5919",
        "event": "icpc",
        "date": str(TODAY),
    }
    url = reverse("api-outcome-events")
    first = api.post(url, body, format="json")
    again = api.post(url, body, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    changed = api.post(url, {**body, "date": str(TODAY - timedelta(days=1))}, format="json")
    assert changed.status_code == 400
    assert "sent before with other details" in changed.json()["detail"]
    bad = api.post(url, {**body, "event": "party"}, format="json")
    assert "event" in bad.json()


def test_the_api_needs_the_record_outcomes_permission(referral):
    account = UserFactory(roles=[Role.REFERRER])
    _, token = api_client_create(name="Not a case system", account=account)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = api.post(reverse("api-outcome-events"), {}, format="json")
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("persona", "status"),
    [(Role.REFERRER, 403), (Role.PARTNER_AGENCY_MEMBER, 403), (Role.PERFORMANCE_VIEWER, 403)],
    indirect=["persona"],
)
def test_who_cannot_record_outcomes(client, persona, status, referral):
    client.force_login(persona)
    assert client.get(reverse("outcomes:import")).status_code == status
    url = reverse("outcomes:contact-outcomes", args=[referral.reference])
    assert client.get(url).status_code == status


def test_dates_before_the_contact_or_in_the_future_are_refused(screener, referral):
    for when in (date(2000, 1, 1), TODAY + timedelta(days=1)):
        with pytest.raises(downstream.OutcomeRejected):
            downstream.outcome_event_record(
                actor=screener,
                data=downstream.OutcomeEventInput(referral.reference, "1", "icpc", when),
                source="form",
            )


def test_a_file_that_is_not_csv_is_reported_not_crashed_on(manager, db):
    from outcomes import downstream

    report = downstream.outcome_events_import(
        actor=manager, file_text='event_id,contact_reference\r"unterminated\rquote'
    )
    assert report.errors
    assert report.created == 0
