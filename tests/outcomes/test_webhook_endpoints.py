"""Webhook endpoints and their secrets, through the services (issue 21, the admin lane):
which addresses are taken, which systems may have one, a rotation's grace period as a
receiver sees it (signatures checked with the standardwebhooks library), pause, delete,
and "replay from here" resetting exactly the deliveries it should."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest
from django.utils import timezone
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from frontdoor.models import AuditEvent
from outcomes.handoff import endpoints as services
from outcomes.handoff import selectors
from outcomes.handoff.delivery import endpoint_drain, event_body, signed_headers
from outcomes.handoff.recording import DRAIN_TASK
from outcomes.handoff.secrets import secret_open
from outcomes.models import CaseEvent, Delivery, DeliveryAttempt, WebhookSecret
from referrals import services as referral_services
from referrals.models import Scope
from tests.factories import submit_contact
from tests.support import broker
from tests.support.webhook_admin import (
    decision_stands,
    deliveries_of,
    receiver,
    receiving_system,
)

pytestmark = pytest.mark.django_db

URL = "https://cases.example.gov.uk/front-door/events"


@pytest.fixture
def system(db):
    return receiving_system()


@pytest.fixture
def added(system, administrator):
    return services.webhook_endpoint_create(actor=administrator, client=system, url=URL)


def trail(system) -> list[dict]:
    return list(
        AuditEvent.objects.filter(record_type="partner_system", record_id=str(system.pk))
        .order_by("pk")
        .values_list("detail", flat=True)
    )


# --- Addresses --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("", "Enter the address events are sent to"),
        ("   ", "Enter the address events are sent to"),
        ("https://" + "a" * 490 + ".example", "500 characters or fewer"),
        ("https://cases.example\x00.gov.uk/", "control characters"),
        ("https://cases.example.gov.uk/a b", "spaces"),
        ("https://cases.example.gov.uk/\nHost: evil", "line breaks"),
        ("<script>alert(1)</script>", "Enter the full address, starting with https://"),
        ("=SUM(A1)", "Enter the full address, starting with https://"),
        ("javascript:alert(1)", "Enter the full address, starting with https://"),
        ("ftp://cases.example.gov.uk/events", "Enter the full address, starting with https://"),
        ("cases.example.gov.uk/events", "Enter the full address, starting with https://"),
        ("https://", "Enter the full address, starting with https://"),
        ("https://cases.example.gov.uk:99999/", "Enter the full address, starting with https://"),
        ("https://mosaic:hunter2@cases.example.gov.uk/", "Take the user name and password out"),
        ("https://cases.example.gov.uk/events#top", "Take the part from # out"),
    ],
)
def test_an_address_that_cannot_receive_events_is_refused_by_name(administrator, system, url, said):
    with pytest.raises(services.WebhookRefused) as refused:
        services.webhook_endpoint_create(actor=administrator, client=system, url=url)
    assert refused.value.field == "url"
    assert said in str(refused.value)
    assert not system.webhook_endpoints.exists()
    assert trail(system) == [trail(system)[0]]  # only the system's own creation


def test_plain_http_only_where_the_settings_allow_it(administrator, system, settings):
    settings.WEBHOOK_ALLOW_HTTP = False
    with pytest.raises(services.WebhookRefused, match="must start with https://"):
        services.webhook_endpoint_create(
            actor=administrator, client=system, url="http://cases.example.gov.uk/events"
        )
    settings.WEBHOOK_ALLOW_HTTP = True
    endpoint, _ = services.webhook_endpoint_create(
        actor=administrator, client=system, url="http://127.0.0.1:8080/events"
    )
    assert endpoint.url == "http://127.0.0.1:8080/events"


def test_one_endpoint_per_address_of_a_system(administrator, system, added):
    with pytest.raises(services.WebhookRefused, match="already has an endpoint at that address"):
        services.webhook_endpoint_create(actor=administrator, client=system, url=f"  {URL} ")
    other = receiving_system(name="Eclipse")
    services.webhook_endpoint_create(actor=administrator, client=other, url=URL)


def test_only_a_system_that_may_receive_events_gets_an_endpoint(administrator):
    outcomes_only = receiving_system(scopes=[Scope.POST_OUTCOME_EVENTS])
    with pytest.raises(services.WebhookRefused, match="may not receive events"):
        services.webhook_endpoint_create(actor=administrator, client=outcomes_only, url=URL)
    deleted = receiving_system(name="Old Mosaic")
    referral_services.api_client_delete(actor=administrator, client=deleted)
    with pytest.raises(services.WebhookRefused, match="deleted"):
        services.webhook_endpoint_create(actor=administrator, client=deleted, url=URL)


def test_changing_the_address_follows_the_same_rules(administrator, system, added):
    endpoint, _ = added
    with pytest.raises(services.WebhookRefused, match="user name and password"):
        services.webhook_endpoint_change_url(
            actor=administrator, endpoint=endpoint, url="https://a:b@cases.example.gov.uk/"
        )
    services.webhook_endpoint_change_url(
        actor=administrator, endpoint=endpoint, url="https://cases.example.gov.uk/v2?key=k-123"
    )
    endpoint.refresh_from_db()
    assert endpoint.url == "https://cases.example.gov.uk/v2?key=k-123"
    changed = trail(system)[-1]
    assert changed["what"] == "webhook endpoint address changed"
    # The receiver's own key in the query stays out of the audit trail.
    assert changed["url"] == "https://cases.example.gov.uk/v2"
    assert changed["url_before"] == URL


# --- Secrets ----------------------------------------------------------------------------


def test_the_secret_is_returned_once_and_kept_sealed_never_in_the_audit_or_logs(
    administrator, system, caplog
):
    caplog.set_level(logging.DEBUG)
    endpoint, secret = services.webhook_endpoint_create(actor=administrator, client=system, url=URL)
    assert secret.startswith("whsec_")
    assert len(secret) > 40
    row = endpoint.secrets.get()
    assert secret_open(row.sealed) == secret
    assert secret.encode() not in bytes(row.sealed)
    assert secret.startswith(row.prefix)
    assert len(row.prefix) < 16
    added = trail(system)[-1]
    assert added == {
        "what": "webhook endpoint added",
        "endpoint": endpoint.pk,
        "url": URL,
        "secret": row.prefix,
    }
    assert secret not in json.dumps(trail(system))
    assert secret not in caplog.text


def _verifies(secret: str, *, signing: list[str]) -> bool:
    event = CaseEvent(event_id="evt_test", kind=CaseEvent.Kind.DECISION_STANDS, data={"a": 1})
    event.occurred_at = timezone.now()
    body = event_body(event)
    headers = signed_headers(event_id=event.event_id, body=body, secrets=signing, at=timezone.now())
    try:
        Webhook(secret).verify(body, headers)
    except WebhookVerificationError:
        return False
    return True


def _signing_at(endpoint, at) -> list[str]:
    return [secret_open(s.sealed) for s in endpoint.secrets.usable(at)]


def test_a_rotated_secret_signs_through_its_grace_period_and_not_after(
    administrator, system, added
):
    endpoint, old = added
    _, new = services.webhook_secret_rotate(
        actor=administrator, endpoint=endpoint, grace=timedelta(hours=24)
    )
    during = timezone.now() + timedelta(hours=23)
    after = timezone.now() + timedelta(hours=24, minutes=1)
    assert _verifies(old, signing=_signing_at(endpoint, during))
    assert _verifies(new, signing=_signing_at(endpoint, during))
    assert not _verifies(old, signing=_signing_at(endpoint, after))
    assert _verifies(new, signing=_signing_at(endpoint, after))
    rotated = trail(system)[-1]
    assert rotated["what"] == "webhook secret rotated"
    assert rotated["ending"] == [old[:12]]
    assert rotated["secret"] == new[:12]
    assert old not in json.dumps(rotated)
    assert new not in json.dumps(rotated)


def test_no_grace_ends_the_old_secret_at_once_and_a_week_is_the_longest(
    administrator, system, added
):
    endpoint, _old = added
    with pytest.raises(services.WebhookRefused, match="0 hours to 7 days") as refused:
        services.webhook_secret_rotate(
            actor=administrator, endpoint=endpoint, grace=timedelta(days=7, minutes=1)
        )
    assert refused.value.field == "grace"
    _, new = services.webhook_secret_rotate(
        actor=administrator, endpoint=endpoint, grace=timedelta(0)
    )
    assert _signing_at(endpoint, timezone.now()) == [new]


def test_a_revoked_secret_signs_nothing_and_with_none_left_events_wait(
    administrator, system, added, screener, referrer
):
    endpoint, _secret = added
    row = endpoint.secrets.get()
    services.webhook_secret_revoke(actor=administrator, secret=row)
    services.webhook_secret_revoke(actor=administrator, secret=row)  # once is enough
    assert not endpoint.secrets.usable().exists()
    assert [d["what"] for d in trail(system)].count("webhook secret revoked") == 1
    decision_stands(screener, referrer)
    assert endpoint_drain(endpoint_id=endpoint.pk).delivered == 0
    assert [d.state for d in deliveries_of(endpoint)] == [Delivery.State.PENDING]


# --- Pause, resume, delete -------------------------------------------------------------


def test_a_paused_endpoint_still_gets_its_deliveries_written_and_sends_them_when_resumed(
    administrator, system, added, screener, referrer, django_capture_on_commit_callbacks
):
    endpoint, _ = added
    services.webhook_endpoint_set_active(actor=administrator, endpoint=endpoint, active=False)
    decision_stands(screener, referrer)
    assert [d.state for d in deliveries_of(endpoint)] == [Delivery.State.PENDING]
    assert endpoint_drain(endpoint_id=endpoint.pk).delivered == 0
    broker.app.control.purge()
    with django_capture_on_commit_callbacks(execute=True):
        services.webhook_endpoint_set_active(actor=administrator, endpoint=endpoint, active=True)
    assert [endpoint.pk] in broker.queued(DRAIN_TASK)
    broker.app.control.purge()
    assert [d["what"] for d in trail(system)][-2:] == [
        "webhook endpoint paused",
        "webhook endpoint resumed",
    ]


def test_a_deleted_endpoint_keeps_its_deliveries_unsent_and_is_given_no_more(
    administrator, system, added, screener, referrer
):
    endpoint, _ = added
    decision_stands(screener, referrer)
    assert services.webhook_endpoint_delete(actor=administrator, endpoint=endpoint) == 1
    endpoint.refresh_from_db()
    assert endpoint.deleted_at is not None
    assert not endpoint.secrets.filter(revoked_at__isnull=True).exists()
    decision_stands(screener, referrer)
    assert [d.state for d in deliveries_of(endpoint)] == [Delivery.State.PENDING]
    assert endpoint_drain(endpoint_id=endpoint.pk).delivered == 0
    assert trail(system)[-1] == {
        "what": "webhook endpoint deleted",
        "endpoint": endpoint.pk,
        "left_unsent": 1,
    }
    with pytest.raises(services.WebhookRefused, match="deleted"):
        services.webhook_endpoint_set_active(actor=administrator, endpoint=endpoint, active=False)


# --- Replay -----------------------------------------------------------------------------


def _in_states(endpoint, screener, referrer) -> list[Delivery]:
    """Five events' deliveries, in event order: delivered, delivered, dead, erased,
    waiting for a retry; the first three with the tries that got them there."""
    for _ in range(5):
        decision_stands(screener, referrer)
    rows = deliveries_of(endpoint)
    now = timezone.now()
    states = [
        {"state": Delivery.State.DELIVERED, "attempts": 1, "delivered_at": now},
        {"state": Delivery.State.DELIVERED, "attempts": 2, "delivered_at": now},
        {"state": Delivery.State.DEAD, "attempts": 8, "dead_at": now},
        {"state": Delivery.State.ERASED},
        {
            "state": Delivery.State.PENDING,
            "attempts": 3,
            "next_attempt_at": now + timedelta(hours=2),
        },
    ]
    for row, changes in zip(rows, states, strict=True):
        Delivery.objects.filter(pk=row.pk).update(first_attempt_at=now, **changes)
        for _ in range(changes.get("attempts", 0)):
            DeliveryAttempt.objects.create(
                delivery=row, status_code=500, response_ms=12, succeeded=False
            )
    return deliveries_of(endpoint)


def test_replay_from_here_resets_this_and_every_later_delivery_but_the_erased(
    administrator, system, added, screener, referrer, django_capture_on_commit_callbacks
):
    endpoint, _ = added
    first, second, dead, erased, retrying = _in_states(endpoint, screener, referrer)
    tries_before = DeliveryAttempt.objects.filter(delivery__endpoint=endpoint).count()
    assert services.delivery_replay_count(delivery=second) == 3
    broker.app.control.purge()
    with django_capture_on_commit_callbacks(execute=True):
        count = services.delivery_replay_from(actor=administrator, delivery=second)
    assert count == 3
    first_after, *replayed, erased_after = [
        Delivery.objects.get(pk=row.pk) for row in (first, second, dead, retrying, erased)
    ]
    assert first_after.state == Delivery.State.DELIVERED
    assert first_after.attempts == 1
    assert erased_after.state == Delivery.State.ERASED
    for row in replayed:
        assert row.state == Delivery.State.PENDING
        assert row.attempts == 0
        assert row.next_attempt_at <= timezone.now()
        assert row.dead_at is None
        assert row.delivered_at is None
    # The earlier tries stay in the log.
    assert DeliveryAttempt.objects.filter(delivery__endpoint=endpoint).count() == tries_before
    assert [endpoint.pk] in broker.queued(DRAIN_TASK)
    broker.app.control.purge()
    assert trail(system)[-1] == {
        "what": "webhook deliveries replayed",
        "endpoint": endpoint.pk,
        "from_event": second.event.event_id,
        "count": 3,
    }


def test_a_replayed_dead_delivery_is_sent_again_to_a_receiver_that_is_back(
    administrator, system, screener, referrer, settings
):
    settings.WEBHOOK_RETRY_DELAYS = []  # the first refusal is the last
    with receiver(503, b"<h1>Down for maintenance</h1>") as down:
        endpoint, _ = services.webhook_endpoint_create(actor=administrator, client=system, url=down)
        decision_stands(screener, referrer)
        assert endpoint_drain(endpoint_id=endpoint.pk).failed == 1
    [dead] = deliveries_of(endpoint)
    assert dead.state == Delivery.State.DEAD
    with receiver(204) as up:
        services.webhook_endpoint_change_url(actor=administrator, endpoint=endpoint, url=up)
        services.delivery_replay_from(actor=administrator, delivery=dead)
        assert endpoint_drain(endpoint_id=endpoint.pk).delivered == 1
    dead.refresh_from_db()
    assert dead.state == Delivery.State.DELIVERED
    assert [a.outcome for a in selectors.delivery_attempts(dead)] == [
        "204 No Content (accepted)",
        "503 Service Unavailable (refused)",
    ]


def test_an_erased_contacts_delivery_is_not_replayed(
    administrator, system, added, screener, referrer
):
    endpoint, _ = added
    decision_stands(screener, referrer)
    [row] = deliveries_of(endpoint)
    Delivery.objects.filter(pk=row.pk).update(state=Delivery.State.ERASED)
    row.refresh_from_db()
    with pytest.raises(services.WebhookRefused, match="erased"):
        services.delivery_replay_from(actor=administrator, delivery=row)
    assert Delivery.objects.get(pk=row.pk).state == Delivery.State.ERASED


# --- What the pages read ---------------------------------------------------------------


def test_counts_by_state_and_deliveries_waiting_behind_a_failed_event(
    administrator, system, added, screener, referrer
):
    endpoint, _ = added
    first, second, dead, erased, retrying = _in_states(endpoint, screener, referrer)
    # A later event of the failed delivery's contact waits behind it.
    behind = Delivery.objects.create(
        endpoint=endpoint,
        event=CaseEvent.objects.create(
            kind=CaseEvent.Kind.DECISION_SUPERSEDED, contact=dead.event.contact, data={}
        ),
        contact_id_for_order=dead.contact_id_for_order,
    )
    counts = selectors.delivery_counts(endpoint)
    assert (counts.waiting, counts.delivered, counts.dead, counts.erased) == (2, 2, 1, 1)
    assert counts.behind_failed == 1
    assert selectors.delivery_waits_behind_failed(behind)
    assert not selectors.delivery_waits_behind_failed(retrying)
    page = selectors.delivery_log(endpoint=endpoint, shown="waiting", page=None)
    assert [(row.pk, row.behind_failed) for row in page] == [
        (behind.pk, True),
        (retrying.pk, False),
    ]
    assert [row.pk for row in selectors.delivery_log(endpoint=endpoint, shown="dead", page=1)] == [
        dead.pk
    ]
    everything = selectors.delivery_log(endpoint=endpoint, shown="anything", page=None)
    assert [row.pk for row in everything] == [
        behind.pk,
        retrying.pk,
        erased.pk,
        dead.pk,
        second.pk,
        first.pk,
    ]
    assert everything.object_list[3].last_outcome == "500 Internal Server Error (refused)"
    assert everything.object_list[0].last_outcome == ""


def test_the_log_is_paged_by_fifty(administrator, system, added, referrer):
    endpoint, _ = added
    contact = submit_contact(referrer)
    events = CaseEvent.objects.bulk_create(
        CaseEvent(kind=CaseEvent.Kind.DECISION_STANDS, contact=contact, data={}) for _ in range(51)
    )
    Delivery.objects.bulk_create(
        Delivery(endpoint=endpoint, event=event, contact_id_for_order=contact.pk)
        for event in events
    )
    first = selectors.delivery_log(endpoint=endpoint, shown="", page="1")
    second = selectors.delivery_log(endpoint=endpoint, shown="", page="2")
    assert len(first) == 50
    assert len(second) == 1
    assert second.object_list[0].event_id == min(event.pk for event in events)
    assert selectors.delivery_log(endpoint=endpoint, shown="", page="nonsense").number == 1


@pytest.mark.parametrize(
    ("status", "error", "words"),
    [
        (200, "", "200 OK (accepted)"),
        (410, "", "410 Gone (refused)"),
        (599, "", "599 an unknown status (refused)"),
        (None, "ReadTimeout", "No answer in time"),
        (None, "ConnectionError", "Could not connect to the address"),
        (None, "SomethingNew", "No answer: the connection failed"),
    ],
)
def test_a_tries_outcome_in_words(status, error, words):
    assert selectors.attempt_outcome(status, error) == words


def test_secrets_states_in_words(administrator, system, added):
    endpoint, _ = added
    services.webhook_secret_rotate(actor=administrator, endpoint=endpoint, grace=timedelta(hours=1))
    services.webhook_secret_rotate(actor=administrator, endpoint=endpoint, grace=timedelta(0))
    WebhookSecret.objects.filter(pk=endpoint.secrets.order_by("pk").first().pk).update(
        revoked_at=timezone.now()
    )
    assert [s.state_words for s in selectors.secrets_of(endpoint)] == [
        "Signing",
        "Ended",
        "Revoked",
    ]
