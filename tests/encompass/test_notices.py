"""Operation Encompass notices: raised with a domestic-abuse police notification, due
before 08:30 on the school's next school day, held over a holiday, sent through the
notice outbox, and never holding the officer's account."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from frontdoor.london import LONDON
from frontdoor.working_days import is_working_day
from outcomes import services
from outcomes.encompass import notices as encompass
from outcomes.models import Notice
from outcomes.models_encompass import EncompassNotice, PupilSchool, TermCalendar, TermPeriod
from referrals.models.police import IncidentType
from tests.factories import child_input
from tests.outcomes.test_notices import smtp  # noqa: F401 (a real SMTP server on loopback)
from tests.support.encompass import (
    AMELIA_NHS,
    OFFICER_ACCOUNT,
    calendar_2026_27,
    police_notification,
    school,
)
from tests.support.waiting import wait_until

pytestmark = pytest.mark.django_db
State = EncompassNotice.State


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


def _known_school(subject_person, the_school, when=None):
    PupilSchool.objects.create(
        person=subject_person, school=the_school, confirmed_at=when or timezone.now()
    )


def _child_with_school(the_school, **child):
    """A child whose school a screener confirmed this school year (an earlier notice)."""
    child = {"nhs_number": AMELIA_NHS, **child}
    earlier = police_notification(
        incident_at=timezone.now() - timedelta(days=1), children=[child_input(**child)]
    )
    person = earlier.contact.subjects.get(role="child").person
    _known_school(person, the_school)
    return person


def _open_weekday(day: date) -> date:
    """``day``, or the first weekday after it that is not a bank holiday."""
    while day.weekday() >= 5 or not is_working_day(day):
        day += timedelta(days=1)
    return day


def _half_term_now() -> tuple[datetime, date]:
    """A default calendar whose half term began yesterday and runs for at least a week
    (a notification cannot be of an incident still to come): (an incident at 21:00
    last night, in the half term; the first day back)."""
    today = timezone.localdate()
    first_day_back = _open_weekday(today + timedelta(days=7))
    calendar = TermCalendar.objects.create(name="Now", is_default=True)
    TermPeriod.objects.create(
        calendar=calendar,
        name="Before",
        starts_on=today - timedelta(days=60),
        ends_on=today - timedelta(days=2),
    )
    TermPeriod.objects.create(
        calendar=calendar,
        name="After",
        starts_on=first_day_back,
        ends_on=first_day_back + timedelta(days=60),
    )
    return _at(today - timedelta(days=1), 21), first_day_back


def test_a_friday_night_incident_is_due_before_0830_monday_and_goes_at_once():
    calendar_2026_27()
    millbrook = school()
    _child_with_school(millbrook)

    notification = police_notification(incident_at=_at(date(2026, 11, 27), 22, 40))

    notice = EncompassNotice.objects.get(notification=notification)
    assert notice.state == State.RELEASED
    assert notice.due_at == _at(date(2026, 11, 30), 8, 30)
    assert notice.present is True
    assert notice.school == millbrook
    outbox = notice.notice
    assert (outbox.kind, outbox.audience, outbox.channel, outbox.recipient) == (
        "encompass",
        "school",
        "email",
        "dsl@millbrook.example.sch.uk",
    )


def test_an_incident_in_half_term_waits_for_the_first_day_back():
    last_night, first_day_back = _half_term_now()
    millbrook = school()
    _child_with_school(millbrook)

    notification = police_notification(incident_at=last_night)

    notice = EncompassNotice.objects.get(notification=notification)
    assert notice.state == State.HELD
    assert notice.notice is None
    assert notice.due_at == _at(first_day_back, 8, 30)
    assert notice.release_at == _at(first_day_back - timedelta(days=1), 16)
    # Not before its time; then, once it comes, given to the outbox.
    assert encompass.releases_due(now=notice.release_at - timedelta(minutes=1)) == []
    released = encompass.releases_due(now=notice.release_at)
    notice.refresh_from_db()
    assert notice.state == State.RELEASED
    assert released == [notice.notice_id]


def test_a_school_open_all_year_gets_it_next_morning():
    last_night, _ = _half_term_now()
    residential = school(name="Oakfield Residential School", open_all_year=True)
    _child_with_school(residential)

    notification = police_notification(incident_at=last_night)

    notice = EncompassNotice.objects.get(notification=notification)
    assert notice.state == State.RELEASED
    assert notice.due_at == _at(_open_weekday(timezone.localdate()), 8, 30)


def test_only_domestic_abuse_and_only_children_of_school_age(settings):
    calendar_2026_27()
    settings.ENCOMPASS_EARLY_YEARS = False
    baby = child_input(first_name="Ivy", date_of_birth=date(2025, 1, 5))
    pupil = child_input(first_name="Leo", date_of_birth=date(2015, 3, 1))
    police_notification(
        incident_at=_at(date(2026, 11, 27), 22),
        incident_type=IncidentType.MISSING_EPISODE,
        children=[pupil],
    )
    assert not EncompassNotice.objects.exists()

    police_notification(incident_at=_at(date(2026, 11, 27), 22), children=[baby, pupil])
    assert [n.subject.first_name for n in EncompassNotice.objects.all()] == ["Leo"]

    settings.ENCOMPASS_EARLY_YEARS = True
    police_notification(incident_at=_at(date(2026, 11, 27), 22), children=[baby])
    assert EncompassNotice.objects.filter(subject__first_name="Ivy", early_years=True).exists()


def test_an_unknown_school_waits_for_a_screener_with_a_suggestion_from_the_upn():
    calendar_2026_27()
    first_school = school(la_code="815", establishment_number="2001")
    child = child_input(unique_pupil_number="A815200126001")

    notification = police_notification(incident_at=_at(date(2026, 11, 27), 22), children=[child])

    notice = EncompassNotice.objects.get(notification=notification)
    assert notice.state == State.AWAITING_SCHOOL
    assert notice.suggested_school == first_school
    assert "UPN" in notice.suggestion_reason
    assert notice.due_at == _at(date(2026, 11, 30), 8, 30)
    assert not Notice.objects.filter(audience="school").exists()


def test_last_years_school_is_only_a_suggestion():
    calendar_2026_27()
    millbrook = school()
    person = _child_with_school(millbrook)
    PupilSchool.objects.filter(person=person).update(confirmed_at=_at(date(2026, 7, 1), 9))

    notification = police_notification(incident_at=_at(date(2026, 11, 27), 22))

    notice = EncompassNotice.objects.get(notification=notification)
    assert (notice.state, notice.suggested_school) == (State.AWAITING_SCHOOL, millbrook)


def test_the_notice_never_holds_the_officers_account(smtp):  # noqa: F811
    calendar_2026_27()
    _child_with_school(school())
    notification = police_notification(
        incident_at=_at(date(2026, 11, 27), 22, 40), present=(False,)
    )
    notice = EncompassNotice.objects.get(notification=notification).notice

    assert services.notice_deliver(notice_id=notice.pk) == "sent"

    message = smtp.messages[0].content.decode()
    body = message.replace("=\r\n", "").replace("\r\n", "\n")
    assert "Amelia Harrison" in body
    assert "12 April 2016" in body
    assert "domestic abuse incident at 22:40 on Friday 27 November 2026" in body
    assert "lives at the address but was not present" in body
    assert "/encompass/read/" in body
    for secret in (
        OFFICER_ACCOUNT[:40],
        "mug",
        "arrested",
        "PC 1234",
        notification.police_reference,
    ):
        assert secret not in body
    assert "Amelia" not in next(line for line in body.splitlines() if line.startswith("Subject:"))


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_the_school_its_notice_once(celery_worker, smtp):  # noqa: F811
    calendar_2026_27()
    _child_with_school(school())
    notification = police_notification(incident_at=timezone.now() - timedelta(hours=2))
    notice = EncompassNotice.objects.get(notification=notification).notice

    wait_until(
        lambda: Notice.objects.get(pk=notice.pk).status == Notice.Status.SENT,
        20,
        "the worker did not send the school's notice",
    )
    schools_mail = [m for m in smtp.messages if "dsl@millbrook" in " ".join(m.rcpt_tos)]
    assert len(schools_mail) == 1
