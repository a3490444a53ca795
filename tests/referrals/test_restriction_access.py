"""A restriction means only the named people see anything (issue 16, finding 2):
who may lift one, and what person search and the likely-matches panel show to
everyone else."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from frontdoor.models import AuditEvent
from frontdoor.roles import Role
from referrals import selectors, services
from referrals.models import ContactSubject, Restriction
from tests.factories import PersonFactory, UserFactory, child_input, submit_contact

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(db):
    return UserFactory(roles=[Role.SCREENER], full_name="Chris Colleague")


@pytest.fixture
def head_of_service(db):
    """A senior manager: the manager role plus the head-of-service role."""
    return UserFactory(roles=[Role.MANAGER, Role.HEAD_OF_SERVICE], full_name="Hana Head")


def _restrict(manager, *, contact=None, person=None, allowed=()):
    return services.restriction_add(
        actor=manager,
        contact=contact,
        person=person,
        reason="The family of a member of staff, Ms Example.",
        ask=manager,
        allowed=list(allowed),
        review_due=timezone.localdate() + timedelta(days=30),
    )


def _lift(client, restriction, **extra):
    return client.post(
        reverse("referrals:restrictions"),
        {"restriction": restriction.pk, "action": "lift", **extra},
    )


# --- Lifting ----------------------------------------------------------------------------


def test_a_manager_not_named_cannot_lift_or_keep_a_restriction(
    client, manager, manager_b, screener, contact
):
    restriction = _restrict(manager, contact=contact, allowed=[screener])
    client.force_login(manager_b)
    listing = client.get(reverse("referrals:restrictions"))
    assert contact.reference not in listing.text  # not theirs to review
    assert "Ms Example" not in listing.text

    refused = _lift(client, restriction)
    assert refused.status_code == 403
    assert manager.full_name in refused.text  # whom to ask
    restriction.refresh_from_db()
    assert restriction.lifted_at is None
    assert AuditEvent.objects.filter(
        actor=manager_b,
        record_id=contact.reference,
        detail__refused="restricted",
        detail__attempted="lift",
    ).exists()

    before = restriction.review_due
    assert (
        client.post(
            reverse("referrals:restrictions"), {"restriction": restriction.pk, "action": "keep"}
        ).status_code
        == 403
    )
    restriction.refresh_from_db()
    assert restriction.review_due == before


def test_a_named_manager_lifts_without_giving_a_reason(client, manager, manager_b, contact):
    restriction = _restrict(manager, contact=contact, allowed=[manager_b])
    client.force_login(manager_b)
    assert _lift(client, restriction).status_code == 302
    restriction.refresh_from_db()
    assert restriction.lifted_by == manager_b


def test_the_head_of_service_lifts_any_restriction_only_with_a_recorded_reason(
    client, manager, head_of_service, screener, contact
):
    restriction = _restrict(manager, contact=contact, allowed=[screener])
    client.force_login(head_of_service)
    listing = client.get(reverse("referrals:restrictions"))
    assert contact.reference in listing.text
    assert manager.full_name in listing.text  # whom the record is open to
    assert "Ms Example" not in listing.text  # why is for the named people

    no_reason = _lift(client, restriction, lift_reason=" ")
    assert no_reason.status_code == 200
    assert "Say why you are lifting a restriction you are not named on" in no_reason.text
    too_long = _lift(client, restriction, lift_reason="x" * 5001)
    assert "The reason must be 5,000 characters or fewer (it has 5,001)" in too_long.text
    restriction.refresh_from_db()
    assert restriction.lifted_at is None

    why = "Ms Example has left the council; the family is no longer connected."
    assert _lift(client, restriction, lift_reason=why).status_code == 302
    restriction.refresh_from_db()
    assert restriction.lifted_by == head_of_service
    assert restriction.lift_reason == why
    event = AuditEvent.objects.get(actor=head_of_service, via="referrals.restriction_lifted")
    assert event.record_id == contact.reference
    assert event.detail == {"restriction": restriction.pk, "named": False}

    # Being senior is for lifting, not for reading: the record was closed until now.
    other = _restrict(manager, contact=submit_contact(screener), allowed=[screener])
    page = client.get(reverse("referrals:contact-detail", args=[other.contact.reference]))
    assert page.status_code == 403


def test_the_senior_role_alone_cannot_lift(client, manager, contact):
    # The permission is given on top of the manager role; alone it opens nothing.
    head_only = UserFactory(roles=[Role.HEAD_OF_SERVICE])
    restriction = _restrict(manager, contact=contact)
    client.force_login(head_only)
    assert client.get(reverse("referrals:restrictions")).status_code == 403
    assert _lift(client, restriction, lift_reason="A reason long enough.").status_code == 403
    restriction.refresh_from_db()
    assert restriction.lifted_at is None


# --- Person search and likely matches ---------------------------------------------------


@pytest.fixture
def restricted_person(manager, screener):
    person = PersonFactory(
        first_name="Amelia",
        last_name="Harrison",
        date_of_birth=date(2016, 4, 12),
        postcode="LS1 4AP",
    )
    _restrict(manager, person=person, allowed=[screener])
    return person


def test_person_search_shows_a_restricted_person_as_whom_to_ask(
    client, manager, screener, colleague, restricted_person
):
    form = {"name": "Amelia Harrison"}
    client.force_login(colleague)
    page = client.post(reverse("referrals:people-search"), form).text
    assert "1 person found" in page
    assert f"Restricted record — ask {manager.full_name}" in page
    assert "12 April 2016" not in page
    assert "LS1 4AP" not in page
    assert reverse("referrals:person-detail", args=[restricted_person.pk]) not in page

    client.force_login(screener)
    named = client.post(reverse("referrals:people-search"), form).text
    assert "12 April 2016" in named
    assert "LS1 4AP" in named


def test_the_likely_matches_panel_does_not_show_a_restricted_person(
    client, manager, screener, colleague, referrer, restricted_person
):
    contact = submit_contact(
        referrer, subjects=[child_input(last_name="Harisson", postcode="YO1 7HH")]
    )
    subject = contact.subjects.get()
    candidate = subject.match_candidates.get()
    assert candidate.person == restricted_person
    url = reverse("referrals:contact-detail", args=[contact.reference])

    client.force_login(colleague)
    page = client.get(url).text
    assert f"Restricted record — ask {manager.full_name}" in page
    assert "Amelia Harrison" not in page  # the person record's spelling
    assert "LS1 4AP" not in page
    assert f'value="{candidate.pk}"' not in page  # not offered to link
    client.post(
        reverse("referrals:subject-match", args=[contact.reference, subject.pk]),
        {"candidate": candidate.pk},
    )
    subject.refresh_from_db()
    assert subject.match_status == ContactSubject.MatchStatus.UNMATCHED

    client.force_login(screener)
    named = client.get(url).text
    assert "LS1 4AP" in named
    assert f'value="{candidate.pk}"' in named


def test_partner_members_can_be_named_on_a_restriction(client, manager, police_member, contact):
    client.force_login(manager)
    form = client.get(reverse("referrals:contact-restrict", args=[contact.reference]))
    assert police_member.full_name in form.text
    assert Restriction.objects.count() == 0


def test_only_those_who_may_restrict_are_given_the_staff_to_name(screener, manager, police_member):
    """Issue 18: ``restriction_candidates`` took the acting user and ignored it; the
    list of staff who could be named is for a manager restricting a record."""
    with pytest.raises(PermissionDenied):
        selectors.restriction_candidates(user=screener)
    with pytest.raises(PermissionDenied):
        selectors.restriction_candidates(user=police_member)
    assert {screener, manager, police_member} <= set(selectors.restriction_candidates(user=manager))


@pytest.mark.parametrize("sent", ["\u00b2", "\u0661\u0662", "", "x", "9" * 13, "-1"])
def test_a_restriction_that_is_no_restrictions_number_is_not_found(client, manager, sent):
    """Only the page's own numbers name a restriction: a superscript or Arabic-Indic
    digit (digits to str.isdigit, not to int) is no restriction, not an error."""
    client.force_login(manager)
    response = client.post(
        reverse("referrals:restrictions"), {"restriction": sent, "action": "lift"}
    )
    assert response.status_code == 404
