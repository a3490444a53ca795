"""Relationships that last and the family on the screening contact page (issue 19,
parts 1 and 2): suggested from a contact's people when they are matched, confirmed,
corrected and ended by a screener over HTTP (never deleted), carried to later contacts
about the same child, shown with each person's own history in a fixed number of
queries, masked where a record is restricted, and kept off the partner member's check
page beyond the people the question is about."""

from __future__ import annotations

import datetime
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from frontdoor.models import AuditEvent
from frontdoor.nhs_numbers import nhs_number_from
from outcomes.models import DownstreamOutcome
from referrals import services as referral_services
from referrals.models import ContactSubject, MatchCandidate, Person, Relationship, WarningKind
from screening import services, services_checks
from tests.factories import adult_input, child_input, submit_contact
from tests.support.checks import consented
from tests.support.family import (
    AMELIA_NHS,
    FATHER,
    contact_page,
    family_section,
    father_link,
    first_contact,
    later_contact,
    member_history,
    relationship_post,
)
from tests.support.screening import decide

pytestmark = pytest.mark.django_db


def test_a_relationship_recorded_on_one_contact_appears_on_a_later_contact_about_the_child(
    client, screener, referrer
):
    first = first_contact(referrer)
    link = father_link()
    assert (link.kind, link.basis, link.recorded_on) == ("parent", "suggested", first)
    client.force_login(screener)
    assert relationship_post(client, first, link, action="confirm").status_code == 302

    later = later_contact(referrer)
    assert later.subjects.get().person_id == link.relative_id  # the same child, by NHS number
    page = contact_page(client, later)

    related = page.split("Related people on record", 1)[1].split("Other children", 1)[0]
    assert "Gary Harrison" in related
    assert "Parent of Amelia Harrison" in related
    # The father's earlier contact: counted, dated, and listed on asking.
    received = timezone.localtime(first.received_at)  # the page says London dates
    assert f"1 earlier contact, the latest received {received:%-d %b %Y}" in related
    history = member_history(client, later, link.person_id).text
    assert first.reference in history
    assert "Confirmed" in page.split('id="relationships"', 1)[1]


def test_matching_a_child_by_hand_brings_their_relationships_to_the_contact(
    client, screener, referrer
):
    first_contact(referrer)
    # No NHS number this time: Amelia is offered as a likely match, not linked.
    later = submit_contact(referrer, subjects=[child_input(), adult_input()])
    child = later.subjects.get(role="child")
    assert child.person_id is None
    client.force_login(screener)
    assert "Gary Harrison" not in contact_page(client, later)

    candidate = child.match_candidates.get(person__first_name="Amelia")
    referral_services.match_confirm(actor=screener, candidate=candidate)
    page = contact_page(client, later)
    assert "Gary Harrison" in page.split("Related people on record", 1)[1]
    # Dawn, on this contact, now has a suggested link to the child just matched.
    assert Relationship.objects.filter(
        person__first_name="Dawn", relative=candidate.person, basis="suggested"
    ).exists()
    assert MatchCandidate.objects.filter(decision="confirmed").count() == 1


def test_the_first_guess_reads_the_referrers_words():
    guess = referral_services.kind_guess
    assert guess(role="parent", said="Mother") == ["parent"]
    assert guess(role="other_adult", said="step-dad") == ["step_parent"]
    assert guess(role="household_member", said="half brother") == ["half_sibling"]
    assert guess(role="other_adult", said="grandmother") == ["other"]
    assert guess(role="alleged_perpetrator", said="mum's partner") == ["alleged_perpetrator"]
    assert guess(role="alleged_perpetrator", said="father") == ["parent", "alleged_perpetrator"]
    assert guess(role="carer", said="") == ["carer"]


def test_children_on_one_contact_are_suggested_as_siblings_once(referrer):
    contact = submit_contact(
        referrer,
        subjects=[
            child_input(nhs_number=AMELIA_NHS),
            child_input(first_name="Noah", date_of_birth=datetime.date(2019, 5, 1)),
        ],
    )
    assert Relationship.objects.filter(kind="sibling").count() == 1
    referral_services.relationships_suggest(actor=contact.recorded_by, contact=contact)
    assert Relationship.objects.count() == 1  # asking again adds nothing


def test_a_screener_corrects_the_kind_and_the_old_version_is_kept(client, screener, referrer):
    contact = first_contact(referrer)
    link = father_link()
    client.force_login(screener)

    response = relationship_post(client, contact, link, action="change", kind="step_parent")
    assert response.status_code == 302
    assert response.url.endswith("#family")
    link.refresh_from_db()
    assert link.ended_at is not None
    assert link.ended_by == screener
    assert link.end_reason == "Corrected to step-parent"
    corrected = link.replaced_by
    assert (corrected.kind, corrected.basis, corrected.confirmed_by) == (
        "step_parent",
        "confirmed",
        screener,
    )
    page = contact_page(client, contact)
    assert "Step-parent of" in page or "step-parent of" in page
    ended = page.split("Ended relationships", 1)[1]
    assert "Corrected to step-parent" in ended
    assert screener.full_name in ended
    # A later contact calling him "father" again does not undo the correction.
    later_contact(referrer, adult_input(**FATHER))
    assert not Relationship.objects.current().filter(kind="parent").exists()


def test_ending_needs_a_reason_and_keeps_the_relationship_as_history(client, screener, referrer):
    contact = first_contact(referrer)
    link = father_link()
    client.force_login(screener)

    refused = relationship_post(client, contact, link, action="end", reason="   ")
    assert refused.status_code == 400
    assert "Enter why the relationship has ended or was wrong" in refused.text
    assert refused.text.count("<title>Error: ") == 1

    hostile = "<script>alert(1)</script> =SUM(A1) moved out in March"
    assert relationship_post(client, contact, link, action="end", reason=hostile).status_code == 302
    link.refresh_from_db()
    assert (link.end_reason, link.ended_by) == (hostile, screener)
    assert Relationship.objects.filter(pk=link.pk).exists()  # never deleted
    page = contact_page(client, contact)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page

    # An ended relationship cannot be confirmed or ended again: it is not found.
    assert relationship_post(client, contact, link, action="confirm").status_code == 404
    changes = AuditEvent.objects.filter(record_type="person", detail__relationship=link.pk)
    assert set(changes.values_list("detail__change", flat=True)) == {"suggested", "ended"}
    assert set(changes.values_list("record_id", flat=True)) == {
        str(link.person_id),
        str(link.relative_id),
    }


def test_bad_input_to_the_relationship_forms_is_answered_not_a_500(client, screener, referrer):
    contact = first_contact(referrer)
    link = father_link()
    client.force_login(screener)
    assert relationship_post(client, contact, link, action="launch").status_code == 400
    assert relationship_post(client, contact, link, action="change", kind="").status_code == 400
    assert (
        relationship_post(client, contact, link, action="end", reason="gone\x00").status_code == 400
    )
    long = relationship_post(client, contact, link, action="end", reason="x" * 100_000)
    assert long.status_code in (400, 413)
    add = reverse("screening:relationship-add", args=[contact.reference])
    assert client.post(add, {"relationship-add-person": "nobody"}).status_code == 400
    same = {
        "relationship-add-person": link.person_id,
        "relationship-add-relative": link.person_id,
        "relationship-add-kind": "partner",
    }
    answer = client.post(add, same)
    assert answer.status_code == 400
    assert "Select two different people" in answer.text
    stranger = Person.objects.create(first_name="Not", last_name="Here")
    elsewhere = same | {"relationship-add-relative": stranger.pk}
    assert client.post(add, elsewhere).status_code == 400
    link.refresh_from_db()
    assert link.is_current
    assert link.basis == "suggested"


def test_a_screener_adds_a_relationship_between_two_people_on_the_contact(
    client, screener, referrer
):
    contact = submit_contact(
        referrer,
        subjects=[child_input(nhs_number=AMELIA_NHS), adult_input(), adult_input(**FATHER)],
    )
    dawn = contact.subjects.get(first_name="Dawn").person
    gary = contact.subjects.get(first_name="Gary").person
    client.force_login(screener)
    response = client.post(
        reverse("screening:relationship-add", args=[contact.reference]),
        {
            "relationship-add-person": dawn.pk,
            "relationship-add-kind": "partner",
            "relationship-add-relative": gary.pk,
        },
    )
    assert response.status_code == 302
    added = Relationship.objects.get(kind="partner")
    assert (added.basis, added.recorded_on, added.recorded_by) == ("confirmed", contact, screener)
    again = client.post(
        reverse("screening:relationship-add", args=[contact.reference]),
        {
            "relationship-add-person": gary.pk,
            "relationship-add-kind": "partner",
            "relationship-add-relative": dawn.pk,
        },
    )
    assert again.status_code == 400
    assert "already have a current relationship of that kind" in again.text
    assert "Partner of Gary Harrison" in contact_page(client, contact)


def _nhs(body: str) -> str:
    """A valid NHS number from nine digits (a few bodies have none: the next one)."""
    return next(n for n in (nhs_number_from(str(int(body) + i)) for i in range(10)) if n)


FIRST_NAMES = ["Oliver", "Priya", "Tomasz", "Aisha", "Callum", "Freya", "Kwame", "Ingrid"]
SURNAMES = {
    "9001": ("Pemberton", "Abernathy", "Castellano", "Drummond"),
    "9002": ("Quinlan", "Okonkwo", "Vasquez", "Lindqvist"),
}
BORN = {"9001": datetime.date(2016, 6, 1), "9002": datetime.date(2017, 9, 20)}


def _family(referrer, child: str, *, adults_on_contact: int, related: int, children: int):
    """A contact about one child (NHS number from ``child``) with this many adults on it,
    after earlier contacts relating the child to others on record (adults and other
    children), each of those people with their own earlier contact. Names differ
    enough that matching links by NHS number alone."""
    surnames = SURNAMES[child]
    the_child = child_input(
        first_name="Zara",
        last_name=surnames[0],
        date_of_birth=BORN[child],
        nhs_number=_nhs(f"{child}99900"),
    )

    def someone(kind: int, number: int, **values):
        return adult_input(
            first_name=FIRST_NAMES[number],
            last_name=surnames[kind + 1],
            nhs_number=_nhs(f"{child}{kind}{number:04d}"),
            **values,
        )

    for number in range(related):
        submit_contact(
            referrer,
            subjects=[the_child, someone(1, number, role="household_member")],
            received_at=timezone.now() - timedelta(days=100 + number),
        )
    for number in range(children):
        sibling = someone(2, number, role="child", date_of_birth=datetime.date(2013 + number, 1, 1))
        submit_contact(
            referrer,
            subjects=[the_child, sibling],
            received_at=timezone.now() - timedelta(days=50 + number),
        )
    adults = [someone(0, number) for number in range(adults_on_contact)]
    contact = submit_contact(referrer, subjects=[the_child, *adults])
    assert not ContactSubject.objects.filter(person__isnull=True).exists()
    return contact


def _page_queries(client, contact) -> int:
    with CaptureQueriesContext(connection) as queries:
        contact_page(client, contact)
    return len(queries)


def test_the_family_panel_takes_the_same_queries_for_a_family_of_2_and_of_12(
    client, screener, referrer, level
):
    small = _family(referrer, "9001", adults_on_contact=0, related=1, children=0)
    large = _family(referrer, "9002", adults_on_contact=4, related=4, children=3)
    # Their earlier contacts decided, so each history row carries a decision.
    for relative in ContactSubject.objects.filter(role="household_member", first_name="Oliver"):
        services.screening_claim(actor=screener, contact=relative.contact)
        decide(screener, relative.contact, level)
    client.force_login(screener)
    cards = "govuk-summary-card__title-wrapper"
    assert family_section(contact_page(client, small)).count(cards) == 1  # the child and one
    large_family = family_section(contact_page(client, large))
    assert large_family.count(cards) == 11  # the child and eleven
    # The seven with earlier contacts (the four adults on it are new) show them on asking.
    assert large_family.count("Show earlier contacts") == 7
    oliver = Person.objects.get(first_name="Oliver", last_name="Vasquez")
    history = member_history(client, large, oliver.pk).text
    assert history.count("Strategy discussion (s47), threshold 4: ") == 1
    assert _page_queries(client, small) == _page_queries(client, large)


def test_a_family_of_2_new_to_the_front_door_takes_the_queries_of_a_family_of_12(
    client, screener, referrer, level
):
    """The sharpest case for the bench's target: a child and their mother on a first
    contact (nobody else on record, no history, no warnings) against the family of
    twelve with relatives on record, histories and decisions."""
    pair = submit_contact(
        referrer,
        subjects=[
            child_input(first_name="Ivy", last_name="Marchbank", nhs_number=_nhs("900399900")),
            adult_input(first_name="Rose", last_name="Marchbank", nhs_number=_nhs("900399950")),
        ],
    )
    large = _family(referrer, "9002", adults_on_contact=4, related=4, children=3)
    for relative in ContactSubject.objects.filter(role="household_member", first_name="Oliver"):
        services.screening_claim(actor=screener, contact=relative.contact)
        decide(screener, relative.contact, level)
    client.force_login(screener)
    cards = "govuk-summary-card__title-wrapper"
    assert family_section(contact_page(client, pair)).count(cards) == 1  # Rose
    assert "No earlier contacts." in family_section(contact_page(client, pair))
    assert family_section(contact_page(client, large)).count(cards) == 11
    assert _page_queries(client, pair) == _page_queries(client, large)


def test_open_downstream_work_shows_beside_the_person(client, screener, manager, referrer, level):
    first = first_contact(referrer)
    services.screening_claim(actor=screener, contact=first)
    decision = decide(screener, first, level)
    services.decision_approve(actor=manager, decision=decision)
    gary = first.subjects.get(first_name="Gary")
    DownstreamOutcome.objects.create(
        contact=first,
        subject=gary,
        event=DownstreamOutcome.Event.S47_ENQUIRY,
        occurred_on=timezone.localdate() - timedelta(days=20),
        source=DownstreamOutcome.Source.FORM,
        recorded_by=manager,
    )
    later = later_contact(referrer)
    client.force_login(screener)
    related = contact_page(client, later).split("Related people on record", 1)[1]
    assert "Section 47 enquiry since" in related
    history = member_history(client, later, gary.person_id).text
    assert "Strategy discussion (s47), threshold 4: " in history


def test_a_restricted_relative_is_masked_for_those_not_named(client, screener, manager, referrer):
    from frontdoor.roles import Role
    from tests.factories import UserFactory

    first = first_contact(referrer)
    gary = first.subjects.get(first_name="Gary").person
    named = UserFactory(roles=[Role.SCREENER])
    referral_services.restriction_add(
        actor=manager,
        person=gary,
        reason="A member of staff's relative.",
        ask=manager,
        allowed=[named],
        review_due=timezone.localdate() + timedelta(days=30),
    )
    later = later_contact(referrer)
    link = father_link()

    client.force_login(screener)
    page = contact_page(client, later)
    assert "Gary" not in page
    # Amelia's own history lists that contact (as it did before); the panel does not.
    assert first.reference not in family_section(page)
    assert f"Ask {manager.full_name}" in page
    assert "A relationship with someone whose record is restricted" in page
    assert relationship_post(client, later, link, action="confirm").status_code == 403
    relationship_page = reverse("screening:relationship", args=[later.reference, link.pk])
    assert client.get(relationship_page).status_code == 403
    refused = member_history(client, later, gary.pk)
    assert refused.status_code == 403
    assert "Gary" not in refused.text
    seen = AuditEvent.objects.filter(
        actor=screener, record_type="person", record_id=str(gary.pk), action="view"
    )
    # Only the refused confirmation and pages are logged against him, as refusals.
    assert [event.detail.get("refused") for event in seen] == ["restricted"] * 3

    client.force_login(named)
    page = contact_page(client, later)
    assert "Gary Harrison" in page
    assert first.reference in page
    assert AuditEvent.objects.filter(
        actor=named, record_type="person", record_id=str(gary.pk), action="view"
    ).exists()
    assert first.reference in member_history(client, later, gary.pk).text


def test_a_partner_member_sees_the_people_the_check_is_about_and_nothing_else(
    client, screener, referrer, police, police_member
):
    first = first_contact(referrer)
    later = later_contact(referrer, adult_input())  # Dawn, the mother, is on it
    services.screening_claim(actor=screener, contact=later)
    check = services_checks.check_request(
        actor=screener,
        contact=later,
        agency=police,
        question="Anything known?",
        sharing=consented(),
    )
    client.force_login(police_member)
    page = client.get(reverse("screening:member-check", args=[check.pk])).text
    assert "Amelia Harrison" in page
    assert "Dawn Harrison" in page
    assert "Mother" in page
    assert "Gary" not in page  # related on record, not what the question is about
    assert first.reference not in page
    assert "The family" not in page
    assert "Relationships" not in page
    relationship = father_link()
    url = reverse("screening:relationship", args=[later.reference, relationship.pk])
    assert client.post(url, {}).status_code == 404
    assert client.get(url).status_code == 404
    for person in (relationship.person, relationship.relative):
        assert member_history(client, later, person.pk).status_code == 404


def test_a_relatives_warning_shows_in_the_family_panel(client, screener, referrer):
    first = first_contact(referrer)
    father = father_link().person
    referral_services.warning_set(
        actor=screener,
        person=father,
        kind=WarningKind.RISK_TO_STAFF,
        evidence="Threatened a health visitor at the door in March.",
        review_due=timezone.localdate() + timedelta(days=30),
    )
    client.force_login(screener)
    assert relationship_post(client, first, father_link(), action="confirm").status_code == 302
    later = later_contact(referrer)
    related = family_section(contact_page(client, later)).split("Related people on record", 1)[1]
    related = related.split("Other children", 1)[0]
    assert "Gary Harrison" in related
    assert "Risk to staff" in related
    assert "Threatened a health visitor at the door in March." in related
