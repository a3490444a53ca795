"""The census report's children link to their records for those who may open them,
and a screener can add or correct a child's UPN after intake (issue 17)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from frontdoor.models import AuditEvent
from outcomes.models import CensusExport
from referrals import services as referral_services
from referrals.models import ContactSubject, Person
from tests.factories import child_input, submit_contact

pytestmark = pytest.mark.django_db

UPN = "H801200001001"  # a valid check letter
WRONG_CHECK_LETTER = "A801200001001"


def _child(referrer, first_name: str, last_name: str, born: date) -> ContactSubject:
    contact = submit_contact(
        referrer,
        subjects=[child_input(first_name=first_name, last_name=last_name, date_of_birth=born)],
    )
    return contact.subjects.get()


def _checked_export(children: list[str]) -> CensusExport:
    """An export as the validator leaves it, with a query about each child."""
    issues = [
        {
            "kind": "query",
            "rule": "8925Q",
            "message": "Please check: UPN is missing",
            "child": child,
            "table": "ChildIdentifiers",
            "field": "UPN",
            "value": "",
        }
        for child in children
    ]
    return CensusExport.objects.create(
        year=2026,
        xml=b"<Message/>",
        children=len(children),
        episodes=len(children),
        status=CensusExport.Status.CHECKED,
        ruleset="cin2025_26",
        errors=0,
        queries=len(children),
        report={"issues": issues, "return_level": [], "rules_run": 1, "rules_that_crashed": []},
        checked_at=timezone.now(),
    )


@pytest.fixture
def children(referrer, manager, screener):
    """Three children: one open, one whose person record is restricted to the manager
    and the screener, one not matched to a person (its census id is the subject's)."""
    open_child = _child(referrer, "Amelia", "Harrison", date(2016, 4, 12))
    restricted = _child(referrer, "Oliver", "Bennett", date(2014, 9, 3))
    referral_services.restriction_add(
        actor=manager,
        person=restricted.person,
        reason="A member of staff's family.",
        ask=manager,
        allowed=[screener],
        review_due=timezone.localdate() + timedelta(days=30),
    )
    unmatched = _child(referrer, "Isla", "Okafor", date(2019, 1, 20))
    return open_child, restricted, unmatched


def _codes(open_child, restricted, unmatched) -> tuple[str, str, str]:
    return f"P{open_child.person_id}", f"P{restricted.person_id}", f"S{unmatched.pk}"


def _link_to(code: str, url: str) -> str:
    return f'href="{url}">{code}<'


def test_the_census_report_links_each_child_its_reader_may_open(
    client, children, manager, manager_b, screener
):
    open_child, restricted, unmatched = children
    codes = _codes(*children)
    export = _checked_export(list(codes))
    person_url = reverse("referrals:person-detail", args=[open_child.person_id])
    restricted_url = reverse("referrals:person-detail", args=[restricted.person_id])
    subject_url = (
        reverse("referrals:contact-detail", args=[unmatched.contact.reference])
        + f"#subject-{unmatched.pk}"
    )

    client.force_login(manager)  # named on the restriction
    page = client.get(reverse("outcomes:census-export", args=[export.pk])).text
    assert _link_to(codes[0], person_url) in page
    assert _link_to(codes[1], restricted_url) in page
    assert _link_to(codes[2], subject_url) in page

    client.force_login(manager_b)  # not named: the code, without a link
    page = client.get(reverse("outcomes:census-export", args=[export.pk])).text
    assert _link_to(codes[0], person_url) in page
    assert restricted_url not in page
    assert f">{codes[1]}</td>" in page


def test_a_performance_viewer_reads_the_codes_without_links(client, children, performance_viewer):
    codes = _codes(*children)
    export = _checked_export(list(codes))
    client.force_login(performance_viewer)
    page = client.get(reverse("outcomes:census-export", args=[export.pk])).text
    for code in codes:
        assert f">{code}</td>" in page
    assert reverse("referrals:person-detail", args=[children[0].person_id]) not in page


def test_a_screener_adds_a_childs_upn_after_intake_and_it_is_audited(client, children, screener):
    open_child, _, _ = children
    person = open_child.person
    url = reverse("referrals:person-upn", args=[person.pk])
    client.force_login(screener)
    assert (
        "Add the Unique Pupil Number"
        in client.get(reverse("referrals:person-detail", args=[person.pk])).text
    )

    wrong = client.post(url, {"unique_pupil_number": WRONG_CHECK_LETTER})
    assert wrong.status_code == 200
    assert "Enter a valid Unique Pupil Number" in wrong.text
    assert f'value="{WRONG_CHECK_LETTER}"' in wrong.text  # what they typed is kept
    assert "<title>Error: " in wrong.text
    person.refresh_from_db()
    assert person.unique_pupil_number == ""

    saved = client.post(url, {"unique_pupil_number": UPN.lower()})
    assert saved.status_code == 302
    person.refresh_from_db()
    assert person.unique_pupil_number == UPN
    event = AuditEvent.objects.get(
        actor=screener,
        action=AuditEvent.Action.CHANGE,
        record_type="person",
        record_id=str(person.pk),
        via="referrals.person_upn_set",
    )
    assert event.detail == {"fields": ["unique_pupil_number"], "was": "blank"}
    assert UPN not in str(event.detail)  # the number itself is not copied into the log
    page = client.get(saved["Location"]).text
    assert UPN in page
    assert "Correct the Unique Pupil Number" in page


def test_a_upn_is_only_changed_by_screening_staff_who_may_open_the_record(
    client, children, referrer, performance_viewer, manager_b
):
    open_child, restricted, _ = children
    for who, person, status in (
        (referrer, open_child.person, 404),
        (performance_viewer, open_child.person, 404),
        (manager_b, restricted.person, 403),
    ):
        client.force_login(who)
        response = client.post(
            reverse("referrals:person-upn", args=[person.pk]), {"unique_pupil_number": UPN}
        )
        assert response.status_code == status
    assert not Person.objects.filter(unique_pupil_number=UPN).exists()


def test_an_adults_record_has_no_upn_to_add(client, screener):
    from tests.factories import PersonFactory

    adult = PersonFactory(date_of_birth=date(1985, 3, 2))  # on no contact as a child
    client.force_login(screener)
    page = client.get(reverse("referrals:person-detail", args=[adult.pk])).text
    assert "Unique Pupil Number" not in page

    refused = client.post(
        reverse("referrals:person-upn", args=[adult.pk]), {"unique_pupil_number": UPN}
    )
    assert refused.status_code == 200
    assert "Only a child on a contact has a Unique Pupil Number." in refused.text
    adult.refresh_from_db()
    assert adult.unique_pupil_number == ""
