"""The complex-case queue: its rules, its slots, and one snapshot per slot."""

import threading
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone

from frontdoor.models import Agency, ReferralSource
from referrals.models import Contact
from screening import services as screening
from screening.meetings import rules, services, slots
from screening.models import ComplexCaseEntry, ComplexCaseRun
from tests.factories import AgencyFactory, child_input, submit_contact
from tests.support.waiting import wait_until

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
UTC = ZoneInfo("UTC")


def open_contacts():
    return list(
        Contact.objects.filter(status__in=screening.OPEN_STATUSES).select_related("screening")
    )


def reasons(contact):
    return rules.reasons_for(open_contacts()).get(contact.pk, [])


def test_a_contact_meeting_no_rule_stays_out(referrer):
    contact = submit_contact(referrer)
    assert reasons(contact) == []


def test_screener_flag(screener, referrer):
    contact = submit_contact(referrer)
    screening.screening_claim(actor=screener, contact=contact)
    screening.screening_save(
        actor=screener,
        contact=contact,
        values={"complex_flag": True, "complex_reason": "Three agencies, conflicting accounts"},
    )
    assert reasons(contact) == ["Flagged by a screener: Three agencies, conflicting accounts"]


def test_low_scaling_score(screener, referrer):
    contact = submit_contact(referrer)
    screening.screening_claim(actor=screener, contact=contact)
    screening.screening_save(actor=screener, contact=contact, values={"scaling": 3})
    assert reasons(contact) == ["Scaling score 3 (at or below 3)"]
    screening.screening_save(actor=screener, contact=contact, values={"scaling": 4})
    assert reasons(contact) == []


@pytest.mark.parametrize("category", ["missing_from_home", "child_exploitation"])
def test_missing_and_exploitation_concerns(referrer, category):
    contact = submit_contact(referrer, concern_categories=[category])
    assert reasons(contact)[0].startswith("Concern: ")


def test_third_contact_about_a_child_in_twelve_months(referrer):
    child = child_input(nhs_number="9434765919")
    submit_contact(referrer, subjects=[child], received_at=timezone.now() - timedelta(days=400))
    submit_contact(referrer, subjects=[child], received_at=timezone.now() - timedelta(days=100))
    current = submit_contact(referrer, subjects=[child])
    assert reasons(current) == []  # the one 400 days ago is outside the year

    submit_contact(referrer, subjects=[child], received_at=timezone.now() - timedelta(days=30))
    assert "3rd contact about Amelia Harrison in 12 months" in reasons(current)


def test_two_agencies_worried_about_a_child_within_28_days(referrer, screener):
    from referrals.services import ReferrerInput, contact_submit
    from tests.factories import contact_input

    school = AgencyFactory(
        type=Agency.Type.EDUCATION, referral_source=ReferralSource.objects.get(code="2A")
    )
    child = child_input(nhs_number="9434765919")
    submit_contact(referrer, subjects=[child], received_at=timezone.now() - timedelta(days=10))
    contact, _ = contact_submit(
        actor=screener,
        data=contact_input(
            subjects=[child], source_agency=school, referrer=ReferrerInput(name="DSL")
        ),
        channel=Contact.Channel.EMAIL,
    )
    assert "2 agencies worried about Amelia Harrison in 28 days" in reasons(contact)


def test_rules_are_configurable(settings, referrer):
    contact = submit_contact(referrer, concern_categories=["neglect"])
    settings.COMPLEX_CASE_RULES = {**settings.COMPLEX_CASE_RULES, "concern_categories": ["neglect"]}
    assert reasons(contact) == ["Concern: neglect"]


def test_two_runs_of_a_slot_make_one_snapshot(referrer):
    submit_contact(referrer, concern_categories=["missing_from_home"])
    first, made = services.complex_case_run(meeting_date=date(2026, 11, 23), slot=time(9, 30))
    again, made_again = services.complex_case_run(meeting_date=date(2026, 11, 23), slot=time(9, 30))
    assert (made, made_again) == (True, False)
    assert first == again
    assert first.entries.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_schedulers_make_one_snapshot(referrer):
    submit_contact(referrer, concern_categories=["missing_from_home"])
    barrier = threading.Barrier(4)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(
                services.complex_case_run(meeting_date=date(2026, 11, 23), slot=time(14, 0))[1]
            )
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(results) == [False, False, False, True]
    assert ComplexCaseRun.objects.count() == 1
    assert ComplexCaseEntry.objects.count() == 1


@pytest.mark.parametrize(
    ("monday", "offset_hours"),
    [
        (date(2026, 3, 30), 1),  # after clocks go forward on Sunday 29 March 2026
        (date(2026, 10, 26), 0),  # after clocks go back on Sunday 25 October 2026
    ],
)
def test_clock_changes_give_two_runs_at_the_right_local_times(db, monday, offset_hours):
    sunday_evening = datetime.combine(monday - timedelta(days=1), time(22, 0), tzinfo=LONDON)
    ticks = [sunday_evening + timedelta(minutes=5 * n) for n in range(12 * 24)]  # one day
    made = []
    for tick in ticks:
        made += services.complex_case_runs_due(now=tick.astimezone(UTC))
    assert [(run.meeting_date, run.slot) for run in made] == [
        (monday, time(9, 30)),
        (monday, time(14, 0)),
    ]
    first_due = slots.slot_moment(monday, time(9, 30)).astimezone(UTC)
    assert first_due.hour == 9 - offset_hours
    assert not any(run.caught_up for run in made)


def test_no_runs_on_weekends_or_bank_holidays(db):
    saturday = datetime(2026, 11, 28, 23, 0, tzinfo=LONDON)
    christmas = datetime(2026, 12, 25, 23, 0, tzinfo=LONDON)
    assert services.complex_case_runs_due(now=saturday) == []
    assert services.complex_case_runs_due(now=christmas) == []


def test_councils_with_weekend_cover_meet_on_saturdays(db, settings):
    settings.WORKING_DAYS_INCLUDE_WEEKENDS = True
    saturday = datetime(2026, 11, 28, 15, 0, tzinfo=LONDON)
    assert len(services.complex_case_runs_due(now=saturday)) == 2


def test_slots_missed_while_the_scheduler_was_down_are_caught_up(db):
    services.complex_case_run(meeting_date=date(2026, 11, 19), slot=time(14, 0))  # Thursday
    # Back on Monday at 10:00 after being down since Thursday afternoon.
    made = services.complex_case_runs_due(now=datetime(2026, 11, 23, 10, 0, tzinfo=LONDON))
    assert [(run.meeting_date, run.slot, run.caught_up) for run in made] == [
        (date(2026, 11, 20), time(9, 30), True),
        (date(2026, 11, 20), time(14, 0), True),
        (date(2026, 11, 23), time(9, 30), True),
    ]


def test_more_information_is_carried_to_the_next_slot(referrer, manager):
    contact = submit_contact(referrer, concern_categories=["missing_from_home"])
    run, _ = services.complex_case_run(meeting_date=date(2026, 11, 23), slot=time(9, 30))
    entry = run.entries.get()
    services.meeting_outcome_record(
        actor=manager,
        entry=entry,
        outcome=ComplexCaseEntry.Outcome.MORE_INFORMATION,
        action=services.ActionInput(
            "Police to check the address history",
            manager,
            timezone.localdate() + timedelta(days=3),
        ),
    )
    Contact.objects.filter(pk=contact.pk).update(concern_categories=["neglect"])
    later, _ = services.complex_case_run(meeting_date=date(2026, 11, 23), slot=time(14, 0))
    assert later.entries.get().reasons == ["Carried over: the last meeting needed more information"]


@pytest.mark.django_db(transaction=True)
def test_the_beat_schedule_entry_runs_through_a_real_worker(celery_worker, referrer, settings):
    from frontdoor.celery import app

    submit_contact(referrer, concern_categories=["child_exploitation"])
    settings.COMPLEX_CASE_SLOTS = ["00:00"]  # a slot that has always started today
    settings.WORKING_DAYS_INCLUDE_WEEKENDS = True
    entry = settings.CELERY_BEAT_SCHEDULE["complex-case-runs"]
    app.send_task(entry["task"])

    wait_until(ComplexCaseRun.objects.exists, 15, "the worker made no run")
    assert ComplexCaseRun.objects.get().entries.count() == 1


def test_the_scheduler_catches_up_as_soon_as_it_starts(monkeypatch):
    from types import SimpleNamespace

    from frontdoor.celery import app, catch_up_on_start

    sent = []
    monkeypatch.setattr(app, "send_task", lambda name, *a, **k: sent.append(name))
    catch_up_on_start(sender=SimpleNamespace(app=app))
    assert sent == [
        "screening.tasks.complex_case_runs_due",
        "screening.tasks.decision_audit_sample_last_week",
    ]
