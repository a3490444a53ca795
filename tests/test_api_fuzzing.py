"""The whole partner API fuzzed against its own OpenAPI schema with schemathesis:
whatever is sent, no 500s, no responses the schema does not document, and every
response matches its documented shape. Each operation is called with a token for
an account allowed to use it, so the fuzzing reaches the code behind the checks."""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from frontdoor.roles import Role
from referrals.services import api_client_create
from tests.factories import UserFactory, submit_contact

pytestmark = pytest.mark.django_db

ACCOUNT_FOR = {
    "contacts_create": Role.REFERRER,
    "contacts_retrieve": Role.REFERRER,
    "outcome_events_create": Role.CASE_SYSTEM,
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
