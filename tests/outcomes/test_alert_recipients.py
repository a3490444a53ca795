"""Who is alerted, reviewed (docs/adr/0042): withdrawn contacts, restricted contacts
(alerted as the lists show them), and people whose role or agency changed before the
email went; through the services, the scan and the delivery."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from frontdoor.roles import Role
from frontdoor.working_days import add_working_time
from outcomes.alerts import delivery, scan
from outcomes.alerts.selectors import HOME_COUNTED, HOME_SHOWN
from outcomes.models import Alert
from referrals import services as referral_services
from screening import services, services_checks
from screening.models import SharingBasis
from tests.factories import AgencyFactory, UserFactory, submit_contact
from tests.support.checks import consented
from tests.support.mail import smtp_inbox
from tests.support.withdrawals import withdraw

pytestmark = pytest.mark.django_db


@pytest.fixture
def inbox(settings):
    with smtp_inbox(settings) as inbox:
        yield inbox


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


def _kinds(**filters) -> set[str]:
    return set(Alert.objects.filter(**filters).values_list("kind", flat=True))


def test_a_withdrawn_contacts_checks_are_never_overdue_nor_waiting_for_approval(
    screener, manager, taken, police, police_member
):
    _ask(screener, taken, police)
    with override_settings(CHECKS_WITHOUT_CONSENT_NEED_APPROVAL=True):
        _ask(screener, taken, police, services_checks.Sharing(SharingBasis.PREJUDICE))
    withdraw(screener, taken)

    scan.alerts_scan(now=timezone.now() - timedelta(minutes=1))
    scan.alerts_scan(now=timezone.now() + timedelta(days=1))
    assert not _kinds() & {Alert.Kind.CHECK_OVERDUE, Alert.Kind.CHECK_APPROVAL_WAITING}


# --- Restricted contacts: alerted as the lists show them ------------------------------


def _restrict(contact, *, by, ask, allowed):
    return referral_services.restriction_add(
        actor=by,
        contact=contact,
        reason="A member of staff's family.",
        ask=ask,
        allowed=allowed,
        review_due=timezone.localdate() + timedelta(days=30),
    )


def test_a_check_on_a_restricted_contact_is_alerted_to_the_agency_with_reference_and_link(
    client, inbox, screener, manager, taken, police, police_member, settings
):
    settings.CHECK_ANSWER_WORKING_HOURS = 4
    _restrict(taken, by=manager, ask=manager, allowed=[screener])
    check = _ask(screener, taken, police)
    scan.alerts_scan(now=check.sent_at)
    scan.alerts_scan(now=add_working_time(check.sent_at, timedelta(hours=4, minutes=1)))

    assert _kinds(recipient=police_member) == {Alert.Kind.CHECK_ASKED, Alert.Kind.CHECK_OVERDUE}
    for alert in Alert.objects.filter(recipient=police_member):
        assert delivery.alert_deliver(alert_id=alert.pk) == "sent"
    for message in inbox.to(police_member.email):
        assert taken.reference in message["Subject"]
        assert reverse("screening:member-check", args=[check.pk]) in message.get_content()
        assert "Harrison" not in message.get_content()
    # As the member's list shows it: on their home page, leading to the page that says
    # whom to ask.
    client.force_login(police_member)
    assert taken.reference in client.get(reverse("home")).text
    page = client.get(reverse("screening:member-check", args=[check.pk]))
    assert page.status_code == 403
    assert manager.full_name in page.text


def test_a_restricted_contact_is_alerted_to_the_managers_named_on_it_only(
    client, screener, manager, manager_b, referrer
):
    contact = submit_contact(referrer)
    _restrict(contact, by=manager, ask=manager, allowed=[screener])
    scan.alerts_scan(now=contact.decision_due_at - timedelta(minutes=1))
    scan.alerts_scan(now=contact.decision_due_at + timedelta(minutes=1))
    assert set(Alert.objects.values_list("recipient_id", flat=True)) == {manager.pk}
    client.force_login(manager)
    assert contact.reference in client.get(reverse("home")).text


def test_a_restricted_contact_naming_no_manager_is_alerted_to_every_manager(
    client, inbox, screener, manager, manager_b, referrer
):
    contact = submit_contact(referrer)
    gone = UserFactory(roles=[Role.MANAGER])
    _restrict(contact, by=gone, ask=screener, allowed=[screener])
    gone.is_active = False
    gone.save()

    scan.alerts_scan(now=contact.decision_due_at - timedelta(minutes=1))
    scan.alerts_scan(now=contact.decision_due_at + timedelta(minutes=1))
    assert set(Alert.objects.values_list("recipient_id", flat=True)) == {manager.pk, manager_b.pk}
    assert delivery.alert_deliver(alert_id=Alert.objects.get(recipient=manager_b).pk) == "sent"
    # The queue shows every manager its reference; so does their home page, leading to
    # the contact's page, which says whom to ask.
    client.force_login(manager_b)
    assert contact.reference in client.get(reverse("home")).text
    page = client.get(reverse("screening:contact", args=[contact.reference]))
    assert page.status_code == 403
    assert screener.full_name in page.text


# --- People whose role or agency changed before the email went -----------------------


def test_a_member_who_moved_agency_is_not_emailed_their_old_agencys_check(
    inbox, screener, taken, police, police_member
):
    _ask(screener, taken, police)
    police_member.agency = AgencyFactory(name="County Council")
    police_member.save()
    alert = Alert.objects.get(recipient=police_member)
    assert delivery.alert_deliver(alert_id=alert.pk) == "withheld"
    assert inbox.to(police_member.email) == []


def test_a_manager_no_longer_a_manager_is_not_emailed_a_managers_alert(
    inbox, manager, manager_b, referrer
):
    contact = submit_contact(referrer)
    scan.alerts_scan(now=contact.decision_due_at - timedelta(minutes=1))
    scan.alerts_scan(now=contact.decision_due_at + timedelta(minutes=1))
    manager_b.groups.set(Group.objects.filter(name=Role.SCREENER.value))
    assert delivery.alert_deliver(alert_id=Alert.objects.get(recipient=manager_b).pk) == (
        "withheld"
    )
    assert delivery.alert_deliver(alert_id=Alert.objects.get(recipient=manager).pk) == "sent"
    assert [m["To"] for m in inbox.messages if "Past its due" in m["Subject"]] == [manager.email]


# --- The home page stays bounded however many alerts wait --------------------------------


def test_the_home_page_counts_unseen_alerts_only_so_far(client, screener, taken):
    Alert.objects.bulk_create(
        Alert(
            recipient=screener,
            kind=Alert.Kind.DECISION_RETURNED,
            contact=taken,
            subject_id=n,
            email_status=Alert.Email.SENT,
            sent_at=timezone.now(),
        )
        for n in range(1, HOME_COUNTED + 31)
    )
    client.force_login(screener)
    home = client.get(reverse("home")).text
    assert home.count("Your decision was returned") == HOME_SHOWN
    assert f"And over {HOME_COUNTED - HOME_SHOWN} more." in home

    Alert.objects.filter(subject_id__gt=HOME_SHOWN + 5).delete()
    assert "And 5 more." in client.get(reverse("home")).text
