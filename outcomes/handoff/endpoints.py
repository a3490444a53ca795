"""Webhook endpoints of partner systems, their signing secrets, and replays: every change
audited on the partner system's trail (``record_type="partner_system"``), as its tokens
are, so one system's history reads in one place.

Administrators make these changes on the webhook pages (outcomes/views_handoff.py). A
secret is returned once, to be shown once; the audit and the logs hold only its prefix.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from frontdoor.audit import audit_record
from frontdoor.dispatch import dispatch
from frontdoor.models import AuditEvent, User
from outcomes.handoff.recording import DRAIN_TASK
from outcomes.handoff.secrets import secret_new, secret_prefix, secret_seal
from outcomes.models import Delivery, WebhookEndpoint, WebhookSecret
from referrals.models import ApiClient, Scope

AUDIT_RECORD_TYPE = "partner_system"
VIA = "webhook pages"
URL_LONGEST = 500
# As for a rotated API token: long enough for a council's change window over a
# bank-holiday weekend, short enough that a leaked secret stops signing.
GRACE_PERIOD_LONGEST = timedelta(days=7)


class WebhookRefused(Exception):
    """The change cannot be made; the message says why, in words for the page, and
    ``field`` which answer it is about (empty: the whole form)."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def _audit(*, actor: User, client_id: int, what: str, **detail) -> None:
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CHANGE,
        record_type=AUDIT_RECORD_TYPE,
        record_id=client_id,
        via=VIA,
        detail={"what": what, **detail},
    )


def _address_for_audit(url: str) -> str:
    """The address without its query: a receiver may take a key of its own there, and
    the audit trail is read more widely than the endpoint's page."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot receive events, in words for the page; None when it can."""
    if not url:
        return "Enter the address events are sent to"
    if len(url) > URL_LONGEST:
        return f"The address must be {URL_LONGEST} characters or fewer"
    if any(ord(character) < 32 or character.isspace() for character in url):
        return "The address cannot contain spaces, line breaks or control characters"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return "Enter the full address, starting with https://"
    if parts.scheme == "http" and not settings.WEBHOOK_ALLOW_HTTP:
        return "The address must start with https://: events carry children's details"
    if "@" in parts.netloc:
        return (
            "Take the user name and password out of the address: each event is signed "
            "with the endpoint's secret instead"
        )
    if parts.fragment or url.endswith("#"):
        return "Take the part from # out of the address: it is never sent"
    try:
        parts.port  # noqa: B018 - raises for a port that is not a number in range
        URLValidator(schemes=["http", "https"])(url)
    except (ValueError, ValidationError):
        return "Enter the full address, starting with https://"
    return None


def _clean_url(url: str, *, client: ApiClient, other_than: int | None = None) -> str:
    url = (url or "").strip()
    problem = url_problem(url)
    if problem:
        raise WebhookRefused(problem, field="url")
    taken = WebhookEndpoint.objects.filter(client=client, url=url, deleted_at__isnull=True)
    if other_than is not None:
        taken = taken.exclude(pk=other_than)
    if taken.exists():
        # Two endpoints at one address would send the system every event twice.
        raise WebhookRefused(f"{client.name} already has an endpoint at that address", field="url")
    return url


def _new_secret(*, endpoint: WebhookEndpoint, actor: User) -> tuple[WebhookSecret, str]:
    secret = secret_new()
    row = WebhookSecret.objects.create(
        endpoint=endpoint,
        prefix=secret_prefix(secret),
        sealed=secret_seal(secret),
        created_by=actor,
    )
    return row, secret


def _locked(endpoint: WebhookEndpoint) -> WebhookEndpoint:
    try:
        return (
            WebhookEndpoint.objects.select_for_update()
            .select_related("client")
            .get(pk=endpoint.pk, deleted_at__isnull=True, client__deleted_at__isnull=True)
        )
    except WebhookEndpoint.DoesNotExist:
        raise WebhookRefused("That endpoint has been deleted") from None


@transaction.atomic
def webhook_endpoint_create(
    *, actor: User, client: ApiClient, url: str
) -> tuple[WebhookEndpoint, str]:
    """Add an endpoint to a system that may receive events, with its first signing
    secret; return both (the secret is shown only this once). The endpoint is sent the
    events written from now on; earlier ones are in the pull feed."""
    try:
        client = ApiClient.objects.select_for_update().get(pk=client.pk, deleted_at__isnull=True)
    except ApiClient.DoesNotExist:
        raise WebhookRefused("That partner system has been deleted") from None
    if Scope.RECEIVE_EVENTS not in client.scopes:
        raise WebhookRefused(
            f"{client.name} may not receive events. Change what it may do first: tick "
            f"“{Scope.RECEIVE_EVENTS.label}”.",
            field="url",
        )
    url = _clean_url(url, client=client)
    endpoint = WebhookEndpoint.objects.create(client=client, url=url, created_by=actor)
    row, secret = _new_secret(endpoint=endpoint, actor=actor)
    _audit(
        actor=actor,
        client_id=client.pk,
        what="webhook endpoint added",
        endpoint=endpoint.pk,
        url=_address_for_audit(url),
        secret=row.prefix,
    )
    return endpoint, secret


@transaction.atomic
def webhook_endpoint_change_url(
    *, actor: User, endpoint: WebhookEndpoint, url: str
) -> WebhookEndpoint:
    """Send the endpoint's events to another address, from the next try on (what is
    waiting included)."""
    endpoint = _locked(endpoint)
    url = _clean_url(url, client=endpoint.client, other_than=endpoint.pk)
    if url == endpoint.url:
        return endpoint
    before = endpoint.url
    endpoint.url = url
    endpoint.save(update_fields=["url"])
    _audit(
        actor=actor,
        client_id=endpoint.client_id,
        what="webhook endpoint address changed",
        endpoint=endpoint.pk,
        url_before=_address_for_audit(before),
        url=_address_for_audit(url),
    )
    return endpoint


@transaction.atomic
def webhook_endpoint_set_active(
    *, actor: User, endpoint: WebhookEndpoint, active: bool
) -> WebhookEndpoint:
    """Pause an endpoint (its deliveries are still written, and wait) or resume it (what
    waited is sent, in order)."""
    endpoint = _locked(endpoint)
    if endpoint.is_active == active:
        return endpoint
    endpoint.is_active = active
    endpoint.save(update_fields=["is_active"])
    _audit(
        actor=actor,
        client_id=endpoint.client_id,
        what="webhook endpoint resumed" if active else "webhook endpoint paused",
        endpoint=endpoint.pk,
    )
    if active:
        dispatch(DRAIN_TASK, endpoint.pk)
    return endpoint


@transaction.atomic
def webhook_endpoint_delete(*, actor: User, endpoint: WebhookEndpoint) -> int:
    """Delete an endpoint: no event is sent to it again, and its secrets are revoked.
    Its deliveries stay as the record of what was sent; those still waiting are never
    sent. Returns how many were waiting."""
    endpoint = _locked(endpoint)
    now = timezone.now()
    waiting = endpoint.deliveries.filter(state=Delivery.State.PENDING).count()
    endpoint.secrets.filter(revoked_at__isnull=True).update(revoked_at=now)
    endpoint.deleted_at = now
    endpoint.save(update_fields=["deleted_at"])
    _audit(
        actor=actor,
        client_id=endpoint.client_id,
        what="webhook endpoint deleted",
        endpoint=endpoint.pk,
        left_unsent=waiting,
    )
    return waiting


@transaction.atomic
def webhook_secret_rotate(
    *, actor: User, endpoint: WebhookEndpoint, grace: timedelta
) -> tuple[WebhookSecret, str]:
    """A new signing secret. Every secret in use stops signing after ``grace`` (at once
    with none); until then each delivery is signed with both, so the receiver may
    change over at any moment. Returns the new secret, shown only this once."""
    endpoint = _locked(endpoint)
    if not timedelta(0) <= grace <= GRACE_PERIOD_LONGEST:
        raise WebhookRefused("The old secret can keep working for 0 hours to 7 days", field="grace")
    ends_at = timezone.now() + grace
    replaced = endpoint.secrets.usable().filter(expires_at__isnull=True)
    ending = list(replaced.values_list("prefix", flat=True))
    replaced.update(expires_at=ends_at)
    row, secret = _new_secret(endpoint=endpoint, actor=actor)
    _audit(
        actor=actor,
        client_id=endpoint.client_id,
        what="webhook secret rotated" if ending else "webhook secret issued",
        endpoint=endpoint.pk,
        secret=row.prefix,
        ending=ending,
        ends_at=ends_at.isoformat() if ending else None,
    )
    return row, secret


@transaction.atomic
def webhook_secret_revoke(*, actor: User, secret: WebhookSecret) -> WebhookSecret:
    """Stop a secret signing from the next delivery. With no secret left in use the
    endpoint's events wait (unsigned events are never sent) until one is issued."""
    secret = WebhookSecret.objects.select_for_update().select_related("endpoint").get(pk=secret.pk)
    if secret.revoked_at is None:
        secret.revoked_at = timezone.now()
        secret.save(update_fields=["revoked_at"])
        _audit(
            actor=actor,
            client_id=secret.endpoint.client_id,
            what="webhook secret revoked",
            endpoint=secret.endpoint_id,
            secret=secret.prefix,
        )
    return secret


def _replayed(delivery: Delivery):
    return Delivery.objects.filter(
        endpoint_id=delivery.endpoint_id,
        event_id__gte=delivery.event_id,
        event__erased_at__isnull=True,
    ).exclude(state=Delivery.State.ERASED)


def delivery_replay_count(*, delivery: Delivery) -> int:
    """How many deliveries a replay from ``delivery`` would send again."""
    return _replayed(delivery).count()


@transaction.atomic
def delivery_replay_from(*, actor: User, delivery: Delivery) -> int:
    """Send again every delivery of the endpoint from this event on, whatever became of
    it (but those of erased contacts): each starts again with a full set of tries; its
    earlier tries stay in the log. The receiver sees the same ``webhook-id`` for an
    event it had, as the specification lets it expect. Returns how many."""
    endpoint = _locked(delivery.endpoint)
    if delivery.state == Delivery.State.ERASED or delivery.event.erased_at is not None:
        raise WebhookRefused("The contact was erased: its event is not sent again")
    now = timezone.now()
    count = _replayed(delivery).update(
        state=Delivery.State.PENDING,
        attempts=0,
        next_attempt_at=now,
        first_attempt_at=None,
        delivered_at=None,
        dead_at=None,
    )
    _audit(
        actor=actor,
        client_id=endpoint.client_id,
        what="webhook deliveries replayed",
        endpoint=endpoint.pk,
        from_event=delivery.event.event_id,
        count=count,
    )
    dispatch(DRAIN_TASK, endpoint.pk)
    return count
