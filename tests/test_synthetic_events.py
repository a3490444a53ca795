"""Events for decisions the synthetic generator (or any bulk load) wrote without the
services: the same events, in the same order, saying the same as those the services
write, so the bench's feed and deliveries are of a real service's size and shape."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from demo.synthetic.events import case_events_backfill
from outcomes.handoff import payloads
from outcomes.models import CaseEvent
from referrals import services as referral_services
from screening import services as screening
from screening.models import STANDING_APPROVALS, Decision, Route
from tests.factories import adult_input, child_input, submit_contact
from tests.support.documents import small_pdf
from tests.support.screening import decide

pytestmark = pytest.mark.django_db


def _as_json(data: dict) -> dict:
    return json.loads(json.dumps(data))


def _as_written(events) -> list[tuple]:
    return [
        (event.kind, event.contact_id, event.decision_id, event.data)
        for event in events.order_by("pk")
    ]


def test_generated_decisions_have_their_events_in_order_with_positions():
    out = io.StringIO()
    call_command("generate_synthetic", contacts=300, years=1, seed=3, stdout=out)
    assert "events for case systems" in out.getvalue()

    standing = Decision.objects.filter(approval__in=STANDING_APPROVALS)
    for decision in standing:
        stands = decision.case_events.exclude(kind=CaseEvent.Kind.DECISION_SUPERSEDED).get()
        expected = (
            CaseEvent.Kind.CONTACT_CLOSED_AS_ADVICE
            if decision.route == Route.INFORMATION_AND_ADVICE
            else CaseEvent.Kind.DECISION_STANDS
        )
        assert stands.kind == expected
        assert stands.occurred_at == (decision.approval_at or decision.decided_at)
        assert stands.data == _as_json(payloads.decision_data(decision))
    with_checks = CaseEvent.objects.filter(data__checks__0__isnull=False)
    assert with_checks.exists()
    for event in CaseEvent.objects.filter(kind=CaseEvent.Kind.DECISION_SUPERSEDED):
        later = Decision.objects.get(pk=event.data["superseded_by"]["id"])
        assert event.data == _as_json(payloads.superseded_data(event.decision, later))
    assert not Decision.objects.exclude(approval__in=STANDING_APPROVALS).filter(
        case_events__isnull=False
    )
    assert CaseEvent.objects.filter(kind=CaseEvent.Kind.DECISION_SUPERSEDED).exists()
    # Ids, and so feed positions, follow the moments the decisions stood.
    events = list(CaseEvent.objects.order_by("pk"))
    assert [e.position for e in events] == list(range(1, len(events) + 1))
    assert [e.occurred_at for e in events] == sorted(e.occurred_at for e in events)
    # Nothing to add: nothing added.
    assert case_events_backfill() == 0


def test_the_events_written_in_bulk_say_what_the_services_write(screener, referrer, level):
    """Decisions made by the services, with a document, a check, a child's voice and a
    correction: their events taken away and written again in bulk come out the same."""
    contact = submit_contact(
        referrer,
        concern_categories=["neglect", "domestic_abuse"],
        subjects=[child_input(), child_input(first_name="Ada"), adult_input()],
    )
    referral_services.document_attach(
        actor=referrer,
        contact=contact,
        upload=referral_services.DocumentUpload(filename="report.pdf", data=small_pdf()),
        via="referral",
    )
    screening.screening_claim(actor=screener, contact=contact)
    decide(screener, contact, level, route=Route.EARLY_HELP)
    screening.screening_claim(actor=screener, contact=contact)
    decide(screener, contact, level, route=Route.INFORMATION_AND_ADVICE)
    other = submit_contact(referrer)
    screening.screening_claim(actor=screener, contact=other)
    decide(screener, other, level, route=Route.EARLY_HELP)

    by_services = _as_written(CaseEvent.objects.all())
    assert [kind for kind, *_ in by_services] == [
        "decision.stands",
        "decision.superseded",
        "contact.closed_as_advice",
        "decision.stands",
    ]
    assert by_services[0][3]["documents"]
    assert by_services[0][3]["children"][0]["voice"]
    CaseEvent.objects.all().delete()

    assert case_events_backfill() == 4
    assert _as_written(CaseEvent.objects.all()) == by_services
    assert set(CaseEvent.objects.values_list("position", flat=True)) == {1, 2, 3, 4}
