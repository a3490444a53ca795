"""The child's voice: taken on the contact forms and the partner API, checked for
sense, shown on the screening page beside Signs of Safety, and read back by the API."""

from datetime import date

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from frontdoor.models import ReferralSource
from frontdoor.roles import Role
from referrals import services
from referrals.models import Contact
from referrals.services import api_client_create
from tests.factories import UserFactory, child_input, submit_contact
from tests.support.checks import consented
from tests.support.contact_forms import CONCERN, child, management, staff_referrer
from tests.support.partner_api import VALID

pytestmark = pytest.mark.django_db

SAID = "Mum's boyfriend shouts and I hide under the bed <script>alert(1)</script> =SUM(A1)"
SEEN = {
    "child_seen": "yes",
    "child_seen_on_0": "20",
    "child_seen_on_1": "11",
    "child_seen_on_2": "2026",
    "child_seen_by": "Sam Jones, class teacher",
    "child_said": SAID,
}


def _referral(**voice):
    return {**management(), **child(0, **voice), **CONCERN, "action": "continue"}


def test_a_referrer_gives_the_childs_words_and_the_screener_reads_them(client, referrer, screener):
    client.force_login(referrer)
    assert client.post(reverse("referrals:referral-form"), _referral(**SEEN)).status_code == 302
    check = client.get(reverse("referrals:referral-check")).text
    assert "Sam Jones, class teacher" in check
    assert "What they said" in check
    client.post(reverse("referrals:referral-check"))
    subject = Contact.objects.get().subjects.get()
    assert subject.child_seen is True
    assert subject.child_said == SAID
    assert subject.child_seen_on.isoformat() == "2026-11-20"

    client.force_login(screener)
    page = client.get(reverse("screening:contact", args=[subject.contact.reference])).text
    voice, sos = (
        page.index("The child\N{RIGHT SINGLE QUOTATION MARK}s voice"),
        page.index('id="signs-of-safety"'),
    )
    assert voice < sos
    assert "Mum&#x27;s boyfriend shouts and I hide under the bed &lt;script&gt;" in page
    assert "<script>alert(1)" not in page
    assert "Sam Jones, class teacher" in page[voice:sos]


def test_staff_record_why_a_child_was_not_spoken_to(client, screener):
    client.force_login(screener)
    reason = {"child_seen": "no", "child_not_seen_reason": "Too young: she is 8 months old."}
    source = ReferralSource.objects.get(code="1B").pk
    body = {**_referral(**reason), **staff_referrer(**{"referrer-referral_source": source})}
    assert client.post(reverse("referrals:staff-form"), body).status_code == 302
    client.post(reverse("referrals:staff-check"))
    subject = Contact.objects.get().subjects.get()
    assert subject.child_seen is False
    assert subject.child_not_seen_reason == "Too young: she is 8 months old."


@pytest.mark.parametrize(
    ("voice", "field", "message"),
    [
        ({"child_said": "He said nothing"}, "child_seen", "Select yes or no"),
        ({"child_seen": "yes"}, "child_said", "Enter what the child said"),
        ({"child_seen": "yes", "child_said": "Hi"}, "child_seen_by", "Enter who saw"),
        ({"child_seen": "no"}, "child_not_seen_reason", "Enter why the child was not seen"),
        (
            {"child_seen": "no", "child_not_seen_reason": "Asleep", "child_said": "Hello"},
            "child_said",
            "Leave this blank",
        ),
        (
            {**SEEN, "child_not_seen_reason": "Too young"},
            "child_not_seen_reason",
            "Leave why not blank",
        ),
        ({**SEEN, "child_seen_on_2": "2099"}, "child_seen_on", "today or in the past"),
        (
            {**SEEN, "child_seen_on_2": "2015"},
            "child_seen_on",
            "on or after the child&#x27;s date of birth, 12 April 2016",
        ),
        (
            {k: v for k, v in SEEN.items() if not k.startswith("child_seen_on")},
            "child_seen_on",
            "Enter the date they were seen or spoken to",
        ),
        ({**SEEN, "child_said": "a\x00b"}, "child_said", "Null characters are not allowed"),
    ],
)
def test_said_and_why_not_must_agree_with_seen(client, referrer, voice, field, message):
    client.force_login(referrer)
    response = client.post(reverse("referrals:referral-form"), _referral(**voice))
    assert response.status_code == 200
    assert f'id="id_children-0-{field}' in response.text
    assert message in response.text
    assert not Contact.objects.exists()


def test_an_over_long_childs_words_get_one_error_not_two(client, referrer):
    client.force_login(referrer)
    response = client.post(
        reverse("referrals:referral-form"), _referral(**{**SEEN, "child_said": "x" * 100_000})
    )
    assert response.status_code == 200
    assert "characters or fewer" in response.text
    assert "Enter what the child said" not in response.text


def test_the_service_refuses_a_voice_that_does_not_agree(referrer):
    for given in (
        # Seen, but not when: a screener could not tell how fresh the words are.
        child_input(child_seen=True, child_seen_by="Teacher", child_said="Hi"),
        child_input(
            child_seen=True,
            child_seen_on=date(2015, 1, 1),  # before her birth on 12 April 2016
            child_seen_by="Teacher",
            child_said="Hi",
        ),
        child_input(child_seen=True, child_said="", child_seen_by="Teacher"),
        child_input(child_seen=False),
        child_input(child_seen=None, child_said="Words with no answer"),
        child_input(child_seen=False, child_not_seen_reason="Asleep", child_said="Hi"),
    ):
        with pytest.raises(services.ContactRejected):
            submit_contact(referrer, subjects=[given])
    assert not Contact.objects.exists()


@pytest.fixture
def partner(db):
    account = UserFactory(roles=[Role.REFERRER], email="feed@police.example")
    _, token = api_client_create(name="Police feed", account=account)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return api


def _api_body(voice):
    first, unborn = VALID["children"]
    return {**VALID, "children": [{**first, "voice": voice}, unborn]}


def test_the_childs_voice_round_trips_through_the_partner_api(partner, screener, client):
    voice = {
        "seen": True,
        "seen_on": "2026-11-21",
        "seen_by": "PC Jane Doe",
        "said": "I was scared when the door got broken.",
    }
    sent = partner.post(
        reverse("api-contact-create"), _api_body(voice), format="json", HTTP_IDEMPOTENCY_KEY="v1"
    )
    assert sent.status_code == 201, sent.json()
    expected = {"child": 1, "not_seen_reason": "", **voice}
    assert sent.json()["voices"] == [expected]
    reference = sent.json()["reference"]
    read = partner.get(reverse("api-contact-detail", args=[reference]))
    assert read.json()["voices"] == [expected]
    client.force_login(screener)
    assert (
        "I was scared when the door got broken."
        in client.get(reverse("screening:contact", args=[reference])).text
    )


@pytest.mark.parametrize(
    ("voice", "field"),
    [
        ({"seen": True, "said": "Hello"}, "seen_by"),
        ({"seen": False}, "not_seen_reason"),
        ({"seen": False, "not_seen_reason": "Asleep", "said": "Hi"}, "said"),
        ({"seen": True, "seen_by": "PC", "said": "Hi", "not_seen_reason": "x"}, "not_seen_reason"),
        ({"seen": True, "seen_by": "PC", "said": "x" * 100_000}, "said"),
        ({"seen": True, "seen_by": "PC", "said": "Hi"}, "seen_on"),
        ({"seen": True, "seen_on": "2015-01-01", "seen_by": "PC", "said": "Hi"}, "seen_on"),
        ({"seen": True, "seen_on": "2099-01-01", "seen_by": "PC", "said": "Hi"}, "seen_on"),
        ({"seen": True, "seen_on": "1850-01-01", "seen_by": "PC", "said": "Hi"}, "seen_on"),
    ],
)
def test_the_api_names_the_field_that_does_not_agree(partner, voice, field):
    response = partner.post(
        reverse("api-contact-create"), _api_body(voice), format="json", HTTP_IDEMPOTENCY_KEY="v2"
    )
    assert response.status_code == 400
    assert field in response.json()["children"]["0"]["voice"]
    assert not Contact.objects.exists()


def _heard(referrer):
    """A contact whose child was seen, in an exploitation concern (a complex case)."""
    return submit_contact(
        referrer,
        concern_categories=["child_exploitation"],
        subjects=[
            child_input(
                child_seen=True,
                child_seen_on=date(2026, 11, 20),
                child_seen_by="Sam Jones, class teacher",
                child_said="The older boys give me money to carry bags.",
            )
        ],
    )


def test_another_referrer_gets_404_on_the_contact_with_the_childs_words(
    client, referrer, referrer_b
):
    contact = _heard(referrer)
    client.force_login(referrer)
    own = client.get(reverse("referrals:contact-detail", args=[contact.reference]))
    assert own.status_code == 200
    client.force_login(referrer_b)
    for name in ("referrals:contact-detail", "outcomes:my-referral"):
        response = client.get(reverse(name, args=[contact.reference]))
        assert response.status_code == 404, name
        assert "carry bags" not in response.text


def test_a_partner_member_never_reads_the_childs_words(client, referrer, screener, police_member):
    from datetime import time

    from screening import services as screening_services
    from screening import services_checks
    from screening.meetings import services as meeting_services

    contact = _heard(referrer)
    screening_services.screening_claim(actor=screener, contact=contact)
    check = services_checks.check_request(
        actor=screener,
        contact=contact,
        agency=police_member.agency,
        question="Known?",
        sharing=consented(),
    )
    run, _ = meeting_services.complex_case_run(meeting_date=date(2026, 11, 23), slot=time(9, 30))
    client.force_login(screener)
    assert "carry bags" in client.get(reverse("screening:contact", args=[contact.reference])).text

    client.force_login(police_member)
    for url in (
        reverse("screening:member-check", args=[check.pk]),
        reverse("screening:meeting", args=[run.pk]),
        reverse("screening:meeting-print", args=[run.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Amelia Harrison" in response.text, url  # the case, in full for the police
        assert "carry bags" not in response.text, url
        assert "Sam Jones, class teacher" not in response.text, url
