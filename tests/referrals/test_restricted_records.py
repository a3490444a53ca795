"""Restricted records: only named people open them; others see whom to ask."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from frontdoor.models import AuditEvent
from frontdoor.roles import Role
from referrals import services
from referrals.models import Restriction
from referrals.tasks import restrictions_review_due
from tests.factories import UserFactory, submit_contact


@pytest.fixture
def colleague(db):
    return UserFactory(roles=[Role.SCREENER], full_name="Chris Colleague")


def _day_month_year(day):
    return (day.day, day.month, day.year)


def _restrict(
    client, manager, contact, allowed, reason="A member of staff's family.", review_in_days=90
):
    client.force_login(manager)
    return client.post(
        reverse("referrals:contact-restrict", args=[contact.reference]),
        {
            "reason": reason,
            "allowed": [user.pk for user in allowed],
            "ask": manager.pk,
            **dict(
                zip(
                    ("review_due_0", "review_due_1", "review_due_2"),
                    map(
                        str,
                        _day_month_year(timezone.localdate() + timedelta(days=review_in_days)),
                    ),
                    strict=True,
                )
            ),
        },
    )


def test_only_named_people_open_a_restricted_contact(
    client, manager, screener, colleague, referrer, contact
):
    assert _restrict(client, manager, contact, [screener]).status_code == 302
    url = reverse("referrals:contact-detail", args=[contact.reference])

    client.force_login(screener)
    assert client.get(url).status_code == 200

    client.force_login(colleague)
    refused = client.get(url)
    assert refused.status_code == 403
    assert "This record is restricted" in refused.text
    assert manager.full_name in refused.text
    assert "Amelia" not in refused.text
    assert AuditEvent.objects.filter(
        actor=colleague, record_id=contact.reference, detail__refused="restricted"
    ).exists()
    for other in (
        reverse("screening:contact", args=[contact.reference]),
        reverse("outcomes:contact-notices", args=[contact.reference]),
    ):
        assert client.get(other).status_code == 403, other
    assert client.post(reverse("screening:claim", args=[contact.reference])).status_code == 403
    queue = client.get(reverse("screening:queue"))
    assert "Restricted record" in queue.text
    assert "Amelia" not in queue.text

    # The referrer who wrote it can still read what they sent.
    client.force_login(referrer)
    assert client.get(url).status_code == 200


def test_a_restricted_person_restricts_every_contact_about_them(
    client, manager, screener, colleague, referrer, contact
):
    person = contact.subjects.get(role="child").person
    services.restriction_add(
        actor=manager,
        person=person,
        reason="High-profile family in the news.",
        ask=manager,
        allowed=[screener],
        review_due=timezone.localdate() + timedelta(days=30),
    )
    later = submit_contact(referrer)  # the same child, matched by name and birth date
    client.force_login(colleague)
    assert client.get(reverse("referrals:person-detail", args=[person.pk])).status_code == 403
    assert (
        client.get(reverse("referrals:contact-detail", args=[contact.reference])).status_code == 403
    )
    client.force_login(screener)
    assert client.get(reverse("referrals:person-detail", args=[person.pk])).status_code == 200
    assert later.pk  # a later contact is covered once linked to the person


def test_a_restriction_needs_a_reason_and_keeps_what_was_typed(client, manager, contact):
    response = _restrict(client, manager, contact, [], reason="")
    assert response.status_code == 200
    assert "Say why the record is restricted" in response.text
    assert not Restriction.objects.exists()


def test_restrictions_are_reviewed_on_schedule_and_can_be_lifted(
    client, manager, screener, colleague, contact
):
    restriction = services.restriction_add(
        actor=manager,
        contact=contact,
        reason="A member of staff's family.",
        ask=manager,
        allowed=[screener],
        review_due=timezone.localdate() + timedelta(days=1),
    )
    Restriction.objects.filter(pk=restriction.pk).update(review_due=timezone.localdate())
    assert restrictions_review_due() == 1

    client.force_login(manager)
    page = client.get(reverse("referrals:restrictions"))
    assert contact.reference in page.text
    assert "Due" in page.text
    client.post(
        reverse("referrals:restrictions"), {"restriction": restriction.pk, "action": "keep"}
    )
    restriction.refresh_from_db()
    assert restriction.review_due > timezone.localdate() + timedelta(days=80)
    assert restrictions_review_due() == 0

    client.post(
        reverse("referrals:restrictions"), {"restriction": restriction.pk, "action": "lift"}
    )
    client.force_login(colleague)
    assert (
        client.get(reverse("referrals:contact-detail", args=[contact.reference])).status_code == 200
    )


def test_a_review_date_must_be_within_three_months(client, manager, contact):
    too_late = _restrict(client, manager, contact, [], review_in_days=92)
    assert too_late.status_code == 200
    assert "Review date must be within three months" in too_late.content.decode()
    assert "A member of staff&#x27;s family." in too_late.content.decode()
    assert not Restriction.objects.filter(contact=contact).exists()
    assert _restrict(client, manager, contact, [], review_in_days=91).status_code == 302


def test_only_managers_restrict(client, screener, contact):
    client.force_login(screener)
    assert (
        client.get(reverse("referrals:contact-restrict", args=[contact.reference])).status_code
        == 403
    )
    assert client.get(reverse("referrals:restrictions")).status_code == 403


def test_the_meeting_names_a_restricted_case_only_to_the_people_on_it(
    client, manager, screener, colleague, referrer
):
    from datetime import date, time

    from screening.meetings import services as meetings

    contact = submit_contact(referrer, concern_categories=["child_exploitation"])
    services.restriction_add(
        actor=manager,
        contact=contact,
        reason="A member of staff's family.",
        ask=manager,
        allowed=[screener],
        review_due=timezone.localdate() + timedelta(days=30),
    )
    run, _ = meetings.complex_case_run(meeting_date=date(2026, 11, 23), slot=time(9, 30))
    url = reverse("screening:meeting", args=[run.pk])
    client.force_login(colleague)
    page = client.get(url).text
    assert "This record is restricted" in page
    assert "Amelia" not in page
    client.force_login(screener)
    assert "Amelia" in client.get(url).text
