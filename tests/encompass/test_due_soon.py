"""Notices waiting for a screener to confirm the child's school are shown on the
screening queue once due within ENCOMPASS_DUE_SOON_HOURS, or overdue (docs/adr/0038):
a notice due at 08:30 needs a screener the evening before."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from frontdoor.london import LONDON
from outcomes.models_encompass import EncompassNotice
from tests.support.encompass import calendar_2026_27, police_notification

pytestmark = pytest.mark.django_db
BANNER = "Schools to tell by 08:30"


def _queue(client) -> str:
    return client.get(reverse("screening:queue")).content.decode()


def test_a_notice_waiting_for_its_school_and_due_soon_is_on_the_queue(client, screener, settings):
    calendar_2026_27()
    notice = EncompassNotice.objects.get(
        notification=police_notification(incident_at=timezone.now() - timedelta(hours=1))
    )
    assert notice.state == EncompassNotice.State.AWAITING_SCHOOL
    hours_to_go = (notice.due_at - timezone.now()) / timedelta(hours=1)
    client.force_login(screener)

    settings.ENCOMPASS_DUE_SOON_HOURS = int(hours_to_go) - 1
    assert BANNER not in _queue(client)

    settings.ENCOMPASS_DUE_SOON_HOURS = int(hours_to_go) + 1
    page = _queue(client)
    assert BANNER in page
    assert reverse("outcomes:encompass-school", args=[notice.pk]) in page
    assert notice.contact.reference in page
    assert "Amelia" not in page.split(BANNER)[1].split("</div>")[0]


def test_an_overdue_one_is_shown_as_overdue_until_confirmed(client, screener, settings):
    calendar_2026_27()
    settings.ENCOMPASS_DUE_SOON_HOURS = 0
    friday_night = datetime(2026, 11, 27, 22, 40, tzinfo=LONDON)
    notice = EncompassNotice.objects.get(notification=police_notification(incident_at=friday_night))
    client.force_login(screener)

    assert "overdue, was due Mon 30 Nov, 08:30" in _queue(client)

    EncompassNotice.objects.filter(pk=notice.pk).update(
        state=EncompassNotice.State.NOT_SENT,
        not_sent_reason=EncompassNotice.NotSentReason.NOT_AT_SCHOOL,
    )
    assert BANNER not in _queue(client)
