"""Reads for the webhook pages (administrators only, as the partner systems pages are).

Every page about one endpoint fetches it with ``webhook_endpoint_get``; its secrets and
deliveries are read through it (``webhook_secret_get``, ``webhook_delivery_get``).
"""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from frontdoor.models import User
from outcomes.models import Delivery, DeliveryAttempt, WebhookEndpoint, WebhookSecret
from referrals.models import ApiClient
from referrals.selectors_api_clients import api_client_get, can_manage_systems

LOG_PAGE_SIZE = 50

# The delivery log's filters: the words in the link, and the states each shows.
LOG_FILTERS: dict[str, tuple[str, list[str]]] = {
    "waiting": ("Waiting", [Delivery.State.PENDING]),
    "delivered": ("Delivered", [Delivery.State.DELIVERED]),
    "dead": ("Failed", [Delivery.State.DEAD]),
}


# Why no answer came, by the name of the error the sender recorded (requests'), in words.
NO_ANSWER = {
    "ConnectionError": "Could not connect to the address",
    "ConnectTimeout": "Could not connect in time",
    "ReadTimeout": "No answer in time",
    "Timeout": "No answer in time",
    "SSLError": "The secure connection failed (the certificate was not accepted)",
    "ProxyError": "The proxy refused the connection",
    "TooManyRedirects": "Sent on to other addresses too many times",
    "ChunkedEncodingError": "The answer broke off",
    "ContentDecodingError": "The answer could not be read",
    "InvalidURL": "The address could not be used",
}


def attempt_outcome(status: int | None, error: str) -> str:
    """A try's result in words: the receiver's status and what it means, or why no
    answer came."""
    if status is not None:
        try:
            phrase = HTTPStatus(status).phrase
        except ValueError:
            phrase = "an unknown status"
        accepted = "accepted" if 200 <= status < 300 else "refused"
        return f"{status} {phrase} ({accepted})"
    if error:
        return NO_ANSWER.get(error, "No answer: the connection failed")
    return "Not tried yet"


def _require(user: User) -> None:
    if not can_manage_systems(user):
        raise PermissionDenied


def _endpoints() -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(
        deleted_at__isnull=True, client__deleted_at__isnull=True
    ).select_related("client", "client__account", "created_by")


def webhook_endpoint_get(*, user: User, endpoint_id: int) -> WebhookEndpoint:
    """The access function for a webhook endpoint: 403 for anyone but an administrator
    (as for its partner system), 404 alike for a missing one, a deleted one, or one of
    a deleted system."""
    _require(user)
    try:
        return _endpoints().get(pk=endpoint_id)
    except WebhookEndpoint.DoesNotExist:
        raise Http404("No webhook endpoint found") from None


def webhook_secret_get(*, user: User, endpoint_id: int, secret_id: int) -> WebhookSecret:
    endpoint = webhook_endpoint_get(user=user, endpoint_id=endpoint_id)
    try:
        secret = endpoint.secrets.get(pk=secret_id)
    except WebhookSecret.DoesNotExist:
        raise Http404("No secret found") from None
    secret.endpoint = endpoint
    return secret


def webhook_delivery_get(*, user: User, endpoint_id: int, delivery_id: int) -> Delivery:
    endpoint = webhook_endpoint_get(user=user, endpoint_id=endpoint_id)
    try:
        delivery = Delivery.objects.select_related("event", "event__contact").get(
            pk=delivery_id, endpoint=endpoint
        )
    except Delivery.DoesNotExist:
        raise Http404("No delivery found") from None
    delivery.endpoint = endpoint
    return delivery


def webhook_endpoints_of(*, user: User, client_id: int) -> tuple[ApiClient, list[WebhookEndpoint]]:
    """A partner system (through its access function) and its endpoints, each with
    how many of its deliveries wait and how many failed."""
    client = api_client_get(user=user, client_id=client_id)
    endpoints = list(
        _endpoints()
        .filter(client=client)
        .annotate(
            waiting=Count("deliveries", filter=Q(deliveries__state=Delivery.State.PENDING)),
            failed=Count("deliveries", filter=Q(deliveries__state=Delivery.State.DEAD)),
        )
        .order_by("pk")
    )
    return client, endpoints


SIGNING = "Signing"
BEING_REPLACED = "Being replaced"
USABLE = (SIGNING, BEING_REPLACED)


def _secret_state(secret: WebhookSecret, now) -> str:
    if secret.revoked_at is not None:
        return "Revoked"
    if secret.expires_at is not None:
        return "Ended" if secret.expires_at <= now else BEING_REPLACED
    return SIGNING


def secrets_of(endpoint: WebhookEndpoint) -> list[WebhookSecret]:
    """The endpoint's secrets, newest first, each with its state in words
    (``state_words``): signing, being replaced (signing until ``expires_at``), ended,
    revoked."""
    now = timezone.now()
    secrets = list(endpoint.secrets.select_related("created_by"))
    for secret in secrets:
        secret.state_words = _secret_state(secret, now)
    return secrets


@dataclass(frozen=True)
class DeliveryCounts:
    waiting: int
    delivered: int
    dead: int
    erased: int
    # Waiting only because an earlier event of the same contact failed: they go once
    # that one is replayed (delivery in order per contact).
    behind_failed: int

    @property
    def total(self) -> int:
        return self.waiting + self.delivered + self.dead + self.erased


def _behind_failed() -> Exists:
    return Exists(
        Delivery.objects.filter(
            endpoint_id=OuterRef("endpoint_id"),
            contact_id_for_order=OuterRef("contact_id_for_order"),
            state=Delivery.State.DEAD,
        )
    )


def delivery_counts(endpoint: WebhookEndpoint) -> DeliveryCounts:
    by_state = dict(
        endpoint.deliveries.values_list("state").annotate(n=Count("pk")).values_list("state", "n")
    )
    behind = (
        endpoint.deliveries.filter(state=Delivery.State.PENDING).filter(_behind_failed()).count()
    )
    return DeliveryCounts(
        waiting=by_state.get(Delivery.State.PENDING, 0),
        delivered=by_state.get(Delivery.State.DELIVERED, 0),
        dead=by_state.get(Delivery.State.DEAD, 0),
        erased=by_state.get(Delivery.State.ERASED, 0),
        behind_failed=behind,
    )


def delivery_waits_behind_failed(delivery: Delivery) -> bool:
    """Whether a waiting delivery is held back by a failed one of the same contact."""
    return (
        delivery.state == Delivery.State.PENDING
        and Delivery.objects.filter(pk=delivery.pk).filter(_behind_failed()).exists()
    )


def delivery_log(*, endpoint: WebhookEndpoint, shown: str, page: str | None) -> Page:
    """A page of the endpoint's deliveries, newest event first: ``shown`` is a key of
    ``LOG_FILTERS`` (anything else: all). Each row carries its event and contact, the
    last try's status or error, and whether it waits behind a failed one."""
    last_try = DeliveryAttempt.objects.filter(delivery=OuterRef("pk")).order_by(
        "-attempted_at", "-pk"
    )
    rows = (
        endpoint.deliveries.select_related("event", "event__contact")
        .only(
            "pk",
            "state",
            "attempts",
            "next_attempt_at",
            "delivered_at",
            "dead_at",
            "contact_id_for_order",
            "endpoint_id",
            "event__kind",
            "event__event_id",
            "event__occurred_at",
            "event__contact__reference",
        )
        .annotate(
            last_status=Subquery(last_try.values("status_code")[:1]),
            last_error=Subquery(last_try.values("error")[:1]),
            behind_failed=Q(state=Delivery.State.PENDING) & _behind_failed(),
        )
        .order_by("-event_id")
    )
    if shown in LOG_FILTERS:
        rows = rows.filter(state__in=LOG_FILTERS[shown][1])
    found = Paginator(rows, LOG_PAGE_SIZE).get_page(page)
    found.object_list = list(found.object_list)
    for row in found.object_list:
        tried = row.last_status is not None or row.last_error
        row.last_outcome = attempt_outcome(row.last_status, row.last_error) if tried else ""
    return found


def delivery_attempts(delivery: Delivery) -> list[DeliveryAttempt]:
    """Every try, newest first: the receiver's answer (its first 1 KB, as it came) or
    why none came, and how long it took."""
    tries = list(delivery.tries.order_by("-attempted_at", "-pk"))
    for attempt in tries:
        attempt.outcome = attempt_outcome(attempt.status_code, attempt.error)
    return tries
