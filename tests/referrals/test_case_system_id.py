"""The case-management system's own id on a contact (issue 21, part 4):
``PUT /api/v1/contacts/{reference}/case-system-id/``, idempotent, scope-checked and
audited, then shown on the contact, screening and person pages and in the chronology
(page, print and PDF)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from frontdoor.models import AuditEvent
from frontdoor.roles import Role
from referrals import services
from referrals.models import Scope
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case_system_token(db):
    account = UserFactory(roles=[Role.CASE_SYSTEM])
    _, token = services.api_client_create(
        name="Mosaic", account=account, scopes=[Scope.POST_OUTCOME_EVENTS]
    )
    return token


def put(token: str, reference: str, body):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return api.put(reverse("api-contact-case-system-id", args=[reference]), body, format="json")


def changes(reference: str) -> list[dict]:
    return list(
        AuditEvent.objects.filter(
            record_type="contact", record_id=reference, action=AuditEvent.Action.CHANGE
        )
        .order_by("pk")
        .values_list("detail", flat=True)
    )


def test_the_id_is_kept_once_and_sending_it_again_changes_nothing(contact, case_system_token):
    first = put(case_system_token, contact.reference, {"case_system_id": " MOS-123/45 "})
    assert first.status_code == 200
    assert first.json() == {"contact_reference": contact.reference, "case_system_id": "MOS-123/45"}
    again = put(case_system_token, contact.reference, {"case_system_id": "MOS-123/45"})
    assert again.status_code == 200
    assert again.json() == first.json()
    contact.refresh_from_db()
    assert contact.case_system_id == "MOS-123/45"
    assert [d["after"] for d in changes(contact.reference)] == ["MOS-123/45"]


def test_a_different_id_replaces_it_and_the_audit_says_what_it_replaced(contact, case_system_token):
    put(case_system_token, contact.reference, {"case_system_id": "1001"})
    put(case_system_token, contact.reference, {"case_system_id": "1002"})
    assert [(d["before"], d["after"]) for d in changes(contact.reference)] == [
        ("", "1001"),
        ("1001", "1002"),
    ]


@pytest.mark.parametrize(
    "value",
    ["", "   ", "=SUM(A1)", "<script>alert(1)</script>", "A\x00B", "x" * 101, 12345678],
)
def test_an_id_that_cannot_be_kept_is_refused_with_the_reason(contact, case_system_token, value):
    response = put(case_system_token, contact.reference, {"case_system_id": value})
    if isinstance(value, int):  # a JSON number is taken as its digits
        assert response.status_code == 200
        return
    assert response.status_code == 400
    assert response.json()["case_system_id"]
    contact.refresh_from_db()
    assert contact.case_system_id == ""


def test_a_missing_contact_is_not_found(case_system_token):
    assert put(case_system_token, "FD-2026-999999", {"case_system_id": "1"}).status_code == 404


def test_a_token_without_the_scope_or_the_role_is_refused(contact):
    events_only = UserFactory(roles=[Role.CASE_SYSTEM])
    _, token = services.api_client_create(
        name="Events", account=events_only, scopes=[Scope.RECEIVE_EVENTS]
    )
    assert put(token, contact.reference, {"case_system_id": "1"}).status_code == 403
    # A referrer's feed: its token has no such scope, and its account no such role.
    _, feed = services.api_client_create(name="Feed", account=contact.referrer)
    assert put(feed, contact.reference, {"case_system_id": "1"}).status_code == 403
    contact.refresh_from_db()
    assert contact.case_system_id == ""


def test_staff_see_the_id_on_the_contact_person_and_chronology(
    client, contact, screener, case_system_token
):
    put(case_system_token, contact.reference, {"case_system_id": "LCS-998877"})
    person_id = contact.subjects.first().person_id
    client.force_login(screener)
    for url in (
        reverse("referrals:contact-detail", args=[contact.reference]),
        reverse("screening:contact", args=[contact.reference]),
        reverse("referrals:person-detail", args=[person_id]),
        reverse("outcomes:person-chronology", args=[person_id]),
    ):
        page = client.get(url)
        assert page.status_code == 200, url
        assert "LCS-998877" in page.content.decode(), url


def test_the_schema_describes_the_endpoint(client, screener):
    client.force_login(screener)
    text = client.get(reverse("api-schema"), HTTP_ACCEPT="application/json").content.decode()
    assert "/api/v1/contacts/{reference}/case-system-id/" in text
    assert "contacts_case_system_id_update" in text


def test_a_restricted_contact_takes_the_id_and_the_answer_shows_nothing_of_it(
    contact, case_system_token, manager
):
    from datetime import timedelta

    from django.utils import timezone

    services.restriction_add(
        actor=manager,
        contact=contact,
        reason="A member of staff's family.",
        ask=manager,
        allowed=[manager],
        review_due=timezone.localdate() + timedelta(days=30),
    )
    response = put(case_system_token, contact.reference, {"case_system_id": "R-1"})
    assert response.status_code == 200
    assert set(response.json()) == {"contact_reference", "case_system_id"}
