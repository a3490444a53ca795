"""Events for case systems: written with the decision, signed, delivered to a real
receiver on loopback by a real worker, in order per contact, once each, through a
receiver that is down for a while; corrections; the closing of advice; erasure."""

from __future__ import annotations

import io
import signal
import time
from datetime import timedelta

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from outcomes import retention
from outcomes.handoff import delivery as webhook_delivery
from outcomes.handoff.endpoints import WebhookRefused, delivery_replay_from
from outcomes.models import CaseEvent, Delivery
from screening import services as screening
from screening.models import Route
from tests.factories import child_input, submit_contact
from tests.support import worker_process
from tests.support.screening import decide
from tests.support.waiting import wait_until


def _decided(screener, referrer, level, route=Route.EARLY_HELP, **contact):
    contact = submit_contact(referrer, **contact)
    screening.screening_claim(actor=screener, contact=contact)
    decide(screener, contact, level, route=route)
    return contact


def _sweep_until(done, message: str, timeout: float = 30) -> None:
    """Run the beat's sweep every half second (as the beat would, more often) until
    ``done()``: retries are due a second after a refusal here."""
    last_sweep = 0.0

    def swept_and_done() -> bool:
        nonlocal last_sweep
        if time.monotonic() - last_sweep > 0.5:
            webhook_delivery.webhooks_sweep()
            last_sweep = time.monotonic()
        return done()

    wait_until(swept_and_done, timeout, message)


def _correct(screener, contact, level, route):
    screening.screening_claim(actor=screener, contact=contact)
    return decide(screener, contact, level, route=route)


@pytest.mark.django_db(transaction=True)
def test_a_standing_decision_reaches_the_case_system_signed(
    celery_worker, receiver, endpoint, screener, referrer, level
):
    child = child_input(nhs_number="9434765919")
    contact = _decided(screener, referrer, level, subjects=[child])

    wait_until(lambda: receiver.received, 30, "the decision never reached the receiver")
    [delivered] = receiver.received
    event = CaseEvent.objects.get(contact=contact)
    assert delivered["id"] == event.event_id  # the webhook-id
    assert delivered["type"] == "decision.stands"
    data = delivered["data"]
    assert data["contact"]["reference"] == contact.reference
    assert data["decision"]["route"] == Route.EARLY_HELP
    assert data["children"][0]["nhs_number"] == "9434765919"
    assert data["decision"]["decided_by"]["email"] == screener.email
    assert receiver.refused == []
    wait_until(
        lambda: Delivery.objects.get(event=event).state == Delivery.State.DELIVERED,
        10,
        "the delivery was not marked delivered",
    )
    attempt = Delivery.objects.get(event=event).tries.get()
    assert attempt.status_code == 200
    assert attempt.succeeded
    assert event.position is not None  # sequenced after commit


@pytest.mark.django_db(transaction=True)
def test_nothing_is_written_for_a_decision_that_rolled_back_or_waits_for_approval(
    endpoint, screener, manager, referrer, level
):
    contact = submit_contact(referrer)
    screening.screening_claim(actor=screener, contact=contact)

    def decided_then_failed():
        with transaction.atomic():
            decide(screener, contact, level, route=Route.EARLY_HELP)
            raise RuntimeError("the request failed after the decision")

    with pytest.raises(RuntimeError):
        decided_then_failed()
    assert not CaseEvent.objects.exists()

    decision = decide(screener, contact, level, route=Route.STRATEGY_DISCUSSION)
    assert not CaseEvent.objects.exists()  # waiting for a manager
    screening.decision_approve(actor=manager, decision=decision)
    event = CaseEvent.objects.get()
    assert event.kind == CaseEvent.Kind.DECISION_STANDS
    assert event.data["decision"]["approved_by"]["email"] == manager.email
    assert event.deliveries.get().endpoint == endpoint


@pytest.mark.django_db(transaction=True)
def test_a_correction_is_sent_before_what_replaced_it_and_advice_closes_the_contact(
    endpoint, screener, referrer, level
):
    contact = _decided(screener, referrer, level, route=Route.EARLY_HELP)
    _correct(screener, contact, level, Route.INFORMATION_AND_ADVICE)

    kinds = list(
        CaseEvent.objects.filter(contact=contact).order_by("position").values_list("kind", "data")
    )
    assert [kind for kind, _ in kinds] == [
        "decision.stands",
        "decision.superseded",
        "contact.closed_as_advice",
    ]
    superseded = kinds[1][1]
    assert superseded["superseded_decision"]["route"] == Route.EARLY_HELP
    assert superseded["superseded_by"]["route"] == Route.INFORMATION_AND_ADVICE
    assert kinds[2][1]["decision"]["advice_given"]


@pytest.mark.django_db(transaction=True)
@override_settings(WEBHOOK_RETRY_DELAYS=[1] * 20)
def test_a_receiver_down_for_a_while_gets_every_event_once_in_order_per_contact(
    celery_worker, receiver, endpoint, screener, referrer, level
):
    receiver.stop()  # nothing listens: every try is refused a connection
    contacts = [_decided(screener, referrer, level) for _ in range(3)]
    for contact in contacts:
        _correct(screener, contact, level, Route.INFORMATION_AND_ADVICE)
    wait_until(
        lambda: Delivery.objects.filter(attempts__gt=0).exists(),
        30,
        "the worker never tried to deliver",
    )
    # The sender paused after a few refusals; the rest wait, untried or due again.
    assert not Delivery.objects.filter(state=Delivery.State.DELIVERED).exists()

    receiver.start()  # back, on the same port
    _sweep_until(lambda: len(receiver.received) >= 9, "not all 9 events were delivered")
    assert sorted(receiver.ids()) == sorted(CaseEvent.objects.values_list("event_id", flat=True))
    assert len(set(receiver.ids())) == 9  # none twice
    for contact in contacts:
        sent_order = [
            delivery["id"]
            for delivery in receiver.received
            if delivery["data"]["contact"]["reference"] == contact.reference
        ]
        written_order = list(
            CaseEvent.objects.filter(contact=contact)
            .order_by("pk")
            .values_list("event_id", flat=True)
        )
        assert sent_order == written_order
    wait_until(
        lambda: Delivery.objects.filter(state=Delivery.State.DELIVERED).count() == 9,
        10,
        "the receiver has every event, yet not every delivery was marked delivered",
    )


@pytest.mark.django_db(transaction=True)
@override_settings(WEBHOOK_RETRY_DELAYS=[60])
def test_after_its_last_try_a_delivery_is_dead_and_holds_back_only_its_contact(
    receiver, endpoint, screener, referrer, level
):
    receiver.answer_status = 500
    first = _decided(screener, referrer, level)
    webhook_delivery.endpoint_drain(endpoint_id=endpoint.pk)  # first try
    waiting = Delivery.objects.get(event__contact=first)
    assert waiting.state == Delivery.State.PENDING
    assert waiting.attempts == 1
    assert waiting.next_attempt_at > timezone.now() + timedelta(seconds=50)
    assert webhook_delivery.endpoint_drain(endpoint_id=endpoint.pk).failed == 0  # not due
    # A minute on: the one retry is due.
    Delivery.objects.filter(pk=waiting.pk).update(next_attempt_at=timezone.now())
    webhook_delivery.endpoint_drain(endpoint_id=endpoint.pk)
    dead = Delivery.objects.get(event__contact=first)
    assert dead.state == Delivery.State.DEAD
    assert dead.attempts == 2
    assert [t.status_code for t in dead.tries.all()] == [500, 500]
    assert dead.tries.first().response_excerpt == '{"ok": true}'

    receiver.answer_status = 200
    _correct(screener, first, level, Route.INFORMATION_AND_ADVICE)  # waits behind the dead one
    other = _decided(screener, referrer, level)
    result = webhook_delivery.endpoint_drain(endpoint_id=endpoint.pk)
    assert result.delivered == 1
    assert [d["data"]["contact"]["reference"] for d in receiver.received] == [other.reference]
    assert Delivery.objects.filter(event__contact=first, state=Delivery.State.PENDING).count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_paused_endpoint_keeps_its_events_until_it_is_resumed(
    receiver, endpoint, screener, referrer, level
):
    endpoint.is_active = False
    endpoint.save()
    _decided(screener, referrer, level)
    assert webhook_delivery.endpoint_drain(endpoint_id=endpoint.pk).delivered == 0
    assert webhook_delivery.webhooks_sweep() == []
    endpoint.is_active = True
    endpoint.save()
    assert webhook_delivery.endpoint_drain(endpoint_id=endpoint.pk).delivered == 1
    assert len(receiver.received) == 1


@pytest.mark.django_db(transaction=True)
def test_one_sender_at_a_time_per_endpoint(receiver, endpoint, screener, referrer, level):
    """A second sender finds the first at work and leaves: two could send a contact's
    events out of order."""
    import threading

    _decided(screener, referrer, level)
    receiver.hold.clear()
    first = threading.Thread(
        target=lambda: webhook_delivery.endpoint_drain(endpoint_id=endpoint.pk), daemon=True
    )
    first.start()
    assert receiver.arrived.wait(20)
    try:
        assert webhook_delivery.endpoint_drain(endpoint_id=endpoint.pk).locked_out
    finally:
        receiver.hold.set()
        first.join(20)
    assert len(receiver.received) == 1


@pytest.mark.django_db(transaction=True)
def test_a_sender_killed_mid_delivery_loses_nothing_and_repeats_only_that_event(
    receiver, endpoint, screener, referrer, level
):
    """SIGKILL while the receiver holds the first delivery: the receiver got it, the
    sender never heard back. After a restart, that event comes again with the same
    ``webhook-id`` (the specification's at-least-once) and every other exactly once."""
    from frontdoor.celery import app

    app.control.purge()
    receiver.hold.clear()
    workers = [worker_process.start_worker()]
    try:
        contacts = [_decided(screener, referrer, level) for _ in range(3)]
        assert receiver.arrived.wait(60), "the worker never started sending"
        workers[0].send_signal(signal.SIGKILL)
        workers[0].wait(10)
        receiver.hold.set()

        workers.append(worker_process.start_worker())
        _sweep_until(
            lambda: not Delivery.objects.filter(state=Delivery.State.PENDING).exists(),
            "not every event was delivered after the restart",
            timeout=60,
        )
    finally:
        for worker in workers:
            worker.kill()
            worker.wait(10)
    written = list(CaseEvent.objects.order_by("pk").values_list("event_id", flat=True))
    first, *others = written
    assert sorted(receiver.ids()) == sorted([first, *written])  # the held one twice
    # The killed try counted: the held event waited its retry while the others went.
    assert {d["data"]["contact"]["reference"] for d in receiver.received[1:]} == {
        c.reference for c in contacts
    }
    assert Delivery.objects.get(event__event_id=first).attempts == 2
    assert all(receiver.ids().count(event_id) == 1 for event_id in others)


@pytest.mark.django_db(transaction=True)
@override_settings(WEBHOOK_RETRY_DELAYS=[3600])
def test_erasure_takes_what_an_event_and_its_answers_said_and_nothing_is_sent_again(
    receiver, endpoint, screener, manager, administrator, referrer, level, settings
):
    receiver.answer_status = 500
    contact = _decided(screener, referrer, level)
    webhook_delivery.endpoint_drain(endpoint_id=endpoint.pk)
    delivery = Delivery.objects.get(event__contact=contact)
    assert delivery.tries.get().response_excerpt  # what the receiver answered

    settings.RETENTION_YEARS = {"information_and_advice": 6, "early_help": 0, "referral": 25}
    [run] = [run for run in retention.retention_review() if run.kind == "early_help"]
    retention.retention_approve(actor=manager, run=run)
    retention.retention_erase(run_id=run.pk)

    assert CaseEvent.objects.get(contact=contact).data == {"erased": True}
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.ERASED
    assert delivery.tries.get().response_excerpt == ""
    with pytest.raises(WebhookRefused):
        delivery_replay_from(actor=administrator, delivery=delivery)
    receiver.answer_status = 200
    assert webhook_delivery.endpoint_drain(endpoint_id=endpoint.pk).delivered == 0
    assert receiver.received == []


@pytest.mark.django_db(transaction=True)
def test_rekeying_the_documents_seals_the_webhook_secrets_again(
    receiver, endpoint, screener, referrer, level, settings
):
    old, new = settings.DOCUMENT_KEYS[0], Fernet.generate_key().decode()
    settings.DOCUMENT_KEYS = [new, old]
    call_command("documents_rekey", stdout=io.StringIO())
    settings.DOCUMENT_KEYS = [new]  # the old key removed, as SECURITY.md says

    _decided(screener, referrer, level)
    assert webhook_delivery.endpoint_drain(endpoint_id=endpoint.pk).delivered == 1
    assert len(receiver.received) == 1


@pytest.mark.django_db(transaction=True)
def test_nothing_goes_to_a_system_whose_account_may_no_longer_receive(
    receiver, endpoint, screener, referrer, level
):
    _decided(screener, referrer, level)
    account = endpoint.client.account
    account.is_active = False
    account.save()
    assert webhook_delivery.webhooks_sweep() == []
    assert webhook_delivery.endpoint_drain(endpoint_id=endpoint.pk).delivered == 0
    account.is_active = True
    account.save()
    assert webhook_delivery.endpoint_drain(endpoint_id=endpoint.pk).delivered == 1


@pytest.mark.django_db(transaction=True)
def test_a_secret_no_key_opens_is_skipped_not_a_crash(
    receiver, endpoint, screener, referrer, level, settings
):
    _decided(screener, referrer, level)
    settings.DOCUMENT_KEYS = [Fernet.generate_key().decode()]  # the old key gone, no rekey
    assert webhook_delivery.endpoint_drain(endpoint_id=endpoint.pk).delivered == 0
    assert Delivery.objects.get().state == Delivery.State.PENDING  # waits, untried


@pytest.mark.django_db(transaction=True)
@override_settings(WEBHOOK_RETRY_DELAYS=[])
def test_the_sweep_wakes_no_sender_for_events_waiting_behind_a_dead_one(
    receiver, endpoint, screener, referrer, level
):
    receiver.answer_status = 500
    contact = _decided(screener, referrer, level)
    webhook_delivery.endpoint_drain(endpoint_id=endpoint.pk)
    assert Delivery.objects.get().state == Delivery.State.DEAD
    _correct(screener, contact, level, Route.INFORMATION_AND_ADVICE)  # two more, held back
    assert Delivery.objects.filter(state=Delivery.State.PENDING).count() == 2
    assert webhook_delivery.webhooks_sweep() == []
    _decided(screener, referrer, level)  # another contact's event can go
    assert webhook_delivery.webhooks_sweep() == [endpoint.pk]


@pytest.mark.django_db(transaction=True)
def test_a_sender_that_pauses_gives_back_the_tries_it_claimed_and_did_not_make(
    receiver, endpoint, screener, referrer, level
):
    receiver.answer_status = 503
    for _ in range(5):
        _decided(screener, referrer, level)
    result = webhook_delivery.endpoint_drain(endpoint_id=endpoint.pk)
    assert result.failed == webhook_delivery.FAILURES_BEFORE_PAUSE == 3
    tried = Delivery.objects.filter(attempts=1)
    untried = Delivery.objects.filter(attempts=0)
    assert tried.count() == 3
    assert untried.count() == 2
    assert not untried.filter(first_attempt_at__isnull=False).exists()
    assert not untried.filter(next_attempt_at__gt=timezone.now()).exists()  # due at once


@pytest.mark.django_db(transaction=True)
def test_an_event_is_dated_when_its_decision_stood(endpoint, screener, manager, referrer, level):
    contact = submit_contact(referrer)
    screening.screening_claim(actor=screener, contact=contact)
    decision = decide(screener, contact, level, route=Route.STRATEGY_DISCUSSION)
    screening.decision_approve(actor=manager, decision=decision)
    decision.refresh_from_db()
    assert CaseEvent.objects.get().occurred_at == decision.approval_at
