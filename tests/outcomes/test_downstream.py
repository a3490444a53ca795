"""Downstream outcomes through the form, the CSV import and the API."""

import json
from datetime import date, datetime, timedelta

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
from tests.support.screening import decide

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
# Conferences are never on a Saturday or Sunday: the latest weekday up to today.
WEEKDAY = TODAY - timedelta(days=max(0, TODAY.weekday() - 4))


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
    response = client.post(reverse("outcomes:import"), {"file": upload}, follow=True)
    assert "Imported 1 new event" in response.text
    missing = client.post(reverse("outcomes:import"), {})
    assert "Choose a CSV file to import" in missing.text
    assert "<title>Error: Import downstream outcomes" in missing.text


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
        "date": str(WEEKDAY),
    }
    url = reverse("api-outcome-events")
    first = api.post(url, body, format="json")
    again = api.post(url, body, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    changed = api.post(url, {**body, "event": "cp_plan"}, format="json")
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


@pytest.mark.parametrize("when", ["0001-01-01", "1900-01-01", "9999-12-31"])
def test_the_api_refuses_an_event_before_the_referral_or_in_the_future(referral, when):
    account = UserFactory(roles=[Role.CASE_SYSTEM])
    _, token = api_client_create(name="Case system", account=account)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    body = {
        "event_id": f"LL-{when}",
        "contact_reference": referral.reference,
        "event": "strategy_discussion",
        "date": when,
    }
    response = api.post(reverse("api-outcome-events"), body, format="json")
    assert response.status_code == 400
    assert "date" in response.json()["detail"].lower()


def test_a_file_that_is_not_csv_is_reported_not_crashed_on(manager, db):
    from outcomes import downstream

    report = downstream.outcome_events_import(
        actor=manager, file_text='event_id,contact_reference\r"unterminated\rquote'
    )
    assert report.errors
    assert report.created == 0


# --- CIN census data on events ---------------------------------------------------------


def record(actor, contact, event, on, **extra):
    return downstream.outcome_event_record(
        actor=actor,
        data=downstream.OutcomeEventInput(contact.reference, "1", event, on, **extra),
        source="form",
    )


def completed(actor, contact, on, **extra):
    return record(actor, contact, "assessment_completed", on, assessment_outcome="nfa", **extra)


@pytest.fixture
def referral_2025_26(screener, manager, referrer):
    """A referral in return year 2025-26 (1 April 2025 to 31 March 2026)."""
    from frontdoor.london import LONDON
    from tests.factories import referral_contact

    return referral_contact(
        screener=screener,
        manager=manager,
        referrer=referrer,
        received_at=datetime(2026, 1, 5, 10, tzinfo=LONDON),
    )


def test_factors_are_kept_on_a_completed_assessment(screener, referral):
    outcome, _ = completed(screener, referral, TODAY, factors=("3b", " 16A"))
    assert outcome.factors == ["3B", "16A"]
    none_found, _ = record(
        screener,
        referral,
        "assessment_completed",
        TODAY,
        assessment_outcome="nfa",
        factors=("21",),
        external_id="x",
    )
    assert none_found.factors == ["21"]


@pytest.mark.parametrize(
    ("factors", "message"),
    [
        (("3B", "ZZ"), "Factor 'ZZ' is not a CIN census code"),
        (("21", "3B"), "Factor 21 (no factors identified) cannot be given with other factors"),
        (("3B", "3B"), "Factor 3B is given more than once"),
    ],
)
def test_wrong_factors_are_refused_naming_the_code(screener, referral, factors, message):
    with pytest.raises(downstream.OutcomeRejected) as refused:
        completed(screener, referral, TODAY, factors=factors)
    assert str(refused.value) == message
    assert refused.value.field == "factors"
    assert not DownstreamOutcome.objects.exists()


def test_a_retired_factor_is_refused_for_the_year_of_the_assessment(screener, referral_2025_26):
    # 18A (physical abuse) was split into 18B and 18C from 2021-22.
    with pytest.raises(downstream.OutcomeRejected) as refused:
        completed(screener, referral_2025_26, date(2026, 2, 10), factors=("18A",))
    assert str(refused.value) == (
        "Factor 18A is not in the 2025-26 census list: it was last used in 2020-21"
    )
    outcome, _ = completed(screener, referral_2025_26, date(2026, 2, 10), factors=("18C",))
    assert outcome.factors == ["18C"]


def test_only_a_completed_assessment_has_factors(screener, referral):
    with pytest.raises(downstream.OutcomeRejected, match="Only a completed assessment has factors"):
        record(screener, referral, "assessment_started", TODAY, factors=("3B",))


def test_a_closed_case_needs_a_reason_for_closure_from_the_census_list(screener, referral):
    with pytest.raises(downstream.OutcomeRejected) as refused:
        record(screener, referral, "case_closed", TODAY)
    assert str(refused.value) == "A closed case needs its reason for closure"
    assert refused.value.field == "reason_for_closure"
    with pytest.raises(downstream.OutcomeRejected, match="'RC99' is not a CIN census code"):
        record(screener, referral, "case_closed", TODAY, reason_for_closure="RC99")
    with pytest.raises(downstream.OutcomeRejected, match="Only a closed case has a reason"):
        record(screener, referral, "cp_plan", TODAY, reason_for_closure="RC8")
    closed, _ = record(screener, referral, "case_closed", TODAY, reason_for_closure="rc8")
    assert (closed.event, closed.reason_for_closure) == ("case_closed", "RC8")


def test_icpc_not_required_is_an_event(screener, referral):
    outcome, _ = record(screener, referral, "icpc_not_required", TODAY)
    assert outcome.get_event_display() == "Section 47 ended: no conference needed"


def test_the_form_asks_for_factors_and_a_reason_for_closure(client, screener, referral):
    client.force_login(screener)
    url = reverse("outcomes:contact-outcomes", args=[referral.reference])
    page = client.get(url).text
    assert 'data-aria-controls="conditional-assessment-completed"' in page
    assert 'data-aria-controls="conditional-case-closed"' in page
    assert 'name="factors" type="checkbox" value="16A"' in page
    assert '<option value="RC8">RC8: Case closed after assessment, no further action' in page
    date_fields = {
        "occurred_on_0": str(TODAY.day),
        "occurred_on_1": str(TODAY.month),
        "occurred_on_2": str(TODAY.year),
    }
    closed = client.post(
        url, {"child": referral.children[0].pk, "event": "case_closed", **date_fields}
    )
    assert "A closed case needs its reason for closure" in closed.text
    assert 'href="#id_reason_for_closure"' in closed.text
    wrong = client.post(
        url,
        {
            "child": referral.children[0].pk,
            "event": "assessment_completed",
            "assessment_outcome": "child_in_need",
            "factors": ["21", "3B"],
            **date_fields,
        },
    )
    assert "Factor 21 (no factors identified) cannot be given with other factors" in wrong.text
    # What was typed is kept.
    assert 'value="3B" checked' in wrong.text
    assert 'value="child_in_need" selected' in wrong.text
    done = client.post(
        url,
        {
            "child": referral.children[0].pk,
            "event": "assessment_completed",
            "assessment_outcome": "child_in_need",
            "factors": ["3B", "16A"],
            **date_fields,
        },
    )
    assert done.status_code == 302
    assert DownstreamOutcome.objects.get().factors == ["3B", "16A"]
    assert "Factors: 3B, 16A" in client.get(url).text


def csv_with_census_columns(*rows):
    header = (
        "event_id,contact_reference,child,event,date,assessment_outcome,"
        "factors,reason_for_closure,late_reason\n"
    )
    return header + "".join(",".join(row) + "\n" for row in rows)


def test_csv_import_reads_the_census_columns(screener, referral):
    ref = referral.reference
    bad = csv_with_census_columns(
        ["n1", ref, "1", "assessment_completed", str(TODAY), "nfa", "3B;ZZ", "", ""],
        ["n2", ref, "2", "case_closed", str(TODAY), "", "", "", ""],
    )
    report = downstream.outcome_events_import(actor=screener, file_text=bad)
    assert report.errors == [
        (2, "Factor 'ZZ' is not a CIN census code"),
        (3, "A closed case needs its reason for closure"),
    ]
    good = csv_with_census_columns(
        ["n1", ref, "1", "assessment_completed", str(TODAY), "nfa", "3B; 16A 22A", "", ""],
        ["n2", ref, "2", "case_closed", str(TODAY), "", "", "RC8", ""],
        ["n3", ref, "2", "icpc_not_required", str(TODAY), "", "", "", ""],
    )
    report = downstream.outcome_events_import(actor=screener, file_text=good)
    assert (report.created, report.errors) == (3, [])
    by_id = {o.external_id: o for o in DownstreamOutcome.objects.all()}
    assert by_id["n1"].factors == ["3B", "16A", "22A"]
    assert by_id["n2"].reason_for_closure == "RC8"


def test_an_old_csv_without_the_census_columns_still_imports(screener, referral):
    old = csv_text(["o1", referral.reference, "1", "strategy_discussion", str(TODAY), ""])
    report = downstream.outcome_events_import(actor=screener, file_text=old)
    assert (report.created, report.errors) == (1, [])


def test_the_import_page_lists_the_census_columns(client, screener):
    client.force_login(screener)
    page = client.get(reverse("outcomes:import")).text
    for column in ("factors", "reason_for_closure", "late_reason", "icpc_not_required"):
        assert f"<code>{column}</code>" in page


def test_the_api_takes_factors_and_a_reason_for_closure(referral):
    account = UserFactory(roles=[Role.CASE_SYSTEM])
    _, token = api_client_create(name="Case system", account=account)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    url = reverse("api-outcome-events")
    base = {"contact_reference": referral.reference, "child": "1", "date": str(TODAY)}
    assessed = api.post(
        url,
        {
            **base,
            "event_id": "A-1",
            "event": "assessment_completed",
            "assessment_outcome": "nfa",
            "factors": ["3B", "16A"],
        },
        format="json",
    )
    assert assessed.status_code == 201
    assert assessed.json()["factors"] == ["3B", "16A"]
    closed = api.post(
        url,
        {**base, "event_id": "A-2", "event": "case_closed", "reason_for_closure": "RC8"},
        format="json",
    )
    assert (closed.status_code, closed.json()["reason_for_closure"]) == (201, "RC8")
    unknown = api.post(
        url,
        {
            **base,
            "event_id": "A-3",
            "event": "assessment_completed",
            "assessment_outcome": "nfa",
            "factors": ["99Z"],
        },
        format="json",
    )
    assert unknown.status_code == 400
    assert unknown.json()["detail"] == "Factor '99Z' is not a CIN census code"
    # A resend with other factors is not the same event.
    changed = api.post(
        url,
        {
            **base,
            "event_id": "A-1",
            "event": "assessment_completed",
            "assessment_outcome": "nfa",
            "factors": ["3B"],
        },
        format="json",
    )
    assert "sent before with other details" in changed.json()["detail"]


def test_the_api_schema_documents_the_census_fields(client, screener):
    client.force_login(screener)
    schema = client.get(reverse("api-schema"), HTTP_ACCEPT="application/json").json()
    components = schema["components"]["schemas"]
    fields = components["OutcomeEventInputRequest"]["properties"]
    assert {"factors", "reason_for_closure", "late_reason"} <= set(fields)
    assert "only alone" in fields["factors"]["description"]
    assert "Required for case_closed" in fields["reason_for_closure"]["description"]
    assert "45 working days" in fields["late_reason"]["description"]
    assert {"factors", "reason_for_closure", "late_reason"} <= set(
        components["OutcomeEventOutput"]["properties"]
    )
    assert "icpc_not_required" in json.dumps(components)
