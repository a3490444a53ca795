"""The basis for sharing on each multi-agency check (consent: who gave it and when; or
without consent and why), a manager's approval first where the council wants it, and
what the screener, the manager and the partner agency's member each see: through
HTTP as they use it, through the services, and against the database."""

from __future__ import annotations

import html
import importlib
import re
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from frontdoor.models import AuditEvent
from referrals.models import Contact, ContactSubject
from screening import services, services_checks
from screening.models import AgencyCheck, SharingBasis
from screening.services_checks import Sharing, SharingRefused
from tests.factories import adult_input, child_input, submit_contact
from tests.support.checks import consent_form, consented

pytestmark = pytest.mark.django_db

WITHOUT = Sharing(SharingBasis.SIGNIFICANT_HARM, reason="Bruising seen by the school today.")


@pytest.fixture
def contact(referrer, screener):
    contact = submit_contact(referrer, subjects=[child_input(), adult_input()])
    services.screening_claim(actor=screener, contact=contact)
    return contact


@pytest.fixture
def approval_needed(settings):
    settings.CHECKS_WITHOUT_CONSENT_NEED_APPROVAL = True


def _ask(screener, contact, police, sharing=WITHOUT) -> AgencyCheck:
    return services_checks.check_request(
        actor=screener, contact=contact, agency=police, question="Any incidents?", sharing=sharing
    )


def _text(response) -> str:
    """The page's words, without its markup."""
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def _vias(contact: Contact) -> list[str]:
    return list(
        AuditEvent.objects.filter(record_id=contact.reference)
        .exclude(action=AuditEvent.Action.VIEW)
        .values_list("via", flat=True)
    )


# --- Recording the basis ----------------------------------------------------------------


def test_consent_from_a_parent_on_the_contact_is_kept_and_the_member_sees_it(
    client, screener, contact, police, police_member
):
    mother = contact.subjects.exclude(role__in=ContactSubject.CHILD_ROLES).get()
    given_on = timezone.localdate() - timedelta(days=1)
    client.force_login(screener)
    response = client.post(
        reverse("screening:request-check", args=[contact.reference]),
        consent_form(
            agency=police.pk,
            question="Any domestic incidents at the address?",
            consent_given_by=mother.pk,
            consent_given_by_name="Typed too, not kept",
            consent_given_on_0=given_on.day,
            consent_given_on_1=given_on.month,
            consent_given_on_2=given_on.year,
        ),
    )
    assert response.status_code == 302
    check = contact.agency_checks.get()
    assert (check.basis, check.consent_given_by, check.consent_given_on) == (
        SharingBasis.CONSENT,
        mother,
        given_on,
    )
    assert check.consent_given_by_name == ""  # the person chosen is who gave it
    assert check.status == AgencyCheck.Status.PENDING
    assert check.sent_at is not None
    assert "screening.check_request" in _vias(contact)

    client.force_login(police_member)
    page = _text(client.get(reverse("screening:member-check", args=[check.pk])))
    assert "With the family's consent" in page
    assert f"Given by {mother.full_name} (" in page
    assert f"on {given_on:%-d %B %Y}" in page


@pytest.mark.parametrize(
    ("sharing", "field", "message"),
    [
        (Sharing(""), "basis", "Select the basis"),
        (Sharing(SharingBasis.NOT_RECORDED), "basis", "Select the basis"),
        (Sharing(SharingBasis.CONSENT), "consent_given_by", "Select who gave consent"),
        (
            Sharing(SharingBasis.CONSENT, consent_given_by_name="Their mother"),
            "consent_given_on",
            "Enter the date consent was given",
        ),
        (
            Sharing.consent(
                given_by_name="Their mother", given_on=timezone.localdate() + timedelta(days=1)
            ),
            "consent_given_on",
            "today or earlier",
        ),
        (Sharing(SharingBasis.OTHER), "basis_reason", "Say the lawful reason"),
        (Sharing(SharingBasis.OTHER, reason="x" * 5001), "basis_reason", "characters or fewer"),
    ],
)
def test_a_basis_that_falls_short_is_refused_field_by_field(
    screener, contact, police, sharing, field, message
):
    with pytest.raises(SharingRefused) as refused:
        _ask(screener, contact, police, sharing)
    assert message in refused.value.errors[field]
    assert not contact.agency_checks.exists()


def test_consent_from_someone_on_another_contact_is_refused(screener, contact, police, referrer):
    stranger = submit_contact(referrer).subjects.first()
    with pytest.raises(SharingRefused, match="someone on this contact"):
        _ask(
            screener,
            contact,
            police,
            Sharing.consent(given_by=stranger, given_on=timezone.localdate()),
        )


def test_the_database_refuses_consent_without_who_or_when(screener, contact, police):
    check = _ask(screener, contact, police, consented())
    for change in (
        {"consent_given_on": None},
        {"consent_given_by_name": ""},
        {"basis": SharingBasis.OTHER, "consent_given_by_name": "", "consent_given_on": None},
        {"status": AgencyCheck.Status.AWAITING_APPROVAL, "sent_at": None},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            AgencyCheck.objects.filter(pk=check.pk).update(**change)


# --- Without approval -------------------------------------------------------------------


def test_without_the_councils_rule_a_check_without_consent_goes_at_once(
    client, screener, contact, police, police_member
):
    check = _ask(screener, contact, police)
    assert check.status == AgencyCheck.Status.PENDING
    assert check.sent_at is not None
    client.force_login(police_member)
    page = _text(client.get(reverse("screening:member-check", args=[check.pk])))
    assert "Without consent: a child is at risk of significant harm" in page
    assert "Bruising seen by the school today." in page


# --- With approval ----------------------------------------------------------------------


def test_a_held_check_waits_unseen_until_a_manager_approves_it(
    client, approval_needed, screener, manager, contact, police, police_member
):
    check = _ask(screener, contact, police)
    assert check.status == AgencyCheck.Status.AWAITING_APPROVAL
    assert check.sent_at is None
    contact.refresh_from_db()
    assert contact.status == Contact.Status.AWAITING_CHECKS

    # The agency sees nothing, and cannot answer it.
    client.force_login(police_member)
    assert contact.reference not in client.get(reverse("screening:member-checks")).text
    assert client.get(reverse("screening:member-check", args=[check.pk])).status_code == 404
    with pytest.raises(services.ScreeningRefused, match="not been sent"):
        services_checks.check_answer(actor=police_member, check=check, response="Nothing.")

    # The screener sees where it stands.
    client.force_login(screener)
    page = _text(client.get(reverse("screening:contact", args=[contact.reference])))
    assert "Waiting for a manager's approval" in page
    assert "Not yet: a manager must agree to sharing without consent first." in page

    # The manager finds it on their approvals, reads the basis, and agrees.
    client.force_login(manager)
    approvals = client.get(reverse("screening:approvals"))
    url = reverse("screening:check-approval", args=[check.pk])
    assert url in approvals.text
    assert "Bruising seen by the school today." in client.get(url).text
    response = client.post(url, {"outcome": "approve", "comment": "Agreed: risk is current."})
    assert response.status_code == 302
    check.refresh_from_db()
    assert check.status == AgencyCheck.Status.PENDING
    assert (check.reviewed_by, check.review_comment) == (manager, "Agreed: risk is current.")
    assert check.sent_at is not None
    assert "screening.check_approve" in _vias(contact)
    assert url not in client.get(reverse("screening:approvals")).text

    # Now the agency has it, with the basis and who approved it (not the comment).
    client.force_login(police_member)
    assert contact.reference in client.get(reverse("screening:member-checks")).text
    page = _text(client.get(reverse("screening:member-check", args=[check.pk])))
    assert f"Approved by a manager {manager.full_name}" in page
    assert "Agreed: risk is current." not in page


def test_a_refused_check_is_never_sent_and_the_screener_sees_why(
    client, approval_needed, screener, manager, contact, police, police_member
):
    check = _ask(screener, contact, police)
    client.force_login(manager)
    url = reverse("screening:check-approval", args=[check.pk])
    empty = client.post(url, {"outcome": "refuse", "comment": "  "})
    assert empty.status_code == 400
    assert "Enter why the check may not be sent without consent" in empty.text

    client.post(url, {"outcome": "refuse", "comment": "Ask mum first: she is engaging."})
    check.refresh_from_db()
    contact.refresh_from_db()
    assert check.status == AgencyCheck.Status.REFUSED
    assert check.sent_at is None
    # Nothing else is awaited, so the screening goes on.
    assert contact.status == Contact.Status.IN_SCREENING
    assert "screening.check_refuse" in _vias(contact)
    assert client.get(url).status_code == 404  # no longer waiting

    client.force_login(screener)
    page = _text(client.get(reverse("screening:contact", args=[contact.reference])))
    assert "Not sent: a manager refused it" in page
    assert "Ask mum first: she is engaging." in page
    client.force_login(police_member)
    assert client.get(reverse("screening:member-check", args=[check.pk])).status_code == 404


def test_a_check_with_consent_is_never_held(approval_needed, screener, contact, police):
    assert _ask(screener, contact, police, consented()).status == AgencyCheck.Status.PENDING


def test_a_manager_does_not_approve_their_own_check(approval_needed, manager, referrer, police):
    contact = submit_contact(referrer)
    services.screening_claim(actor=manager, contact=contact)
    check = _ask(manager, contact, police)
    with pytest.raises(services.ScreeningRefused, match="Another manager"):
        services_checks.check_approve(actor=manager, check=check)


def test_a_screener_cannot_approve(approval_needed, client, screener, contact, police):
    check = _ask(screener, contact, police)
    with pytest.raises(services.ScreeningRefused):
        services_checks.check_approve(actor=screener, check=check)
    client.force_login(screener)
    url = reverse("screening:check-approval", args=[check.pk])
    assert client.post(url, {"outcome": "approve"}).status_code == 403


def test_a_held_check_holds_the_decision_until_settled(
    approval_needed, screener, contact, police, level
):
    from tests.support.screening import decide

    _ask(screener, contact, police)
    with pytest.raises(services.ScreeningRefused, match="Checks are still awaited"):
        decide(screener, contact, level)


# --- The form as people use it ----------------------------------------------------------


def test_an_empty_basis_is_explained_and_nothing_typed_is_lost(client, screener, contact, police):
    client.force_login(screener)
    response = client.post(
        reverse("screening:request-check", args=[contact.reference]),
        {"agency": police.pk, "question": "Any incidents at the address?"},
    )
    assert response.status_code == 200
    assert "Select the basis for sharing the family&#x27;s information" in response.text
    assert "Any incidents at the address?</textarea>" in response.text
    assert not contact.agency_checks.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"consent_given_by": "someone_else", "consent_given_by_name": ""}, "Enter the name"),
        ({"consent_given_by_name": "Mum\x00"}, "null character"),
        ({"consent_given_on_2": "99999999999"}, "Year must include 4 numbers"),
        ({"consent_given_by": "not-a-person"}, "Select who gave consent"),
        ({"basis": "not_recorded"}, "Select the basis"),
    ],
)
def test_wrong_and_hostile_input_is_explained_not_a_500(
    client, screener, contact, police, fields, message
):
    client.force_login(screener)
    response = client.post(
        reverse("screening:request-check", args=[contact.reference]),
        consent_form(agency=police.pk, question="=SUM(A1) <script>alert(1)</script>", **fields),
    )
    assert response.status_code == 200
    assert message in response.text
    assert "<script>alert(1)</script>" not in response.text
    assert not contact.agency_checks.exists()


def test_a_hostile_reason_is_shown_as_text(client, screener, contact, police, police_member):
    _ask(screener, contact, police, Sharing(SharingBasis.OTHER, reason="<b>s47</b> =SUM(A1)"))
    client.force_login(police_member)
    check = contact.agency_checks.get()
    response = client.get(reverse("screening:member-check", args=[check.pk]))
    assert "&lt;b&gt;s47&lt;/b&gt; =SUM(A1)" in response.text


def test_checks_asked_before_the_basis_was_recorded_say_not_recorded():
    """Migration 0010 gives every check already asked "not recorded" (nobody can now say
    on what basis it went), and a sent time equal to when it was asked; a new check has
    no default basis, so one cannot be written without saying."""
    from django.db.migrations.operations import AddField, RunSQL

    migration = importlib.import_module("screening.migrations.0010_check_sharing_basis")
    basis = next(
        op
        for op in migration.Migration.operations
        if isinstance(op, AddField) and (op.model_name, op.name) == ("agencycheck", "basis")
    )
    assert basis.field.default == SharingBasis.NOT_RECORDED
    assert basis.preserve_default is False
    assert AgencyCheck._meta.get_field("basis").has_default() is False
    assert any(
        isinstance(op, RunSQL) and "SET sent_at = requested_at" in op.sql
        for op in migration.Migration.operations
    )


def test_a_held_check_does_not_open_the_meeting_case_to_the_agency(
    client, approval_needed, screener, manager, referrer, police, police_member
):
    from datetime import date, time

    from screening.meetings import services as meetings

    contact = submit_contact(referrer, concern_categories=["child_exploitation"])
    services.screening_claim(actor=screener, contact=contact)
    check = _ask(screener, contact, police)
    run, _ = meetings.complex_case_run(meeting_date=date(2026, 11, 23), slot=time(9, 30))
    client.force_login(police_member)
    assert client.get(reverse("screening:meeting", args=[run.pk])).status_code == 404

    services_checks.check_approve(actor=manager, check=check)
    assert client.get(reverse("screening:meeting", args=[run.pk])).status_code == 200
