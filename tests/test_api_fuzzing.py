"""The whole partner API fuzzed against its own OpenAPI schema with schemathesis:
whatever is sent, no 500s, no responses the schema does not document, and every
response matches its documented shape. Each operation is called with a token for
an account allowed to use it, so the fuzzing reaches the code behind the checks."""

from __future__ import annotations

import json
import os

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.specs.openapi.checks import positive_data_acceptance

from frontdoor.roles import Role
from referrals.services import api_client_create
from tests.factories import UserFactory, submit_contact

pytestmark = pytest.mark.django_db

ACCOUNT_FOR = {
    "contacts_create": Role.REFERRER,
    "contacts_retrieve": Role.REFERRER,
    "outcome_events_create": Role.CASE_SYSTEM,
    "contacts_case_system_id_update": Role.CASE_SYSTEM,
    "events_list": Role.CASE_SYSTEM,
    "scorecard_retrieve": Role.PERFORMANCE_VIEWER,
}

schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
schema.app = get_wsgi_application()


@pytest.fixture
def keep_the_test_connection():
    """Called straight through WSGI, Django would close the test's database connection
    at the end of each request; keep it open, as Django's own test client does."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(db, keep_the_test_connection):
    tokens = {}
    for operation, role in ACCOUNT_FOR.items():
        account = UserFactory(roles=[role])
        _, tokens[operation] = api_client_create(name=f"Fuzz {operation}", account=account)
        if role == Role.REFERRER:
            submit_contact(account)  # something of theirs to read
    return tokens


@schema.parametrize()
@settings(
    max_examples=400 if os.environ.get("HYPOTHESIS_EXPLORE") else 40,
    derandomize=not os.environ.get("HYPOTHESIS_EXPLORE"),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_holds_to_its_schema(case, tokens):
    operation_id = case.operation.definition.raw.get("operationId") or ""
    headers = {"Host": "localhost"}
    if operation_id in tokens:
        headers["Authorization"] = f"Bearer {tokens[operation_id]}"
    # Every check but "schema-valid requests are accepted": a schema cannot say that a
    # contact reference must exist or an event must follow its referral, so a valid-looking
    # request may rightly get a documented 400 or 404.
    case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])


# --- What an attacker sent (issue 16): schema-shaped bodies with the bad parts ----------
# Schemathesis rarely reaches these by chance, so they are drawn on purpose: null
# characters in any string, absurd dates, nesting far past any real body.

nul_text = st.text(max_size=20).map(lambda value: value + "\x00")
absurd_date = st.one_of(
    st.sampled_from(["0001-01-01", "1900-01-01", "9999-12-31", "99999999999-01-01"]),
    st.dates().map(str),
)
absurd_moment = st.one_of(
    absurd_date.map(lambda day: f"{day}T00:00:00Z"), st.datetimes().map(lambda m: m.isoformat())
)
JSON_OK = {200, 201, 400, 415, 422}


def _contact_body(draw_child, draw_top):
    from tests.support.partner_api import VALID

    body = json.loads(json.dumps(VALID))
    body["children"][0].update(draw_child)
    body.update(draw_top)
    return body


contact_bodies = st.builds(
    _contact_body,
    st.fixed_dictionaries(
        {},
        optional={
            "first_name": nul_text,
            "date_of_birth": absurd_date,
            "postcode": nul_text,
            "nhs_number": nul_text,
        },
    ),
    st.fixed_dictionaries(
        {},
        optional={"received_at": absurd_moment, "concerns": nul_text, "urgency": nul_text},
    ),
)


def _deep(depth: int) -> str:
    return '{"children":' + "[" * depth + "]" * depth + "}"


@settings(
    max_examples=400 if os.environ.get("HYPOTHESIS_EXPLORE") else 40,
    derandomize=not os.environ.get("HYPOTHESIS_EXPLORE"),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    body=st.one_of(
        contact_bodies.map(json.dumps),
        st.integers(min_value=21, max_value=150_000).map(_deep),
    ),
    key=st.one_of(st.just("same-key"), st.text(min_size=1, max_size=20)),
)
def test_contacts_api_answers_bad_input_with_documented_json(tokens, body, key):
    from rest_framework.test import APIClient

    from referrals.models import Contact

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['contacts_create']}")
    response = api.post(
        "/api/v1/contacts/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key
    )
    assert response.status_code in JSON_OK, response.content[:300]
    assert response.json()
    if response.status_code == 201:
        contact = Contact.objects.get(reference=response.json()["reference"])
        assert "\x00" not in contact.concerns
        assert contact.received_at.year >= 2000


@given(reference=st.text(max_size=20).map(lambda value: "FD-2026-" + value + "\x00"))
@settings(
    max_examples=20,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
def test_a_nul_in_a_reference_is_a_documented_400(tokens, reference):
    from urllib.parse import quote

    from rest_framework.test import APIClient

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['contacts_retrieve']}")
    response = api.get(f"/api/v1/contacts/{quote(reference, safe='')}/")
    assert response.status_code in (400, 404)
    assert response.json()["detail"]


@given(
    value=st.one_of(st.text(max_size=120), nul_text, st.integers(), st.none(), st.booleans()),
    moment=st.one_of(st.text(max_size=30), absurd_moment),
)
@settings(
    max_examples=60,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_case_system_id_and_the_scorecard_moment_answer_bad_input_with_json(
    tokens, value, moment
):
    """Issue 21: any id sent for a real contact is kept or refused with a reason, and
    any as_at for the scorecard is counted or refused with one; never a 500."""
    from rest_framework.test import APIClient

    from referrals.models import Contact

    contact = Contact.objects.order_by("pk").first()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['contacts_case_system_id_update']}")
    response = api.put(
        f"/api/v1/contacts/{contact.reference}/case-system-id/",
        {"case_system_id": value},
        format="json",
    )
    assert response.status_code in (200, 400), response.content[:300]
    if response.status_code == 200:
        kept = Contact.objects.get(pk=contact.pk).case_system_id
        assert kept == response.json()["case_system_id"]
        assert "\x00" not in kept
    else:
        assert response.json()["case_system_id"]
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['scorecard_retrieve']}")
    card = api.get("/api/v1/scorecard/", {"period": "2026-07", "as_at": moment})
    assert card.status_code in (200, 400), card.content[:300]
    assert card.json()
