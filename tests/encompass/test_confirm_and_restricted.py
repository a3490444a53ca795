"""The Encompass pages: a held notice's confirmation says when it goes, a bad school
choice gets one clear message, and a restricted record's row shows nothing of the
child, its school included (docs/adr/0012, 0038)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from outcomes.models_encompass import EncompassNotice
from referrals import services as referral_services
from tests.encompass.test_notices import _child_with_school, _half_term_now
from tests.factories import child_input
from tests.support.encompass import police_notification, school

pytestmark = pytest.mark.django_db


def _awaiting_in_half_term(screener) -> EncompassNotice:
    last_night, _ = _half_term_now()
    notification = police_notification(
        incident_at=last_night,
        children=[child_input(first_name="Leo")],
    )
    return EncompassNotice.objects.get(notification=notification)


def test_confirming_a_held_notice_says_when_it_goes(client, screener):
    notice = _awaiting_in_half_term(screener)
    millbrook = school()
    client.force_login(screener)

    done = client.post(
        reverse("outcomes:encompass-school", args=[notice.pk]),
        {"answer": "school", "school": millbrook.pk},
        follow=True,
    )

    notice.refresh_from_db()
    assert notice.state == EncompassNotice.State.HELD
    page = done.content.decode()
    assert "on its way" not in page
    goes = timezone.localtime(notice.release_at)
    assert f"goes on {goes:%A} {goes.day} {goes:%B} at 16:00, before the first day back" in page


def test_a_school_not_in_the_list_gets_one_clear_message(client, screener):
    notice = _awaiting_in_half_term(screener)
    client.force_login(screener)

    refused = client.post(
        reverse("outcomes:encompass-school", args=[notice.pk]),
        {"answer": "school", "school": "999999"},
    )

    page = refused.content.decode()
    assert refused.status_code == 400
    assert "Choose the child&#x27;s school from the list" in page
    assert "Select a valid choice" not in page
    assert "Choose the child&#x27;s school<" not in page


def test_a_restricted_row_shows_no_school(client, screener, manager):
    millbrook = school(name="Millbrook Primary School")
    _child_with_school(millbrook)
    notification = police_notification(incident_at=timezone.now() - timedelta(hours=2))
    referral_services.restriction_add(
        actor=manager,
        contact=notification.contact,
        reason="A member of staff's family.",
        ask=manager,
        allowed=[manager],
        review_due=timezone.localdate() + timedelta(days=30),
    )
    client.force_login(screener)

    page = client.get(reverse("outcomes:encompass")).content.decode()
    found_by_school = client.get(reverse("outcomes:encompass"), {"school": "Millbrook"})

    restricted_row = page.split(notification.contact.reference)[-1].split("</tr>")[0]
    assert "Restricted record" in restricted_row
    assert "Millbrook" not in restricted_row
    assert notification.contact.reference not in found_by_school.content.decode()
