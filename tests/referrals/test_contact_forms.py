"""The contact form's three journeys through HTTP: referral, staff-recorded, phone."""

import re

import pytest
from django.urls import reverse

from frontdoor.roles import Role
from referrals.models import Contact, ContactSubject, ReferralDraft
from tests.support.contact_forms import (
    CONCERN,
    adult,
    child,
    full_referral,
    management,
    phone_call,
    staff_referrer,
)

pytestmark = pytest.mark.django_db


def test_referrer_sends_a_referral_through_check_your_answers(client, referrer):
    client.force_login(referrer)

    response = client.post(reverse("referrals:referral-form"), full_referral())
    assert response.status_code == 302
    assert response.url == reverse("referrals:referral-check")

    check = client.get(response.url)
    assert check.status_code == 200
    assert "Check your answers" in check.text
    assert ">Noah</dd>" in check.text
    assert "12 April 2016" in check.text

    sent = client.post(reverse("referrals:referral-check"))
    contact = Contact.objects.get()
    assert sent.url == reverse("referrals:contact-sent", args=[contact.reference])
    assert contact.channel == Contact.Channel.ONLINE_FORM
    assert contact.referrer == referrer
    assert [s.first_name for s in contact.subjects.all()] == ["Amelia", "Noah", "Dawn"]
    assert contact.concern_categories == ["physical_abuse", "domestic_abuse"]
    assert not ReferralDraft.objects.exists()

    confirmation = client.get(sent.url)
    assert contact.reference in confirmation.text
    assert "within one working day" in confirmation.text


def test_errors_are_listed_and_nothing_typed_is_lost(client, referrer):
    client.force_login(referrer)
    data = full_referral()
    data["children-1-date_of_birth_1"] = "13"
    data["children-0-nhs_number"] = "123 456 7890"
    data["concern-family_awareness"] = "not_aware"

    response = client.post(reverse("referrals:referral-form"), data)

    assert response.status_code == 200
    text = response.text
    assert "There is a problem" in text
    assert "Child 2: Date of birth must be a real date" in text
    assert "Child 1: Enter a valid NHS number" in text
    assert "Enter why the family has not been told or not agreed" in text
    assert 'href="#id_children-1-date_of_birth_0"' in text
    # Everything typed is still there.
    assert 'value="Noah"' in text
    assert 'value="123 456 7890"' in text
    assert "bruising seen on her arm" in text
    assert not Contact.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("children-0-first_name", "", "Enter a first name"),
        ("children-0-date_of_birth_0", "", "Date of birth must include a day"),
        ("children-0-date_of_birth_2", "3016", "Date of birth must be today or in the past"),
        ("children-0-date_of_birth_2", "16", "Year must include 4 numbers"),
        ("children-0-postcode", "ZZ99 ZZZZ", "Enter a real postcode"),
        ("children-0-unique_pupil_number", "B801200005002", "Enter a valid Unique Pupil Number"),
        ("children-0-born", "unborn", "Enter the expected date of birth"),
        ("adults-0-role", "", "Select who this adult is"),
        ("concern-concerns", "", "Enter what you are worried about"),
        ("concern-urgency", "", "Select how soon"),
    ],
)
def test_each_field_kind_explains_its_error(client, referrer, field, value, message):
    client.force_login(referrer)
    data = full_referral()
    data[field] = value

    response = client.post(reverse("referrals:referral-form"), data)

    assert response.status_code == 200
    assert message in response.text


def test_one_nhs_number_on_two_children_is_a_message_not_a_500(client, referrer):
    client.force_login(referrer)
    data = full_referral()
    data["children-0-nhs_number"] = "943 476 5919"
    data["children-1-nhs_number"] = "9434765919"

    response = client.post(reverse("referrals:referral-form"), data)

    assert response.status_code == 200
    assert "Child 2 has the same NHS number as child 1" in response.text
    assert 'value="Noah"' in response.text


def test_a_draft_survives_signing_out_and_back_in(client, referrer):
    client.force_login(referrer)
    data = full_referral()
    data["action"] = "save"
    data["children-0-first_name"] = "Amelia-Rose"

    client.post(reverse("referrals:referral-form"), data)
    client.logout()
    client.force_login(referrer)
    response = client.get(reverse("referrals:referral-form"))

    assert 'value="Amelia-Rose"' in response.text
    assert "There is a problem" not in response.text


def test_adding_and_removing_people_keeps_the_other_answers(client, referrer):
    client.force_login(referrer)
    data = full_referral()
    data["action"] = "add_child"
    client.post(reverse("referrals:referral-form"), data)
    page = client.get(reverse("referrals:referral-form"))
    assert "Child 3" in page.text

    data = {**full_referral(), **management(children=2, adults=1), "action": "remove_children-0"}
    client.post(reverse("referrals:referral-form"), data)
    page = client.get(reverse("referrals:referral-form"))
    assert "Child 2" not in page.text
    assert 'value="Noah"' in page.text
    assert 'value="Amelia"' not in page.text


def test_another_referrer_cannot_see_my_contact(client, referrer, referrer_b):
    client.force_login(referrer)
    client.post(reverse("referrals:referral-form"), full_referral())
    client.post(reverse("referrals:referral-check"))
    reference = Contact.objects.get().reference

    client.force_login(referrer_b)
    assert client.get(reverse("referrals:contact-detail", args=[reference])).status_code == 404
    assert client.get(reverse("referrals:contact-sent", args=[reference])).status_code == 404
    assert reference not in client.get(reverse("referrals:contact-list"), follow=True).text


def test_contact_centre_records_a_member_of_the_public(client, screener):
    from frontdoor.models import ReferralSource

    client.force_login(screener)
    source = ReferralSource.objects.get(code="1B")
    data = {
        **management(),
        **child(0),
        **CONCERN,
        **staff_referrer(**{"referrer-referral_source": str(source.pk)}),
        "action": "continue",
    }
    assert client.post(reverse("referrals:staff-form"), data).status_code == 302
    client.post(reverse("referrals:staff-check"))

    contact = Contact.objects.get()
    assert contact.channel == Contact.Channel.CONTACT_CENTRE
    assert contact.referrer is None
    assert contact.referrer_name == "Joan Smith"
    assert contact.referrer_phone == "01632 960001"
    assert contact.referral_source.code == "1B"
    assert contact.recorded_by == screener


def test_staff_form_needs_a_name_unless_anonymous(client, screener):
    client.force_login(screener)
    data = {**management(), **child(0), **CONCERN, **staff_referrer(**{"referrer-name": ""})}
    response = client.post(reverse("referrals:staff-form"), data)
    assert "Enter their name, or say they did not want to give it" in response.text
    assert "Select the referral source" in response.text


def test_phone_consultation_ending_as_advice(client, screener):
    client.force_login(screener)
    client.post(reverse("referrals:phone-form"), phone_call("advice_only"))
    sent = client.post(reverse("referrals:phone-check"))

    contact = Contact.objects.get()
    assert contact.channel == Contact.Channel.PHONE_CONSULTATION
    assert contact.advice_only
    assert contact.status == Contact.Status.CLOSED
    assert "Consultation recorded" in client.get(sent.url).text


def test_phone_consultation_that_becomes_a_contact_for_screening(client, screener):
    client.force_login(screener)
    client.post(reverse("referrals:phone-form"), phone_call("screening"))
    client.post(reverse("referrals:phone-check"))

    contact = Contact.objects.get()
    assert not contact.advice_only
    assert contact.status == Contact.Status.RECEIVED
    assert contact.referral_source.code == "3A"


@pytest.mark.parametrize(
    ("persona", "url_name", "status"),
    [
        (Role.REFERRER, "referrals:referral-form", 200),
        (Role.SCREENER, "referrals:referral-form", 403),
        (Role.PERFORMANCE_VIEWER, "referrals:referral-form", 403),
        (Role.SCREENER, "referrals:staff-form", 200),
        (Role.MANAGER, "referrals:phone-form", 200),
        (Role.PARTNER_AGENCY_MEMBER, "referrals:phone-form", 403),
        (Role.PARTNER_AGENCY_MEMBER, "referrals:contact-list", 403),
        (Role.REFERRER, "referrals:staff-form", 403),
        (Role.REFERRER, "referrals:phone-form", 403),
        (Role.PERFORMANCE_VIEWER, "referrals:contact-list", 403),
        (Role.ADMINISTRATOR, "referrals:contact-list", 403),
        (Role.REFERRER, "referrals:people-search", 403),
        (Role.SCREENER, "referrals:people-search", 200),
    ],
    indirect=["persona"],
)
def test_who_may_open_each_form(client, persona, url_name, status):
    client.force_login(persona)
    assert client.get(reverse(url_name)).status_code == status


def test_screener_confirms_a_likely_match(client, screener, referrer):
    from tests.factories import PersonFactory, child_input, submit_contact

    amelia = PersonFactory(first_name="Amelia", last_name="Harrison")
    contact = submit_contact(
        referrer, subjects=[child_input(last_name="Harisson", date_of_birth=amelia.date_of_birth)]
    )
    subject = contact.subjects.get()
    candidate = subject.match_candidates.get()
    client.force_login(screener)

    page = client.get(reverse("referrals:contact-detail", args=[contact.reference]))
    assert "Is Amelia Harisson one of these people?" in page.text

    client.post(
        reverse("referrals:subject-match", args=[contact.reference, subject.pk]),
        {"candidate": str(candidate.pk)},
    )
    subject.refresh_from_db()
    assert subject.person == amelia
    assert subject.match_status == ContactSubject.MatchStatus.CONFIRMED
    amelia.refresh_from_db()
    assert "Amelia Harisson" in amelia.aliases


def test_screener_rejects_all_candidates_and_starts_a_new_record(client, screener, referrer):
    from tests.factories import PersonFactory, child_input, submit_contact

    amelia = PersonFactory(first_name="Amelia", last_name="Harrison")
    contact = submit_contact(
        referrer, subjects=[child_input(last_name="Harisson", date_of_birth=amelia.date_of_birth)]
    )
    subject = contact.subjects.get()
    client.force_login(screener)

    client.post(
        reverse("referrals:subject-match", args=[contact.reference, subject.pk]),
        {"candidate": "none"},
    )
    subject.refresh_from_db()
    assert subject.person != amelia
    assert subject.match_status == ContactSubject.MatchStatus.NEW_PERSON


def test_referrer_cannot_match_people(client, referrer):
    from tests.factories import submit_contact

    contact = submit_contact(referrer)
    subject = contact.subjects.get()
    client.force_login(referrer)
    response = client.post(
        reverse("referrals:subject-match", args=[contact.reference, subject.pk]),
        {"candidate": "none"},
    )
    assert response.status_code == 403


def test_contact_page_shows_each_childs_earlier_contacts(client, screener, referrer):
    from tests.factories import child_input, submit_contact

    first = submit_contact(referrer, subjects=[child_input(nhs_number="9434765919")])
    second = submit_contact(referrer, subjects=[child_input(nhs_number="9434765919")])
    client.force_login(screener)

    page = client.get(reverse("referrals:contact-detail", args=[second.reference]))

    assert first.reference in page.text
    assert "Repeat contact" in page.text


def test_people_search_finds_by_name_either_way_round_without_names_in_urls(client, screener):
    from tests.factories import PersonFactory

    amelia = PersonFactory(first_name="Amelia", last_name="Harrison")
    PersonFactory(first_name="Oliver", last_name="Bennett")
    client.force_login(screener)

    response = client.post(reverse("referrals:people-search"), {"name": "Harrison Amelia"})

    assert reverse("referrals:person-detail", args=[amelia.pk]) in response.text
    assert "Oliver" not in response.text
    person_page = client.get(reverse("referrals:person-detail", args=[amelia.pk]))
    assert person_page.status_code == 200


def test_people_search_says_when_there_are_more_than_it_shows(client, screener):
    """A page holds 20: with 21 found it says 21, shows 20 and offers the next page
    (by POST), never "20 people found" of 21. Past 200 it says "more than 200"
    (tests/referrals/test_search.py)."""
    from tests.factories import PersonFactory

    PersonFactory.create_batch(21, first_name="Amelia", last_name="Harrison")
    client.force_login(screener)

    page = client.post(reverse("referrals:people-search"), {"name": "Amelia Harrison"}).text

    assert "21 people found" in page
    assert "Showing 1 to 20, closest match first" in page
    assert "20 people found" not in page
    person_link = re.escape(reverse("referrals:person-detail", args=[0])).replace("0", r"\d+")
    assert len(re.findall(person_link, page)) == 20
    second = client.post(
        reverse("referrals:people-search"), {"name": "Amelia Harrison", "page": "2"}
    ).text
    assert "Showing 21 to 21" in second
    assert len(re.findall(person_link, second)) == 1


def test_people_search_counts_exactly_up_to_its_limit(client, screener):
    from tests.factories import PersonFactory

    PersonFactory.create_batch(20, first_name="Amelia", last_name="Harrison")
    client.force_login(screener)

    page = client.post(reverse("referrals:people-search"), {"name": "Amelia Harrison"}).text

    assert "20 people found" in page
    assert "More than" not in page


def test_contact_list_query_count_does_not_grow_with_rows(
    client, screener, referrer, django_assert_max_num_queries
):
    from tests.factories import submit_contact

    for _ in range(3):
        submit_contact(referrer)
    client.force_login(screener)
    with django_assert_max_num_queries(14) as few:
        client.get(reverse("referrals:contact-list"))
    for _ in range(10):
        submit_contact(referrer)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("referrals:contact-list"))


def test_a_referral_can_name_several_kinds_of_concern(client, referrer):
    """Kinds of concern are checkboxes, not radios: a child can be at more than one risk."""
    client.force_login(referrer)
    page = client.get(reverse("referrals:referral-form"))
    assert 'name="concern-concern_categories" type="checkbox"' in page.text
    data = full_referral() | {"concern-concern_categories": ["physical_abuse", "neglect"]}
    assert client.post(reverse("referrals:referral-form"), data).status_code == 302
    client.post(reverse("referrals:referral-check"))
    contact = Contact.objects.get()
    assert sorted(contact.concern_categories) == ["neglect", "physical_abuse"]


# --- Plausible dates (issue 16, finding 6): the same rules as the API ------------------


def _years_ago(years):
    from django.utils import timezone

    today = timezone.localdate()
    return (str(today.day), str(today.month), str(today.year - years))


@pytest.mark.parametrize(
    ("people", "message"),
    [
        (child(0, dob=_years_ago(30)), "for a child: check the year"),
        (child(0, dob=("1", "1", "9999")), "must be today or in the past"),
        (
            child(0, born="unborn", dob=("", "", ""))
            | {
                "children-0-expected_date_of_birth_0": "1",
                "children-0-expected_date_of_birth_1": "1",
                "children-0-expected_date_of_birth_2": "2099",
            },
            "Expected date of birth must be before",
        ),
        (
            child(0) | adult(0, date_of_birth_0="1", date_of_birth_1="1", date_of_birth_2="1850"),
            "must be between 1 January 1900",
        ),
    ],
)
def test_an_implausible_date_is_a_message_on_its_field(client, referrer, people, message):
    client.force_login(referrer)
    adults = 1 if "adults-0-role" in people else 0
    data = {**management(children=1, adults=adults), **people, **CONCERN, "action": "continue"}

    response = client.post(reverse("referrals:referral-form"), data)

    assert response.status_code == 200
    assert message in response.text
    assert "bruising seen on her arm" in response.text


def test_an_adult_may_be_older_than_any_child(client, referrer):
    client.force_login(referrer)
    data = {
        **management(children=1, adults=1),
        **child(0),
        **adult(0, date_of_birth_0="1", date_of_birth_1="6", date_of_birth_2="1950"),
        **CONCERN,
        "action": "continue",
    }
    response = client.post(reverse("referrals:referral-form"), data)
    assert response.status_code == 302


def test_a_referrers_old_list_address_leads_to_their_one_list_of_referrals(client, referrer):
    """A referrer has one list of their referrals, with what became of each; the address
    of the list they used to have still works."""
    client.force_login(referrer)
    response = client.get(reverse("referrals:contact-list") + "?page=2")
    assert response.status_code == 302
    assert response["Location"] == reverse("outcomes:my-referrals") + "?page=2"
