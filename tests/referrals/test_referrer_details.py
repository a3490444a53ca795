"""Who sent a contact and how to reach them: shown on every contact (with tel: and mailto:
links), asked on the referral form where the account lacks it, taken from the partner
API's referrer block, and the phone number a referrer keeps on their own account."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from frontdoor.models import AuditEvent, ReferralSource
from frontdoor.roles import Role
from referrals.models import Contact
from referrals.services import ReferrerInput, api_client_create
from tests.factories import UserFactory, contact_input, submit_contact
from tests.support.contact_forms import full_referral, phone_call, staff_referrer
from tests.support.partner_api import VALID

pytestmark = pytest.mark.django_db


def _screening(client, user, contact):
    client.force_login(user)
    page = client.get(reverse("screening:contact", args=[contact.reference]))
    assert page.status_code == 200
    start = page.text.index('id="referrer-heading"')
    return page.text[start : page.text.index("</dl>", start)]


@pytest.fixture
def rita(db):
    return UserFactory(
        roles=[Role.REFERRER],
        full_name="Rita Okafor",
        email="rita@riverside-primary.example",
        job_title="Designated safeguarding lead",
        phone="01632 960123",
    )


def test_an_online_referral_shows_the_referrer_with_links_to_call_and_email(client, screener, rita):
    contact = submit_contact(rita)
    shown = _screening(client, screener, contact)
    for words in (
        "Rita Okafor",
        "Designated safeguarding lead",
        rita.agency.name,
        'href="tel:+441632960123"',
        ">01632 960123<",
        'href="mailto:rita@riverside-primary.example"',
    ):
        assert words in shown
    # What the account said when it was sent is kept on the contact.
    contact.refresh_from_db()
    assert (contact.referrer_name, contact.referrer_role, contact.referrer_phone) == (
        "Rita Okafor",
        "Designated safeguarding lead",
        "01632 960123",
    )
    # The contact's own page shows the same.
    client.force_login(screener)
    detail = client.get(reverse("referrals:contact-detail", args=[contact.reference])).text
    assert 'href="tel:+441632960123"' in detail


def test_a_number_changed_since_is_shown_beside_the_one_given(client, screener, rita):
    contact = submit_contact(rita)
    rita.phone = "020 7946 0018"
    rita.save()
    shown = _screening(client, screener, contact)
    assert shown.index("020 7946 0018") < shown.index("01632 960123")
    assert "on their account now" in shown
    assert "given with this referral" in shown


def test_the_referral_form_asks_only_what_the_account_lacks(client):
    bare = UserFactory(roles=[Role.REFERRER], job_title="", phone="")
    client.force_login(bare)
    form = client.get(reverse("referrals:referral-form")).text
    assert 'name="referrer-your_job_title"' in form
    assert 'name="referrer-your_phone"' in form
    missing = client.post(reverse("referrals:referral-form"), full_referral())
    assert missing.status_code == 200
    assert "Enter your job title" in missing.text
    assert "Enter a telephone number the front door can call you on" in missing.text
    wrong = client.post(
        reverse("referrals:referral-form"),
        {**full_referral(), "referrer-your_job_title": "DSL", "referrer-your_phone": "+33 1 23"},
    )
    assert "Enter a UK telephone number" in wrong.text
    given = {
        **full_referral(),
        "referrer-your_job_title": "Head teacher",
        "referrer-your_phone": "07700 900 982",
    }
    assert client.post(reverse("referrals:referral-form"), given).status_code == 302
    check = client.get(reverse("referrals:referral-check")).text
    assert "Your details" in check
    assert "07700 900982" in check
    client.post(reverse("referrals:referral-check"))
    contact = Contact.objects.get(referrer=bare)
    assert contact.referrer_role == "Head teacher"
    assert contact.referrer_phone == "07700 900982"
    # An account that has both is asked neither.
    has_both = UserFactory(roles=[Role.REFERRER])
    client.force_login(has_both)
    assert "your_phone" not in client.get(reverse("referrals:referral-form")).text


def test_a_staff_recorded_contact_shows_what_staff_were_told(client, screener):
    client.force_login(screener)
    source = ReferralSource.objects.get(code="1B")
    data = {**full_referral(), **staff_referrer(**{"referrer-referral_source": str(source.pk)})}
    assert client.post(reverse("referrals:staff-form"), data).status_code == 302
    client.post(reverse("referrals:staff-check"))
    contact = Contact.objects.get(channel=Contact.Channel.CONTACT_CENTRE)
    shown = _screening(client, screener, contact)
    assert "Joan Smith" in shown
    assert "Neighbour" in shown
    assert 'href="tel:+441632960001"' in shown
    assert "Not given" in shown  # no email


def test_a_phone_consultation_needs_a_way_to_call_back(client, screener):
    client.force_login(screener)
    no_way_back = {**phone_call("screening"), "referrer-phone": ""}
    nothing = client.post(reverse("referrals:phone-form"), no_way_back)
    assert nothing.status_code == 200
    assert "Enter a telephone number or email address" in nothing.text
    given = {**no_way_back, "referrer-email": "asha.patel@nhs.example"}
    assert client.post(reverse("referrals:phone-form"), given).status_code == 302


def test_an_anonymous_contact_says_so_and_an_unreachable_one_says_why(client, screener):
    anonymous, _ = _submit(screener, ReferrerInput(anonymous=True))
    assert "Anonymous" in _screening(client, screener, anonymous)
    nameless, _ = _submit(screener, ReferrerInput(name="A neighbour"))
    client.force_login(screener)
    page = client.get(reverse("screening:contact", args=[nameless.reference])).text
    assert "the front door cannot reach the referrer" in page


def _submit(actor, referrer):
    from referrals.services import contact_submit

    return contact_submit(
        actor=actor,
        data=contact_input(referrer=referrer),
        channel=Contact.Channel.CONTACT_CENTRE,
    )


def test_the_partner_api_referrer_block_is_shown_and_read_back(client, screener):
    feed = UserFactory(roles=[Role.REFERRER], full_name="Police feed account", phone="")
    _, token = api_client_create(name="Police feed", account=feed)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    body = {**VALID, "referrer": {**VALID["referrer"], "email": "jane.doe@police.example"}}
    sent = api.post(
        reverse("api-contact-create"), body, format="json", HTTP_IDEMPOTENCY_KEY="inc-1"
    )
    assert sent.status_code == 201, sent.json()
    assert sent.json()["referrer"] == {
        "name": "PC Jane Doe",
        "role": "Officer in case",
        "agency": feed.agency.name,
        "phone": "01632 960001",
        "email": "jane.doe@police.example",
    }
    contact = Contact.objects.get(reference=sent.json()["reference"])
    shown = _screening(client, screener, contact)
    assert "PC Jane Doe" in shown
    assert "Police feed account" not in shown  # the system's account is not the person
    assert "Police feed (partner system)" in shown
    assert 'href="tel:+441632960001"' in shown
    assert 'href="mailto:jane.doe@police.example"' in shown
    read = api.get(reverse("api-contact-detail", args=[contact.reference]))
    assert read.json()["referrer"]["name"] == "PC Jane Doe"


def test_the_referrer_sees_their_own_details_and_may_change_their_number(client, rita):
    contact = submit_contact(rita)
    client.force_login(rita)
    mine = client.get(reverse("outcomes:my-referral", args=[contact.reference])).text
    assert "Your details on this referral" in mine
    assert f'href="{reverse("account-phone")}"' in mine
    home = client.get(reverse("home")).text
    assert "01632 960123" in home
    assert f'href="{reverse("account-phone")}"' in home


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("call me", "Enter a UK telephone number"),
        ("+33 1 23 45 67 89", "Enter a UK telephone number"),
        ("01234", "Enter a UK telephone number"),
        ("0163\x002 960 001", "Enter a UK telephone number"),
        ("<script>alert(1)</script>", "Enter a UK telephone number"),
        ("=SUM(A1)", "Enter a UK telephone number"),
        ("0" * 31, "30 characters or fewer"),
    ],
)
def test_a_number_that_is_not_a_uk_phone_number_is_refused(client, rita, typed, message):
    client.force_login(rita)
    response = client.post(reverse("account-phone"), {"phone": typed})
    assert response.status_code == 400
    assert message in response.text
    assert "<title>Error: " in response.text
    assert "<script>alert(1)</script>" not in response.text
    rita.refresh_from_db()
    assert rita.phone == "01632 960123"


def test_a_referrer_changes_and_removes_their_number_audited(client, rita):
    client.force_login(rita)
    page = client.get(reverse("account-phone"))
    assert page.status_code == 200
    assert 'value="01632 960123"' in page.text
    changed = client.post(reverse("account-phone"), {"phone": "+44 (0)7700 900 982"})
    assert changed.status_code == 302
    rita.refresh_from_db()
    assert rita.phone == "07700 900982"
    removed = client.post(reverse("account-phone"), {"phone": ""})
    assert removed.status_code == 302
    rita.refresh_from_db()
    assert rita.phone == ""
    audits = AuditEvent.objects.filter(
        actor=rita, record_type="user", record_id=str(rita.pk), via="account:phone"
    ).order_by("occurred_at")
    assert [event.detail["change"] for event in audits] == ["changed", "removed"]
    # The number itself is personal data: never in the audit trail.
    assert all("07700" not in str(event.detail) for event in audits)
