"""Files attached to a contact, through HTTP and the services, scanned by a real clamd
whose signature database the test wrote (the EICAR test file's signature)."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from frontdoor import file_crypto
from frontdoor.models import AuditEvent
from frontdoor.roles import Role
from referrals import services
from referrals.models import Document
from tests.factories import UserFactory, submit_contact
from tests.support.documents import EICAR, own_clamd, small_pdf

pytestmark = pytest.mark.django_db


def attach(actor, contact, data=None, name="police-report.pdf", via="screening"):
    return services.document_attach(
        actor=actor,
        contact=contact,
        upload=services.DocumentUpload(filename=name, data=data or small_pdf(), description=""),
        via=via,
    )


def stored_bytes(document: Document) -> bytes:
    return Path(storages["documents"].path(document.storage_name)).read_bytes()


def test_a_clean_pdf_is_attached_encrypted_and_downloaded_as_an_audited_attachment(
    client, clamd, screener, referrer
):
    contact = submit_contact(referrer)
    pdf = small_pdf("Police report of 12 March")
    client.force_login(screener)

    response = client.post(
        reverse("screening:document-add", args=[contact.reference]),
        {
            "file": SimpleUploadedFile("report.pdf", pdf, content_type="text/html"),
            "description": "Police report",
        },
    )

    assert response.status_code == 302
    document = Document.objects.get(contact=contact)
    assert document.scan_state == Document.ScanState.CLEAN
    # The type is what libmagic read, not what the browser claimed.
    assert document.content_type == "application/pdf"
    assert document.size == len(pdf)
    on_disk = stored_bytes(document)
    assert on_disk != pdf
    assert b"Police report" not in on_disk
    assert b"%PDF" not in on_disk

    download = client.get(
        reverse("referrals:document-download", args=[contact.reference, document.pk])
    )
    assert download.status_code == 200
    assert download.content == pdf
    assert download["Content-Disposition"] == 'attachment; filename="report.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Type"] == "application/pdf"
    assert AuditEvent.objects.filter(
        actor=screener,
        action=AuditEvent.Action.VIEW,
        record_id=contact.reference,
        detail__document=document.pk,
    ).exists()


def test_the_eicar_file_is_refused_nothing_is_kept_and_the_refusal_is_audited(
    client, clamd, screener, referrer
):
    contact = submit_contact(referrer)
    client.force_login(screener)
    before = set(Path(storages["documents"].location).rglob("*.bin"))

    response = client.post(
        reverse("screening:document-add", args=[contact.reference]),
        {"file": SimpleUploadedFile("invoice.txt", EICAR)},
    )

    assert response.status_code == 400
    assert "the virus scanner found malware in it" in response.text
    assert "Eicar-Test-Signature" in response.text
    assert not Document.objects.filter(contact=contact).exists()
    assert set(Path(storages["documents"].location).rglob("*.bin")) == before
    refusal = AuditEvent.objects.get(
        record_id=contact.reference, detail__has_key="document_refused"
    )
    assert refusal.actor == screener
    assert "Eicar-Test-Signature" in refusal.detail["document_refused"]


def test_a_file_is_checked_by_its_content_not_its_name(client, clamd, referrer):
    contact = submit_contact(referrer)
    client.force_login(referrer)
    program = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200 + b"This program cannot be run"

    response = client.post(
        reverse("referrals:document-add", args=[contact.reference]),
        {"file": SimpleUploadedFile("body-map.pdf", program, content_type="application/pdf")},
    )

    assert response.status_code == 400
    assert "The selected file must be a PDF, an image" in response.text
    assert not Document.objects.exists()


def test_a_file_over_the_size_limit_is_refused_with_the_limit(client, clamd, referrer, settings):
    settings.DOCUMENT_MAX_BYTES = 1024
    contact = submit_contact(referrer)
    client.force_login(referrer)

    response = client.post(
        reverse("referrals:document-add", args=[contact.reference]),
        {"file": SimpleUploadedFile("big.pdf", small_pdf("x" * 2000))},
    )

    assert response.status_code == 400
    assert "The selected file must be smaller than 1 KB" in response.text
    assert not Document.objects.exists()


def test_with_clamd_stopped_a_file_is_held_unreadable_and_released_by_the_sweep(
    client, settings, screener, referrer
):
    contact = submit_contact(referrer)
    client.force_login(screener)
    with own_clamd() as clamd:
        settings.CLAMD_SOCKET, settings.CLAMD_HOST = str(clamd.socket), ""
        clamd.stop()

        held = attach(screener, contact)
        infected = attach(screener, contact, data=EICAR, name="eicar.txt")

        assert held.scan_state == infected.scan_state == Document.ScanState.QUARANTINED
        assert services.documents_scan_quarantined()["still_held"] == 2
        url = reverse("referrals:document-download", args=[contact.reference, held.pk])
        refused = client.get(url, follow=True)
        assert refused.content != small_pdf()
        assert "it is waiting to be scanned for malware" in refused.text
        page = client.get(reverse("screening:contact", args=[contact.reference]))
        assert "Waiting to be scanned" in page.text
        assert "The malware scanner cannot be reached just now" in page.text

        clamd.start()
        counts = services.documents_scan_quarantined()

    assert counts == {"clean": 1, "refused": 1, "still_held": 0}
    held.refresh_from_db()
    infected.refresh_from_db()
    assert held.scan_state == Document.ScanState.CLEAN
    assert infected.scan_state == Document.ScanState.REFUSED
    assert infected.storage_name == ""
    assert "Eicar-Test-Signature" in infected.signature
    # Reading a clean file needs no scanner: the sweep's answer stands.
    assert client.get(url).content == small_pdf()


def test_a_referrer_cannot_download_another_referrers_file_or_the_teams(
    client, clamd, screener, referrer, referrer_b
):
    contact = submit_contact(referrer)
    theirs = attach(referrer, contact, via="referral")
    teams = attach(screener, contact)
    client.force_login(referrer_b)

    for document in (theirs, teams):
        url = reverse("referrals:document-download", args=[contact.reference, document.pk])
        assert client.get(url).status_code == 404

    client.force_login(referrer)
    assert (
        client.get(
            reverse("referrals:document-download", args=[contact.reference, theirs.pk])
        ).status_code
        == 200
    )
    # What the front door added (a police report) is not the referrer's to read.
    assert (
        client.get(
            reverse("referrals:document-download", args=[contact.reference, teams.pk])
        ).status_code
        == 404
    )
    page = client.get(reverse("referrals:document-add", args=[contact.reference]))
    assert page.text.count("police-report.pdf") == 1


def test_a_restricted_contacts_file_is_refused_to_staff_not_named(
    client, clamd, screener, manager, referrer
):

    contact = submit_contact(referrer)
    document = attach(screener, contact)
    services.restriction_add(
        actor=manager,
        contact=contact,
        reason="A member of staff's family.",
        ask=manager,
        allowed=[manager],
        review_due=timezone.localdate() + timedelta(days=30),
    )
    url = reverse("referrals:document-download", args=[contact.reference, document.pk])

    client.force_login(screener)
    refused = client.get(url)
    assert refused.status_code == 403
    assert "This record is restricted" in refused.text
    client.force_login(UserFactory(roles=[Role.SCREENER]))
    assert client.get(url).status_code == 403
    client.force_login(manager)
    assert client.get(url).status_code == 200


def test_erasing_a_contact_removes_its_files_and_their_rows(
    clamd, screener, referrer, django_capture_on_commit_callbacks
):
    contact = submit_contact(referrer)
    document = attach(screener, contact)
    path = Path(storages["documents"].path(document.storage_name))
    assert path.exists()

    with django_capture_on_commit_callbacks(execute=True):
        services.documents_erase(contact_ids=[contact.pk])

    assert not Document.objects.filter(contact=contact).exists()
    assert not path.exists()


def test_a_key_is_rotated_by_putting_a_new_one_first_and_rekeying(
    client, clamd, screener, referrer, settings, django_capture_on_commit_callbacks
):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.DOCUMENT_KEYS = [old]
    contact = submit_contact(referrer)
    document = attach(screener, contact)
    before = stored_bytes(document)

    settings.DOCUMENT_KEYS = [new, old]
    with django_capture_on_commit_callbacks(execute=True):
        call_command("documents_rekey", stdout=io.StringIO())
    document.refresh_from_db()
    settings.DOCUMENT_KEYS = [new]

    after = stored_bytes(document)
    assert after != before
    assert file_crypto.decrypt(after) == small_pdf()
    with pytest.raises(InvalidToken):
        file_crypto.decrypt(before)
    client.force_login(screener)
    url = reverse("referrals:document-download", args=[contact.reference, document.pk])
    assert client.get(url).content == small_pdf()


def test_a_hostile_or_long_name_is_kept_as_a_plain_name(client, clamd, screener, referrer):
    contact = submit_contact(referrer)
    long_name = "=SUM(A1)" + "é" * 300 + ".pdf"

    named = attach(screener, contact, name='..\\..\\evil"\r\nX-Header: 1<script>.pdf')
    long = attach(screener, contact, name=long_name)

    assert named.filename == "evilX-Header: 1<script>.pdf"
    assert len(long.filename) == 200
    assert long.filename.endswith(".pdf")
    client.force_login(screener)
    page = client.get(reverse("screening:contact", args=[contact.reference]))
    assert "evilX-Header: 1&lt;script&gt;.pdf" in page.text
    got = client.get(reverse("referrals:document-download", args=[contact.reference, long.pk]))
    assert got["Content-Disposition"].startswith("attachment; filename*=utf-8''")
    assert "\n" not in got["Content-Disposition"]


def test_a_file_up_to_the_document_limit_passes_the_body_size_limit(
    client, clamd, screener, referrer, settings
):
    # Larger than a form's body limit plus the outcomes import's file limit (7 MB by
    # default), smaller than the documents' 20 MB: the middleware lets it through.
    contact = submit_contact(referrer)
    big = small_pdf() + b"%" + b"0" * (8 * 1024 * 1024)
    client.force_login(screener)

    response = client.post(
        reverse("screening:document-add", args=[contact.reference]),
        {"file": SimpleUploadedFile("scan.pdf", big)},
    )

    assert response.status_code == 302
    assert Document.objects.get(contact=contact).size == len(big)
    settings.DOCUMENT_MAX_BYTES = 5 * 1024 * 1024
    refused = client.post(
        reverse("screening:document-add", args=[contact.reference]),
        {"file": SimpleUploadedFile("scan.pdf", big + big)},
    )
    assert refused.status_code == 413
