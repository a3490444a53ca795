"""A withdrawn contact's schools' notices (docs/adr/0036, 0038): those not yet sent are
not sent, with the reason; one already sent stays sent and the page says so; the
holiday release, a screener's confirming and the sender each refuse on their own."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from outcomes import services
from outcomes.encompass import notices as encompass
from outcomes.models import Notice
from outcomes.models_encompass import EncompassNotice
from tests.encompass.test_notices import _child_with_school, _half_term_now
from tests.factories import child_input
from tests.outcomes.test_notices import smtp  # noqa: F401 (a real SMTP server on loopback)
from tests.support.encompass import AMELIA_NHS, police_notification, school
from tests.support.withdrawals import withdraw

pytestmark = pytest.mark.django_db
State = EncompassNotice.State
WITHDRAWN = EncompassNotice.NotSentReason.WITHDRAWN
LEO = child_input(first_name="Leo", date_of_birth=date(2014, 6, 2))


def _three_waiting(screener):
    """On one contact a notice held over half term and one waiting for its school; on
    another, one in the outbox not yet sent."""
    last_night, _ = _half_term_now()
    millbrook = school()
    _child_with_school(millbrook)
    in_half_term = police_notification(
        incident_at=last_night,
        children=[child_input(nhs_number=AMELIA_NHS), LEO],
    )
    # A child at a school open all year: the half term holds nothing for it.
    mia = {"first_name": "Mia", "last_name": "Stone", "nhs_number": "9434765005"}
    _child_with_school(school(name="Oakfield Residential School", open_all_year=True), **mia)
    earlier_today = police_notification(
        incident_at=timezone.now() - timedelta(hours=2), children=[child_input(**mia)]
    )
    held, awaiting = EncompassNotice.objects.filter(notification=in_half_term).order_by(
        "subject__position"
    )
    due = EncompassNotice.objects.get(notification=earlier_today)
    assert (held.state, awaiting.state, due.state) == (
        State.HELD,
        State.AWAITING_SCHOOL,
        State.RELEASED,
    )
    assert due.notice.status == Notice.Status.PENDING
    return held, awaiting, due, millbrook


def test_withdrawing_stops_every_notice_not_yet_sent(screener):
    held, awaiting, due, millbrook = _three_waiting(screener)

    withdraw(screener, held.contact)
    withdraw(screener, due.contact)

    for notice in (held, awaiting, due):
        notice.refresh_from_db()
        assert (notice.state, notice.not_sent_reason) == (State.NOT_SENT, WITHDRAWN)
    assert Notice.objects.get(pk=due.notice_id).status == Notice.Status.WITHDRAWN
    # The holiday's end releases nothing, the screener cannot send it, the sender skips it.
    assert encompass.releases_due(now=held.due_at + timedelta(days=1)) == []
    with pytest.raises(encompass.EncompassRefused, match="withdrawn"):
        encompass.school_confirm(actor=screener, encompass=awaiting, school=millbrook)
    assert services.notice_deliver(notice_id=due.notice_id) == "skipped"
    assert not Notice.objects.filter(status=Notice.Status.SENT).exists()


def test_a_notice_a_dead_worker_held_is_stopped_by_the_sender(screener, smtp):  # noqa: F811
    _, _, due, _ = _three_waiting(screener)
    # A worker took it for sending, then died before it sent anything.
    Notice.objects.filter(pk=due.notice_id).update(
        status=Notice.Status.SENDING, sending_started_at=timezone.now() - timedelta(hours=1)
    )
    withdraw(screener, due.contact)
    due.refresh_from_db()
    assert due.state == State.RELEASED  # being sent: the withdrawal cannot know more

    assert due.notice_id in services.notices_sweep()
    assert services.notice_deliver(notice_id=due.notice_id) == "withdrawn"

    due.refresh_from_db()
    assert (due.state, due.not_sent_reason) == (State.NOT_SENT, WITHDRAWN)
    assert due.notice.status == Notice.Status.WITHDRAWN
    assert smtp.messages == []


def test_a_sent_notice_stays_sent_and_the_page_says_so(client, screener, smtp):  # noqa: F811
    held, _, due, _ = _three_waiting(screener)
    assert services.notice_deliver(notice_id=due.notice_id) == "sent"

    withdraw(screener, due.contact)
    withdraw(screener, held.contact)

    due.refresh_from_db()
    assert due.state == State.RELEASED
    assert due.notice.status == Notice.Status.SENT
    client.force_login(screener)
    page = client.get(reverse("outcomes:encompass")).content.decode()
    assert "Sent before the contact was withdrawn: the school has it." in page
    assert page.count("Not sent: the contact was withdrawn") == 2
