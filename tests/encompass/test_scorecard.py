"""Managers see Operation Encompass timeliness on the scorecard: the share of notices due
in the period sent before 08:30 on the school's next school day (the page's own test)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from frontdoor.london import LONDON
from outcomes.encompass import notices as encompass
from outcomes.models import Notice
from outcomes.models_encompass import EncompassNotice
from outcomes.scorecard.periods import Granularity, Period
from outcomes.scorecard.selectors import scorecard_count
from tests.factories import child_input
from tests.support.encompass import calendar_2026_27, police_notification, school

pytestmark = pytest.mark.django_db
MONDAY_DUE = datetime(2026, 11, 30, 8, 30, tzinfo=LONDON)


def test_the_share_sent_before_0830_on_the_next_school_day(client, manager, screener):
    calendar_2026_27()
    millbrook = school()
    friday_night = datetime(2026, 11, 27, 22, 0, tzinfo=LONDON)
    notices = []
    for name in ("Ava", "Ben", "Cal"):
        notification = police_notification(
            incident_at=friday_night,
            children=[child_input(first_name=name)],
        )
        notice = EncompassNotice.objects.get(notification=notification)
        encompass.school_confirm(actor=screener, encompass=notice, school=millbrook)
        notice.refresh_from_db()
        notices.append(notice)
    # Ava's went on Saturday, Ben's at 08:45 on Monday, Cal's not at all.
    Notice.objects.filter(pk=notices[0].notice_id).update(
        status=Notice.Status.SENT, sent_at=MONDAY_DUE - timedelta(days=2)
    )
    Notice.objects.filter(pk=notices[1].notice_id).update(
        status=Notice.Status.SENT, sent_at=MONDAY_DUE + timedelta(minutes=15)
    )

    card = scorecard_count(
        period=Period.containing(MONDAY_DUE.date(), Granularity.MONTH), as_at=timezone.now()
    )

    figure = card.figures["encompass_on_time"]
    assert (figure.count, figure.base) == (1, 3)
    client.force_login(manager)
    page = client.get(reverse("outcomes:scorecard"), {"period": "2026-11"})
    assert "Operation Encompass notices on time" in page.content.decode()
