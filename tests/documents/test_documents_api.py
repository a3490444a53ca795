"""The partner API's document upload: multipart or base64 with the file's SHA-256,
against the real clamd the test starts."""

from __future__ import annotations

import base64

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from frontdoor.roles import Role
from referrals.models import Document
from referrals.services import api_client_create
from tests.factories import UserFactory, submit_contact
from tests.support.documents import EICAR, sha256, small_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def feed_account(db):
    return UserFactory(roles=[Role.REFERRER], email="feed@police.example")


@pytest.fixture
def partner(feed_account):
    _, token = api_client_create(name="Police feed", account=feed_account)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return api


def url(contact) -> str:
    return reverse("api-contact-documents", args=[contact.reference])


def as_json(data: bytes, name="police-report.pdf", digest=None) -> dict:
    return {
        "filename": name,
        "content_base64": base64.b64encode(data).decode(),
        "sha256": digest or sha256(data),
        "description": "Police report",
    }


def test_a_partner_attaches_a_file_in_base64_with_its_checksum(clamd, partner, feed_account):
    contact = submit_contact(feed_account)
    pdf = small_pdf()

    response = partner.post(url(contact), as_json(pdf), format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["scan_state"] == "clean"
    assert body["content_type"] == "application/pdf"
    assert body["sha256"] == sha256(pdf)
    document = Document.objects.get(pk=body["id"])
    assert document.via == Document.Via.PARTNER_API
    assert document.uploaded_by == feed_account


def test_a_partner_attaches_a_file_as_multipart(clamd, partner, feed_account):
    from django.core.files.uploadedfile import SimpleUploadedFile

    contact = submit_contact(feed_account)
    pdf = small_pdf()

    response = partner.post(
        url(contact),
        {"file": SimpleUploadedFile("report.pdf", pdf), "sha256": sha256(pdf)},
        format="multipart",
    )

    assert response.status_code == 201, response.json()
    assert Document.objects.get(contact=contact).filename == "report.pdf"


def test_a_file_changed_on_the_way_is_refused(clamd, partner, feed_account):
    contact = submit_contact(feed_account)

    response = partner.post(
        url(contact), as_json(small_pdf(), digest=sha256(b"something else")), format="json"
    )

    assert response.status_code == 400
    assert "does not match" in response.json()["sha256"][0]
    assert not Document.objects.exists()


def test_bad_base64_and_a_missing_checksum_are_refused_by_field(clamd, partner, feed_account):
    contact = submit_contact(feed_account)
    bad = {"filename": "a.pdf", "content_base64": "not base64!", "sha256": "0" * 64}
    missing = {"filename": "a.pdf", "content_base64": base64.b64encode(small_pdf()).decode()}

    assert "content_base64" in partner.post(url(contact), bad, format="json").json()
    assert "sha256" in partner.post(url(contact), missing, format="json").json()
    assert not Document.objects.exists()


def test_malware_is_refused_with_422_and_not_kept(clamd, partner, feed_account):
    contact = submit_contact(feed_account)

    response = partner.post(url(contact), as_json(EICAR, name="eicar.txt"), format="json")

    assert response.status_code == 422
    assert "malware" in response.json()["detail"]
    assert not Document.objects.exists()


def test_a_partner_cannot_attach_to_a_contact_it_did_not_send(clamd, partner, referrer):
    contact = submit_contact(referrer)

    response = partner.post(url(contact), as_json(small_pdf()), format="json")

    assert response.status_code == 404
    assert not Document.objects.exists()
