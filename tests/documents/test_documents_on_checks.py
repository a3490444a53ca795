"""A partner agency's member sees a contact's file with a check only when the screener
chose to share it there, and downloads it through the check."""

from __future__ import annotations

import pytest
from django.urls import reverse

from frontdoor.models import AuditEvent
from frontdoor.roles import Role
from referrals import services
from referrals.models import Document
from screening import services as screening_services
from screening.models import AgencyCheck
from tests.factories import AgencyFactory, UserFactory, submit_contact
from tests.support.checks import consent_form
from tests.support.documents import small_pdf

pytestmark = pytest.mark.django_db


def attach(actor, contact, name):
    return services.document_attach(
        actor=actor,
        contact=contact,
        upload=services.DocumentUpload(filename=name, data=small_pdf(name)),
        via=Document.Via.SCREENING,
    )


@pytest.fixture
def asked(client, clamd, screener, referrer, police):
    """A contact with two files; the screener asks the police, sharing only the first."""
    contact = submit_contact(referrer)
    screening_services.screening_claim(actor=screener, contact=contact)
    shared = attach(screener, contact, "police-report.pdf")
    kept = attach(screener, contact, "health-visitor-notes.pdf")
    client.force_login(screener)
    page = client.get(reverse("screening:contact", args=[contact.reference]))
    assert "Files to share with the agency (optional)" in page.text
    response = client.post(
        reverse("screening:request-check", args=[contact.reference]),
        {**consent_form(agency=police.pk, question="Anything known?"), "documents": [shared.pk]},
    )
    assert response.status_code == 302
    check = AgencyCheck.objects.get(contact=contact)
    assert list(check.shared_documents.all()) == [shared]
    assert AuditEvent.objects.filter(
        record_id=contact.reference, detail__documents_shared=[shared.pk]
    ).exists()
    return check, shared, kept


def test_the_member_sees_and_downloads_only_the_shared_file(client, asked, police_member):
    check, shared, kept = asked
    client.force_login(police_member)

    page = client.get(reverse("screening:member-check", args=[check.pk]))
    assert "police-report.pdf" in page.text
    assert "health-visitor-notes.pdf" not in page.text

    got = client.get(reverse("screening:member-check-document", args=[check.pk, shared.pk]))
    assert got.status_code == 200
    assert got.content == small_pdf("police-report.pdf")
    assert got["Content-Disposition"].startswith("attachment;")
    assert got["X-Content-Type-Options"] == "nosniff"
    not_shared = reverse("screening:member-check-document", args=[check.pk, kept.pk])
    assert client.get(not_shared).status_code == 404
    # Nor through the contact's own download, which is for staff and the referrer.
    own = reverse("referrals:document-download", args=[check.contact.reference, shared.pk])
    assert client.get(own).status_code == 404


def test_another_agencys_member_gets_nothing(client, asked):
    check, shared, _ = asked
    health = AgencyFactory(name="Health", type="health")
    client.force_login(UserFactory(roles=[Role.PARTNER_AGENCY_MEMBER], agency=health))

    url = reverse("screening:member-check-document", args=[check.pk, shared.pk])
    assert client.get(url).status_code == 404


def test_a_file_from_another_contact_cannot_be_shared(client, clamd, screener, referrer, police):
    contact = submit_contact(referrer)
    other = submit_contact(referrer)
    screening_services.screening_claim(actor=screener, contact=contact)
    elsewhere = attach(screener, other, "other.pdf")
    attach(screener, contact, "here.pdf")
    client.force_login(screener)

    response = client.post(
        reverse("screening:request-check", args=[contact.reference]),
        {**consent_form(agency=police.pk, question="Anything known?"), "documents": [elsewhere.pk]},
    )

    assert response.status_code == 200
    assert "Select files attached to this contact" in response.text
    assert not AgencyCheck.objects.exists()
