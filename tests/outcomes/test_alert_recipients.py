"""Who is alerted, reviewed (docs/adr/0042): withdrawn contacts, restricted contacts
(alerted as the lists show them), and people whose role or agency changed before the
email went; through the services, the scan and the delivery."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from outcomes.alerts import scan
from outcomes.models import Alert
from screening import services, services_checks
from screening.models import SharingBasis
from tests.factories import submit_contact
from tests.support.checks import consented
from tests.support.withdrawals import withdraw

pytestmark = pytest.mark.django_db


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
