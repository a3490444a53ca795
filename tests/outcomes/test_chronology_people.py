"""The chronology's entries about the person themselves: warnings set, reviewed and ended,
and the child's voice on each contact, in words."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from referrals.models.warnings import WarningKind
from referrals.services.warnings import warning_end, warning_review, warning_set
from tests.factories import child_input, submit_contact

pytestmark = pytest.mark.django_db

SAID = "I don't want to go home when he is there."


def _chronology(client, person) -> str:
    response = client.get(reverse("outcomes:person-chronology", args=[person.pk]))
    assert response.status_code == 200
    return response.text


def test_a_warning_set_reviewed_and_ended_is_three_entries(client, referrer, screener, manager):
    contact = submit_contact(referrer, subjects=[child_input(nhs_number="9434765919")])
    person = contact.subjects.get().person
    soon = timezone.localdate() + timedelta(days=30)
    warning = warning_set(
        actor=screener,
        person=person,
        kind=WarningKind.RISK_TO_STAFF,
        evidence="Threatened a social worker at the door in March.",
        review_due=soon,
    )
    warning_review(
        actor=manager, warning=warning, review_due=soon + timedelta(days=30), note="Still current."
    )
    warning_end(actor=manager, warning=warning, reason="Moved out of the area in June.")

    client.force_login(screener)
    page = _chronology(client, person)
    kind = WarningKind.RISK_TO_STAFF.label
    for words in (
        f"Warning set: {kind}",
        f"Warning reviewed: {kind}",
        f"Warning ended: {kind}",
        "Threatened a social worker at the door in March.",
        "Still current.",
        "Moved out of the area in June.",
        manager.full_name,
    ):
        assert words in page
    assert ">risk_to_staff<" not in page
    only_warnings = client.get(
        reverse("outcomes:person-chronology", args=[person.pk]), {"kind": "warnings"}
    )
    assert "Contact received" not in only_warnings.text
    assert f"Warning ended: {kind}" in only_warnings.text


def test_the_childs_voice_is_on_the_contacts_entry(client, referrer, screener):
    seen = submit_contact(
        referrer,
        subjects=[
            child_input(
                nhs_number="9434765919",
                child_seen=True,
                child_seen_on=date(2026, 11, 20),
                child_seen_by="Sam Jones, class teacher",
                child_said=SAID,
            )
        ],
    )
    person = seen.subjects.get().person
    submit_contact(
        referrer,
        subjects=[
            child_input(
                nhs_number="9434765919",
                child_seen=False,
                child_not_seen_reason="Asleep when officers attended.",
            )
        ],
    )
    client.force_login(screener)
    page = _chronology(client, person)
    assert "Seen or spoken to by Sam Jones, class teacher on 20 November 2026" in page
    assert "I don&#x27;t want to go home when he is there." in page
    assert "Not seen or spoken to: Asleep when officers attended." in page
