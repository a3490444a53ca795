"""Operation Encompass through HTTP: a screener confirms an unknown school and the notice
goes; the page filters notices by where they stand; the school's acknowledgement link
works once, expires, and shows nothing about the child."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from frontdoor.london import LONDON
from frontdoor.models import AuditEvent
from outcomes import services
from outcomes.encompass import notices as encompass
from outcomes.models import Notice
from outcomes.models_encompass import EncompassNotice, PupilSchool
from tests.outcomes.test_notices import smtp  # noqa: F401 (a real SMTP server on loopback)
from tests.support.encompass import calendar_2026_27, police_notification, school

pytestmark = pytest.mark.django_db
FRIDAY_NIGHT = datetime(2026, 11, 27, 22, 40, tzinfo=LONDON)


def _awaiting(screener) -> EncompassNotice:
    calendar_2026_27()
    notification = police_notification(incident_at=FRIDAY_NIGHT)
    return EncompassNotice.objects.get(notification=notification)


def test_unknown_school_a_screener_confirms_then_it_goes(client, screener, smtp):  # noqa: F811
    notice = _awaiting(screener)
    millbrook = school()
    client.force_login(screener)

    listed = client.get(reverse("outcomes:encompass"), {"status": "awaiting_school"})
    assert "Amelia Harrison" in listed.content.decode()
    page = client.get(reverse("outcomes:encompass-school", args=[notice.pk]))
    assert "Confirm Amelia Harrison" in page.content.decode()

    # Nothing chosen: told, and nothing is sent.
    refused = client.post(reverse("outcomes:encompass-school", args=[notice.pk]), {})
    assert refused.status_code == 400
    assert "Say whether the child attends" in refused.content.decode()

    done = client.post(
        reverse("outcomes:encompass-school", args=[notice.pk]),
        {"answer": "school", "school": millbrook.pk},
    )
    assert done.status_code == 302
    notice.refresh_from_db()
    assert notice.state == EncompassNotice.State.RELEASED
    assert notice.school == millbrook
    assert notice.confirmed_by == screener
    assert services.notice_deliver(notice_id=notice.notice_id) == "sent"
    assert smtp.messages[0].rcpt_tos == ["dsl@millbrook.example.sch.uk"]
    # Kept for the child's next notice, and audited.
    assert PupilSchool.objects.get(person=notice.subject.person).school == millbrook
    assert AuditEvent.objects.filter(
        actor=screener, via="outcomes.encompass.school_confirm", record_id=notice.contact.reference
    ).exists()
    next_one = police_notification(incident_at=timezone.now() - timedelta(hours=1))
    assert EncompassNotice.objects.get(notification=next_one).state == "released"


def test_a_screener_can_say_no_notice_can_go(client, screener):
    notice = _awaiting(screener)
    client.force_login(screener)
    response = client.post(
        reverse("outcomes:encompass-school", args=[notice.pk]),
        {"answer": "none", "not_sent_reason": "not_at_school"},
    )
    assert response.status_code == 302
    notice.refresh_from_db()
    assert (notice.state, notice.notice) == ("not_sent", None)


def test_the_page_filters_and_shows_late_and_failed(client, manager, screener):
    calendar_2026_27()
    known = school(key_adult_email="", secure_email="")  # no address: its notice fails
    notice = _awaiting(screener)
    encompass.school_confirm(actor=screener, encompass=notice, school=known)
    client.force_login(manager)

    failed = client.get(reverse("outcomes:encompass"), {"status": "failed"}).content.decode()
    assert "Failed: needs a person" in failed
    assert "Amelia Harrison" in failed
    late = client.get(reverse("outcomes:encompass"), {"status": "late"}).content.decode()
    assert "Amelia Harrison" in late  # due 08:30 on 30 November 2026, never sent
    sent = client.get(reverse("outcomes:encompass"), {"status": "sent"}).content.decode()
    assert "Amelia Harrison" not in sent
    by_school = client.get(reverse("outcomes:encompass"), {"school": "Nowhere"}).content.decode()
    assert "No notices to show" in by_school
    # Hostile filters are answered, never a 500.
    odd = client.get(reverse("outcomes:encompass"), {"status": "=SUM(A1)", "school": "x" * 10000})
    assert odd.status_code == 200


def test_the_acknowledgement_link_works_once_and_shows_nothing_of_the_child(plain_client, screener):
    notice = _awaiting(screener)
    encompass.school_confirm(actor=screener, encompass=notice, school=school())
    url = reverse("outcomes:encompass-acknowledge", args=[encompass.acknowledge_token(notice)])
    assert "Amelia" not in url
    assert notice.contact.reference not in url

    opened = plain_client.get(url)  # a mail scanner opening it uses nothing up
    assert opened.status_code == 200
    assert "I have read the notice" in opened.content.decode()
    read = plain_client.post(url)
    assert read.status_code == 200
    assert "We have recorded that you read" in read.content.decode()
    notice.refresh_from_db()
    assert notice.acknowledged_at is not None
    for page in (read, opened):
        assert "Amelia" not in page.content.decode()

    again = plain_client.post(url)
    assert again.status_code == 400
    assert "This link has been used" in again.content.decode()
    assert plain_client.get(url).status_code == 400


def test_the_acknowledgement_link_expires_and_a_forged_one_fails(plain_client, screener, settings):
    notice = _awaiting(screener)
    url = reverse("outcomes:encompass-acknowledge", args=[encompass.acknowledge_token(notice)])
    settings.ENCOMPASS_ACKNOWLEDGE_DAYS = 0
    expired = plain_client.post(url)
    assert expired.status_code == 400
    assert "This link has expired" in expired.content.decode()
    settings.ENCOMPASS_ACKNOWLEDGE_DAYS = 14

    forged = reverse("outcomes:encompass-acknowledge", args=[url.split("/")[-2][:-2] + "xx"])
    answer = plain_client.post(forged)
    assert answer.status_code == 400
    assert "This link does not work" in answer.content.decode()
    notice.refresh_from_db()
    assert notice.acknowledged_at is None


def test_a_failed_school_notice_is_resent_to_the_directorys_new_address(manager, screener):
    calendar_2026_27()
    known = school(key_adult_email="", secure_email="")
    notice = _awaiting(screener)
    encompass.school_confirm(actor=screener, encompass=notice, school=known)
    notice.refresh_from_db()
    assert notice.notice.status == Notice.Status.PERMANENT_FAILURE
    assert services.notice_resend_problem(notice.notice).startswith("No email address")

    known.key_adult_email = "new.dsl@millbrook.example.sch.uk"
    known.save()
    again = services.notice_resend(actor=manager, notice=notice.notice)

    notice.refresh_from_db()
    assert notice.notice == again
    assert again.recipient == "new.dsl@millbrook.example.sch.uk"
    assert date(2026, 11, 30) == timezone.localdate(notice.due_at)
