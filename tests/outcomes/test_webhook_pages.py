"""The webhook pages over HTTP (issue 21, the admin lane): what an administrator sees and
does, each change's audit entry, the secret shown once, hostile input answered by name,
and a deleted endpoint or system gone from every page. Who may open each URL is the URL
table's (tests/support/url_table.py)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from frontdoor.models import AuditEvent
from outcomes.handoff import endpoints as services
from outcomes.models import Delivery, DeliveryAttempt
from referrals import services as referral_services
from referrals.models import Scope
from tests.support.webhook_admin import decision_stands, deliveries_of, receiving_system

pytestmark = pytest.mark.django_db

URL = "https://cases.example.gov.uk/front-door/events"


@pytest.fixture
def system(db):
    return receiving_system()


@pytest.fixture
def admin(client, administrator):
    client.force_login(administrator)
    return client


@pytest.fixture
def endpoint(system, administrator):
    return services.webhook_endpoint_create(actor=administrator, client=system, url=URL)[0]


def last_change(system) -> dict:
    event = (
        AuditEvent.objects.filter(record_type="partner_system", record_id=str(system.pk))
        .order_by("pk")
        .last()
    )
    return {"action": event.action, "via": event.via, **event.detail}


def text(response) -> str:
    return response.content.decode()


def test_the_partner_system_page_leads_to_its_endpoints(admin, system):
    page = text(admin.get(reverse("referrals:system", args=[system.pk])))
    assert reverse("outcomes:webhook-endpoints", args=[system.pk]) in page
    listing = admin.get(reverse("outcomes:webhook-endpoints", args=[system.pk]))
    assert "has no webhook endpoints" in text(listing)
    assert reverse("outcomes:webhook-endpoint-add", args=[system.pk]) in text(listing)


def test_adding_an_endpoint_shows_its_secret_once(admin, system):
    response = admin.post(reverse("outcomes:webhook-endpoint-add", args=[system.pk]), {"url": URL})
    endpoint = system.webhook_endpoints.get()
    assert response.url == reverse("outcomes:webhook-secret", args=[endpoint.pk])
    shown = admin.get(response.url)
    assert "no-store" in shown["Cache-Control"]
    secret = shown.context["secret"]
    assert secret.startswith("whsec_")
    assert secret in text(shown)
    assert "Webhook(secret).verify(body, headers)" in text(shown)
    again = admin.get(response.url, follow=True)
    assert secret not in text(again)
    assert "shown only once" in text(again)
    assert last_change(system) | {"endpoint": None} == {
        "action": AuditEvent.Action.CHANGE,
        "via": "webhook pages",
        "what": "webhook endpoint added",
        "endpoint": None,
        "url": URL,
        "secret": secret[:12],
    }


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("", "Enter the address events are sent to"),
        ("<script>alert(1)</script>", "Enter the full address, starting with https://"),
        ("=SUM(A1)", "Enter the full address, starting with https://"),
        ("https://cases.example.gov.uk/\x00", "The address cannot contain a null character"),
        ("https://x.example/" + "a" * 600, "500 characters or fewer"),
        ("https://mosaic:pw@cases.example.gov.uk/", "Take the user name and password out"),
    ],
)
def test_a_wrong_address_is_answered_by_name_and_kept(admin, system, typed, said):
    response = admin.post(
        reverse("outcomes:webhook-endpoint-add", args=[system.pk]), {"url": typed}
    )
    assert response.status_code == 200
    page = text(response)
    assert said in page
    assert 'href="#id_url"' in page  # the error summary leads to the field
    assert "<script>alert(1)</script>" not in page
    if typed and "\x00" not in typed:
        assert response.context["form"]["url"].value() == typed
    assert not system.webhook_endpoints.exists()


def test_a_system_that_may_not_receive_events_is_told_what_to_change(admin, administrator):
    other = receiving_system(name="Dashboards", scopes=[Scope.POST_OUTCOME_EVENTS])
    listing = text(admin.get(reverse("outcomes:webhook-endpoints", args=[other.pk])))
    assert "may not receive events" in listing
    assert reverse("outcomes:webhook-endpoint-add", args=[other.pk]) not in listing
    response = admin.post(reverse("outcomes:webhook-endpoint-add", args=[other.pk]), {"url": URL})
    assert "may not receive events" in text(response)
    assert not other.webhook_endpoints.exists()


def test_pause_resume_change_and_rotate_are_audited(admin, system, endpoint):
    active = reverse("outcomes:webhook-endpoint-active", args=[endpoint.pk])
    admin.post(active, {"active": "no"})
    assert last_change(system)["what"] == "webhook endpoint paused"
    page = text(admin.get(reverse("outcomes:webhook-endpoint", args=[endpoint.pk])))
    assert "Paused: its events are kept and wait until it is resumed" in page
    assert "Resume it" in page
    admin.post(active, {"active": "yes"})
    assert last_change(system)["what"] == "webhook endpoint resumed"

    change = reverse("outcomes:webhook-endpoint-change", args=[endpoint.pk])
    admin.post(change, {"url": "https://cases.example.gov.uk/v2"})
    assert last_change(system)["url"] == "https://cases.example.gov.uk/v2"

    rotate = reverse("outcomes:webhook-secret-rotate", args=[endpoint.pk])
    empty = admin.post(rotate, {})
    assert "Choose how long the old secret may keep signing" in text(empty)
    response = admin.post(rotate, {"grace": "72"})
    new = admin.get(response.url).context["secret"]
    assert last_change(system)["what"] == "webhook secret rotated"
    page = text(admin.get(reverse("outcomes:webhook-endpoint", args=[endpoint.pk])))
    assert "Being replaced: signs until" in page
    assert f"{new[:12]}…" in page
    assert new not in page


def test_revoking_the_last_secret_warns_that_events_will_wait(admin, system, endpoint):
    secret = endpoint.secrets.get()
    revoke = reverse("outcomes:webhook-secret-revoke", args=[endpoint.pk, secret.pk])
    assert "its events will wait, unsent" in text(admin.get(revoke))
    admin.post(revoke)
    assert last_change(system) | {"action": None} == {
        "action": None,
        "via": "webhook pages",
        "what": "webhook secret revoked",
        "endpoint": endpoint.pk,
        "secret": secret.prefix,
    }
    page = text(admin.get(reverse("outcomes:webhook-endpoint", args=[endpoint.pk])))
    assert "It has no signing secret in use, so nothing is sent" in page


def test_the_log_filters_by_state_and_the_delivery_page_shows_the_answer_as_text(
    admin, system, endpoint, screener, referrer
):
    first, second = decision_stands(screener, referrer), decision_stands(screener, referrer)
    delivered, dead = deliveries_of(endpoint)
    Delivery.objects.filter(pk=delivered.pk).update(state=Delivery.State.DELIVERED, attempts=1)
    Delivery.objects.filter(pk=dead.pk).update(state=Delivery.State.DEAD, attempts=1)
    DeliveryAttempt.objects.create(
        delivery=dead,
        status_code=500,
        response_ms=31,
        response_excerpt="<script>alert('x')</script> =SUM(A1)",
        succeeded=False,
    )
    page_url = reverse("outcomes:webhook-endpoint", args=[endpoint.pk])
    everything = text(admin.get(page_url))
    assert first.reference in everything
    assert second.reference in everything
    failed = admin.get(page_url, {"shown": "dead"})
    assert second.reference in text(failed)
    assert first.reference not in text(failed)
    assert "500 Internal Server Error (refused)" in text(failed)
    assert "A decision stands" in text(failed)
    assert admin.get(page_url, {"shown": "<b>"}).context["shown"] == ""

    detail = admin.get(reverse("outcomes:webhook-delivery", args=[endpoint.pk, dead.pk]))
    page = text(detail)
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; =SUM(A1)" in page
    assert "<script>alert" not in page
    assert "31 ms" in page
    assert dead.event.event_id in page
    assert "Replay from here" in page


def test_replay_asks_with_the_count_then_sends_and_audits(
    admin, system, endpoint, screener, referrer
):
    for _ in range(3):
        decision_stands(screener, referrer)
    _, second, _ = deliveries_of(endpoint)
    Delivery.objects.filter(endpoint=endpoint).update(state=Delivery.State.DEAD, attempts=8)
    replay = reverse("outcomes:webhook-delivery-replay", args=[endpoint.pk, second.pk])
    asked = text(admin.get(replay))
    assert "Send 2 deliveries again?" in asked
    assert Delivery.objects.filter(state=Delivery.State.PENDING).count() == 0  # only asked
    response = admin.post(replay, follow=True)
    assert "2 deliveries are being sent again, in order." in text(response)
    assert [d.state for d in deliveries_of(endpoint)] == [
        Delivery.State.DEAD,
        Delivery.State.PENDING,
        Delivery.State.PENDING,
    ]
    assert last_change(system)["what"] == "webhook deliveries replayed"
    assert last_change(system)["count"] == 2


def test_delete_says_what_waits_and_the_endpoint_is_then_gone(
    admin, system, endpoint, screener, referrer
):
    decision_stands(screener, referrer)
    delete = reverse("outcomes:webhook-endpoint-delete", args=[endpoint.pk])
    assert "1 delivery is waiting to be sent. They will never be sent." in text(admin.get(delete))
    response = admin.post(delete, follow=True)
    assert "1 waiting delivery was not sent" in text(response)
    assert last_change(system)["what"] == "webhook endpoint deleted"
    for name, args in [
        ("outcomes:webhook-endpoint", [endpoint.pk]),
        ("outcomes:webhook-endpoint-change", [endpoint.pk]),
        ("outcomes:webhook-secret-rotate", [endpoint.pk]),
        ("outcomes:webhook-delivery", [endpoint.pk, deliveries_of(endpoint)[0].pk]),
    ]:
        assert admin.get(reverse(name, args=args)).status_code == 404


def test_an_endpoint_of_a_deleted_system_is_not_found(admin, administrator, system, endpoint):
    referral_services.api_client_delete(actor=administrator, client=system)
    assert admin.get(reverse("outcomes:webhook-endpoint", args=[endpoint.pk])).status_code == 404
    assert admin.get(reverse("outcomes:webhook-endpoints", args=[system.pk])).status_code == 404


def test_a_delivery_of_another_endpoint_is_not_found(
    admin, administrator, endpoint, screener, referrer
):
    other = services.webhook_endpoint_create(
        actor=administrator, client=receiving_system(name="Eclipse"), url=URL
    )[0]
    decision_stands(screener, referrer)
    [theirs] = deliveries_of(other)
    url = reverse("outcomes:webhook-delivery", args=[endpoint.pk, theirs.pk])
    assert admin.get(url).status_code == 404


def test_the_endpoint_page_reads_a_fixed_number_of_queries(
    admin, system, endpoint, screener, referrer
):
    page_url = reverse("outcomes:webhook-endpoint", args=[endpoint.pk])
    decision_stands(screener, referrer)
    with CaptureQueriesContext(connection) as one:
        admin.get(page_url)
    for _ in range(4):
        decision_stands(screener, referrer)
    with CaptureQueriesContext(connection) as five:
        admin.get(page_url)
    assert len(five) == len(one)
