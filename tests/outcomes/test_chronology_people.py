"""The chronology's entries about the person themselves: warnings set, reviewed and ended,
and the child's voice on each contact, in words."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
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


def test_each_review_is_its_own_entry_and_the_set_entry_keeps_its_first_review_date(
    client, referrer, screener, manager
):
    contact = submit_contact(referrer, subjects=[child_input(nhs_number="9434765919")])
    person = contact.subjects.get().person
    today = timezone.localdate()
    first, second, third = (today + timedelta(days=days) for days in (20, 50, 80))
    warning = warning_set(
        actor=screener,
        person=person,
        kind=WarningKind.MARAC,
        evidence="Heard at MARAC on 3 March; high risk.",
        review_due=first,
    )
    warning_review(actor=manager, warning=warning, review_due=second, note="Still open at MARAC.")
    warning_review(actor=screener, warning=warning, review_due=third, note="Second MARAC held.")

    client.force_login(screener)
    with CaptureQueriesContext(connection) as queries:
        page = _chronology(client, person)
    with CaptureQueriesContext(connection) as again:
        _chronology(client, person)
    assert len(queries) == len(again)
    kind = WarningKind.MARAC.label
    # Two review entries: each title appears as often as the one set entry's, twice.
    assert page.count(f"Warning reviewed: {kind}") == 2 * page.count(f"Warning set: {kind}")
    assert "Still open at MARAC." in page
    assert "Second MARAC held." in page
    set_entry = page[page.index(f"Warning set: {kind}") :]
    # The set entry gives the review date chosen then, not the one the reviews moved to.
    assert f"{first:%-d %B %Y}" in set_entry[: set_entry.index("Heard at MARAC")]
    for day in (second, third):
        assert f"{day:%-d %B %Y}" in page


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
