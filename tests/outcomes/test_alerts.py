"""Alerts to the people who must act (issue 23 part 2, docs/adr/0042): who is alerted of
what, once, never about a record closed to them; through the services, the scan and
the home page."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from frontdoor.london import LONDON
from frontdoor.roles import Role
from frontdoor.working_days import add_working_time
from outcomes.alerts import scan
from outcomes.models import Alert
from referrals import services as referral_services
from referrals.models import Contact
from screening import services, services_checks
from screening.models import Route, SharingBasis
from tests.factories import AgencyFactory, UserFactory, submit_contact
from tests.support.checks import consented
from tests.support.screening import decide

pytestmark = pytest.mark.django_db


def _alerts(kind, **filters):
    return Alert.objects.filter(kind=kind, **filters)


def _recipients(kind, **filters) -> set[int]:
    return set(_alerts(kind, **filters).values_list("recipient_id", flat=True))


@pytest.fixture
def taken(screener, referrer):
    contact = submit_contact(referrer)
    services.screening_claim(actor=screener, contact=contact)
    return contact


def _ask(screener, contact, agency, sharing=None):
    return services_checks.check_request(
        actor=screener,
        contact=contact,
        agency=agency,
        question="Anything known about the family?",
        sharing=sharing or consented(),
    )


def _restrict(contact, *, manager, allowed):
    referral_services.restriction_add(
        actor=manager,
        contact=contact,
        reason="A member of staff's family.",
        ask=manager,
        allowed=allowed,
        review_due=timezone.localdate() + timedelta(days=30),
    )


# --- A check asked of an agency ------------------------------------------------------


def test_a_check_asked_alerts_the_agencys_mast_members_only(screener, taken, police, police_member):
    colleague = UserFactory(roles=[Role.PARTNER_AGENCY_MEMBER], agency=police)
    UserFactory(roles=[Role.PARTNER_AGENCY_MEMBER], agency=police, is_active=False)
    UserFactory(roles=[Role.PARTNER_AGENCY_MEMBER], agency=AgencyFactory(name="Other"))
    UserFactory(roles=[Role.REFERRER], agency=police)  # in the agency, not in the MAST

    check = _ask(screener, taken, police)

    assert _recipients(Alert.Kind.CHECK_ASKED, subject_id=check.pk) == {
        police_member.pk,
        colleague.pk,
    }
    alert = _alerts(Alert.Kind.CHECK_ASKED).get(recipient=police_member)
    assert (alert.contact_id, alert.email_status) == (taken.pk, Alert.Email.PENDING)


def test_a_check_held_for_approval_alerts_the_agency_only_once_a_manager_sends_it(
    screener, manager, taken, police, police_member
):
    with override_settings(CHECKS_WITHOUT_CONSENT_NEED_APPROVAL=True):
        check = _ask(screener, taken, police, services_checks.Sharing(SharingBasis.PREJUDICE))
    assert not _alerts(Alert.Kind.CHECK_ASKED).exists()

    services_checks.check_approve(actor=manager, check=check)
    assert _recipients(Alert.Kind.CHECK_ASKED, subject_id=check.pk) == {police_member.pk}


def test_a_check_refused_by_a_manager_alerts_nobody(
    screener, manager, taken, police, police_member
):
    with override_settings(CHECKS_WITHOUT_CONSENT_NEED_APPROVAL=True):
        check = _ask(screener, taken, police, services_checks.Sharing(SharingBasis.PREJUDICE))
    services_checks.check_refuse(actor=manager, check=check, comment="Ask for consent first.")
    assert not _alerts(Alert.Kind.CHECK_ASKED).exists()


def test_a_check_becomes_overdue_after_its_working_hours_and_is_alerted_once(
    screener, taken, police, police_member, settings
):
    settings.CHECK_ANSWER_WORKING_HOURS = 4
    check = _ask(screener, taken, police)
    due = add_working_time(check.sent_at, timedelta(hours=4))

    assert scan.alerts_scan(now=due - timedelta(minutes=1)) == 0
    assert scan.alerts_scan(now=due + timedelta(minutes=1)) == 1
    assert scan.alerts_scan(now=due + timedelta(minutes=2)) == 0
    assert _recipients(Alert.Kind.CHECK_OVERDUE, subject_id=check.pk) == {police_member.pk}


def test_an_answered_check_is_never_overdue(screener, taken, police, police_member):
    check = _ask(screener, taken, police)
    services_checks.check_answer(actor=police_member, check=check, response="Nothing known.")
    scan.alerts_scan(now=timezone.now() + timedelta(days=3))
    assert not _alerts(Alert.Kind.CHECK_OVERDUE).exists()


# --- A decision returned ---------------------------------------------------------------


def test_a_returned_decision_alerts_the_screener_who_made_it(screener, manager, taken, level):
    decision = decide(screener, taken, level, route=Route.STRATEGY_DISCUSSION)
    assert not _alerts(Alert.Kind.DECISION_RETURNED).exists()

    services.decision_return(actor=manager, decision=decision, comment="Say more about dad.")
    assert _recipients(Alert.Kind.DECISION_RETURNED, subject_id=decision.pk) == {screener.pk}


def test_an_approved_decision_alerts_nobody(screener, manager, taken, level):
    decision = decide(screener, taken, level, route=Route.STRATEGY_DISCUSSION)
    services.decision_approve(actor=manager, decision=decision)
    assert not Alert.objects.filter(recipient=screener).exists()


# --- Managers: approvals waiting, immediate risk not taken, clocks run out ------------------


def test_an_approval_waiting_past_its_time_alerts_every_manager_but_its_maker(
    screener, manager, manager_b, taken, level, settings
):
    settings.ALERTS_APPROVAL_WAIT_WORKING_HOURS = 2
    decision = decide(screener, taken, level, route=Route.STRATEGY_DISCUSSION)
    waited = add_working_time(decision.decided_at, timedelta(hours=2))

    scan.alerts_scan(now=waited - timedelta(minutes=1))
    assert not _alerts(Alert.Kind.APPROVAL_WAITING).exists()
    scan.alerts_scan(now=waited + timedelta(minutes=1))
    scan.alerts_scan(now=waited + timedelta(minutes=2))
    assert _recipients(Alert.Kind.APPROVAL_WAITING, subject_id=decision.pk) == {
        manager.pk,
        manager_b.pk,
    }
    assert _alerts(Alert.Kind.APPROVAL_WAITING).count() == 2


def test_a_manager_who_made_the_decision_is_not_asked_to_approve_it(
    manager, manager_b, referrer, level
):
    contact = submit_contact(referrer)
    services.screening_claim(actor=manager, contact=contact)
    decision = decide(manager, contact, level, route=Route.STRATEGY_DISCUSSION)
    scan.alerts_scan()  # the scan runs every minute: it has run since the decision
    scan.alerts_scan(now=timezone.now() + timedelta(days=1))
    assert _recipients(Alert.Kind.APPROVAL_WAITING, subject_id=decision.pk) == {manager_b.pk}


def test_a_check_without_consent_waiting_for_approval_alerts_managers(
    screener, manager, taken, police
):
    with override_settings(CHECKS_WITHOUT_CONSENT_NEED_APPROVAL=True):
        check = _ask(screener, taken, police, services_checks.Sharing(SharingBasis.PREJUDICE))
    scan.alerts_scan()
    scan.alerts_scan(now=timezone.now() + timedelta(days=1))
    assert _recipients(Alert.Kind.CHECK_APPROVAL_WAITING, subject_id=check.pk) == {manager.pk}


def test_an_immediate_risk_contact_not_taken_alerts_managers(screener, manager, referrer, settings):
    settings.ALERTS_IMMEDIATE_NOT_TAKEN_MINUTES = 30
    waiting = submit_contact(referrer, urgency=Contact.Urgency.IMMEDIATE)
    taken = submit_contact(referrer, urgency=Contact.Urgency.IMMEDIATE)
    services.screening_claim(actor=screener, contact=taken)
    not_urgent = submit_contact(referrer)
    late = add_working_time(waiting.received_at, timedelta(minutes=30))

    scan.alerts_scan(now=late - timedelta(minutes=1))
    assert not _alerts(Alert.Kind.IMMEDIATE_NOT_TAKEN).exists()
    scan.alerts_scan(now=late + timedelta(minutes=1))
    alerted = set(_alerts(Alert.Kind.IMMEDIATE_NOT_TAKEN).values_list("subject_id", flat=True))
    assert alerted == {waiting.pk}
    assert not_urgent.pk not in alerted
    assert _recipients(Alert.Kind.IMMEDIATE_NOT_TAKEN) == {manager.pk}


def test_a_breach_is_alerted_once_per_due_time(manager, referrer):
    contact = submit_contact(referrer)
    due = contact.decision_due_at

    scan.alerts_scan(now=due - timedelta(minutes=1))
    assert not _alerts(Alert.Kind.CLOCK_BREACHED).exists()
    scan.alerts_scan(now=due + timedelta(minutes=1))
    scan.alerts_scan(now=due + timedelta(minutes=5))
    assert _alerts(Alert.Kind.CLOCK_BREACHED, recipient=manager).count() == 1

    # A clock set again and run out again is news again (moved with its receipt: the
    # alert is never later than the statutory day from receipt, ``breach_due``).
    later = due + timedelta(hours=3)
    Contact.objects.filter(pk=contact.pk).update(
        decision_due_at=later, received_at=contact.received_at + timedelta(hours=3)
    )
    scan.alerts_scan(now=later + timedelta(minutes=1))
    assert _alerts(Alert.Kind.CLOCK_BREACHED, recipient=manager).count() == 2


@override_settings(
    SERVICE_HOURS_WEEKDAYS=(time(8), time(22)),
    SERVICE_HOURS_WEEKENDS=None,
    CLOCK_FOLLOWS_SERVICE_HOURS=True,
)
def test_with_the_clock_following_service_hours_a_breach_is_alerted_at_the_statutory_day(
    manager, referrer
):
    """Received Tuesday 23:00, after hours: the operational clock runs from Wednesday
    08:00 (due Thursday 08:00), but the statutory day runs out Wednesday 23:00, and
    that is when the managers are told: the earlier of the two."""
    tuesday_23 = datetime(2026, 11, 17, 23, 0, tzinfo=LONDON)
    statutory = datetime(2026, 11, 18, 23, 0, tzinfo=LONDON)
    contact = submit_contact(referrer, received_at=tuesday_23)
    assert contact.decision_due_at == datetime(2026, 11, 19, 8, 0, tzinfo=LONDON)

    scan.alerts_scan(now=statutory - timedelta(minutes=1))
    assert not _alerts(Alert.Kind.CLOCK_BREACHED).exists()
    scan.alerts_scan(now=statutory + timedelta(minutes=1))

    alert = _alerts(Alert.Kind.CLOCK_BREACHED, recipient=manager).get()
    assert alert.occasion == scan.breach_occasion(statutory)
    # Its operational due time passing later is the same breach, not news again.
    scan.alerts_scan(now=contact.decision_due_at + timedelta(minutes=1))
    assert _alerts(Alert.Kind.CLOCK_BREACHED, recipient=manager).count() == 1


def test_a_decided_contact_never_breaches(screener, manager, taken, level):
    decide(screener, taken, level, route=Route.EARLY_HELP)
    scan.alerts_scan(now=taken.decision_due_at + timedelta(minutes=1))
    assert not _alerts(Alert.Kind.CLOCK_BREACHED).exists()


def test_conditions_older_than_the_lookback_are_not_alerted(manager, referrer, settings):
    settings.ALERTS_LOOKBACK_HOURS = 24
    contact = submit_contact(referrer)
    scan.alerts_scan(now=contact.decision_due_at + timedelta(hours=25))
    assert not _alerts(Alert.Kind.CLOCK_BREACHED).exists()


# --- Restricted records ----------------------------------------------------------------------


def test_a_restricted_contact_is_alerted_as_the_lists_show_it(
    screener, manager, manager_b, taken, police, police_member
):
    _restrict(taken, manager=manager, allowed=[screener])
    _ask(screener, taken, police)
    scan.alerts_scan(now=taken.decision_due_at + timedelta(minutes=1))

    # The agency's list shows the check and whom to ask: its members are told.
    assert _recipients(Alert.Kind.CHECK_ASKED) == {police_member.pk}
    # A manager is named (asked) on it: only they are told of its breach.
    assert _recipients(Alert.Kind.CLOCK_BREACHED) == {manager.pk}
    assert not Alert.objects.filter(recipient=manager_b).exists()


# --- The home page -----------------------------------------------------------------------


def test_the_home_page_lists_unseen_alerts_with_links_and_marks_them_seen(
    client, screener, manager, taken, level
):
    decision = decide(screener, taken, level, route=Route.STRATEGY_DISCUSSION)
    services.decision_return(actor=manager, decision=decision, comment="Say more about dad.")
    client.force_login(screener)

    home = client.get(reverse("home")).text
    assert "Your decision was returned" in home
    assert f'href="{reverse("screening:contact", args=[taken.reference])}"' in home

    alert = Alert.objects.get(recipient=screener)
    response = client.post(reverse("alerts:seen", args=[alert.pk]))
    assert response.status_code == 302
    assert "Your decision was returned" not in client.get(reverse("home")).text
    alert.refresh_from_db()
    assert alert.seen_at is not None


def test_mark_all_seen_clears_only_ones_own_alerts(client, manager, manager_b, referrer):
    contacts = [submit_contact(referrer) for _ in range(3)]
    scan.alerts_scan(now=contacts[-1].decision_due_at + timedelta(minutes=1))
    client.force_login(manager)
    assert client.get(reverse("home")).text.count("Past its due time") == 3

    client.post(reverse("alerts:seen-all"))
    assert "Past its due time" not in client.get(reverse("home")).text
    assert not Alert.objects.filter(recipient=manager, seen_at__isnull=True).exists()
    assert Alert.objects.filter(recipient=manager_b, seen_at__isnull=True).count() == 3


def test_nobody_can_mark_anothers_alert_seen(client, manager, manager_b, referrer):
    scan.alerts_scan(now=submit_contact(referrer).decision_due_at + timedelta(minutes=1))
    theirs = Alert.objects.get(recipient=manager_b)
    client.force_login(manager)
    assert client.post(reverse("alerts:seen", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.seen_at is None


def test_an_alert_on_a_contact_restricted_since_leaves_the_home_page(
    client, screener, manager, manager_b, referrer
):
    contact = submit_contact(referrer)
    scan.alerts_scan(now=contact.decision_due_at + timedelta(minutes=1))
    _restrict(contact, manager=manager, allowed=[screener])
    client.force_login(manager_b)
    assert contact.reference not in client.get(reverse("home")).text
    client.force_login(manager)
    assert contact.reference in client.get(reverse("home")).text


def test_a_scan_with_nothing_new_costs_the_same_few_queries_however_much_was_alerted(
    manager, manager_b, referrer, django_assert_max_num_queries
):
    contacts = [submit_contact(referrer) for _ in range(5)]
    Contact.objects.filter(pk__in=[c.pk for c in contacts]).update(
        decision_due_at=timezone.now() - timedelta(minutes=1)
    )
    assert scan.alerts_scan() == 10
    # The scan's mark, the managers, one query for each of the five rules, the new mark.
    with django_assert_max_num_queries(8):
        assert scan.alerts_scan() == 0
