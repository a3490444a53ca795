"""Specialist pathways (docs/adr/0046) through their pages and services: each has its
short form, clock and outcomes; a LADO allegation records the adult and employer as
such and is restricted to the LADO role and managers; none enters the screening
queue or takes a screening decision."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from frontdoor.models import AuditEvent
from frontdoor.roles import Role
from outcomes import retention
from outcomes.models import CaseEvent, Notice
from outcomes.services import render_notice
from referrals.models import Contact, ContactSubject, Pathway, Restriction
from referrals.services import ReferrerInput, WithdrawalRefused
from screening import services
from screening import services_pathways as pathways
from screening.meetings.services import complex_case_run
from screening.models import PathwayRecord
from screening.selectors.withdrawals import withdrawable
from tests.factories import UserFactory, child_input
from tests.support.withdrawals import withdraw

pytestmark = pytest.mark.django_db

REFERRER = {
    "referrer_name": "Jo Head",
    "referrer_role": "Headteacher",
    "referrer_organisation": "Oak Primary",
    "referrer_phone": "01632 960555",
    "referrer_email": "head@oak.example",
}
CHILD = {
    "child_first_name": "Amelia",
    "child_last_name": "Harrison",
    "child_date_of_birth_0": "12",
    "child_date_of_birth_1": "4",
    "child_date_of_birth_2": "2016",
}
LADO_FORM = {
    "concerns": "A pupil says the PE teacher grabbed her arm hard enough to bruise it.",
    "adult_name": "Mark Teacher",
    "adult_role": "PE teacher",
    "organisation": "Oak Primary School",
    "organisation_contact": "Jo Head, 01632 960555",
    **CHILD,
    **REFERRER,
}


@pytest.fixture
def lado(db):
    return UserFactory(roles=[Role.LADO], full_name="Lee Designated")


def _new(pathway):
    return reverse("screening:pathway-new", args=[pathway])


def test_a_lado_allegation_through_its_form(client, lado, manager, screener):
    client.force_login(lado)
    assert client.get(_new("lado")).status_code == 200

    response = client.post(_new("lado"), LADO_FORM)

    assert response.status_code == 302
    record = PathwayRecord.objects.get()
    contact = record.contact
    assert response.url == reverse("screening:pathway", args=[contact.reference])
    assert contact.pathway == Pathway.LADO
    # The adult and the employer are recorded as such, not as family on the contact.
    assert (record.adult_name, record.adult_role) == ("Mark Teacher", "PE teacher")
    assert record.organisation == "Oak Primary School"
    assert [s.role for s in contact.subjects.all()] == [ContactSubject.Role.CHILD]
    # Initial consideration within one working day (received now: a day's clock).
    assert record.due_at == contact.decision_due_at
    # Restricted on receipt to the LADO role and managers, by the restriction mechanism.
    restriction = Restriction.objects.get(contact=contact)
    assert set(restriction.allowed.all()) == {lado, manager}
    page = client.get(response.url)
    assert page.status_code == 200
    assert "Mark Teacher" in page.text
    assert AuditEvent.objects.filter(
        record_id=contact.reference, action=AuditEvent.Action.VIEW
    ).exists()


def test_a_lado_allegation_is_closed_to_screeners_and_out_of_the_queue(
    client, lado, manager, screener
):
    record = _lado(lado)
    reference = record.contact.reference
    client.force_login(screener)

    assert client.get(reverse("screening:pathways", args=["lado"])).status_code == 403
    assert client.get(reverse("screening:pathway", args=[reference])).status_code == 404
    # Its contact page is restricted like any restricted record.
    page = client.get(reverse("screening:contact", args=[reference]))
    assert page.status_code == 403
    assert "Mark Teacher" not in page.text
    queue = client.get(reverse("screening:queue")).text
    assert reference not in queue
    assert services.screening_claim_next(actor=screener) is None

    client.force_login(manager)
    assert client.get(reverse("screening:pathway", args=[reference])).status_code == 200


def test_a_pathway_contact_takes_no_screening_decision(lado, manager, level):
    contact = _lado(lado).contact
    with pytest.raises(services.ScreeningRefused, match="its own form and outcomes"):
        services.screening_claim(actor=manager, contact=contact)


def test_the_lado_records_the_initial_consideration(client, lado):
    record = _lado(lado)
    client.force_login(lado)
    url = reverse("screening:pathway-outcome", args=[record.contact.reference])

    refused = client.post(url, {"outcome": "", "note": ""})
    assert refused.status_code == 400
    assert "Select the outcome" in refused.text

    response = client.post(
        url, {"outcome": "allegation_meeting", "note": "Meeting with the school on Friday."}
    )

    assert response.status_code == 302
    record.refresh_from_db()
    assert record.outcome == "allegation_meeting"
    assert record.outcome_by == lado
    assert Contact.objects.get(pk=record.contact_id).status == Contact.Status.CLOSED
    assert "Allegation management meeting to be held" in client.get(response.url).text


def test_a_lado_form_with_nothing_filled_in_says_what_is_missing(client, lado):
    client.force_login(lado)
    page = client.post(_new("lado"), {"concerns": "<script>x</script>\x00"})
    assert page.status_code == 400
    assert "Error:" in page.text
    assert "Enter the adult the allegation is about" in page.text
    assert not PathwayRecord.objects.exists()


@pytest.mark.parametrize("weekends_count", [False, True])
def test_the_private_fostering_visit_is_due_seven_working_days_later(
    client, screener, settings, weekends_count
):
    # The statutory days are Monday to Friday whatever the council's own clocks count.
    settings.WORKING_DAYS_INCLUDE_WEEKENDS = weekends_count
    received = datetime(2026, 7, 6, 10, 0, tzinfo=UTC)  # Monday, 11:00 in London
    record = pathways.pathway_record(
        actor=screener,
        pathway=Pathway.PRIVATE_FOSTERING,
        data=pathways.PathwayInput(
            concerns="Amelia has lived with a family friend since May while mum works abroad.",
            children=[child_input()],
            referrer=ReferrerInput(name="Jo Head"),
            details={
                "adult_name": "Pat Friend",
                "adult_role": "Family friend",
                "organisation_contact": "1 Oak Road, 01632 960777",
            },
            received_at=received,
        ),
    )
    assert record.due_at == datetime(2026, 7, 15, 10, 0, tzinfo=UTC)  # Wednesday week
    client.force_login(screener)
    page = client.get(reverse("screening:pathway", args=[record.contact.reference])).text
    assert "Statutory visit due" in page
    assert "Wed 15 Jul 2026 11:00" in page


def test_private_fostering_through_its_form(client, screener):
    client.force_login(screener)
    response = client.post(
        _new("private_fostering"),
        {
            "concerns": "Amelia is living with a family friend for the summer and autumn.",
            "adult_name": "Pat Friend",
            "adult_role": "Family friend",
            "organisation_contact": "1 Oak Road",
            **CHILD,
            **REFERRER,
        },
    )
    assert response.status_code == 302
    assert PathwayRecord.objects.get().contact.pathway == Pathway.PRIVATE_FOSTERING


@pytest.mark.parametrize(
    ("pathway", "team", "hint"),
    [
        ("nrpf", "No Recourse to Public Funds team", "20: Other"),
        ("unaccompanied", "Children in Care (UASC) team", "9A: Unaccompanied"),
    ],
)
def test_nrpf_and_unaccompanied_children_go_to_a_team(client, screener, pathway, team, hint):
    client.force_login(screener)
    form = {"concerns": "Arrived at the police station.", "request": "Housing", **CHILD, **REFERRER}

    wrong = client.post(_new(pathway), {**form, "team": "The moon"})
    assert wrong.status_code == 400
    response = client.post(_new(pathway), {**form, "team": team})

    assert response.status_code == 302
    record = PathwayRecord.objects.get()
    assert record.team == team
    page = client.get(response.url).text
    assert team in page
    assert hint in page  # the census factor an assessment may record


@pytest.mark.parametrize("pathway", ["information_request", "cp_transfer_in"])
def test_a_request_from_another_council_says_who_what_when_and_what_was_shared(
    client, screener, pathway
):
    client.force_login(screener)
    response = client.post(
        _new(pathway),
        {
            "concerns": "Leeds ask what we know about Amelia.",
            "organisation": "Leeds City Council",
            "organisation_contact": "Sam Duty, 0113 000 0000",
            "request": "Any previous contacts and their outcomes",
            "due_on_0": "20",
            "due_on_1": "12",
            "due_on_2": "2026",
            **CHILD,
            **REFERRER,
        },
    )
    assert response.status_code == 302
    record = PathwayRecord.objects.get()
    assert record.organisation == "Leeds City Council"
    assert record.due_at.date() == date(2026, 12, 20)
    client.post(
        reverse("screening:pathway-outcome", args=[record.contact.reference]),
        {"outcome": "shared", "note": "Two earlier contacts, both advice."},
    )
    record.refresh_from_db()
    assert record.outcome_note == "Two earlier contacts, both advice."
    assert record.outcome_at is not None  # answered when


def test_a_pathway_contact_is_not_withdrawn_and_tells_no_case_system(manager, lado, screener):
    contact = _lado(lado).contact

    with pytest.raises(WithdrawalRefused, match="closes when its outcome is recorded"):
        withdraw(manager, contact)

    assert Contact.objects.get(pk=contact.pk).status == Contact.Status.RECEIVED
    assert not CaseEvent.objects.filter(contact=contact).exists()
    assert not withdrawable(contact)


def test_retention_keeps_pathway_contacts_until_a_pathway_rule_exists(lado):
    contact = _lado(lado).contact
    # Received long ago, and left withdrawn (as the review found one could be).
    Contact.objects.filter(pk=contact.pk).update(
        received_at=timezone.now() - timedelta(days=365 * 30), status=Contact.Status.WITHDRAWN
    )

    for kind in retention.KIND_ROUTES:
        assert contact.pk not in set(retention.contacts_due(kind=kind).values_list("pk", flat=True))
    assert retention.retention_review() == []


def test_an_outcome_after_another_change_is_refused_clearly(client, lado):
    record = _lado(lado)
    # Someone else moved the contact on while the LADO had the form open.
    Contact.objects.filter(pk=record.contact_id).update(status=Contact.Status.WITHDRAWN)
    client.force_login(lado)

    response = client.post(
        reverse("screening:pathway-outcome", args=[record.contact.reference]),
        {"outcome": "allegation_meeting", "note": "Meeting with the school on Friday."},
    )

    assert response.status_code == 400
    assert "is withdrawn now, so its outcome cannot be recorded" in response.text
    record.refresh_from_db()
    assert record.outcome == ""


def test_only_the_lado_role_and_managers_record_allegations(screener):
    with pytest.raises(pathways.PathwayRefused):
        _lado(screener)


def _lado(actor, **overrides) -> PathwayRecord:
    return pathways.pathway_record(
        actor=actor,
        pathway=Pathway.LADO,
        data=pathways.PathwayInput(
            concerns="A pupil says the PE teacher grabbed her arm hard enough to bruise it.",
            children=overrides.pop("children", [child_input()]),
            referrer=ReferrerInput(name="Jo Head", organisation="Oak Primary"),
            details={
                "adult_name": "Mark Teacher",
                "adult_role": "PE teacher",
                "organisation": "Oak Primary School",
                "organisation_contact": "Jo Head",
            },
            **overrides,
        ),
    )


def test_a_pathway_contact_never_reaches_the_complex_case_meeting(lado, settings):
    # Its concern (other) made a complex-case reason, as a council could configure.
    settings.COMPLEX_CASE_RULES = {**settings.COMPLEX_CASE_RULES, "concern_categories": ["other"]}
    contact = _lado(lado).contact

    run, _ = complex_case_run(meeting_date=date(2026, 11, 23), slot=time(9, 30))

    assert not run.entries.filter(contact=contact).exists()


def test_a_pathway_contact_is_acknowledged_in_its_teams_name_without_a_decision_promised(
    client, lado
):
    client.force_login(lado)
    assert client.post(_new("lado"), LADO_FORM).status_code == 302
    notice = Notice.objects.get(kind=Notice.Kind.ACKNOWLEDGEMENT)

    subject, body = render_notice(notice)

    assert notice.recipient == "head@oak.example"
    assert subject == f"We have received what you told us: {notice.contact.reference}"
    assert "The Local Authority Designated Officer (LADO) will look at what you told us" in body
    assert "decide" not in body
    assert "one working day" not in body
    assert "Mark Teacher" not in body


def test_the_lado_role_opens_allegations_whoever_was_named_at_receipt(client, lado, manager):
    record = _lado(lado)
    reference = record.contact.reference
    joined_later = UserFactory(roles=[Role.LADO], full_name="Nia Newlado")
    restriction = Restriction.objects.get(contact=record.contact)
    assert joined_later not in restriction.allowed.all()

    client.force_login(joined_later)
    assert client.get(reverse("screening:pathway", args=[reference])).status_code == 200
    response = client.post(
        reverse("screening:pathway-outcome", args=[reference]),
        {"outcome": "employer_to_manage", "note": "The school will manage it."},
    )
    assert response.status_code == 302

    # A manager named at receipt who becomes a screener loses it; the names stay.
    manager.groups.set([Group.objects.get(name=Role.SCREENER.value)])
    client.force_login(manager)
    assert client.get(reverse("screening:contact", args=[reference])).status_code == 403
    assert client.get(reverse("screening:pathway", args=[reference])).status_code == 404
    assert manager in restriction.allowed.all()
    assert not restriction.opens_for(manager)


def test_an_answer_due_before_the_request_was_received_is_refused(client, screener):
    client.force_login(screener)
    form = {
        "concerns": "Leeds ask what we know about Amelia.",
        "organisation": "Leeds City Council",
        "organisation_contact": "Sam Duty, 0113 000 0000",
        "request": "Any previous contacts and their outcomes",
        "due_on_0": "1",
        "due_on_1": "1",
        "due_on_2": "1901",
        **CHILD,
        **REFERRER,
    }

    page = client.post(_new("information_request"), form)

    assert page.status_code == 400
    assert page.text.count("must be on or after the day the request was received") == 2
    assert "Leeds City Council" in page.text  # nothing typed lost
    assert not PathwayRecord.objects.exists()
