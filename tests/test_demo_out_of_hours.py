"""The demo's out-of-hours contact (demo/out_of_hours.py, docs/adr/0044): recorded by the
demo's EDT account at 23:00 last night, handed over, first in the screener's queue marked
from EDT, and in the contact log; once only."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from demo.common import DEMO_ACCOUNTS, demo_data_load
from demo.out_of_hours import WHAT_WAS_DONE, demo_out_of_hours_load
from frontdoor.models import User
from frontdoor.roles import Role
from referrals.models import Contact
from screening import selectors
from screening.models import ContactLogEntry
from tests.factories import submit_contact

pytestmark = pytest.mark.django_db


def _account(role):
    return User.objects.get(email=next(a.email for a in DEMO_ACCOUNTS if a.role == role))


def test_the_demo_has_an_edt_contact_with_its_handover_at_the_top_of_the_queue(client):
    demo_data_load()
    referrer = _account(Role.REFERRER)
    other = submit_contact(referrer, received_at=timezone.now() - timedelta(days=2))
    assert demo_out_of_hours_load(now=timezone.now()) == 1
    assert demo_out_of_hours_load(now=timezone.now()) == 0  # once

    contact = Contact.objects.get(out_of_hours=True)
    assert contact.recorded_by == _account(Role.EDT)
    assert timezone.localtime(contact.received_at).hour == 23
    assert contact.edt_handover.what_was_done == WHAT_WAS_DONE
    assert ContactLogEntry.objects.filter(contact=contact).exists()
    screener = _account(Role.SCREENER)
    queue = list(selectors.queue(user=screener, filters=selectors.QueueFilters()))
    assert [c.pk for c in queue] == [contact.pk, other.pk]

    client.force_login(_account(Role.EDT))
    work = client.get(reverse("screening:edt-work"))
    assert contact.reference in work.content.decode()
