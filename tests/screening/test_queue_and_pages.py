from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from frontdoor.models import AuditEvent
from frontdoor.roles import Role
from referrals.models import Contact
from screening import selectors, services, services_checks
from screening.models import AgencyCheck, Route
from tests.factories import UserFactory, child_input, submit_contact
from tests.support.checks import consent_form, consented
from tests.support.screening import RATIONALE, decide

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def test_clock_is_green_amber_then_red_in_working_time(referrer):
    contact = submit_contact(referrer, received_at=datetime(2026, 11, 23, 10, 0, tzinfo=LONDON))
    assert contact.decision_due_at == datetime(2026, 11, 24, 10, 0, tzinfo=LONDON)

    assert selectors.clock_for(contact, datetime(2026, 11, 23, 12, 0, tzinfo=LONDON)).rag == "green"
    amber = selectors.clock_for(contact, datetime(2026, 11, 24, 5, 0, tzinfo=LONDON))
    assert (amber.rag, amber.label) == ("amber", "5h 00m left")
    red = selectors.clock_for(contact, datetime(2026, 11, 24, 11, 30, tzinfo=LONDON))
    assert (red.rag, red.label) == ("red", "1h 30m overdue")


def test_a_weekend_does_not_eat_the_allowance(referrer):
    friday = submit_contact(referrer, received_at=datetime(2026, 11, 27, 15, 0, tzinfo=LONDON))
    sunday_night = datetime(2026, 11, 29, 23, 0, tzinfo=LONDON)
    clock = selectors.clock_for(friday, sunday_night)
    assert clock.rag == "green"
    assert clock.working_time_left == timedelta(hours=15)


def test_queue_filters(screener, referrer, manager):
    now = timezone.now()
    overdue = submit_contact(referrer, received_at=now - timedelta(days=5))
    fresh = submit_contact(referrer, channel=Contact.Channel.EMAIL)
    services.screening_claim(actor=screener, contact=fresh)

    def refs(**kwargs):
        filters = selectors.QueueFilters(**kwargs)
        return {c.reference for c in selectors.queue(user=screener, filters=filters)}

    assert refs() == {overdue.reference, fresh.reference}
    assert refs(rag="red") == {overdue.reference}
    assert refs(rag="green") | refs(rag="amber") == {fresh.reference}
    assert refs(channel="email") == {fresh.reference}
    assert refs(assigned="me") == {fresh.reference}
    assert refs(assigned="unassigned") == {overdue.reference}
    assert refs(status="in_screening") == {fresh.reference}
    assert refs(search=overdue.reference) == {overdue.reference}
    assert refs(search="Amelia Harrison") == {overdue.reference, fresh.reference}
    assert refs(search="Nobody Known") == set()
    assert selectors.queue(user=referrer, filters=selectors.QueueFilters()).count() == 0


def test_re_referral_and_repeat_contact_flags(screener, manager, referrer, level):
    earlier = submit_contact(
        referrer,
        subjects=[child_input(nhs_number="9434765919")],
        received_at=timezone.now() - timedelta(days=60),
    )
    services.screening_claim(actor=screener, contact=earlier)
    decision = decide(screener, earlier, level, route=Route.SOCIAL_CARE_ASSESSMENT)
    services.decision_approve(actor=manager, decision=decision)
    later = submit_contact(referrer, subjects=[child_input(nhs_number="9434765919")])
    unrelated = submit_contact(
        referrer, subjects=[child_input(first_name="Zed", last_name="Quill")]
    )

    flagged = selectors.queue(user=screener, filters=selectors.QueueFilters(re_referral=True))
    assert [c.reference for c in flagged] == [later.reference]
    history = selectors.child_histories(user=screener, contact=later)[later.subjects.get().pk]
    assert history.re_referral
    assert history.repeat_contact
    assert history.rows[0].decision == decision
    assert unrelated.reference not in {c.reference for c in flagged}


def test_an_information_and_advice_history_is_a_repeat_not_a_re_referral(screener, referrer, level):
    earlier = submit_contact(
        referrer,
        subjects=[child_input(nhs_number="9434765919")],
        received_at=timezone.now() - timedelta(days=30),
    )
    services.screening_claim(actor=screener, contact=earlier)
    decide(screener, earlier, level, route=Route.INFORMATION_AND_ADVICE)
    later = submit_contact(referrer, subjects=[child_input(nhs_number="9434765919")])
    history = selectors.child_histories(user=screener, contact=later)[later.subjects.get().pk]
    assert history.repeat_contact
    assert not history.re_referral


def test_queue_page_query_count_does_not_grow_with_rows(
    client, screener, referrer, django_assert_max_num_queries
):
    for _ in range(3):
        submit_contact(referrer)
    client.force_login(screener)
    with django_assert_max_num_queries(30) as first:
        assert client.get(reverse("screening:queue")).status_code == 200
    for _ in range(12):
        submit_contact(referrer)
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(reverse("screening:queue"))


def test_searching_keeps_names_out_of_the_url(client, screener, referrer):
    contact = submit_contact(referrer)
    client.force_login(screener)
    response = client.post(
        reverse("screening:queue") + "?channel=online_form", {"search": "Amelia"}
    )
    assert "Amelia" not in response.url
    page = client.get(response.url)
    assert contact.reference in page.text


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        (Role.SCREENER, 200),
        (Role.MANAGER, 200),
        (Role.REFERRER, 403),
        (Role.PARTNER_AGENCY_MEMBER, 403),
        (Role.PERFORMANCE_VIEWER, 403),
        (Role.ADMINISTRATOR, 403),
    ],
    indirect=["persona"],
)
def test_who_sees_the_queue(client, persona, status):
    client.force_login(persona)
    assert client.get(reverse("screening:queue")).status_code == status


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        (Role.SCREENER, 200),
        (Role.MANAGER, 200),
        (Role.REFERRER, 404),
        (Role.PARTNER_AGENCY_MEMBER, 404),
        (Role.PERFORMANCE_VIEWER, 404),
    ],
    indirect=["persona"],
)
def test_who_sees_a_screening_page(client, persona, status, referrer):
    contact = submit_contact(referrer)
    client.force_login(persona)
    assert client.get(reverse("screening:contact", args=[contact.reference])).status_code == status


def test_screening_journey_over_http(
    client, screener, manager, referrer, police, police_member, level
):
    contact = submit_contact(referrer)
    client.force_login(screener)
    taken = client.post(reverse("screening:claim-next")).url
    assert taken == reverse("screening:contact", args=[contact.reference]) + "#contact-title"
    page = client.get(reverse("screening:contact", args=[contact.reference]))
    assert f"Being screened by {screener.full_name}" in page.text

    saved = client.post(
        reverse("screening:signs-of-safety", args=[contact.reference]),
        {"danger_statement": "Worried Amelia will be hurt again", "scaling": "2"},
        HTTP_HX_REQUEST="true",
    )
    assert "Saved at" in saved.text
    client.post(
        reverse("screening:request-check", args=[contact.reference]),
        consent_form(agency=police.pk, question="Any domestic incidents at the address?"),
    )

    client.force_login(police_member)
    checks = client.get(reverse("screening:member-checks"))
    check = contact.agency_checks.get()
    assert contact.reference in checks.text
    answer_page = client.get(reverse("screening:member-check", args=[check.pk]))
    assert "Any domestic incidents" in answer_page.text
    assert "bruising" not in answer_page.text  # the concern itself is not theirs to read
    client.post(reverse("screening:member-check", args=[check.pk]), {"response": "Two in 2026."})

    client.force_login(screener)
    bad = client.post(
        reverse("screening:decide", args=[contact.reference]), {"route": "strategy_discussion"}
    )
    assert "Enter the rationale for the decision" in bad.text
    client.post(
        reverse("screening:decide", args=[contact.reference]),
        {
            "route": "strategy_discussion",
            "primary_need": "N1",
            "threshold_level": level.pk,
            "rationale": RATIONALE,
            "family_notice": "notify",
        },
    )
    contact.refresh_from_db()
    assert contact.status == Contact.Status.AWAITING_APPROVAL

    client.force_login(manager)
    decision = contact.decisions.get()
    assert contact.reference in client.get(reverse("screening:approvals")).text
    client.post(reverse("screening:approval", args=[decision.pk]), {"outcome": "approve"})
    contact.refresh_from_db()
    assert contact.status == Contact.Status.DECIDED
    assert AuditEvent.objects.filter(
        record_id=contact.reference, via="screening.decision_approve"
    ).exists()


def test_a_member_cannot_open_another_agencys_check(client, screener, referrer, police):
    contact = submit_contact(referrer)
    services.screening_claim(actor=screener, contact=contact)
    check = services_checks.check_request(
        actor=screener, contact=contact, agency=police, question="Any?", sharing=consented()
    )
    outsider = UserFactory(roles=[Role.PARTNER_AGENCY_MEMBER])
    client.force_login(outsider)
    assert client.get(reverse("screening:member-check", args=[check.pk])).status_code == 404
    assert contact.reference not in client.get(reverse("screening:member-checks")).text


def test_a_long_history_shows_the_latest_contacts_and_counts_the_rest(
    client, screener, referrer, django_assert_max_num_queries
):
    for days_ago in range(400, 400 - 12 * 30, -30):
        submit_contact(
            referrer,
            subjects=[child_input(nhs_number="9434765919")],
            received_at=timezone.now() - timedelta(days=days_ago),
        )
    twins = [child_input(nhs_number="9434765919"), child_input(first_name="Ruby")]
    later = submit_contact(referrer, subjects=twins)
    later = Contact.objects.prefetch_related("subjects__person").get(pk=later.pk)
    selectors.can_screen(screener)  # loads the screener's permissions

    with django_assert_max_num_queries(3):
        histories = selectors.child_histories(user=screener, contact=later)

    history = histories[later.subjects.get(first_name="Amelia").pk]
    assert len(history.rows) == selectors.HISTORY_SHOWN
    assert history.not_shown == 2
    received = [row.contact.received_at for row in history.rows]
    assert received == sorted(received, reverse=True)
    assert history.repeat_contact
    client.force_login(screener)
    response = client.get(reverse("screening:contact", args=[later.reference]))
    assert "2 earlier contacts about Amelia are on" in response.text


def test_the_contact_page_asks_as_many_queries_for_a_long_history_as_a_short_one(
    client, screener, referrer, level
):
    """A history row is read with only the columns it shows: drawing one (its contact's
    reference, date and status, its decision's route) must never go back for more."""
    days_ago = iter(range(400, 0, -20))

    def page_after(earlier: int) -> tuple[int, str]:
        for _ in range(earlier):
            contact = submit_contact(
                referrer,
                subjects=[child_input(nhs_number="9434765919")],
                received_at=timezone.now() - timedelta(days=next(days_ago)),
            )
            services.screening_claim(actor=screener, contact=contact)
            decide(screener, contact, level, route=Route.INFORMATION_AND_ADVICE)
        latest = submit_contact(referrer, subjects=[child_input(nhs_number="9434765919")])
        assert latest.subjects.get().person_id  # matched: its history is shown
        client.get(reverse("screening:contact", args=[latest.reference]))
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("screening:contact", args=[latest.reference]))
        return len(queries), page.text

    client.force_login(screener)
    short, _ = page_after(1)
    long, text = page_after(selectors.HISTORY_SHOWN + 2)
    assert long == short
    assert text.count("Information and advice") >= selectors.HISTORY_SHOWN - 1
    assert "earlier contacts about Amelia are on" in text


def test_a_members_checks_list_waiting_ones_first_then_the_latest_answers(
    client, screener, referrer, police, police_member
):
    """Waiting checks come first, the longest waiting on top; answered ones follow,
    the most recently answered first, so an answer just sent does not jump the queue."""
    day = datetime(2026, 11, 23, 9, 0, tzinfo=LONDON)
    checks = []
    for hour in range(4):
        contact = submit_contact(referrer)
        services.screening_claim(actor=screener, contact=contact)
        check = services_checks.check_request(
            actor=screener, contact=contact, agency=police, question="?", sharing=consented()
        )
        AgencyCheck.objects.filter(pk=check.pk).update(requested_at=day + timedelta(hours=hour))
        checks.append(check)
    first, second, third, fourth = checks
    services_checks.check_answer(actor=police_member, check=first, response="Nothing known.")
    services_checks.check_answer(actor=police_member, check=third, response="One incident.")
    AgencyCheck.objects.filter(pk=first.pk).update(answered_at=day + timedelta(days=1))
    AgencyCheck.objects.filter(pk=third.pk).update(answered_at=day + timedelta(days=2))

    client.force_login(police_member)
    page = client.get(reverse("screening:member-checks")).text
    positions = [page.index(check.contact.reference) for check in (second, fourth, third, first)]
    assert positions == sorted(positions)
