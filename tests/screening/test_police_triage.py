"""Police notifications on the screening side (docs/adr/0037), through HTTP and the
services: the grade on the queue and the page, high grade at the top with the banner,
bulk triage of standard-risk notifications (each decision its own row, rationale,
notices and audit; refused for a warning, history, a child under one, the cumulative
rule) and the cumulative rule across addresses meeting the complex-case rules."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from frontdoor.models import AuditEvent
from outcomes.models import Notice
from referrals import services as referral_services
from referrals.models import WarningKind
from screening import selectors
from screening.meetings import services as meeting_services
from screening.models import Decision, Route
from screening.services_police import BulkItem, bulk_decide, rationale_template
from tests.factories import submit_contact
from tests.support.police import police_child, record

pytestmark = pytest.mark.django_db
TRIAGE = "screening:police-triage"


NAMES = [("Ada", "Quinn"), ("Bilal", "Okafor"), ("Cora", "Lindqvist"), ("Dev", "Marsh")]


def _standard(member, n, **child):
    """A standard-grade notification about a child of their own (no history)."""
    first, last = NAMES[n - 1]
    defaults = {
        "first_name": first,
        "last_name": last,
        "postcode": f"YO{n} 1AA",
        "date_of_birth": date(2015, n, 10 + n),
    }
    contact, _ = record(member, f"STD-{n}", subjects=[police_child(**{**defaults, **child})])
    return contact


def _post(client, contacts, route=Route.EARLY_HELP, **extra):
    data = {"contact": [c.reference for c in contacts], "route": route, **extra}
    for contact in contacts:
        data.setdefault(
            f"rationale-{contact.reference}",
            rationale_template(contact) + f"a verbal argument only at {contact.reference}.",
        )
    return client.post(reverse(TRIAGE), data)


def test_a_screener_bulk_decides_several_each_with_its_own_decision_and_notices(
    client, screener, police_member
):
    contacts = [_standard(police_member, n) for n in range(1, 4)]
    client.force_login(screener)
    page = client.get(reverse(TRIAGE))
    assert all(c.reference in page.text for c in contacts)
    assert "Decide " + contacts[0].reference in page.text

    response = _post(client, contacts)

    assert response.status_code == 302
    decisions = Decision.objects.filter(contact__in=contacts)
    assert decisions.count() == 3
    for contact in contacts:
        decision = decisions.get(contact=contact)
        assert decision.route == Route.EARLY_HELP
        assert decision.decided_by == screener
        assert decision.rationale.endswith(f"at {contact.reference}.")
        assert Notice.objects.filter(contact=contact).exists()
        assert AuditEvent.objects.filter(
            record_id=contact.reference, via="screening.decision"
        ).exists()
        contact.refresh_from_db()
        assert contact.status == "decided"


def test_information_and_advice_needs_its_advice_and_a_finished_rationale(
    client, screener, police_member
):
    contact = _standard(police_member, 1)
    client.force_login(screener)
    untouched = _post(
        client,
        [contact],
        route=Route.INFORMATION_AND_ADVICE,
        **{f"rationale-{contact.reference}": rationale_template(contact)},
    )
    assert untouched.status_code == 400
    assert "Finish the rationale" in untouched.text
    no_advice = _post(client, [contact], route=Route.INFORMATION_AND_ADVICE, advice_given="")
    assert no_advice.status_code == 400
    assert "Enter the advice that was given" in no_advice.text
    hostile = _post(
        client,
        [contact],
        **{f"rationale-{contact.reference}": "Typed with care <script>x</script> and \x00 NUL"},
    )
    assert hostile.status_code == 400
    assert "null character" in hostile.text
    assert "Typed with care &lt;script&gt;x&lt;/script&gt;" in hostile.text
    assert not Decision.objects.exists()
    assert _post(client, [contact], route=Route.INFORMATION_AND_ADVICE).status_code == 302
    assert Decision.objects.get().advice_given.startswith("Police attended")


def test_a_child_with_a_warning_cannot_be_bulk_decided(client, screener, police_member):
    warned = _standard(police_member, 1)
    clear = _standard(police_member, 2)
    referral_services.warning_set(
        actor=screener,
        person=warned.subjects.get().person,
        kind=WarningKind.RISK_TO_STAFF,
        evidence="Threatened a social worker at the door in March.",
        review_due=timezone.localdate() + timedelta(days=30),
    )
    client.force_login(screener)
    page = client.get(reverse(TRIAGE)).text
    assert "Decide " + clear.reference in page
    assert "Decide " + warned.reference not in page
    assert "Someone on it has a warning" in page

    # A forged POST naming it is refused by the service all the same.
    result = bulk_decide(
        actor=screener,
        route=Route.EARLY_HELP,
        items=[BulkItem(warned, "x" * 60), BulkItem(clear, "A verbal argument only, " * 3)],
    )
    assert [d.contact for d in result.decided] == [clear]
    assert "warning" in result.refused[warned.reference]
    assert not Decision.objects.filter(contact=warned).exists()


def test_history_a_baby_or_an_unknown_birth_date_means_screening_alone(screener, police_member):
    earlier = submit_contact(
        screener,
        subjects=[police_child(first_name="Known", last_name="Before", nhs_number="9434765919")],
    )
    known = _standard(
        police_member, 1, first_name="Known", last_name="Before", nhs_number="9434765919"
    )
    baby = _standard(police_member, 2, date_of_birth=timezone.localdate() - timedelta(days=100))
    no_birth = _standard(police_member, 3, date_of_birth=None)
    refusals = selectors.bulk_refusals([known, baby, no_birth])
    assert earlier.pk
    assert "Known has earlier contacts" in refusals[known.pk]
    assert "Bilal is under one" in refusals[baby.pk]
    assert "Cora's date of birth is not known" in refusals[no_birth.pk]


def test_the_third_notification_about_a_child_across_two_addresses_trips_the_cumulative_rule(
    client, screener, police_member
):
    nhs = "9434765919"
    day = timezone.now() - timedelta(days=200)
    first, _ = record(
        police_member,
        "CUM-1",
        received_at=day,
        subjects=[police_child(nhs_number=nhs, address="1 Mill Lane", postcode="YO1 7HH")],
    )
    second, _ = record(
        police_member,
        "CUM-2",
        received_at=day + timedelta(days=30),
        subjects=[police_child(nhs_number=nhs, address="9 Station Road", postcode="HG1 1AA")],
    )
    assert selectors.bulk_refusals([second])[second.pk] == ["Mia has earlier contacts"]
    third, _ = record(
        police_member,
        "CUM-3",
        subjects=[police_child(nhs_number=nhs, address="9 Station Road", postcode="HG1 1AA")],
    )
    reasons = selectors.bulk_refusals([third])[third.pk]
    assert "3 police notifications about Mia Fletcher in 12 months" in reasons

    client.force_login(screener)
    queue = client.get(reverse("screening:queue")).text
    assert "Repeated police notifications" in queue
    page = client.get(reverse("screening:contact", args=[third.reference])).text
    assert "The cumulative rule: 3 police notifications about Mia Fletcher" in page
    run, _ = meeting_services.complex_case_run(meeting_date=date(2026, 11, 23), slot=time(9, 30))
    entry = run.entries.get(contact=third)
    assert any("Cumulative rule: 3 police notifications" in r for r in entry.reasons)
    assert not run.entries.filter(contact=first).exists() or all(
        "Cumulative" not in r for r in run.entries.get(contact=first).reasons
    )


def test_high_grade_goes_to_the_top_with_the_immediate_risk_banner(client, screener, police_member):
    routine = submit_contact(screener)  # due first, but not immediate
    high, _ = record(police_member, "HIGH-1", grade="high")
    client.force_login(screener)
    response = client.get(reverse("screening:queue"))
    rows = [contact.reference for contact, _ in response.context["rows"]]
    assert rows.index(high.reference) < rows.index(routine.reference)
    assert "police graded the risk high" in response.text
    assert "Police: high risk" in response.text
    page = client.get(reverse("screening:contact", args=[high.reference])).text
    assert "The officer\u2019s account" in page
    assert "Officers attended a verbal argument" in page
    assert "Domestic abuse" in page


def test_the_case_system_gets_the_officers_account_and_the_partner_api_does_not(screener, police):
    from rest_framework.test import APIClient

    from frontdoor.roles import Role
    from outcomes.handoff.payloads import decision_data
    from referrals.models import Scope
    from referrals.services import api_client_create
    from tests.factories import UserFactory
    from tests.support.police import ACCOUNT, police_input

    account = UserFactory(roles=[Role.REFERRER], agency=police)
    client, token = api_client_create(
        name="Force", account=account, scopes=[Scope.READ_OWN_CONTACTS]
    )
    contact, _ = referral_services.police_notification_record(
        actor=account, data=police_input("CS-1"), force=police, api_client=client
    )
    [decision] = bulk_decide(
        actor=screener,
        route=Route.EARLY_HELP,
        items=[BulkItem(contact, "A verbal argument only; early help offered to the family.")],
    ).decided
    sent = decision_data(decision)["contact"]["police_notification"]
    assert sent["officer_account"] == ACCOUNT
    assert sent["risk_grade"] == "standard"
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    read = api.get(reverse("api-contact-detail", args=[contact.reference]))
    assert read.status_code == 200
    assert ACCOUNT not in read.text


@pytest.mark.parametrize(("told", "why"), [(False, "was not told"), (None, "does not say")])
def test_one_the_family_was_not_told_of_cannot_be_bulk_decided(
    client, screener, police_member, told, why
):
    """A bulk decision tells the family: for domestic abuse, a letter to a household
    with the alleged perpetrator, so a person decides unless police told them."""
    contact, _ = record(
        police_member, "TOLD-1", family_told=told, subjects=[police_child(first_name="Ada")]
    )
    reasons = selectors.bulk_refusals([contact])[contact.pk]
    assert any(why in reason and "a bulk decision tells the family" in reason for reason in reasons)
    client.force_login(screener)
    page = client.get(reverse(TRIAGE)).text
    assert "Decide " + contact.reference not in page
    result = bulk_decide(
        actor=screener,
        route=Route.EARLY_HELP,
        items=[BulkItem(contact, "A verbal argument only; early help offered, " * 2)],
    )
    assert not result.decided
    assert not Decision.objects.exists()


def test_the_earliest_of_several_cannot_be_bulk_decided_while_a_later_one_is_open(police_member):
    nhs = "9434765919"
    earliest, _ = record(
        police_member,
        "OPEN-1",
        received_at=timezone.now() - timedelta(days=2),
        subjects=[police_child(nhs_number=nhs)],
    )
    later, _ = record(
        police_member, "OPEN-2", grade="high", subjects=[police_child(nhs_number=nhs)]
    )
    reasons = selectors.bulk_refusals([earliest, later])
    assert "Mia has another contact still open" in reasons[earliest.pk]
    assert "Mia has earlier contacts" in reasons[later.pk]


def test_under_one_on_29_february(police_member):
    leap = date(2024, 2, 29)
    baby, _ = record(
        police_member,
        "LEAP-1",
        subjects=[police_child(first_name="Nell", date_of_birth=date(2023, 3, 1))],
    )
    one, _ = record(
        police_member,
        "LEAP-2",
        subjects=[
            police_child(
                first_name="Olly",
                last_name="Quist",
                postcode="YO9 9ZZ",
                date_of_birth=date(2023, 2, 28),
            )
        ],
    )
    reasons = selectors.bulk_refusals([baby, one], today=leap)
    assert "Nell is under one" in reasons[baby.pk]
    assert not any("under one" in reason for reason in reasons[one.pk])


def test_the_page_keeps_names_as_written_and_shows_the_officers_account(
    client, screener, police_member
):
    baby = _standard(police_member, 2, date_of_birth=timezone.localdate() - timedelta(days=100))
    client.force_login(screener)
    page = client.get(reverse(TRIAGE)).text
    assert "<li>Bilal is under one</li>" in page
    assert "bilal is under one" not in page
    assert '<details class="govuk-details">' in page
    assert "Officers attended a verbal argument between the parents" in page
    assert baby.reference in page


def test_an_unmatched_adult_whose_likely_record_has_a_warning_cannot_be_bulk_decided(
    client, screener, police_member
):
    """The adult on the second notification is not yet matched, but a likely match
    waiting for a screener is a record with an active warning: a person decides."""
    adult = {
        "role": "alleged_perpetrator",
        "first_name": "Garrick",
        "last_name": "Tolliver",
        "date_of_birth": date(1984, 3, 9),
        "postcode": "YO8 4QT",
    }
    first, _ = record(
        police_member,
        "WARN-1",
        subjects=[police_child(first_name="Ada", last_name="Quinn"), police_child(**adult)],
    )
    second, _ = record(
        police_member,
        "WARN-2",
        subjects=[
            police_child(first_name="Bilal", last_name="Okafor", postcode="YO2 1AA"),
            police_child(**adult),
        ],
    )
    known = first.subjects.get(role="alleged_perpetrator").person
    unmatched = second.subjects.get(role="alleged_perpetrator")
    assert unmatched.person is None
    assert unmatched.match_candidates.filter(person=known, decision="pending").exists()
    referral_services.warning_set(
        actor=screener,
        person=known,
        kind=WarningKind.RISK_TO_STAFF,
        evidence="Threatened a social worker at the door in March.",
        review_due=timezone.localdate() + timedelta(days=30),
    )

    reasons = selectors.bulk_refusals([second])[second.pk]

    assert any("may be has a warning" in reason for reason in reasons)
    result = bulk_decide(actor=screener, route=Route.EARLY_HELP, items=[BulkItem(second, "x" * 60)])
    assert not result.decided
    assert "warning" in result.refused[second.reference]
