"""The kinds of file the issue names are taken, each typed from its bytes by libmagic:
a PDF, photos (JPEG, PNG), a Word document however its writer ordered the parts inside
it, and an email saved as ``.eml``. A zip that is not a Word document is still refused."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from referrals.models import Document
from tests.factories import submit_contact
from tests.support.documents import small_pdf

pytestmark = pytest.mark.django_db

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
WORD_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
        'ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType='
        '"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
        "</Relationships>"
    ),
    "word/document.xml": (
        '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
        'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>School chronology</w:t></w:r>'
        "</w:p></w:body></w:document>"
    ),
}


def zipped(parts: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def picture(kind: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, format=kind)
    return buffer.getvalue()


EMAIL = (
    b"Received: from mail.school.example.sch.uk by mx.council.example.gov.uk\r\n"
    b"From: DSL <dsl@school.example.sch.uk>\r\nTo: mast@council.example.gov.uk\r\n"
    b"Subject: Leo, this morning\r\nDate: Mon, 30 Nov 2026 09:12:00 +0000\r\n\r\n"
    b"Leo arrived with a bruise on his arm.\r\n"
)
# Some writers put the relationships first: libmagic alone reads that as a plain zip.
RELS_FIRST = {
    name: WORD_PARTS[name] for name in ("_rels/.rels", "[Content_Types].xml", "word/document.xml")
}


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("report.pdf", small_pdf(), "application/pdf"),
        ("body-map.jpg", picture("JPEG"), "image/jpeg"),
        ("photo.png", picture("PNG"), "image/png"),
        ("chronology.docx", zipped(WORD_PARTS), DOCX),
        ("chronology-rels-first.docx", zipped(RELS_FIRST), DOCX),
        ("from-the-school.eml", EMAIL, "message/rfc822"),
    ],
    ids=["pdf", "jpeg", "png", "docx", "docx-rels-first", "eml"],
)
def test_each_kind_named_is_taken_and_typed_from_its_bytes(
    client, clamd, referrer, name, data, content_type
):
    contact = submit_contact(referrer)
    client.force_login(referrer)

    response = client.post(
        reverse("referrals:document-add", args=[contact.reference]),
        {"file": SimpleUploadedFile(name, data, content_type="application/octet-stream")},
    )

    assert response.status_code == 302, response.text
    document = Document.objects.get(contact=contact)
    assert (document.filename, document.content_type) == (name, content_type)
    download = client.get(
        reverse("referrals:document-download", args=[contact.reference, document.pk])
    )
    assert download.content == data
    assert download["Content-Type"] == content_type


def test_a_zip_that_is_not_a_word_document_is_refused(client, clamd, referrer):
    contact = submit_contact(referrer)
    client.force_login(referrer)
    parts = {"_rels/.rels": WORD_PARTS["_rels/.rels"], "run.bat": "format c:"}

    response = client.post(
        reverse("referrals:document-add", args=[contact.reference]),
        {"file": SimpleUploadedFile("chronology.docx", zipped(parts))},
    )

    assert response.status_code == 400
    assert "The selected file must be a PDF, an image" in response.text
    assert not Document.objects.exists()
