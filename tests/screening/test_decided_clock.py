"""Once a decision stands the clock stops: pages say when the contact was decided and
whether that was within one working day, as the scorecard's timeliness counts it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from screening import selectors, services
from screening.models import Route
from tests.factories import submit_contact
from tests.support.screening import decide

pytestmark = pytest.mark.django_db


def _decided(screener, referrer, level, **received):
    contact = submit_contact(referrer, **received)
    services.screening_claim(actor=screener, contact=contact)
    decide(screener, contact, level, route=Route.EARLY_HELP)
    return contact


def _clock_text(client, contact) -> str:
    page = client.get(reverse("screening:contact", args=[contact.reference])).content.decode()
    start = page.index("Decision due" if "Decision due" in page else "Decided</dt>")
    return page[start : page.index("</dd>", start)]


def test_a_contact_decided_in_time_says_so_and_no_clock_runs(client, screener, referrer, level):
    contact = _decided(screener, referrer, level)
    client.force_login(screener)

    text = _clock_text(client, contact)

    assert "Decided on time" in text
    assert "left" not in text
    assert "overdue" not in text.lower()


def test_a_contact_decided_late_says_how_late(client, screener, referrer, level):
    received = timezone.now() - timedelta(days=6)
    contact = _decided(screener, referrer, level, received_at=received)
    client.force_login(screener)

    text = _clock_text(client, contact)

    assert "Decided late" in text
    assert " late" in text
    assert "left" not in text
    clock = selectors.clock_for(contact, decided_at=timezone.now())
    assert clock.decided_at is not None
    assert not clock.on_time


def test_a_changed_decision_back_in_the_queue_shows_when_it_was_first_decided(
    client, screener, referrer, level
):
    contact = _decided(screener, referrer, level)
    services.screening_claim(actor=screener, contact=contact)
    decide(screener, contact, level)  # a strategy discussion now: back in the queue for approval
    client.force_login(screener)

    page = client.get(reverse("screening:queue")).content.decode()

    assert "strategy discussion waiting for approval (decided on time)" in page
    table = page[page.index("<tbody") :]
    row = table[table.index(contact.reference) :]
    row = row[: row.index("</tr>")]
    assert "Decided on time" in row
    assert "left" not in row


def test_a_pending_decision_leaves_the_clock_running(client, screener, referrer, level):
    contact = submit_contact(referrer)
    services.screening_claim(actor=screener, contact=contact)
    decide(screener, contact, level)  # a strategy discussion: waits for a manager
    client.force_login(screener)

    assert "left" in _clock_text(client, contact)
