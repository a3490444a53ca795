import re
import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from frontdoor.models import Agency
from referrals.models import Contact, ContactSubject
from referrals.services import ContactRejected, ReferrerInput, contact_submit
from tests.factories import AgencyFactory, adult_input, child_input, contact_input, submit_contact

pytestmark = pytest.mark.django_db


def test_contact_gets_a_readable_reference_and_the_referrers_census_source(referrer):
    contact = submit_contact(referrer)

    assert re.fullmatch(r"FD-\d{4}-\d{6}", contact.reference)
    assert contact.status == Contact.Status.RECEIVED
    assert contact.referral_source.code == "6"  # the factory agency is police
    assert contact.source_agency == referrer.agency
    assert contact.recorded_by == referrer


def test_references_count_up_within_a_year_and_restart_the_next(referrer):
    london = ZoneInfo("Europe/London")
    late = submit_contact(referrer, received_at=datetime(2025, 12, 31, 23, 59, tzinfo=london))
    later = submit_contact(referrer, received_at=datetime(2025, 12, 31, 23, 59, 30, tzinfo=london))
    new_year = submit_contact(referrer, received_at=datetime(2026, 1, 1, 0, 0, 1, tzinfo=london))

    assert late.reference.startswith("FD-2025-")
    assert int(later.reference[-6:]) == int(late.reference[-6:]) + 1
    assert new_year.reference == "FD-2026-000001" or new_year.reference.startswith("FD-2026-")


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_never_share_a_reference(referrer):
    references, errors = [], []

    def submit():
        try:
            references.append(submit_contact(referrer).reference)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(set(references)) == 8


def test_several_children_and_adults_keep_their_order_and_roles(referrer):
    contact = submit_contact(
        referrer,
        subjects=[
            child_input(first_name="Amelia"),
            child_input(first_name="Noah", date_of_birth=None, role=ContactSubject.Role.CHILD),
            adult_input(),
            adult_input(
                first_name="Kyle",
                last_name="Mercer",
                role=ContactSubject.Role.ALLEGED_PERPETRATOR,
                relationship_to_children="Mother's partner",
            ),
        ],
    )
    assert [s.first_name for s in contact.children] == ["Amelia", "Noah"]
    assert [s.first_name for s in contact.adults] == ["Dawn", "Kyle"]


def test_unborn_child_is_recorded_with_an_expected_date(referrer):
    from datetime import date

    contact = submit_contact(
        referrer,
        subjects=[
            child_input(
                role=ContactSubject.Role.UNBORN_CHILD,
                first_name="Unborn",
                last_name="Harrison",
                date_of_birth=None,
                expected_date_of_birth=date(2027, 3, 1),
            )
        ],
    )
    subject = contact.subjects.get()
    assert subject.person.expected_date_of_birth == date(2027, 3, 1)


def test_anonymous_member_of_the_public_through_the_contact_centre(screener):
    contact, created = contact_submit(
        actor=screener,
        data=contact_input(referrer=ReferrerInput(anonymous=True, name="ignored")),
        channel=Contact.Channel.CONTACT_CENTRE,
    )
    assert created
    assert contact.referrer is None
    assert contact.referrer_anonymous
    assert contact.referrer_name == ""
    assert contact.referral_source.code == "9"
    assert contact.recorded_by == screener


def test_named_member_of_the_public_keeps_their_census_source(screener):
    contact, _ = contact_submit(
        actor=screener,
        data=contact_input(
            referrer=ReferrerInput(
                name="Joan Smith", role="Neighbour", phone="07700 900123", referral_source_code="1B"
            )
        ),
        channel=Contact.Channel.CONTACT_CENTRE,
    )
    assert contact.referral_source.code == "1B"
    assert contact.referrer_name == "Joan Smith"


def test_email_from_an_agency_uses_that_agencys_source(screener):
    school = AgencyFactory(type=Agency.Type.EDUCATION)
    school.referral_source = school.referral_source.__class__.objects.get(code="2A")
    school.save()
    contact, _ = contact_submit(
        actor=screener,
        data=contact_input(source_agency=school),
        channel=Contact.Channel.EMAIL,
    )
    assert contact.referral_source.code == "2A"


def test_a_contact_must_be_about_a_child(referrer):
    with pytest.raises(ContactRejected, match="at least one child"):
        submit_contact(referrer, subjects=[adult_input()])
    assert not Contact.objects.exists()


def test_only_a_phone_consultation_can_end_as_advice(referrer):
    with pytest.raises(ContactRejected, match="advice only"):
        submit_contact(referrer, advice_only=True)


def test_phone_consultation_ending_as_advice_is_kept_and_closed(screener):
    contact = submit_contact(
        screener,
        channel=Contact.Channel.PHONE_CONSULTATION,
        advice_only=True,
        advice_given="Speak to the family about an early help assessment.",
    )
    assert contact.status == Contact.Status.CLOSED
    assert contact.advice_only
    assert Contact.objects.filter(advice_only=True).count() == 1


def test_the_census_code_staff_choose_wins_over_the_agency_named(screener):
    police = AgencyFactory()  # code 6
    contact, _ = contact_submit(
        actor=screener,
        data=contact_input(
            source_agency=police,
            referrer=ReferrerInput(name="Dr Patel", referral_source_code="3A"),
        ),
        channel=Contact.Channel.PHONE_CONSULTATION,
    )
    assert contact.referral_source.code == "3A"
    unnamed, _ = contact_submit(
        actor=screener,
        data=contact_input(source_agency=police, referrer=ReferrerInput(name="PC Lee")),
        channel=Contact.Channel.POLICE_NOTIFICATION,
    )
    assert unnamed.referral_source.code == "6"


def test_a_childs_census_details_go_to_a_new_person_and_fill_a_linked_ones_gaps(referrer):
    first = submit_contact(
        referrer,
        subjects=[child_input(nhs_number="9434765919", ethnicity="WBRI", disabilities=("NONE",))],
    )
    person = first.subjects.get().person
    assert (person.ethnicity, person.disabilities) == ("WBRI", ["NONE"])

    # A later contact says something else: the contact keeps what it was told, the
    # person record keeps what it already held.
    later = submit_contact(
        referrer,
        subjects=[child_input(nhs_number="9434765919", ethnicity="WIRI", disabilities=("VIS",))],
    )
    subject = later.subjects.get()
    person.refresh_from_db()
    assert subject.person == person
    assert (subject.ethnicity, subject.disabilities) == ("WIRI", ["VIS"])
    assert (person.ethnicity, person.disabilities) == ("WBRI", ["NONE"])


def test_a_linked_person_without_census_details_gets_them(referrer):
    person = submit_contact(referrer, subjects=[child_input(nhs_number="9434765919")])
    person = person.subjects.get().person
    submit_contact(referrer, subjects=[child_input(nhs_number="9434765919", ethnicity="CHNE")])
    person.refresh_from_db()
    assert (person.ethnicity, person.disabilities) == ("CHNE", [])


@pytest.mark.parametrize(
    "subject",
    [
        child_input(ethnicity="XXXX"),
        child_input(disabilities=("NONE", "MOB")),
        adult_input(ethnicity="WBRI"),
    ],
)
def test_census_details_that_break_the_rules_are_refused(referrer, subject):
    subjects = [subject] if subject.role == "child" else [child_input(), subject]
    with pytest.raises(ContactRejected):
        submit_contact(referrer, subjects=subjects)
    assert not Contact.objects.exists()
