"""Input size limits (SECURITY.md, "Limits"): every list and free-text field has a
documented ceiling, and going over it gets a clear answer, never a slow page or a
bare error: 400 with field errors from the API, 413 for an over-size body, and a
field-level message on forms that keeps everything else the user typed."""

from __future__ import annotations

import copy

import pytest
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from frontdoor.limits import LIMITS
from frontdoor.roles import Role
from referrals.models import ConcernCategory, Contact, ReferralDraft
from referrals.services import api_client_create
from tests.factories import UserFactory, submit_contact
from tests.support.contact_forms import CONCERN, child, management
from tests.support.partner_api import VALID

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner(db):
    _, token = api_client_create(name="Police feed", account=UserFactory(roles=[Role.REFERRER]))
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return api


def post(api, body, key="limits-1"):
    return api.post(reverse("api-contact-create"), body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def contact_with(**changes):
    body = copy.deepcopy(VALID)
    body.update(changes)
    return body


# --- The partner API ---------------------------------------------------------------------


def test_the_limits_are_the_documented_defaults():
    assert (LIMITS.children_per_contact, LIMITS.adults_per_contact) == (20, 20)
    assert (LIMITS.name, LIMITS.address, LIMITS.narrative) == (100, 500, 20000)


def test_more_children_than_the_limit_is_refused_before_any_is_checked(partner):
    child = {"first_name": "Amelia", "last_name": "Harrison", "date_of_birth": "2016-04-12"}
    response = post(partner, contact_with(children=[child] * 5000))
    assert response.status_code == 400
    assert response.json()["children"] == [
        "A contact can be about at most 20 children: send the others in another contact."
    ]
    assert not Contact.objects.exists()
    # The limit itself is allowed.
    assert post(partner, contact_with(children=[child] * 20)).status_code == 201


def test_more_adults_than_the_limit_is_refused(partner):
    response = post(partner, contact_with(adults=VALID["adults"] * 21))
    assert response.status_code == 400
    assert "at most 20 adults" in response.json()["adults"][0]


def test_concern_categories_are_each_known_category_at_most_once(partner):
    many = post(partner, contact_with(concern_categories=["neglect"] * 100_000))
    assert many.status_code == 400
    assert "concern_categories" in many.json()
    twice = post(partner, contact_with(concern_categories=["neglect", "neglect"]))
    assert twice.status_code == 400
    assert twice.json()["concern_categories"] == ["Give each concern category once."]
    every = post(partner, contact_with(concern_categories=list(ConcernCategory.values)))
    assert every.status_code == 201


@pytest.mark.parametrize(
    ("where", "field", "limit"),
    [
        ("child", "address", 500),
        ("child", "first_name", 100),
        ("child", "nhs_number", 20),
        ("child", "postcode", 10),
        ("child", "unique_pupil_number", 20),
        ("adult", "address", 500),
        ("adult", "other_names", 200),
        ("referrer", "phone", 30),
        ("referrer", "email", 254),
        ("contact", "concerns", 20000),
        ("contact", "family_not_told_reason", 5000),
    ],
)
def test_each_free_text_field_has_a_length_limit(partner, where, field, limit):
    body = copy.deepcopy(VALID)
    target = {
        "child": body["children"][0],
        "adult": body["adults"][0],
        "referrer": body["referrer"],
        "contact": body,
    }[where]
    target[field] = "a" * (limit + 1)
    response = post(partner, body)
    assert response.status_code == 400
    errors = response.json()
    found = {
        "child": lambda: errors["children"]["0"][field],
        "adult": lambda: errors["adults"]["0"][field],
        "referrer": lambda: errors["referrer"][field],
        "contact": lambda: errors[field],
    }[where]()
    assert f"no more than {limit} characters" in found[0]
    assert not Contact.objects.exists()


def test_a_one_megabyte_address_gets_a_field_error(partner):
    body = copy.deepcopy(VALID)
    body["children"][0]["address"] = "1 High Street " * 75_000
    response = post(partner, body)
    assert response.status_code == 400
    assert "address" in response.json()["children"]["0"]


def test_an_over_size_body_gets_413_in_json(partner):
    body = contact_with(concerns="x" * (10 * 1024 * 1024))
    response = post(partner, body)
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    assert "at most 2 MB" in response.json()["detail"]
    assert not Contact.objects.exists()


def test_the_outcome_events_api_limits_the_child_field(db):
    account = UserFactory(roles=[Role.CASE_SYSTEM])
    _, token = api_client_create(name="Case system", account=account)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    body = {
        "event_id": "e1",
        "contact_reference": "FD-2026-000001",
        "child": "a" * 201,
        "event": "icpc",
        "date": "2026-01-05",
    }
    response = api.post(reverse("api-outcome-events"), body, format="json")
    assert response.status_code == 400
    assert "child" in response.json()


def test_the_openapi_schema_documents_each_limit():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    contact = components["ContactInputRequest"]["properties"]
    assert contact["children"]["maxItems"] == 20
    assert contact["adults"]["maxItems"] == 20
    assert contact["concern_categories"]["maxItems"] == len(ConcernCategory.choices)
    assert contact["concern_categories"]["uniqueItems"] is True
    assert contact["concerns"]["maxLength"] == 20000
    child_fields = components["ChildInputRequest"]["properties"]
    assert child_fields["address"]["maxLength"] == 500
    assert child_fields["nhs_number"]["maxLength"] == 20
    create = schema["paths"]["/api/v1/contacts/"]["post"]["responses"]
    assert "413" in create
    outcome = components["OutcomeEventInputRequest"]["properties"]
    assert outcome["child"]["maxLength"] == 200


# --- Forms ---------------------------------------------------------------------------------


def test_the_referral_form_refuses_a_long_address_and_keeps_every_answer(client, referrer):
    client.force_login(referrer)
    data = {
        **management(children=1),
        **child(0, address="9 Long Road " * 50),
        **CONCERN,
        "action": "continue",
    }
    response = client.post(reverse("referrals:referral-form"), data)
    assert response.status_code == 200
    assert "Address must be 500 characters or fewer" in response.text
    assert "Amelia said her mum&#x27;s partner hit her" in response.text
    assert 'value="Harrison"' in response.text
    assert not Contact.objects.exists()


def test_the_referral_form_takes_at_most_20_children(client, referrer):
    client.force_login(referrer)
    data = {**management(children=21), **CONCERN, "action": "continue"}
    for index in range(21):
        data.update(child(index, first=f"Child{index}"))
    response = client.post(reverse("referrals:referral-form"), data)
    assert response.status_code == 200
    assert "A contact can be about at most 20 children" in response.text
    assert "Child0" in response.text
    # Adding another at the limit adds nothing, and the page says why.
    data = {**management(children=20), **CONCERN, "action": "add_child"}
    for index in range(20):
        data.update(child(index))
    client.post(reverse("referrals:referral-form"), data)
    draft = ReferralDraft.objects.get(owner=referrer)
    assert draft.data["children-TOTAL_FORMS"] == ["20"]
    page = client.get(reverse("referrals:referral-form"))
    assert "Add another child" not in page.text
    assert "at most 20 children" in page.text


def test_an_over_size_form_post_gets_a_govuk_413_page(client, referrer):
    client.force_login(referrer)
    data = {**management(children=1), **child(0), **CONCERN, "action": "continue"}
    data["concern-concerns"] = "x" * (3 * 1024 * 1024)
    response = client.post(reverse("referrals:referral-form"), data)
    assert response.status_code == 413
    assert "govuk-heading-l" in response.text
    assert "too large" in response.text


def test_signs_of_safety_sections_have_a_length_limit(client, screener, referrer):
    contact = submit_contact(referrer)
    client.force_login(screener)
    client.post(reverse("screening:claim", args=[contact.reference]))
    response = client.post(
        reverse("screening:signs-of-safety", args=[contact.reference]),
        {"past_harm": "Seen bruising.", "danger_statement": "d" * 20001},
    )
    assert "Danger statement must be 20,000 characters or fewer" in response.text
    assert "Seen bruising." in response.text


def test_a_form_django_refuses_gets_a_govuk_400_page_not_a_bare_one(client, referrer):
    client.force_login(referrer)
    fields = {f"field{number}": "x" for number in range(1001)}  # over Django's field count
    response = client.post(reverse("referrals:referral-form"), fields)
    assert response.status_code == 400
    assert "govuk-heading-l" in response.text
    assert "could not be read" in response.text
