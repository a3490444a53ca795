"""Family letters in an install without GOV.UK Notify: made when the notice is
delivered, gathered into the day's print batch, downloaded by a manager as one PDF
(audited, and only what they may open), marked printed then posted; the state on the
contact; the family's address set on the contact; "Send again" only when it can work;
erasure takes the letters' words."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from frontdoor.models import AuditEvent
from outcomes import letters, retention, services
from outcomes.models import Letter, Notice, PrintBatch, RetentionRun
from referrals import services as referral_services
from referrals.models import FamilyAddress
from screening import services as screening
from tests.factories import child_input, submit_contact
from tests.support.letters import (
    ADDRESS_LINES,
    batch_pdf,
    family_notice,
    letter_made,
    pdf_pages,
    pdf_text,
    told_family,
)
from tests.support.waiting import wait_until

pytestmark = pytest.mark.django_db


def test_without_notify_a_family_letter_goes_to_the_print_batch_once(
    screener, referrer, level, settings
):
    settings.NOTIFY_API_KEY = ""
    contact, _ = told_family(referrer, screener, level)
    notice = family_notice(contact)
    assert services.notice_deliver(notice_id=notice.pk) == "to print"
    assert services.notice_deliver(notice_id=notice.pk) == "skipped"
    notice.refresh_from_db()
    assert notice.status == Notice.Status.TO_POST
    letter = Letter.objects.get(notice=notice)
    assert letter.recipient.splitlines() == ["Dawn Harrison", "1 Mill Lane", "York", "YO1 7HH"]
    assert letter.subject == "A referral has been made about your family"

    batch = letters.print_batch_gather()
    assert letters.print_batch_gather() == batch  # the same day's batch, once
    assert PrintBatch.objects.count() == 1
    letter.refresh_from_db()
    assert (letter.batch, letter.state) == (batch, Letter.State.TO_PRINT)
    # The sweeper leaves a letter waiting to be posted alone.
    assert notice.pk not in services.notices_sweep(now=timezone.now() + timedelta(hours=1))


def test_nothing_waiting_makes_no_batch(db):
    assert letters.print_batch_gather() is None
    assert not PrintBatch.objects.exists()


def test_with_notify_letters_go_by_notify_unless_the_council_posts_that_kind(
    screener, referrer, level, settings
):
    settings.NOTIFY_API_KEY = "test-key"
    contact, _ = told_family(referrer, screener, level)
    notice = family_notice(contact)
    settings.LETTERS_POSTED_BY_COUNCIL = []
    assert not letters.printed_here(notice)
    settings.LETTERS_POSTED_BY_COUNCIL = ["correction"]
    assert not letters.printed_here(notice)
    settings.LETTERS_POSTED_BY_COUNCIL = ["outcome"]
    assert letters.printed_here(notice)
    settings.LETTERS_POSTED_BY_COUNCIL = ["all"]
    assert letters.printed_here(notice)
    referrer_notice = Notice.objects.get(contact=contact, audience="referrer", kind="outcome")
    assert not letters.printed_here(referrer_notice)  # an email stays an email


def test_a_manager_downloads_the_batch_as_print_ready_letters(
    client, screener, manager, referrer, level, settings
):
    settings.COUNCIL_POSTAL_ADDRESS = ["County Hall", "Racecourse Lane", "Northallerton", "DL7 8AD"]
    settings.COUNCIL_EMAIL = "mast@example.gov.uk"
    first, decision = told_family(referrer, screener, level)
    second, _ = told_family(referrer, screener, level)
    letter_made(first)
    letter_made(second)
    batch = letters.print_batch_gather()

    client.force_login(screener)
    assert batch_pdf(client, batch).status_code == 403
    client.force_login(manager)
    response = batch_pdf(client, batch)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert pdf_pages(response.content) == 2  # one A4 page a letter
    text = pdf_text(response.content)
    for words in (
        "Dawn Harrison 1 Mill Lane York YO1 7HH",
        "A referral has been made about your family",
        f"Our reference: {first.reference}",
        f"Our reference: {second.reference}",
        settings.COUNCIL_NAME,
        "County Hall",
        "DL7 8AD",
        "mast@example.gov.uk",
        settings.FRONT_DOOR_PHONE,
        "If undelivered, return to",
    ):
        assert words in text, words
    # Nothing the family must not see: not the concern, the rationale or the referrer.
    for secret in ("Bruising", "partner", decision.rationale[:30], referrer.full_name):
        assert secret not in text, secret
    exports = AuditEvent.objects.filter(
        actor=manager, action=AuditEvent.Action.EXPORT, via="outcomes:print-batch-pdf"
    )
    assert set(exports.values_list("record_id", flat=True)) == {first.reference, second.reference}
    batch.refresh_from_db()
    assert (batch.first_downloaded_by, batch.frozen) == (manager, True)


def test_printed_then_posted_and_the_state_shows_on_the_contact(
    client, screener, manager, referrer, level
):
    contact, _ = told_family(referrer, screener, level)
    letter = letter_made(contact)
    batch = letters.print_batch_gather()
    client.force_login(screener)
    page = client.get(reverse("screening:contact", args=[contact.reference]))
    assert "To print: in the print batch of" in page.text

    client.force_login(manager)
    printed = reverse("outcomes:print-batch-printed", args=[batch.pk])
    posted = reverse("outcomes:print-batch-posted", args=[batch.pk])
    refused = client.post(printed, follow=True)
    assert "Download and print the batch before marking it printed" in refused.text
    assert (
        "Mark the letters printed before marking them posted"
        in client.post(posted, follow=True).text
    )
    batch_pdf(client, batch)
    client.post(printed)
    letter.refresh_from_db()
    assert (letter.state, letter.printed_by) == (Letter.State.PRINTED, manager)
    assert (
        "waiting to be posted"
        in client.get(reverse("screening:contact", args=[contact.reference])).text
    )
    client.post(posted)
    letter.refresh_from_db()
    letter.notice.refresh_from_db()
    assert (letter.state, letter.posted_by) == (Letter.State.POSTED, manager)
    assert letter.notice.status == Notice.Status.SENT
    assert letter.notice.sent_at == letter.posted_at
    assert "Posted on" in client.get(reverse("screening:contact", args=[contact.reference])).text
    assert AuditEvent.objects.filter(
        via="outcomes:print-batch-posted", record_id=contact.reference
    ).exists()
    listing = client.get(reverse("outcomes:print-batches"))
    assert "1 posted" in listing.text


def test_the_first_download_closes_the_batch(client, screener, manager, referrer, level):
    first, _ = told_family(referrer, screener, level)
    letter_made(first)
    batch = letters.print_batch_gather()
    client.force_login(manager)
    batch_pdf(client, batch)
    later, _ = told_family(referrer, screener, level)
    late = letter_made(later)
    assert letters.print_batch_gather() == batch
    late.refresh_from_db()
    assert late.batch is None  # not in what was downloaded
    tomorrow = letters.print_batch_gather(day=batch.day + timedelta(days=1))
    late.refresh_from_db()
    assert late.batch == tomorrow


def test_a_restricted_contacts_letter_is_only_for_managers_named_on_it(
    client, screener, manager, manager_b, referrer, level
):
    open_one, _ = told_family(referrer, screener, level)
    closed_one, _ = told_family(referrer, screener, level)
    letter_made(open_one)
    closed_letter = letter_made(closed_one)
    referral_services.restriction_add(
        actor=manager_b,
        reason="A member of staff's relative: only the named manager may see it.",
        ask=manager_b,
        allowed=[manager_b],
        review_due=timezone.localdate() + timedelta(days=30),
        contact=closed_one,
    )
    batch = letters.print_batch_gather()
    client.force_login(manager)
    listing = client.get(reverse("outcomes:print-batches"))
    assert "1 letter on restricted records you are not named on" in listing.text
    text = pdf_text(batch_pdf(client, batch).content)
    assert open_one.reference in text
    assert closed_one.reference not in text
    batch_pdf(client, batch)
    client.post(reverse("outcomes:print-batch-printed", args=[batch.pk]))
    closed_letter.refresh_from_db()
    assert closed_letter.state == Letter.State.TO_PRINT  # waits for the named manager
    client.force_login(manager_b)
    assert closed_one.reference in pdf_text(batch_pdf(client, batch).content)
    client.post(reverse("outcomes:print-batch-printed", args=[batch.pk]))
    closed_letter.refresh_from_db()
    assert closed_letter.state == Letter.State.PRINTED


def test_staff_add_the_family_address_and_bad_input_is_refused_with_what_was_typed(
    client, screener, referrer, level
):
    # No parent on the contact: nowhere to send a letter. The decision form says so
    # before the screener decides, and again once they have.
    contact = submit_contact(referrer, subjects=[child_input()])
    screening.screening_claim(actor=screener, contact=contact)
    client.force_login(screener)
    page = client.get(reverse("screening:contact", args=[contact.reference]))
    assert "No postal address is known for the family. If the decision tells them" in page.text
    decided = client.post(
        reverse("screening:decide", args=[contact.reference]),
        {
            "route": "information_and_advice",
            "threshold_level": str(level.pk),
            "rationale": "Advice given to the school; the family are already supported.",
            "family_notice": "notify",
            "advice_given": "Talk to the family about the school nurse.",
            "advice_given_to": ["referrer"],
        },
        follow=True,
    )
    assert "Decision recorded" in decided.text, decided.text
    assert "No postal address is known for the family, so the letter" in decided.text
    assert "Letters to the family cannot be sent until one is added" in decided.text
    url = reverse("screening:family-address", args=[contact.reference])
    good = {
        "addressee": "The parent or carer of Leo Harrison",
        "line_1": "22 Acacia Avenue",
        "line_2": "",
        "town": "Selby",
        "county": "",
        "postcode": "yo8 4aa",
    }
    for change, message in (
        ({"line_1": "<script>alert(1)</script>"}, "The address cannot contain &lt; or &gt;"),
        ({"line_1": "22 Acacia\x00 Avenue"}, "cannot be printed"),
        ({"line_1": "x" * 1000}, "must be 50 characters or fewer"),
        ({"postcode": "NOT A CODE"}, "Enter a real postcode, like YO1 7HH"),
        ({"addressee": ""}, "Enter the name to put on the letter"),
        ({"town": "   "}, "Enter the town or city"),
    ):
        response = client.post(url, {**good, **change})
        assert response.status_code == 400, change
        assert message in response.text, change
        assert "Error: " in response.text
        typed = next(iter(change.values())).strip()
        assert html.escape(typed)[:40] in response.text, change  # kept as typed
    assert not FamilyAddress.objects.exists()

    response = client.post(url, good)
    assert response.status_code == 302
    saved = FamilyAddress.objects.get(contact=contact)
    assert (saved.addressee, saved.lines, saved.postcode, saved.changed_by) == (
        "The parent or carer of Leo Harrison",
        "22 Acacia Avenue\nSelby",
        "YO8 4AA",
        screener,
    )
    assert AuditEvent.objects.filter(
        actor=screener, via="screening:family-address", record_id=contact.reference
    ).exists()
    page = client.get(reverse("screening:contact", args=[contact.reference]))
    assert "Letters to the family cannot be sent" not in page.text
    assert "22 Acacia Avenue" in page.text
    # A change replaces it; the change history keeps what it was.
    client.post(url, {**good, "line_1": "24 Acacia Avenue"})
    assert FamilyAddress.objects.get(contact=contact).lines.startswith("24 ")
    assert saved.events.count() == 2


def test_the_staff_address_wins_over_the_referrers(screener, referrer, level):
    contact, _ = told_family(referrer, screener, level)
    referral_services.family_address_set(
        actor=screener,
        contact=contact,
        addressee="Ms Dawn Harrison",
        lines=ADDRESS_LINES,
        postcode="YO8 4AA",
    )
    from referrals.selectors_family_address import letter_address

    assert letter_address(contact).as_text() == "Ms Dawn Harrison\n22 Acacia Avenue\nSelby\nYO8 4AA"


def test_send_again_is_offered_only_when_it_can_work(
    client, screener, manager, referrer, level, settings
):
    settings.NOTIFY_API_KEY = ""
    contact, _ = told_family(referrer, screener, level, subjects=[child_input()])
    failed = family_notice(contact)
    assert failed.status == Notice.Status.PERMANENT_FAILURE
    notices = reverse("outcomes:contact-notices", args=[contact.reference])
    resend = reverse("outcomes:notice-resend", args=[contact.reference, failed.pk])
    client.force_login(manager)
    page = client.get(notices)
    assert "Cannot be sent again: " in page.text
    assert "No address: add one on the contact" in page.text
    assert "Send again<span" not in page.text
    refused = client.post(resend, follow=True)
    assert "No address: add one on the contact" in refused.text
    assert not Notice.objects.filter(resend_of=failed).exists()

    referral_services.family_address_set(
        actor=screener,
        contact=contact,
        addressee="Ms Dawn Harrison",
        lines=ADDRESS_LINES,
        postcode="YO8 4AA",
    )
    page = client.get(notices)
    assert "Send again<span" in page.text
    assert "Notify not configured: this letter goes in the print batch" in page.text
    client.post(resend)
    again = Notice.objects.get(resend_of=failed)
    assert again.recipient == "Ms Dawn Harrison\n22 Acacia Avenue\nSelby\nYO8 4AA"
    assert services.notice_deliver(notice_id=again.pk) == "to print"

    # A text to the referrer cannot go without Notify: said, not offered.
    text = Notice.objects.create(
        contact=contact,
        kind="outcome",
        audience="referrer",
        channel="sms",
        recipient="07700 900982",
        status=Notice.Status.PERMANENT_FAILURE,
    )
    assert services.notice_resend_problem(text) == "Texts need GOV.UK Notify, which is not set up"
    assert "Texts need GOV.UK Notify" in client.get(notices).text


def test_erasure_takes_the_letters_words_and_the_address(screener, manager, referrer, level):
    contact, _ = told_family(referrer, screener, level)
    referral_services.family_address_set(
        actor=screener,
        contact=contact,
        addressee="Ms Dawn Harrison",
        lines=ADDRESS_LINES,
        postcode="YO8 4AA",
    )
    letter = letter_made(contact)
    batch = letters.print_batch_gather()
    run = RetentionRun.objects.create(
        kind="early_help",
        contact_ids=[contact.pk],
        status=RetentionRun.Status.APPROVED,
        approved_by=manager,
        approved_at=timezone.now(),
    )
    assert retention.retention_erase(run_id=run.pk) == 1
    letter.refresh_from_db()
    assert (letter.recipient, letter.subject, letter.body) == (retention.ERASED,) * 3
    assert (letter.state, letter.batch) == (Letter.State.TO_PRINT, batch)  # the shape stays
    # Its batch never prints the erasure marker as an address.
    assert not letters.letters_open_to(user=manager, batch=batch).exists()
    with pytest.raises(letters.LetterRefused):
        letters.print_batch_pdf(actor=manager, batch=batch)
    address = FamilyAddress.objects.get(contact=contact)
    assert (address.addressee, address.lines, address.postcode) == ("", "", "")
    for model in (Letter, FamilyAddress):
        history = model.events.field.model.objects.filter(contact_id=contact.pk)
        assert all("Acacia" not in str(row.__dict__) for row in history)
        assert all("Harrison" not in str(row.__dict__) for row in history)


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_makes_the_letter_and_the_beat_job_gathers_it(
    celery_worker, screener, referrer, level, settings
):
    from outcomes.tasks import notice_deliver, print_batch_gather

    settings.NOTIFY_API_KEY = ""
    contact, _ = told_family(referrer, screener, level)
    wait_until(
        lambda: Letter.objects.filter(contact=contact).exists(),
        20,
        "the worker did not make the family's letter",
    )
    notice = family_notice(contact)
    notice.refresh_from_db()
    assert notice.status == Notice.Status.TO_POST
    # Delivering again (a redelivered task) makes no second letter.
    again = notice_deliver.apply_async(args=[notice.pk], ignore_result=False)
    assert again.get(timeout=20) == "skipped"
    first = print_batch_gather.apply_async(ignore_result=False).get(timeout=20)
    second = print_batch_gather.apply_async(ignore_result=False).get(timeout=20)
    assert first == second == PrintBatch.objects.get().pk
    assert Letter.objects.get(contact=contact).batch_id == first
