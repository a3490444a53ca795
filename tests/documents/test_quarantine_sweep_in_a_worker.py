"""The whole way a held file goes, as in an install: uploaded through the contact's page
while clamd is stopped (held, unreadable), clamd started again, then the beat job's task
run by a real Celery worker releases it (and refuses the EICAR file held with it)."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from referrals.models import Document
from referrals.tasks import documents_scan_quarantined
from tests.factories import submit_contact
from tests.support.documents import EICAR, own_clamd, small_pdf

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_upload_held_while_clamd_is_stopped_is_released_by_the_beat_job(
    client, celery_worker, settings, screener, referrer
):
    beat = django_settings.CELERY_BEAT_SCHEDULE["documents-scan-quarantined"]
    assert beat["task"] == documents_scan_quarantined.name
    contact = submit_contact(referrer)
    client.force_login(screener)
    upload = reverse("screening:document-add", args=[contact.reference])
    with own_clamd() as clamd:
        settings.CLAMD_SOCKET, settings.CLAMD_HOST = str(clamd.socket), ""
        settings.CLAMD_EMBEDDED = False
        clamd.stop()

        for name, data in (("report.pdf", small_pdf()), ("eicar.txt", EICAR)):
            sent = client.post(upload, {"file": SimpleUploadedFile(name, data)}, follow=True)
            assert "cannot be reached just now" in sent.text
        held = Document.objects.get(filename="report.pdf")
        assert held.scan_state == Document.ScanState.QUARANTINED
        url = reverse("referrals:document-download", args=[contact.reference, held.pk])
        assert client.get(url, follow=True).content != small_pdf()
        still = documents_scan_quarantined.apply_async(ignore_result=False).get(timeout=60)
        assert still == {"clean": 0, "refused": 0, "still_held": 2}

        clamd.start()
        swept = documents_scan_quarantined.apply_async(ignore_result=False).get(timeout=60)

    assert swept == {"clean": 1, "refused": 1, "still_held": 0}
    held.refresh_from_db()
    assert held.scan_state == Document.ScanState.CLEAN
    assert Document.objects.get(filename="eicar.txt").scan_state == Document.ScanState.REFUSED
    download = client.get(url)
    assert download.status_code == 200
    assert download.content == small_pdf()
