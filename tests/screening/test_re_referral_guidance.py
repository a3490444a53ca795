"""Guidance at intake (the re-referral rule), what a decision records (re-referral,
primary need), and each child's census details (ethnicity, disabilities)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from frontdoor.models import AuditEvent
from outcomes import downstream
from outcomes.selectors import re_referral_guidance
from referrals import services as referral_services
from referrals.models import Contact
from screening import selectors, services
from screening.models import Decision, Route
from tests.factories import child_input, submit_contact
from tests.support.screening import RATIONALE, decide

pytestmark = pytest.mark.django_db
NHS = "9434765919"
RE_REFERRAL = "within 12 months: this will be a re-referral"


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _referral(screener, manager, referrer, level, *, days_ago: int, **subject) -> Contact:
    """A contact about Amelia, received ``days_ago``, whose standing decision is a
    social care assessment."""
    contact = submit_contact(
        referrer,
        subjects=[child_input(nhs_number=NHS, **subject)],
        received_at=timezone.now() - timedelta(days=days_ago),
    )
    services.screening_claim(actor=screener, contact=contact)
    decision = decide(screener, contact, level, route=Route.SOCIAL_CARE_ASSESSMENT)
    services.decision_approve(actor=manager, decision=decision)
    return contact


def _closed(screener, contact: Contact, *, days_ago: int, reason: str = "RC8") -> None:
    downstream.outcome_event_record(
        actor=screener,
        data=downstream.OutcomeEventInput(
            contact_reference=contact.reference,
            child="1",
            event="case_closed",
            occurred_on=timezone.localdate() - timedelta(days=days_ago),
            reason_for_closure=reason,
        ),
        source="form",
    )


def _new_contact(screener, referrer) -> Contact:
    contact = submit_contact(referrer, subjects=[child_input(nhs_number=NHS)])
    services.screening_claim(actor=screener, contact=contact)
    return contact


def _page(client, contact):
    return client.get(reverse("screening:contact", args=[contact.reference]))


def test_a_referral_11_months_before_is_shown_and_the_decision_records_it(
    client, screener, manager, referrer, level
):
    earlier = _referral(screener, manager, referrer, level, days_ago=335)
    later = _new_contact(screener, referrer)
    client.force_login(screener)

    page = _page(client, later)

    received = _long(timezone.localdate(earlier.received_at))
    assert f"Referral received on {received} (" in page.text
    assert earlier.reference in page.text.split('id="decision"')[1].split("Record the decision")[0]
    assert RE_REFERRAL in page.text
    decision = decide(screener, later, level, route=Route.SOCIAL_CARE_ASSESSMENT)
    assert decision.is_re_referral
    shown = _page(client, later).text
    assert "Re-referral</dt>" in shown
    assert ">Yes</dd>" in shown

    client.force_login(manager)
    approval = client.get(reverse("screening:approval", args=[decision.pk]))
    assert "Re-referral</dt>" in approval.text
    assert "Yes: a child on this contact had a referral" in approval.text
    assert "N1: Abuse or neglect" in approval.text


def test_a_referral_13_months_before_is_not_a_re_referral(
    client, screener, manager, referrer, level
):
    _referral(screener, manager, referrer, level, days_ago=395)
    later = _new_contact(screener, referrer)
    client.force_login(screener)

    assert RE_REFERRAL not in _page(client, later).text
    decision = decide(screener, later, level, route=Route.EARLY_HELP)
    assert not decision.is_re_referral
    assert ">No</dd>" in _page(client, later).text


def test_a_referral_still_waiting_for_approval_does_not_count(client, screener, referrer, level):
    earlier = submit_contact(
        referrer,
        subjects=[child_input(nhs_number=NHS)],
        received_at=timezone.now() - timedelta(days=30),
    )
    services.screening_claim(actor=screener, contact=earlier)
    decide(screener, earlier, level, route=Route.SOCIAL_CARE_ASSESSMENT)  # pending
    later = _new_contact(screener, referrer)
    client.force_login(screener)
    assert RE_REFERRAL not in _page(client, later).text
    assert not selectors.is_re_referral(contact=later)


@pytest.mark.parametrize(("closed_days_ago", "shown"), [(150, True), (213, False)])
def test_a_case_closed_within_6_months_is_shown_with_its_reason(
    client, screener, manager, referrer, level, closed_days_ago, shown
):
    # Referred 14 months ago (outside the 12-month rule), closed 5 or 7 months ago.
    earlier = _referral(screener, manager, referrer, level, days_ago=425)
    _closed(screener, earlier, days_ago=closed_days_ago)
    later = _new_contact(screener, referrer)
    client.force_login(screener)

    page = _page(client, later).text

    closed_on = _long(timezone.localdate() - timedelta(days=closed_days_ago))
    message = f"Case closed on {closed_on} after contact"
    assert (message in page) is shown
    assert ("Case closed after assessment, no further action" in page) is shown
    assert RE_REFERRAL not in page
    assert not selectors.is_re_referral(contact=later)


def test_a_restricted_earlier_contact_gives_the_rule_but_not_its_contents(
    client, screener, manager, referrer, level
):
    earlier = _referral(screener, manager, referrer, level, days_ago=200)
    _closed(screener, earlier, days_ago=60, reason="RC7")
    referral_services.restriction_add(
        actor=manager,
        contact=earlier,
        reason="A member of staff's family.",
        ask=manager,
        allowed=[],
        review_due=timezone.localdate() + timedelta(days=30),
    )
    later = _new_contact(screener, referrer)

    client.force_login(screener)
    page = _page(client, later).text
    assert RE_REFERRAL in page
    assert "a restricted record" in page
    assert "RC7:" not in page  # with its colon: a CSRF token can hold the letters RC7
    assert "Services ceased" not in page

    client.force_login(manager)
    assert "Reason for closure: RC7: Services ceased" in _page(client, later).text


def test_guidance_reads_a_fixed_number_of_queries_however_many_children(
    screener, manager, referrer, level, django_assert_max_num_queries
):
    earlier = submit_contact(
        referrer,
        subjects=[child_input(nhs_number=NHS), child_input(first_name="Ruby")],
        received_at=timezone.now() - timedelta(days=300),
    )
    services.screening_claim(actor=screener, contact=earlier)
    services.decision_approve(
        actor=manager,
        decision=decide(screener, earlier, level, route=Route.SOCIAL_CARE_ASSESSMENT),
    )
    for subject in earlier.subjects.filter(person__isnull=True):
        referral_services.match_reject_all(actor=screener, subject=subject)
    _closed(screener, earlier, days_ago=20)
    ruby = earlier.subjects.get(first_name="Ruby").person
    later = submit_contact(
        referrer, subjects=[child_input(nhs_number=NHS), child_input(first_name="Ruby")]
    )
    for subject in later.subjects.filter(first_name="Ruby", person__isnull=True):
        candidate = subject.match_candidates.get(person=ruby)
        referral_services.match_confirm(actor=screener, candidate=candidate)
    later = Contact.objects.prefetch_related("subjects__person").get(pk=later.pk)
    selectors.can_screen(screener)  # loads the screener's permissions

    with django_assert_max_num_queries(3):
        guidance = re_referral_guidance(user=screener, contact=later)

    assert [item.subject.first_name for item in guidance] == ["Amelia", "Ruby"]
    assert all(item.referral.reference == earlier.reference for item in guidance)
    assert guidance[0].closure is not None  # the closure was recorded for child 1
    assert guidance[1].closure is None


def test_primary_need_is_required_for_a_referral_and_keeps_what_was_typed(
    client, screener, referrer, level
):
    contact = _new_contact(screener, referrer)
    client.force_login(screener)
    url = reverse("screening:decide", args=[contact.reference])
    typed = {
        "route": "social_care_assessment",
        "threshold_level": level.pk,
        "rationale": RATIONALE,
        "family_notice": "notify",
    }

    refused = client.post(url, typed)

    assert refused.status_code == 200
    assert "Select the child&#x27;s primary need for a referral to social care" in refused.text
    assert "Bruising consistent with a grip" in refused.text
    assert 'value="social_care_assessment" checked' in refused.text
    assert not contact.decisions.exists()

    assert client.post(url, {**typed, "primary_need": "N4"}).status_code == 302
    decision = contact.decisions.get()
    assert decision.primary_need == "N4"
    assert "N4: Family in acute stress" in _page(client, contact).text


def test_primary_need_is_only_kept_for_a_referral_to_social_care(client, screener, referrer, level):
    contact = _new_contact(screener, referrer)
    client.force_login(screener)
    client.post(
        reverse("screening:decide", args=[contact.reference]),
        {
            "route": "early_help",
            "primary_need": "N4",
            "threshold_level": level.pk,
            "rationale": RATIONALE,
            "family_notice": "notify",
        },
    )
    assert contact.decisions.get().primary_need == ""


@pytest.mark.parametrize(
    ("code", "message"),
    [("", "Select the child's primary need"), ("N9", "N9 is not a primary need code")],
)
def test_the_service_refuses_a_referral_without_a_valid_primary_need(
    screener, referrer, level, code, message
):
    contact = _new_contact(screener, referrer)
    with pytest.raises(services.ScreeningRefused, match=message):
        decide(screener, contact, level, route=Route.STRATEGY_DISCUSSION, primary_need=code)
    assert not Decision.objects.filter(contact=contact).exists()


def _census_url(contact, subject):
    return reverse("screening:child-census", args=[contact.reference, subject.pk])


def test_a_screener_records_a_childs_ethnicity_and_disabilities(client, screener, referrer):
    contact = submit_contact(referrer, subjects=[child_input(nhs_number=NHS)])
    child = contact.subjects.get()
    client.force_login(screener)  # no need to hold the contact: families tell anyone

    response = client.post(
        _census_url(contact, child),
        {f"child-{child.pk}-ethnicity": "MWBA", f"child-{child.pk}-disabilities": ["HEAR", "AUT"]},
    )

    assert response.status_code == 302
    child.refresh_from_db()
    child.person.refresh_from_db()
    assert (child.ethnicity, child.disabilities) == ("MWBA", ["HEAR", "AUT"])
    assert (child.person.ethnicity, child.person.disabilities) == ("MWBA", ["HEAR", "AUT"])
    assert AuditEvent.objects.filter(
        actor=screener, record_id=contact.reference, via="referrals.subject_census_set"
    ).exists()
    assert AuditEvent.objects.filter(
        record_type="person", record_id=str(child.person_id), via="referrals.subject_census_set"
    ).exists()
    page = _page(client, contact).text
    assert (
        "ethnicity MWBA: Mixed: White and Black African; "
        "disabilities HEAR: Hearing, AUT: Autism or Asperger syndrome"
    ) in page


def test_the_census_details_have_a_page_of_their_own_linked_from_the_contact(
    client, screener, referrer
):
    contact = submit_contact(referrer, subjects=[child_input(nhs_number=NHS)])
    child = contact.subjects.get()
    referral_services.subject_census_set(
        actor=screener, subject=child, ethnicity="WBRI", disabilities=["NONE"]
    )
    client.force_login(screener)

    contact_page = _page(client, contact).text
    assert "For the census: ethnicity WBRI: White: British; disabilities NONE" in contact_page
    assert f'href="{_census_url(contact, child)}"' in contact_page
    # The forms are on their own page, not repeated for every child on the contact's.
    assert f'name="child-{child.pk}-ethnicity"' not in contact_page
    views = AuditEvent.objects.filter(
        actor=screener, action="view", record_type="contact", record_id=contact.reference
    )
    seen_before = views.count()

    page = client.get(_census_url(contact, child))

    assert page.status_code == 200
    assert 'value="WBRI" selected' in page.text
    assert 'value="NONE" checked' in page.text
    assert views.count() == seen_before + 1


@pytest.mark.parametrize(
    ("values", "message", "kept"),
    [
        (
            {"ethnicity": "WBRI", "disabilities": ["NONE", "AUT"]},
            "Select 'No disability' on its own",
            ['value="WBRI" selected', 'value="NONE" checked', 'value="AUT" checked'],
        ),
        (
            {"ethnicity": "XXXX", "disabilities": ["AUT"]},
            "Select the child's ethnicity from the list",
            ['value="AUT" checked'],
        ),
        (
            {"ethnicity": "WBRI", "disabilities": ["WINGS"]},
            "Select disabilities from the list",
            ['value="WBRI" selected'],
        ),
    ],
)
def test_census_details_are_checked_and_what_was_typed_is_kept(
    client, screener, referrer, values, message, kept
):
    contact = submit_contact(referrer)
    child = contact.subjects.get()
    client.force_login(screener)
    prefix = f"child-{child.pk}-"

    response = client.post(
        _census_url(contact, child), {prefix + name: value for name, value in values.items()}
    )

    assert response.status_code == 400
    assert message in response.text.replace("&#x27;", "'")
    assert "There is a problem" in response.text
    for html in kept:
        assert html in response.text
    child.refresh_from_db()
    assert (child.ethnicity, child.disabilities) == ("", [])


def test_only_screening_staff_record_census_details_of_a_child_on_the_contact(
    client, screener, referrer
):
    contact = submit_contact(referrer)
    other = submit_contact(referrer)
    client.force_login(referrer)
    child = contact.subjects.get()
    assert client.post(_census_url(contact, child), {}).status_code == 404
    client.force_login(screener)
    assert client.post(_census_url(contact, other.subjects.get()), {}).status_code == 404
