"""Files attached to a person's contacts in their chronology (outcomes/chronology/
sources_documents.py), through HTTP: worded, with the download only where the download
itself would serve the viewer, restricted contacts respected, in the PDF too."""

from __future__ import annotations

import re
import subprocess
from datetime import timedelta

import pytest
from django.db import connection
from django.template.defaultfilters import filesizeformat
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from referrals import services
from referrals.models import Document
from tests.support.chronology import child_with_history
from tests.support.documents import EICAR, small_pdf

pytestmark = pytest.mark.django_db

TITLE = re.compile(r'<h3 class="moj-timeline__title">(.*?)</h3>')


def attach(actor, contact, *, name, data=None, via="screening", description=""):
    return services.document_attach(
        actor=actor,
        contact=contact,
        upload=services.DocumentUpload(
            filename=name, data=data or small_pdf(name), description=description
        ),
        via=via,
    )


def chronology(client, person, **query):
    return client.get(reverse("outcomes:person-chronology", args=[person.pk]), query)


def download(contact, document) -> str:
    return reverse("referrals:document-download", args=[contact.reference, document.pk])


@pytest.fixture
def history(referrer, screener, manager, police_member):
    return child_with_history(
        referrer=referrer, screener=screener, manager=manager, member=police_member, full=1
    )


@pytest.fixture
def filed(clamd, settings, tmp_path, history, referrer, screener):
    """On the child's contact: the referrer's school report, the team's police report,
    and a file that waited for the scanner and was then refused as malware."""
    contact = history.contacts[0]
    school = attach(
        referrer, contact, name="school-report.pdf", via="referral", description="From Year 4"
    )
    police = attach(screener, contact, name="police-report.pdf")
    settings.CLAMD_SOCKET = str(tmp_path / "no-scanner-here.sock")
    infected = attach(screener, contact, name="photos.txt", data=EICAR)
    assert infected.scan_state == Document.ScanState.QUARANTINED
    settings.CLAMD_SOCKET = str(clamd.socket)
    assert services.documents_scan_quarantined()["refused"] == 1
    infected.refresh_from_db()
    return contact, school, police, infected


def described(document) -> str:
    return f"{document.kind_words}, {filesizeformat(document.size)}"


def test_attached_files_appear_worded_with_who_when_and_the_download(
    client, screener, history, filed
):
    contact, school, police, infected = filed
    client.force_login(screener)

    response = chronology(client, history.person, kind=["documents"])

    assert response.status_code == 200
    titles = TITLE.findall(response.text)
    assert titles == [
        f"File refused: photos.txt ({described(infected)})",
        f"File attached: police-report.pdf ({described(police)})",
        f"File attached: school-report.pdf ({described(school)})",
    ]
    text = response.text
    assert f"by {screener.full_name}" in text
    assert f"by {school.uploaded_by.full_name}" in text
    assert "From Year 4" in text
    came_in = 'Came in through</dt><dd class="govuk-summary-list__value">'
    assert f"{came_in}Referral<" in text
    assert f"{came_in}Screening<" in text
    assert "No malware found" in text
    assert "Malware found: Eicar-Test-Signature" in text
    assert "the file was deleted" in text
    # Staff may download the clean files; the refused one has no bytes to offer.
    assert f'href="{download(contact, school)}"' in text
    assert f'href="{download(contact, police)}"' in text
    assert download(contact, infected) not in text
    assert client.get(download(contact, police)).content == small_pdf("police-report.pdf")
    files = reverse("screening:contact", args=[contact.reference]) + "#documents"
    assert f'href="{files}"' in text
    for code in ("clean", "refused", "quarantined", "referral", "None"):
        assert f">{code}<" not in text


def test_a_file_held_for_scanning_is_named_but_not_offered(
    client, clamd, settings, tmp_path, screener, history
):
    contact = history.contacts[0]
    settings.CLAMD_SOCKET = str(tmp_path / "no-scanner-here.sock")
    held = attach(screener, contact, name="body-map.pdf")
    client.force_login(screener)

    text = chronology(client, history.person, kind=["documents"]).text

    assert f"File attached: body-map.pdf ({described(held)})" in text
    assert "Held, unopened, until the virus scanner can be reached" in text
    assert download(contact, held) not in text


def test_a_contact_restricted_to_others_hides_its_files(client, screener, manager, history, filed):
    contact, school, _, _ = filed
    services.restriction_add(
        actor=manager,
        contact=contact,
        reason="A police investigation.",
        ask=manager,
        allowed=[],
        review_due=timezone.localdate() + timedelta(days=30),
    )
    client.force_login(screener)
    text = chronology(client, history.person, kind=["documents"]).text
    assert "Files attached: restricted" in text
    for hidden in ("school-report.pdf", "police-report.pdf", "From Year 4"):
        assert hidden not in text
    assert download(contact, school) not in text
    assert f"ask {manager.full_name}" in text

    client.force_login(manager)  # named on it: sees them, and may download
    text = chronology(client, history.person, kind=["documents"]).text
    assert "File attached: school-report.pdf" in text
    assert f'href="{download(contact, school)}"' in text


def test_more_files_take_no_more_queries(client, screener, history, filed):
    contact = filed[0]
    client.force_login(screener)
    chronology(client, history.person)  # sessions and caches warmed
    counts = []
    for more in (0, 6):
        for number in range(more):
            attach(screener, contact, name=f"statement-{number}.pdf")
        with CaptureQueriesContext(connection) as queries:
            response = chronology(client, history.person)
        assert response.status_code == 200
        counts.append(len(queries))
    assert "File attached: statement-5.pdf" in response.text
    assert counts[0] == counts[1], counts


def test_the_printed_chronology_lists_the_files(client, manager, history, filed, tmp_path):
    _, school, police, infected = filed
    client.force_login(manager)

    response = client.get(
        reverse("outcomes:person-chronology-pdf", args=[history.person.pk]),
        {"kind": ["documents"]},
    )

    assert response.status_code == 200
    path = tmp_path / "chronology.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"],  # noqa: S607 (poppler, as for the pack)
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    text = re.sub(r"\s+", " ", text.replace("\xa0", " "))
    for document, verb in ((school, "attached"), (police, "attached"), (infected, "refused")):
        words = f"File {verb}: {document.filename} ({described(document)})".replace("\xa0", " ")
        assert words in text
    assert "Malware found: Eicar-Test-Signature" in text
    assert "From Year 4" in text
