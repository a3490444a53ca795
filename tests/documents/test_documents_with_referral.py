"""A file sent with the online referral, on the page that sends it (referrals/views.py
``contact_check``): checked and scanned by a real clamd before anything is sent, so a
refused file sends nothing, says why on the field and keeps every answer."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from frontdoor.models import AuditEvent
from referrals.models import Contact, Document, ReferralDraft
from tests.support.contact_forms import full_referral
from tests.support.documents import EICAR, small_pdf

pytestmark = pytest.mark.django_db

CHECK = "referrals:referral-check"


@pytest.fixture
def answered(client, referrer):
    client.force_login(referrer)
    assert client.post(reverse("referrals:referral-form"), full_referral()).status_code == 302
    return referrer


def send(client, name, data, description=""):
    upload = SimpleUploadedFile(name, data, content_type="application/octet-stream")
    return client.post(reverse(CHECK), {"file": upload, "description": description})


def test_the_check_page_offers_a_file_with_the_scanner_named(client, clamd, answered):
    page = client.get(reverse(CHECK))
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.text
    assert "Attach a file (optional)" in page.text
    assert 'type="file"' in page.text
    assert "Files are scanned for malware by ClamAV" in page.text


def test_a_clean_file_is_sent_with_the_referral(client, clamd, answered):
    sent = send(client, "school-report.pdf", small_pdf(), description="Year 4 report")

    contact = Contact.objects.get()
    assert sent.url == reverse("referrals:contact-sent", args=[contact.reference])
    document = Document.objects.get()
    assert document.contact == contact
    assert document.filename == "school-report.pdf"
    assert document.description == "Year 4 report"
    assert document.via == Document.Via.REFERRAL
    assert document.uploaded_by == answered
    assert document.scan_state == Document.ScanState.CLEAN
    assert not ReferralDraft.objects.exists()
    confirmation = client.get(sent.url)
    assert "school-report.pdf is attached. The virus scanner found no malware in it." in (
        confirmation.text
    )
    download = reverse("referrals:document-download", args=[contact.reference, document.pk])
    assert client.get(download).content == small_pdf()


def test_sending_without_a_file_attaches_nothing(client, clamd, answered):
    sent = client.post(reverse(CHECK))
    assert sent.status_code == 302
    assert Contact.objects.count() == 1
    assert not Document.objects.exists()


def test_malware_sends_nothing_says_why_on_the_field_and_keeps_the_answers(client, clamd, answered):
    refused = send(client, "photos.txt", EICAR, description="Photos")

    assert refused.status_code == 400
    assert not Contact.objects.exists()
    assert not Document.objects.exists()
    text = refused.text
    assert "<title>Error: Check your answers" in text
    assert 'href="#id_file"' in text  # the error summary leads to the field
    assert 'id="id_file-error"' in text
    assert "the virus scanner found malware in it (Eicar-Test-Signature" in text
    assert ">Noah</dd>" in text  # the answers are still there to check
    assert ReferralDraft.objects.filter(owner=answered).exists()
    assert AuditEvent.objects.filter(
        actor=answered,
        record_type="referral_draft",
        via="referrals.document_check_before_sending",
        detail__document_refused__startswith="Eicar-Test-Signature",
    ).exists()
    # Another, clean, file then goes with the referral as usual.
    assert send(client, "report.pdf", small_pdf()).status_code == 302
    assert Document.objects.get().filename == "report.pdf"


@pytest.mark.parametrize(
    ("name", "data", "description", "message"),
    [
        ("empty.pdf", b"", "", "The selected file is empty"),
        ("run.exe", b"MZ\x90\x00" + b"\x00" * 200, "", "The selected file must be a PDF"),
        (None, None, "Body map", "Select the file your description is for"),
        ("map.pdf", None, "x" * 201, "This answer must be 200 characters or fewer (it has 201)"),
    ],
)
def test_a_wrong_file_is_a_message_on_its_field_and_sends_nothing(
    client, clamd, answered, name, data, description, message
):
    post = {"description": description}
    if name is not None:
        post["file"] = SimpleUploadedFile(name, small_pdf() if data is None else data)

    refused = client.post(reverse(CHECK), post)

    assert refused.status_code == 400
    assert message in refused.text
    assert not Contact.objects.exists()
    assert ReferralDraft.objects.filter(owner=answered).exists()


def test_with_the_scanner_down_the_referral_is_sent_and_its_file_held(
    client, clamd, settings, tmp_path, answered
):
    settings.CLAMD_SOCKET = str(tmp_path / "no-scanner-here.sock")

    sent = send(client, "report.pdf", small_pdf())

    assert sent.status_code == 302
    document = Document.objects.get()
    assert document.scan_state == Document.ScanState.QUARANTINED
    assert "held, unopened" in client.get(sent.url).text


def test_with_the_document_store_failing_the_referral_is_sent_and_says_so(
    client, clamd, settings, tmp_path, answered
):
    # A store that cannot be written, as a full disk or an unanswering object store: its
    # folder would be inside a file (permissions would not stop root, which CI runs as).
    (tmp_path / "a-file").write_text("")
    full = tmp_path / "a-file" / "store"
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(full)},
        },
    }
    from django.core.files.storage import storages

    storages._storages.pop("documents", None)
    try:
        sent = send(client, "report.pdf", small_pdf())
        assert sent.status_code == 302
        page = client.get(sent.url).text
        assert "Your referral was sent, without its file" in page
        assert "could not be stored just now" in page
        assert Contact.objects.count() == 1
        assert not Document.objects.exists()
    finally:
        storages._storages.pop("documents", None)


def test_staff_recording_a_contact_attach_a_file_with_it(client, clamd, screener):
    from frontdoor.models import ReferralSource
    from tests.support.contact_forms import staff_referrer

    source = ReferralSource.objects.get(code="3A")
    client.force_login(screener)
    form = {**full_referral(), **staff_referrer(**{"referrer-referral_source": str(source.pk)})}
    assert client.post(reverse("referrals:staff-form"), form).status_code == 302
    page = client.get(reverse("referrals:staff-check"))
    assert "It is attached to the contact when you record it" in page.text

    upload = SimpleUploadedFile("letter.pdf", small_pdf("Neighbour's letter"))
    sent = client.post(reverse("referrals:staff-check"), {"file": upload, "description": ""})

    assert sent.status_code == 302
    document = Document.objects.get()
    assert document.contact == Contact.objects.get(channel=Contact.Channel.CONTACT_CENTRE)
    assert (document.via, document.uploaded_by) == (Document.Via.REFERRAL, screener)
    assert "letter.pdf is attached" in client.get(sent.url).text


def test_a_phone_consultation_takes_no_file(client, clamd, screener):
    from tests.support.contact_forms import phone_call

    client.force_login(screener)
    assert (
        client.post(reverse("referrals:phone-form"), phone_call("advice_only")).status_code == 302
    )
    page = client.get(reverse("referrals:phone-check"))
    assert page.status_code == 200
    assert "Check your answers" in page.text
    assert "Attach a file" not in page.text


def test_a_phone_consultation_that_becomes_a_contact_takes_a_file(client, clamd, screener):
    """The call becomes a contact for screening: what the caller emailed over (a GP's
    letter) is attached as it is recorded, like any contact staff record."""
    from tests.support.contact_forms import phone_call

    client.force_login(screener)
    assert client.post(reverse("referrals:phone-form"), phone_call("screening")).status_code == 302
    page = client.get(reverse("referrals:phone-check"))
    assert "Attach a file (optional)" in page.text

    upload = SimpleUploadedFile("gp-letter.pdf", small_pdf("GP's letter"))
    sent = client.post(reverse("referrals:phone-check"), {"file": upload, "description": ""})

    assert sent.status_code == 302
    document = Document.objects.get()
    assert document.contact == Contact.objects.get(channel=Contact.Channel.PHONE_CONSULTATION)
    assert (document.via, document.uploaded_by) == (Document.Via.REFERRAL, screener)
    assert "gp-letter.pdf is attached" in client.get(sent.url).text


def test_a_file_checked_before_sending_is_not_scanned_again_when_attached(
    settings, referrer, screener
):
    """The form's check and the attaching moments later read the same bytes: the clean
    answer is kept, so the scanner is asked once. With the scanner stopped in between, the
    checked file is still attached clean, while a file never checked is held."""
    from referrals import services
    from tests.factories import submit_contact
    from tests.support.documents import own_clamd

    contact = submit_contact(referrer)
    with own_clamd() as clamd:
        settings.CLAMD_SOCKET, settings.CLAMD_HOST = str(clamd.socket), ""
        upload = services.DocumentUpload(filename="report.pdf", data=small_pdf())
        checked, refusal = services.document_check_before_sending(actor=referrer, upload=upload)
        assert refusal is None
        clamd.stop()
        sent = services.document_attach(
            actor=referrer, contact=contact, upload=checked, via=Document.Via.REFERRAL
        )
        unchecked = services.document_attach(
            actor=screener, contact=contact, upload=upload, via=Document.Via.SCREENING
        )
    assert sent.scan_state == Document.ScanState.CLEAN
    assert unchecked.scan_state == Document.ScanState.QUARANTINED
