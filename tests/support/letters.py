"""Family letters for the tests: a contact whose decision tells a family with a known
address, its letter made as the worker makes it, and a PDF's text read back with
poppler (as the scorecard pack's tests read theirs)."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from outcomes import services
from outcomes.models import Letter, Notice
from screening import services as screening
from screening.models import Route
from tests.factories import adult_input, child_input, submit_contact
from tests.support.screening import decide

FAMILY = [child_input(), adult_input(address="1 Mill Lane\nYork", postcode="YO1 7HH")]


def told_family(referrer, screener, level, subjects=None):
    """A contact decided as early help (no approval needed), telling the family."""
    contact = submit_contact(
        referrer,
        subjects=FAMILY if subjects is None else subjects,
        concerns="Bruising seen on the child's arm; the mother's partner is named by the school.",
    )
    screening.screening_claim(actor=screener, contact=contact)
    decision = decide(screener, contact, level, route=Route.EARLY_HELP)
    return contact, decision


def family_notice(contact) -> Notice:
    return Notice.objects.filter(contact=contact, audience=Notice.Audience.FAMILY).latest("pk")


def letter_made(contact) -> Letter:
    """Deliver the family notice as the worker does; return the letter it made."""
    notice = family_notice(contact)
    assert services.notice_deliver(notice_id=notice.pk) == "to print"
    return Letter.objects.get(notice=notice)


def pdf_text_raw(content: bytes) -> str:
    """The PDF's text in reading order (each block whole: the address block's lines
    together), pages ended by form feeds."""
    tool = shutil.which("pdftotext")
    if not tool:
        pytest.fail("Poppler's pdftotext is missing: scripts/install --browser installs it")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "letters.pdf"
        path.write_bytes(content)
        return subprocess.run(
            [tool, str(path), "-"], capture_output=True, text=True, check=True
        ).stdout


def pdf_text(content: bytes) -> str:
    return re.sub(r"\s+", " ", pdf_text_raw(content))


def pdf_pages(content: bytes) -> int:
    return pdf_text_raw(content).count("\f")


# A staff-set address for the family, as the address form's fields give it.
ADDRESS_LINES = [("line_1", "22 Acacia Avenue"), ("line_2", ""), ("town", "Selby")]


def batch_pdf(client, batch):
    """The print batch downloaded as its PDF (a POST: the first download closes the
    batch), by whoever ``client`` is signed in as."""
    from django.urls import reverse

    return client.post(reverse("outcomes:print-batch-pdf", args=[batch.pk]))
