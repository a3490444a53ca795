"""Family letters that must reach the right household once: what the address says and
where it prints, an address corrected before printing, a letter sent again only once,
and marking printed only what someone downloaded (the rest of the letters' tests are in
test_family_letters.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from outcomes import letters, services
from outcomes.models import Letter, Notice
from referrals import services as referral_services
from tests.factories import adult_input, child_input, submit_contact
from tests.support.letters import (
    ADDRESS_LINES,
    batch_pdf,
    family_notice,
    letter_made,
    pdf_text,
    told_family,
)

pytestmark = pytest.mark.django_db


def test_an_address_as_the_referrer_typed_it_prints_as_text(
    client, screener, manager, referrer, level
):
    from tests.factories import adult_input

    contact, _ = told_family(
        referrer,
        screener,
        level,
        subjects=[
            child_input(),
            adult_input(address='<b>1 Mill Lane</b>\n<img src="http://example.com/x">York'),
        ],
    )
    letter_made(contact)
    batch = letters.print_batch_gather()
    client.force_login(manager)
    text = pdf_text(batch_pdf(client, batch).content)
    assert '<b>1 Mill Lane</b> <img src="http://example.com/x">York' in text


def test_a_corrected_address_reaches_the_letter_not_yet_printed(
    client, screener, manager, referrer, level, settings
):
    settings.NOTIFY_API_KEY = ""
    contact, _ = told_family(referrer, screener, level)
    letter_made(contact)  # made at delivery, with the referrer's address
    referral_services.family_address_set(
        actor=screener,
        contact=contact,
        addressee="Ms Dawn Harrison",
        lines=ADDRESS_LINES,
        postcode="YO8 4AA",
    )
    client.force_login(screener)
    page = client.get(reverse("screening:family-address", args=[contact.reference]))
    assert "22 Acacia Avenue" in page.text  # "Letters go to this address now"
    batch = letters.print_batch_gather()
    client.force_login(manager)
    text = pdf_text(batch_pdf(client, batch).content)
    assert "22 Acacia Avenue" in text, text[:300]
    assert "1 Mill Lane" not in text


def test_send_again_twice_makes_one_letter(client, screener, manager, referrer, level, settings):
    settings.NOTIFY_API_KEY = ""
    contact, _ = told_family(referrer, screener, level, subjects=[child_input()])
    failed = family_notice(contact)
    referral_services.family_address_set(
        actor=screener,
        contact=contact,
        addressee="Ms Dawn Harrison",
        lines=ADDRESS_LINES,
        postcode="YO8 4AA",
    )
    client.force_login(manager)
    resend = reverse("outcomes:notice-resend", args=[contact.reference, failed.pk])
    client.post(resend)
    page = client.get(reverse("outcomes:contact-notices", args=[contact.reference]))
    offered_again = "Send again<span" in page.text
    # Why not, in words, and not dressed as the link to add an address.
    assert "Cannot be sent again: It has already been sent again" in page.text
    assert ">It has already been sent again" not in page.text
    client.post(resend)
    for again in Notice.objects.filter(resend_of=failed):
        services.notice_deliver(notice_id=again.pk)
    assert not offered_again
    assert Letter.objects.filter(contact=contact).count() == 1


def test_marking_printed_only_takes_letters_someone_downloaded(
    client, screener, manager, manager_b, referrer, level
):
    open_one, _ = told_family(referrer, screener, level)
    closed_one, _ = told_family(referrer, screener, level)
    letter_made(open_one)
    closed_letter = letter_made(closed_one)
    referral_services.restriction_add(
        actor=manager_b,
        reason="A member of staff's relative: only the named manager.",
        ask=manager_b,
        allowed=[manager_b],
        review_due=timezone.localdate() + timedelta(days=30),
        contact=closed_one,
    )
    batch = letters.print_batch_gather()
    client.force_login(manager)
    batch_pdf(client, batch)  # 1 letter, not the closed one
    client.force_login(manager_b)  # never downloads
    client.post(reverse("outcomes:print-batch-printed", args=[batch.pk]))
    client.post(reverse("outcomes:print-batch-posted", args=[batch.pk]))
    closed_letter.refresh_from_db()
    closed_letter.notice.refresh_from_db()
    assert closed_letter.state == Letter.State.TO_PRINT, (
        closed_letter.state,
        closed_letter.notice.status,
    )


def test_a_referrers_address_prints_only_if_it_fits_the_window(referrer):
    from referrals.selectors_family_address import letter_address

    def parent_at(address: str, postcode: str = "YO1 7HH"):
        parent = adult_input(address=address, postcode=postcode)
        return submit_contact(referrer, subjects=[child_input(), parent])

    seven = "Flat 2\nThe Old Mill\nMill Lane\nBishopthorpe\nNear York\nNorth Yorkshire\nEngland"
    folded = letter_address(parent_at(seven))
    # Seven lines become five: the middle ones share the second, and the postcode follows.
    assert folded.lines == (
        "Flat 2",
        "The Old Mill, Mill Lane, Bishopthorpe",
        "Near York",
        "North Yorkshire",
        "England",
    )
    assert folded.as_text().endswith("England\nYO1 7HH")
    # A line the window cannot hold: nowhere to send it, so staff are asked for one.
    assert letter_address(parent_at("1 " + "Very Long Road Name " * 4 + "\nYork")) is None
    assert letter_address(parent_at("1 Mill Lane\nYork")).lines == ("1 Mill Lane", "York")
