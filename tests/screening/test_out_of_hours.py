"""Out of hours (issue 24 part 3, docs/adr/0044): the emergency duty team records
contacts and what it did; at the start of the next working day each is at the top of
the queue (under immediate risk) marked from EDT with its handover, which is in the
contact log and the child's chronology. Service hours are configurable and the
operational clock follows them where the council chooses; the scorecard's statutory
one working day does not."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from frontdoor.london import LONDON
from frontdoor.models import ReferralSource
from frontdoor.roles import Role
from frontdoor.working_days import decision_due, in_service_hours, service_opens
from outcomes.scorecard.periods import Period
from outcomes.scorecard.selectors import scorecard_count
from referrals.models import Contact, ContactSubject, OutOfHoursHandover
from referrals.services import contact_submit, restriction_add
from referrals.services.inputs import ContactRejected
from referrals.services.intake_batch import contacts_submit_many
from screening import selectors, services
from screening.models import ContactLogEntry, Route
from screening.selectors import QueueFilters, clock_for
from screening.services_edt import PART_LIMIT, HandoverRefused, handover_record
from tests.factories import UserFactory, child_input, contact_input, submit_contact
from tests.support.contact_forms import CONCERN, child, management, staff_referrer
from tests.support.screening import decide

pytestmark = pytest.mark.django_db

# A weekend with no bank holiday near; today (the tests' real clock) is after it.
FRIDAY_10 = datetime(2026, 11, 20, 10, 0, tzinfo=LONDON)
SATURDAY_23 = datetime(2026, 11, 21, 23, 0, tzinfo=LONDON)
MONDAY_0830 = datetime(2026, 11, 23, 8, 30, tzinfo=LONDON)
MONDAY_0900 = datetime(2026, 11, 23, 9, 0, tzinfo=LONDON)
TUESDAY_23 = datetime(2026, 11, 17, 23, 0, tzinfo=LONDON)
WEDNESDAY = datetime(2026, 11, 18, tzinfo=LONDON)

DONE = (
    "Police attended at 23:40; Amelia is staying with her aunt tonight, who agreed to keep "
    "her safe."
)
NEXT = "Call the school at 9am and hold a strategy discussion today."


@pytest.fixture
def edt(db):
    return UserFactory(roles=[Role.EDT], full_name="Eddie Duty")


def _edt_contact(edt, received_at=SATURDAY_23, **overrides) -> Contact:
    contact, _ = contact_submit(
        actor=edt,
        data=contact_input(received_at=received_at, out_of_hours=True, **overrides),
        channel=Contact.Channel.CONTACT_CENTRE,
    )
    return contact


def _references_in_order(html: str, *references: str) -> list[str]:
    """The references in the order of the queue's rows (the page also keeps a hidden
    record of what it shows, for its polls: docs/adr/0041)."""
    return sorted(references, key=lambda reference: html.index(f'id="queue-row-{reference}"'))


def test_an_edt_contact_recorded_saturday_night_is_first_in_mondays_queue_from_edt(
    client, edt, referrer, screener
):
    # Due before it: a referral from Friday morning, due Monday 10:00.
    friday = submit_contact(referrer, received_at=FRIDAY_10)
    monday = submit_contact(referrer, received_at=MONDAY_0830)
    contact = _edt_contact(edt)
    client.force_login(edt)
    response = client.post(
        reverse("screening:edt-handover", args=[contact.reference]),
        {"what_was_done": DONE, "for_the_day_team": NEXT},
    )
    assert response.status_code == 302

    rows = list(selectors.queue(user=screener, filters=QueueFilters(), now=MONDAY_0900))
    assert [row.pk for row in rows] == [contact.pk, friday.pk, monday.pk]

    client.force_login(screener)
    page = client.get(reverse("screening:queue"))
    html = page.content.decode()
    assert _references_in_order(html, friday.reference, monday.reference, contact.reference)[0] == (
        contact.reference
    )
    row = html[
        html.index(f'id="queue-row-{contact.reference}"') : html.index(
            f'id="queue-row-{friday.reference}"'
        )
    ]
    assert "From EDT" in row
    assert "Police attended at 23:40" in row
    # Its own page says what was done and what the day team should do first.
    page = client.get(reverse("screening:contact", args=[contact.reference]))
    assert "Out-of-hours handover" in page.content.decode()
    assert NEXT in page.content.decode()


def test_immediate_risk_ranks_above_an_edt_contact_which_ranks_above_the_rest(
    edt, referrer, screener
):
    """docs/adr/0044: the EDT has already acted on its contact; an immediate-risk contact
    nobody has acted on comes first. An EDT contact marked immediate is with them."""
    routine = submit_contact(referrer, received_at=FRIDAY_10)
    immediate = submit_contact(referrer, received_at=MONDAY_0830, urgency=Contact.Urgency.IMMEDIATE)
    from_edt = _edt_contact(edt)
    rows = [c.pk for c in selectors.queue(user=screener, filters=QueueFilters())]
    assert rows == [immediate.pk, from_edt.pk, routine.pk]
    # Taking the next contact follows the same order.
    taken = services.screening_claim_next(actor=screener)
    assert taken.contact_id == immediate.pk


def test_once_a_screener_takes_it_an_edt_contact_ranks_by_its_clock(edt, referrer, screener):
    earlier = submit_contact(referrer, received_at=FRIDAY_10)
    from_edt = _edt_contact(edt)
    services.screening_claim(actor=screener, contact=from_edt)
    rows = [c.pk for c in selectors.queue(user=screener, filters=QueueFilters())]
    assert rows == [earlier.pk, from_edt.pk]


def test_the_handover_is_in_the_contact_log_and_the_childs_chronology(client, edt, screener):
    contact = _edt_contact(edt)
    handover = handover_record(
        actor=edt, contact=contact, what_was_done=DONE, for_the_day_team=NEXT
    )
    entry = ContactLogEntry.objects.get(contact=contact)
    assert DONE in entry.note
    assert NEXT in entry.note
    assert entry.recorded_by == edt
    assert handover.handed_over_at >= handover.recorded_at

    child = contact.subjects.get(role=ContactSubject.Role.CHILD)
    client.force_login(screener)
    page = client.get(reverse("outcomes:person-chronology", args=[child.person_id]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Emergency duty team (handover)" in html
    assert "Police attended at 23:40" in html


def test_the_edt_records_a_contact_through_its_own_form_and_hands_it_over(client, edt):
    client.force_login(edt)
    source = str(ReferralSource.objects.get(code="1B").pk)
    data = {
        **management(),
        **child(0),
        **CONCERN,
        **staff_referrer(**{"referrer-referral_source": source}),
        "action": "continue",
    }
    response = client.post(reverse("referrals:edt-form"), data)
    assert response.url == reverse("referrals:edt-check")
    response = client.post(reverse("referrals:edt-check"))
    contact = Contact.objects.get(recorded_by=edt)
    assert contact.out_of_hours
    assert response.url == reverse("screening:edt-handover", args=[contact.reference])

    page = client.get(response.url)
    assert page.status_code == 200
    response = client.post(response.url, {"what_was_done": DONE})
    assert response.url == reverse("screening:edt-work")
    work = client.get(response.url).content.decode()
    assert contact.reference in work
    assert "Handed over" in work
    # Written once: a second handover is refused, the first kept.
    response = client.post(
        reverse("screening:edt-handover", args=[contact.reference]),
        {"what_was_done": "Something else"},
    )
    assert response.status_code == 302
    assert OutOfHoursHandover.objects.get(contact=contact).what_was_done == DONE


def test_the_edt_sees_only_what_it_recorded(client, edt, referrer, screener):
    someone_elses = submit_contact(referrer)
    other_edt = UserFactory(roles=[Role.EDT])
    theirs = _edt_contact(other_edt)
    own = _edt_contact(edt)
    client.force_login(edt)
    assert client.get(reverse("screening:queue")).status_code == 403
    assert client.get(reverse("referrals:contact-list")).status_code == 403
    assert client.get(reverse("referrals:people-search")).status_code == 403
    for contact in (someone_elses, theirs):
        assert (
            client.get(reverse("referrals:contact-detail", args=[contact.reference])).status_code
            == 404
        )
        url = reverse("screening:edt-handover", args=[contact.reference])
        assert client.get(url).status_code == 404
        assert client.post(url, {"what_was_done": DONE}).status_code == 404
    assert client.get(reverse("referrals:contact-detail", args=[own.reference])).status_code == 200
    work = client.get(reverse("screening:edt-work")).content.decode()
    assert own.reference in work
    assert theirs.reference not in work
    # A screener reads the handover on the contact's page; it is not theirs to write.
    with pytest.raises(HandoverRefused):
        handover_record(actor=screener, contact=own, what_was_done=DONE)
    # Only the EDT marks a contact out of hours.
    with pytest.raises(Exception, match="emergency duty team"):
        submit_contact(referrer, out_of_hours=True)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("Police came\x00 at midnight", "null character"),
        ("x" * 10_000 + "y" * PART_LIMIT, "characters or fewer"),
        ("", "Enter what the emergency duty team did"),
    ],
)
def test_hostile_input_on_the_handover_gives_a_clear_message_and_keeps_what_was_typed(
    client, edt, typed, message
):
    contact = _edt_contact(edt)
    client.force_login(edt)
    response = client.post(
        reverse("screening:edt-handover", args=[contact.reference]),
        {"what_was_done": typed, "for_the_day_team": "<script>alert(1)</script> =SUM(A1)"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; =SUM(A1)" in html
    assert "<script>alert(1)" not in html
    assert not OutOfHoursHandover.objects.exists()


def test_script_and_formulae_are_kept_as_text_and_shown_escaped(client, edt, screener):
    contact = _edt_contact(edt)
    handover_record(
        actor=edt,
        contact=contact,
        what_was_done="<script>alert(1)</script>",
        for_the_day_team="=SUM(A1)",
    )
    client.force_login(screener)
    html = client.get(reverse("screening:queue")).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html
    assert (
        "=SUM(A1)"
        in client.get(reverse("screening:contact", args=[contact.reference])).content.decode()
    )


# --- Service hours and the clocks --------------------------------------------------------


@override_settings(
    SERVICE_HOURS_WEEKDAYS=(time(8), time(22)), SERVICE_HOURS_WEEKENDS=(time(10), time(16))
)
def test_service_hours_say_when_an_out_of_hours_contact_reaches_the_day_team():
    assert not in_service_hours(SATURDAY_23)
    assert service_opens(SATURDAY_23) == datetime(2026, 11, 22, 10, 0, tzinfo=LONDON)
    assert service_opens(TUESDAY_23) == datetime(2026, 11, 18, 8, 0, tzinfo=LONDON)
    assert service_opens(MONDAY_0900) == MONDAY_0900
    with override_settings(SERVICE_HOURS_WEEKENDS=None):
        assert service_opens(SATURDAY_23) == datetime(2026, 11, 23, 8, 0, tzinfo=LONDON)


@override_settings(
    SERVICE_HOURS_WEEKDAYS=(time(8), time(22)),
    SERVICE_HOURS_WEEKENDS=None,
    CLOCK_FOLLOWS_SERVICE_HOURS=True,
)
def test_the_clock_follows_service_hours_where_chosen_and_the_scorecard_does_not(
    referrer, screener, manager, level
):
    contact = submit_contact(referrer, received_at=TUESDAY_23)
    # Operational: from Wednesday 08:00, when the service opened, one working day.
    assert contact.decision_due_at == datetime(2026, 11, 19, 8, 0, tzinfo=LONDON)
    # Statutory, as the scorecard measures: one working day from receipt.
    assert decision_due(TUESDAY_23) == datetime(2026, 11, 18, 23, 0, tzinfo=LONDON)
    # The RAG counts service hours: at 07:00 on Wednesday, Wednesday's 14 hours are left.
    clock = clock_for(contact, now=WEDNESDAY + timedelta(hours=7))
    assert (clock.rag, clock.working_time_left) == ("green", timedelta(hours=14))
    clock = clock_for(contact, now=WEDNESDAY + timedelta(hours=17))
    assert (clock.rag, clock.working_time_left) == ("amber", timedelta(hours=5))

    # Decided Thursday 07:00: on time on the operational clock, late on the statutory one.
    services.screening_claim(actor=screener, contact=contact)
    decided_at = datetime(2026, 11, 19, 7, 0, tzinfo=LONDON)
    decision = decide(
        screener, contact, level, route=Route.SOCIAL_CARE_ASSESSMENT, decided_at=decided_at
    )
    services.decision_approve(actor=manager, decision=decision)
    assert clock_for(contact, decided_at=decided_at).on_time
    card = scorecard_count(period=Period.parse("2026-11"), as_at=timezone.now())
    assert (card.figures["timeliness"].count, card.figures["timeliness"].base) == (0, 1)


def test_by_default_the_clock_is_the_working_day_clock(referrer):
    contact = submit_contact(referrer, received_at=TUESDAY_23)
    assert contact.decision_due_at == decision_due(TUESDAY_23)
    clock = clock_for(contact, now=WEDNESDAY + timedelta(hours=7))
    assert clock.working_time_left == timedelta(hours=16)


@override_settings(
    SERVICE_HOURS_WEEKDAYS=(time(8), time(22)),
    SERVICE_HOURS_WEEKENDS=None,
    CLOCK_FOLLOWS_SERVICE_HOURS=True,
    IMMEDIATE_RISK_WORKING_HOURS=2,
)
def test_an_immediate_risk_contact_out_of_hours_is_due_two_service_hours_after_opening(referrer):
    contact = submit_contact(referrer, received_at=TUESDAY_23, urgency=Contact.Urgency.IMMEDIATE)
    assert contact.decision_due_at == datetime(2026, 11, 18, 10, 0, tzinfo=LONDON)


def test_a_police_grades_clock_follows_service_hours_where_chosen_too():
    from referrals.services.police import police_decision_due

    assert police_decision_due(received_at=TUESDAY_23, risk_grade="medium") == datetime(
        2026, 11, 18, 7, 0, tzinfo=LONDON
    )
    with override_settings(
        SERVICE_HOURS_WEEKDAYS=(time(8), time(22)), CLOCK_FOLLOWS_SERVICE_HOURS=True
    ):
        assert police_decision_due(received_at=TUESDAY_23, risk_grade="medium") == datetime(
            2026, 11, 18, 16, 0, tzinfo=LONDON
        )


@pytest.mark.parametrize(
    ("given", "hours"),
    [
        ("08:00-22:00", (time(8), time(22))),
        (" 10:00 - 16:00 ", (time(10), time(16))),
        ("00:00-24:00", (time(0), time.max)),
        ("closed", None),
        ("", None),
    ],
)
def test_service_hours_are_read_from_the_environment(monkeypatch, given, hours):
    from frontdoor.settings.service_hours import service_hours

    monkeypatch.setenv("SERVICE_HOURS_TEST", given)
    assert service_hours("SERVICE_HOURS_TEST", "08:00-22:00") == hours


@pytest.mark.parametrize("given", ["8am to 10pm", "22:00-08:00", "08:00"])
def test_service_hours_that_make_no_sense_stop_the_app_starting(monkeypatch, given):
    from django.core.exceptions import ImproperlyConfigured

    from frontdoor.settings.service_hours import service_hours

    monkeypatch.setenv("SERVICE_HOURS_TEST", given)
    with pytest.raises(ImproperlyConfigured, match="SERVICE_HOURS_TEST"):
        service_hours("SERVICE_HOURS_TEST", "08:00-22:00")


@override_settings(
    SERVICE_HOURS_WEEKDAYS=(time(0), time.max),
    SERVICE_HOURS_WEEKENDS=None,
    CLOCK_FOLLOWS_SERVICE_HOURS=True,
)
def test_service_hours_round_the_clock_on_weekdays_are_the_working_day_clock(referrer):
    contact = submit_contact(referrer, received_at=TUESDAY_23)
    assert contact.decision_due_at == decision_due(TUESDAY_23)


def test_the_edt_hands_over_its_contact_when_the_child_links_to_a_restricted_record(
    client, edt, referrer, manager
):
    """The child's NHS number links the EDT's contact to a restricted record: the EDT,
    not named on the restriction, still reaches and writes the handover of the contact
    it recorded (whoever made a contact may always read it), as a referrer does."""
    earlier = submit_contact(referrer, subjects=[child_input(nhs_number="9434765919")])
    restriction_add(
        actor=manager,
        reason="A member of staff's own family.",
        ask=manager,
        allowed=[],
        review_due=timezone.localdate() + timedelta(days=30),
        person=earlier.subjects.get().person,
    )
    contact = _edt_contact(edt, subjects=[child_input(nhs_number="9434765919")])
    assert contact.subjects.get().person == earlier.subjects.get().person
    client.force_login(edt)
    url = reverse("screening:edt-handover", args=[contact.reference])

    assert client.get(url).status_code == 200
    response = client.post(url, {"what_was_done": DONE})

    assert response.status_code == 302
    assert OutOfHoursHandover.objects.get(contact=contact).what_was_done == DONE
    # Another EDT member is no nearer the record than before.
    other = UserFactory(roles=[Role.EDT])
    with pytest.raises(HandoverRefused):
        handover_record(actor=other, contact=contact, what_was_done=DONE)


def test_only_the_edt_marks_contacts_out_of_hours_recorded_together_too(referrer):
    results = contacts_submit_many(
        actor=referrer,
        data=[contact_input(out_of_hours=True), contact_input()],
        channel=Contact.Channel.ONLINE_FORM,
        referrer_account=referrer,
    )
    assert isinstance(results[0], ContactRejected)
    assert "emergency duty team" in str(results[0])
    assert not results[1].contact.out_of_hours
    assert Contact.objects.filter(out_of_hours=True).count() == 0


@override_settings(
    SERVICE_HOURS_WEEKDAYS=(time(8), time(22)),
    SERVICE_HOURS_WEEKENDS=(time(10), time(16)),
    CLOCK_FOLLOWS_SERVICE_HOURS=True,
)
def test_service_hours_over_the_october_clock_change(referrer):
    """The clocks go back at 02:00 on Sunday 25 October 2026: an immediate-risk contact
    recorded Saturday 23:30 (BST) is handed over at Sunday's opening, 10:00 GMT, and
    due two service hours later, 12:00 GMT: 13 hours 30 minutes of real time after it
    came in, an hour more than the wall clock says."""
    saturday = datetime(2026, 10, 24, 23, 30, tzinfo=LONDON)
    sunday_10 = datetime(2026, 10, 25, 10, 0, tzinfo=LONDON)
    assert service_opens(saturday) == sunday_10
    assert sunday_10.utcoffset() == timedelta(0)
    contact = submit_contact(referrer, received_at=saturday, urgency=Contact.Urgency.IMMEDIATE)
    assert contact.decision_due_at == datetime(2026, 10, 25, 12, 0, tzinfo=LONDON)
    real_time = contact.decision_due_at.astimezone(UTC) - contact.received_at.astimezone(UTC)
    assert real_time == timedelta(hours=13, minutes=30)
    # Before opening none of its clock has run: two service hours are left.
    clock = clock_for(contact, now=datetime(2026, 10, 25, 1, 30, tzinfo=LONDON))
    assert clock.working_time_left == timedelta(hours=2)
    # The statutory day is untouched by service hours: Monday's start, GMT.
    assert decision_due(saturday) == datetime(2026, 10, 27, 0, 0, tzinfo=LONDON)


@override_settings(
    SERVICE_HOURS_WEEKDAYS=(time(8), time(22)),
    SERVICE_HOURS_WEEKENDS=(time(10), time(16)),
    CLOCK_FOLLOWS_SERVICE_HOURS=True,
)
def test_service_hours_over_a_bank_holiday(referrer):
    """Monday 31 August 2026 is the summer bank holiday: the service keeps weekend hours
    (10:00 to 16:00), and a working day's clock starts on the Tuesday."""
    sunday_evening = datetime(2026, 8, 30, 17, 0, tzinfo=LONDON)
    holiday_10 = datetime(2026, 8, 31, 10, 0, tzinfo=LONDON)
    assert not in_service_hours(datetime(2026, 8, 31, 9, 0, tzinfo=LONDON))
    assert service_opens(sunday_evening) == holiday_10
    urgent = submit_contact(referrer, received_at=sunday_evening, urgency=Contact.Urgency.IMMEDIATE)
    assert urgent.decision_due_at == datetime(2026, 8, 31, 12, 0, tzinfo=LONDON)
    routine = submit_contact(referrer, received_at=sunday_evening, urgency=Contact.Urgency.ROUTINE)
    # From the holiday's opening: one working day after the next working day's start.
    assert routine.decision_due_at == datetime(2026, 9, 2, 0, 0, tzinfo=LONDON)
    with override_settings(SERVICE_HOURS_WEEKENDS=None):
        assert service_opens(sunday_evening) == datetime(2026, 9, 1, 8, 0, tzinfo=LONDON)
        # Closed on the holiday: two service hours from Tuesday's opening.
        late = submit_contact(
            referrer, received_at=sunday_evening, urgency=Contact.Urgency.IMMEDIATE
        )
        assert late.decision_due_at == datetime(2026, 9, 1, 10, 0, tzinfo=LONDON)
