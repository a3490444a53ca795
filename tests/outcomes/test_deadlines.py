"""Working-day deadlines after a referral: 45 working days to complete the assessment,
15 from the strategy discussion to the initial child protection conference (ICPC).

The dates are fixed in 2026: Monday 31 August is the Summer bank holiday, so a
deadline on Friday 28 August is followed by Tuesday 1 September, one working day late.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from frontdoor.london import LONDON
from frontdoor.roles import Role
from outcomes import deadlines, downstream
from outcomes.models import DownstreamOutcome
from outcomes.selectors import DeadlineState, deadlines_for
from referrals import selectors as referral_selectors
from referrals.services import api_client_create
from screening.models import Route
from tests.factories import UserFactory, child_input, referral_contact

pytestmark = pytest.mark.django_db

RECEIVED = datetime(2026, 6, 26, 10, tzinfo=LONDON)  # a Friday
ASSESSMENT_DUE = date(2026, 8, 28)  # 45 working days on: a Friday
STRATEGY = date(2026, 8, 7)  # a Friday; 15 working days on is also 28 August
ICPC_DUE = date(2026, 8, 28)
ONE_DAY_LATE = date(2026, 9, 1)  # Tuesday, after the bank holiday
SATURDAY = date(2026, 8, 29)
ASSESSMENT_LATE = (
    "Say why the assessment took longer than 45 working days (it was due by 28 August 2026, "
    "45 working days after the referral on 26 June 2026)"
)
ICPC_LATE = (
    "Say why the conference was held more than 15 working days after the strategy "
    "discussion on 7 August 2026 (it was due by 28 August 2026)"
)


@pytest.fixture
def referral(screener, manager, referrer):
    return referral_contact(
        screener=screener,
        manager=manager,
        referrer=referrer,
        received_at=RECEIVED,
        subjects=[child_input(), child_input(first_name="Noah", nhs_number="9434765919")],
    )


def record(actor, contact, event, on, child="1", **extra):
    outcome, _ = downstream.outcome_event_record(
        actor=actor,
        data=downstream.OutcomeEventInput(contact.reference, child, event, on, **extra),
        source=DownstreamOutcome.Source.FORM,
    )
    return outcome


def complete(actor, contact, on, child="1", **extra):
    return record(
        actor, contact, "assessment_completed", on, child, assessment_outcome="nfa", **extra
    )


def test_the_deadlines_count_working_days_and_skip_the_bank_holiday():
    assert deadlines.assessment_due(RECEIVED.date()) == ASSESSMENT_DUE
    assert deadlines.icpc_due(STRATEGY) == ICPC_DUE
    assert deadlines.working_days_after(ASSESSMENT_DUE, ONE_DAY_LATE) == 1


# --- Recording: late needs a reason ----------------------------------------------------


def test_an_assessment_completed_on_its_due_day_needs_no_reason(screener, referral):
    outcome = complete(screener, referral, ASSESSMENT_DUE, late_reason="Not late at all")
    # In time: nothing to explain, so a reason sent anyway is not kept.
    assert outcome.late_reason == ""


def test_an_assessment_one_working_day_late_needs_a_reason(screener, referral):
    with pytest.raises(downstream.OutcomeRejected) as refused:
        complete(screener, referral, ONE_DAY_LATE)
    assert str(refused.value) == ASSESSMENT_LATE
    assert refused.value.field == "late_reason"
    assert not DownstreamOutcome.objects.exists()

    outcome = complete(screener, referral, ONE_DAY_LATE, late_reason="  Father's interview  ")
    assert outcome.late_reason == "Father's interview"


def test_an_icpc_is_timed_from_the_latest_strategy_discussion_before_it(screener, referral):
    # Amelia: two strategy discussions; from the first (3 August) the conference on
    # 28 August would be late, from the latest (7 August) it is in time.
    record(screener, referral, "strategy_discussion", date(2026, 8, 3))
    record(screener, referral, "strategy_discussion", STRATEGY)
    assert record(screener, referral, "icpc", ICPC_DUE).late_reason == ""


def test_an_icpc_one_working_day_late_needs_a_reason(screener, referral):
    record(screener, referral, "strategy_discussion", STRATEGY, child="2")
    with pytest.raises(downstream.OutcomeRejected) as refused:
        record(screener, referral, "icpc", ONE_DAY_LATE, child="2")
    assert str(refused.value) == ICPC_LATE
    held = record(screener, referral, "icpc", ONE_DAY_LATE, child="2", late_reason="No chair")
    assert held.late_reason == "No chair"


def test_an_icpc_without_a_strategy_discussion_has_no_clock(screener, referral):
    assert record(screener, referral, "icpc", ONE_DAY_LATE).late_reason == ""


def test_an_icpc_on_a_saturday_is_refused(screener, referral):
    record(screener, referral, "strategy_discussion", STRATEGY)
    with pytest.raises(downstream.OutcomeRejected) as refused:
        record(screener, referral, "icpc", SATURDAY, late_reason="Whatever")
    assert str(refused.value) == (
        "An initial child protection conference cannot be on a Saturday or Sunday: "
        "check the date (Saturday 29 August 2026)"
    )
    assert refused.value.field == "occurred_on"


def test_the_form_asks_why_it_was_late_and_keeps_what_was_typed(client, screener, referral):
    client.force_login(screener)
    url = reverse("outcomes:contact-outcomes", args=[referral.reference])
    typed = {
        "child": referral.children[1].pk,
        "event": "assessment_completed",
        "assessment_outcome": "child_in_need",
        "factors": ["16A"],
        "occurred_on_0": "1",
        "occurred_on_1": "9",
        "occurred_on_2": "2026",
    }
    refused = client.post(url, typed)
    assert refused.status_code == 200
    assert ASSESSMENT_LATE in refused.text
    assert 'href="#id_late_reason"' in refused.text
    assert 'id="id_late_reason-error"' in refused.text
    assert 'value="16A" checked' in refused.text
    assert 'name="occurred_on_1" type="text" inputmode="numeric" value="9"' in refused.text

    done = client.post(url, {**typed, "late_reason": "The family were away."})
    assert done.status_code == 302
    assert DownstreamOutcome.objects.get().late_reason == "The family were away."


def test_the_csv_import_reads_late_reasons_and_strategy_discussions_in_the_file(screener, referral):
    ref = referral.reference
    header = (
        "event_id,contact_reference,child,event,date,assessment_outcome,"
        "factors,reason_for_closure,late_reason\n"
    )
    rows = [
        f"s1,{ref},2,strategy_discussion,{STRATEGY},,,,",
        f"i1,{ref},2,icpc,{ONE_DAY_LATE},,,,",
        f"a1,{ref},1,assessment_completed,{ONE_DAY_LATE},nfa,3B,,",
    ]
    report = downstream.outcome_events_import(actor=screener, file_text=header + "\n".join(rows))
    assert report.errors == [(3, ICPC_LATE), (4, ASSESSMENT_LATE)]
    assert not DownstreamOutcome.objects.exists()

    rows[1] += '"No chair, then no room"'
    rows[2] += "Waited for a report"
    report = downstream.outcome_events_import(actor=screener, file_text=header + "\n".join(rows))
    assert (report.created, report.errors) == (3, [])
    reasons = dict(DownstreamOutcome.objects.values_list("external_id", "late_reason"))
    assert reasons == {"s1": "", "i1": "No chair, then no room", "a1": "Waited for a report"}


def test_the_api_needs_a_late_reason_too(referral):
    _, token = api_client_create(name="Case system", account=UserFactory(roles=[Role.CASE_SYSTEM]))
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    url = reverse("api-outcome-events")
    body = {
        "event_id": "LL-1",
        "contact_reference": referral.reference,
        "child": "1",
        "event": "assessment_completed",
        "assessment_outcome": "nfa",
        "date": str(ONE_DAY_LATE),
    }
    refused = api.post(url, body, format="json")
    assert (refused.status_code, refused.json()["detail"]) == (400, ASSESSMENT_LATE)
    accepted = api.post(url, {**body, "late_reason": "Waited for a report"}, format="json")
    assert accepted.status_code == 201
    assert accepted.json()["late_reason"] == "Waited for a report"
    saturday = api.post(
        url,
        {
            **body,
            "event_id": "LL-2",
            "event": "icpc",
            "assessment_outcome": "",
            "date": str(SATURDAY),
        },
        format="json",
    )
    assert saturday.status_code == 400
    assert "cannot be on a Saturday or Sunday" in saturday.json()["detail"]


# --- Where each child's clocks stand ---------------------------------------------------


def _for(contact, user, today):
    return {line.child.first_name: line for line in deadlines_for(contact, user=user, today=today)}


def test_the_assessment_clock_before_on_and_after_its_due_day(screener, referral):
    before = _for(referral, screener, date(2026, 8, 27))["Amelia"].assessment
    assert (before.state, before.due_on, before.working_days) == (
        DeadlineState.NOT_STARTED,
        ASSESSMENT_DUE,
        1,
    )
    assert before.summary == "Not started: 1 working day left"
    assert _for(referral, screener, ASSESSMENT_DUE)["Amelia"].assessment.summary == (
        "Not started: due today"
    )
    # The Saturday after is past the due day, with no working day lost yet.
    assert _for(referral, screener, SATURDAY)["Amelia"].assessment.summary == "Overdue"
    after = _for(referral, screener, ONE_DAY_LATE)["Amelia"].assessment
    assert (after.state, after.summary) == (DeadlineState.OVERDUE, "Overdue by 1 working day")

    record(screener, referral, "assessment_started", date(2026, 6, 29))
    started = _for(referral, screener, date(2026, 8, 26))["Amelia"].assessment
    assert started.summary == "In progress: 2 working days left"


def test_completed_assessments_show_on_time_or_late_with_the_reason(screener, referral):
    complete(screener, referral, ASSESSMENT_DUE, child="1")
    complete(screener, referral, ONE_DAY_LATE, child="2", late_reason="Waited for a report")
    lines = _for(referral, screener, date(2026, 11, 2))
    amelia, noah = lines["Amelia"].assessment, lines["Noah"].assessment
    assert (amelia.state, amelia.summary) == (
        DeadlineState.ON_TIME,
        "Completed on time, on 28 Aug 2026",
    )
    assert (noah.state, noah.summary, noah.late_reason) == (
        DeadlineState.LATE,
        "Completed late, on 1 Sep 2026",
        "Waited for a report",
    )


def test_the_conference_clock_starts_with_a_strategy_discussion(screener, referral):
    today = date(2026, 8, 27)
    assert _for(referral, screener, today)["Amelia"].icpc is None
    record(screener, referral, "strategy_discussion", STRATEGY, child="1")
    record(screener, referral, "strategy_discussion", STRATEGY, child="2")
    pending = _for(referral, screener, today)["Amelia"].icpc
    assert (pending.state, pending.due_on, pending.clock_from) == (
        DeadlineState.NOT_STARTED,
        ICPC_DUE,
        STRATEGY,
    )
    assert pending.summary == "Not held yet: 1 working day left"
    record(screener, referral, "icpc_not_required", date(2026, 8, 20), child="1")
    record(screener, referral, "icpc", ONE_DAY_LATE, child="2", late_reason="No chair")
    lines = _for(referral, screener, date(2026, 9, 2))
    assert lines["Amelia"].icpc.summary == "Not needed: section 47 ended on 20 Aug 2026"
    assert (lines["Noah"].icpc.state, lines["Noah"].icpc.late_reason) == (
        DeadlineState.LATE,
        "No chair",
    )


def test_only_referrals_and_only_staff_see_deadlines(screener, referrer, manager, referral):
    from tests.factories import submit_contact

    assert deadlines_for(referral, user=UserFactory(roles=[Role.PERFORMANCE_VIEWER])) == []
    assert deadlines_for(referral, user=referrer) == []
    assert len(deadlines_for(referral, user=manager)) == 2
    assert deadlines_for(submit_contact(referrer), user=screener) == []


def test_an_already_open_case_has_no_new_assessment_clock(screener, manager, referrer):
    contact = referral_contact(
        screener=screener,
        manager=manager,
        referrer=referrer,
        received_at=RECEIVED,
        route=Route.ALREADY_OPEN,
    )
    (line,) = deadlines_for(contact, user=screener)
    assert line.assessment is None


def test_reading_the_deadlines_takes_the_same_few_queries_however_many_events(screener, referral):
    def queries():
        contact = referral_selectors.contact_get(user=screener, reference=referral.reference)
        with CaptureQueriesContext(connection) as captured:
            deadlines_for(contact, user=screener, today=date(2026, 9, 2))
        return len(captured)

    few = queries()
    for child in ("1", "2"):
        record(screener, referral, "assessment_started", date(2026, 6, 29), child=child)
        record(screener, referral, "strategy_discussion", STRATEGY, child=child)
        complete(screener, referral, ASSESSMENT_DUE, child=child)
    assert queries() == few <= 3


def test_the_deadlines_are_on_the_outcomes_page_and_the_screening_page(client, screener, referral):
    complete(screener, referral, ONE_DAY_LATE, child="2", late_reason="Waited for a report")
    client.force_login(screener)
    for name in ("outcomes:contact-outcomes", "screening:contact"):
        page = client.get(reverse(name, args=[referral.reference])).text
        assert "Statutory deadlines" in page, name
        assert "Completed late, on 1 Sep 2026" in page, name
        assert "Why it was late: Waited for a report" in page, name
        assert "Due by 28 Aug 2026" in page, name
