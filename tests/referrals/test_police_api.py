"""Police forces' systems send notifications through the partner API (docs/adr/0037):
a re-sent reference answers 200 with the first contact, the scope and the force are
checked, bad input is a 400 naming the field, and the officer's account is never
sent back."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from frontdoor.roles import Role
from referrals.models import Contact, PoliceNotification, Scope
from referrals.services import api_client_create
from tests.factories import AgencyFactory, UserFactory
from tests.support.police import ACCOUNT

pytestmark = pytest.mark.django_db
URL = "api-police-notification-create"


def body(reference="NYP-2026-0001", **overrides):
    values = {
        "police_reference": reference,
        "incident_number": "INC 77",
        "incident_at": (timezone.now() - timedelta(hours=5)).isoformat(),
        "incident_type": "domestic_abuse",
        "risk_grade": "high",
        "officer_name": "PC 12 Dale",
        "officer_account": ACCOUNT,
        "family_told": None,
        "children": [
            {
                "first_name": "Ava",
                "last_name": "Stone",
                "date_of_birth": "2019-02-03",
                "postcode": "YO1 7HH",
                "involvement": "child_present",
                "said": "I hid in my room.",
            }
        ],
        "adults": [{"first_name": "Ray", "last_name": "Stone", "involvement": "victim"}],
    }
    values.update(overrides)
    return values


def client_for(account, scopes=None):
    _, token = api_client_create(name="Force system", account=account, scopes=scopes)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return api


@pytest.fixture
def force_account(police):
    return UserFactory(roles=[Role.REFERRER], agency=police, email="feed@force.example")


def test_a_force_sends_a_notification_and_a_resend_is_recognised(force_account):
    api = client_for(force_account, [Scope.SUBMIT_POLICE_NOTIFICATIONS])

    first = api.post(reverse(URL), body(), format="json")
    again = api.post(reverse(URL), body(" nyp-2026 -0001 "), format="json")

    assert first.status_code == 201, first.json()
    assert again.status_code == 200
    assert first.json()["reference"] == again.json()["reference"]
    assert first.json()["resent"] is False
    assert again.json()["resent"] is True
    assert first.json()["risk_grade"] == "high"
    assert ACCOUNT not in first.text
    assert "officer_account" not in first.json()
    contact = Contact.objects.get()
    assert contact.urgency == Contact.Urgency.IMMEDIATE
    assert contact.api_client is not None
    child = contact.subjects.get(role="child")
    assert child.child_said == "I hid in my room."
    assert PoliceNotification.objects.get().officer_account == ACCOUNT


def test_the_scope_and_a_police_force_are_needed(force_account, police):
    without = client_for(force_account, [Scope.SUBMIT_CONTACTS])
    assert without.post(reverse(URL), body(), format="json").status_code == 403
    council = UserFactory(roles=[Role.REFERRER], agency=AgencyFactory(type="health"))
    _, token = api_client_create(name="Health", account=council, scopes=[Scope.SUBMIT_CONTACTS])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.post(reverse(URL), body(), format="json").status_code == 403
    assert not Contact.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"police_reference": "=SUM(A1)"}, "police_reference"),
        ({"officer_account": "x" * 20_001}, "officer_account"),
        ({"officer_account": "bad\x00byte"}, "officer_account"),
        ({"risk_grade": "severe"}, "risk_grade"),
        ({"children": []}, "children"),
        ({"incident_at": (timezone.now() + timedelta(days=2)).isoformat()}, "incident_at"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(force_account, change, field):
    api = client_for(force_account)
    response = api.post(reverse(URL), body(**change), format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Contact.objects.exists()


def test_the_schema_documents_the_endpoint(client, screener):
    client.force_login(screener)
    docs = client.get(reverse("api-docs")).text
    assert "Send a police notification" in docs
    assert "/api/v1/police-notifications/" in docs


def test_a_resend_that_differs_answers_200_saying_how(force_account):
    api = client_for(force_account, [Scope.SUBMIT_POLICE_NOTIFICATIONS])
    api.post(reverse(URL), body(risk_grade="medium"), format="json")
    same = api.post(reverse(URL), body(risk_grade="medium"), format="json")
    changed = api.post(
        reverse(URL), body(risk_grade="high", incident_type="missing_episode"), format="json"
    )
    assert same.status_code == 200
    assert same.json()["changed"] is False
    assert same.json()["changes"] == []
    assert changed.status_code == 200
    answer = changed.json()
    assert answer["resent"] is True
    assert answer["changed"] is True
    assert [c["field"] for c in answer["changes"]] == ["risk_grade", "incident_type"]
    assert answer["risk_grade"] == "high"
    assert ACCOUNT not in changed.text
    assert Contact.objects.get().urgency == Contact.Urgency.IMMEDIATE


@pytest.mark.parametrize(
    ("incident_at", "message"),
    [
        ("0001-01-01T00:00:00Z", "out of range"),
        ("1900-01-01T10:00:00Z", "within the 12 months before"),
        (400, "within the 12 months before"),  # days ago
    ],
)
def test_an_implausible_incident_time_is_a_400(force_account, incident_at, message):
    if isinstance(incident_at, int):
        incident_at = (timezone.now() - timedelta(days=incident_at)).isoformat()
    api = client_for(force_account, [Scope.SUBMIT_POLICE_NOTIFICATIONS])
    response = api.post(reverse(URL), body(incident_at=incident_at), format="json")
    assert response.status_code == 400
    assert message in response.json()["incident_at"][0]
    assert not Contact.objects.exists()
