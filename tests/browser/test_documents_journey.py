"""Attaching a file in real Chromium (issue 20, part 3): a referrer, on the page that says
their referral was sent, follows the link to attach a file, presses "Attach file" with
none chosen (told at the field), tries a program renamed to .pdf (refused by its content),
attaches a real PDF, sees it scanned and listed, and downloads it back; a screener sees it
on the contact's screening page. axe finds nothing at each step; screenshots at 1280 and
375 px go to /tmp/documents/."""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from referrals.models import Document
from tests.factories import submit_contact
from tests.support.browser import reflows, sign_in
from tests.support.documents import EICAR, small_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
JOURNEY = "documents"


def test_a_referrer_attaches_a_file_to_their_referral(
    page, referrer, screener, tmp_path, assert_no_axe_violations
):
    contact = submit_contact(referrer)
    sign_in(page, referrer)
    page.goto(reverse("referrals:contact-sent", args=[contact.reference]))
    page.get_by_role("link", name=f"attach it to {contact.reference}").click()
    expect(page).to_have_title(re.compile(rf"^Files attached to {contact.reference}"))
    expect(page.get_by_text("No files are attached.")).to_be_visible()
    expect(page.locator("#scanner-state")).to_contain_text("Files are scanned for malware by")
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Attach file").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select a file")
    expect(page).to_have_title(re.compile(rf"^Error: Files attached to {contact.reference}"))
    assert_no_axe_violations(page)

    program = tmp_path / "body-map.pdf"
    program.write_bytes(b"MZ\x90\x00\x03" + b"\x00" * 300 + b"This program cannot be run")
    page.get_by_label("File").set_input_files(str(program))
    page.get_by_label("What is it? (optional)").fill("<script>alert(1)</script> body map")
    page.get_by_role("button", name="Attach file").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "The selected file must be a PDF, an image"
    )
    # What was typed is kept; the file must be chosen again (a browser never refills it).
    expect(page.get_by_label("What is it? (optional)")).to_have_value(
        "<script>alert(1)</script> body map"
    )
    assert_no_axe_violations(page)

    report = tmp_path / "school-report.pdf"
    report.write_bytes(small_pdf("School report"))
    page.get_by_label("File").set_input_files(str(report))
    page.get_by_label("What is it? (optional)").fill("Attendance and concerns, spring term")
    page.get_by_role("button", name="Attach file").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "school-report.pdf is attached. The virus scanner found no malware in it."
    )
    row = page.locator("#documents-table tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Attendance and concerns, spring term")
    expect(row).to_contain_text("No malware found")
    assert_no_axe_violations(page)
    reflows(page, "referrer-attached", journey=JOURNEY)

    with page.expect_download() as download:
        row.get_by_role("link", name=re.compile("school-report.pdf")).click()
    assert download.value.suggested_filename == "school-report.pdf"
    assert Path(download.value.path()).read_bytes() == small_pdf("School report")
    assert Document.objects.get().via == Document.Via.REFERRAL

    sign_in(page, screener)
    page.goto(reverse("screening:contact", args=[contact.reference]))
    files = page.locator("#documents-table")
    expect(files).to_contain_text("school-report.pdf")
    expect(files).to_contain_text(referrer.full_name)
    assert_no_axe_violations(page)
    reflows(page, "screener-sees-it", journey=JOURNEY)


def test_a_screener_is_told_at_once_when_a_file_has_malware(
    page, screener, referrer, tmp_path, assert_no_axe_violations
):
    contact = submit_contact(referrer)
    sign_in(page, screener)
    page.goto(reverse("screening:contact", args=[contact.reference]))
    page.get_by_text("Attach a file").click()
    infected = tmp_path / "invoice.txt"
    infected.write_bytes(EICAR)
    form = page.locator("form", has=page.get_by_role("button", name="Attach file"))
    form.get_by_label("File").set_input_files(str(infected))
    form.get_by_label("What is it? (optional)").fill("Invoice\u0000 =SUM(A1)")
    form.get_by_role("button", name="Attach file").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "The description has a null character (\\0) in it: type it again"
    )
    form = page.locator("form", has=page.get_by_role("button", name="Attach file"))
    expect(form.get_by_label("What is it? (optional)")).to_be_visible()
    form.get_by_label("What is it? (optional)").fill("Invoice =SUM(A1)")
    form.get_by_label("File").set_input_files(str(infected))
    form.get_by_role("button", name="Attach file").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("the virus scanner found malware in it")
    expect(page).to_have_title(re.compile(rf"^Error: Screening {contact.reference}\b"))
    assert_no_axe_violations(page)
    summary.get_by_role("link", name=re.compile("malware")).click()
    expect(page.get_by_label("File")).to_be_focused()
    assert not Document.objects.exists()
    reflows(page, "screener-malware-refused", journey=JOURNEY)


def test_a_referrer_sends_a_file_with_the_referral(
    page, referrer, tmp_path, assert_no_axe_violations
):
    """On "Check your answers": malware is refused at the field with nothing sent and the
    answers still there; a clean file then goes with the referral."""
    from referrals import services
    from referrals.models import Contact
    from tests.support.contact_forms import full_referral

    answers = {
        key: value if isinstance(value, list) else [value] for key, value in full_referral().items()
    }
    services.draft_save(owner=referrer, kind="referral", data=answers)
    sign_in(page, referrer)
    page.goto(reverse("referrals:referral-check"))
    expect(page.get_by_role("heading", name="Attach a file (optional)")).to_be_visible()
    assert_no_axe_violations(page)

    infected = tmp_path / "photos.txt"
    infected.write_bytes(EICAR)
    page.get_by_label("File (optional)").set_input_files(str(infected))
    page.get_by_label("What is it? (optional)").fill("=SUM(A1) photos")
    page.get_by_role("button", name="Send referral").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("found malware in it")
    expect(page).to_have_title(re.compile(r"^Error: Check your answers"))
    expect(page.get_by_label("What is it? (optional)")).to_have_value("=SUM(A1) photos")
    expect(page.locator(".govuk-summary-list").first).to_contain_text("Amelia")
    assert Contact.objects.count() == 0
    assert_no_axe_violations(page)
    reflows(page, "referral-file-refused", journey=JOURNEY)

    report = tmp_path / "school-report.pdf"
    report.write_bytes(small_pdf("School report"))
    page.get_by_label("File (optional)").set_input_files(str(report))
    page.get_by_label("What is it? (optional)").fill("Attendance, spring term")
    page.get_by_role("button", name="Send referral").click()
    expect(page.get_by_role("heading", name="Referral sent")).to_be_visible()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "school-report.pdf is attached. The virus scanner found no malware in it."
    )
    assert_no_axe_violations(page)
    assert Document.objects.get().contact == Contact.objects.get()
