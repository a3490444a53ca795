"""GOV.UK Notify: email, text messages and letters through the official client.

Each notice goes out on one of three generic templates whose content is
personalisation (``((subject))``, ``((body))``, and address lines for letters), so
wording stays in this repository's templates and is reviewed with the code. The
``reference`` sent to Notify is the notice's UUID: it says nothing about anyone.
"""

from __future__ import annotations

import functools
import threading

from django.conf import settings
from django.utils import timezone
from notifications_python_client.errors import APIError, InvalidResponse
from notifications_python_client.notifications import NotificationsAPIClient

MAX_ADDRESS_LINES = 7  # Notify's limit, postcode included


class NotifyTemporaryFailure(Exception):
    pass


class NotifyPermanentFailure(Exception):
    pass


def enabled() -> bool:
    return bool(settings.NOTIFY_API_KEY)


def _client() -> NotificationsAPIClient:
    return _client_for(settings.NOTIFY_API_KEY, settings.NOTIFY_BASE_URL)


_per_thread = threading.local()


def _client_for(api_key: str, base_url: str) -> NotificationsAPIClient:
    # One per worker thread: its HTTP session keeps the connection to Notify open
    # between notices instead of a new TLS handshake for each. Not one per process: a
    # requests Session is not safe to share between threads, and the worker runs a
    # pool of them.
    clients = getattr(_per_thread, "clients", None)
    if clients is None:
        clients = _per_thread.clients = {}
    key = (api_key, base_url)
    if key not in clients:
        clients[key] = NotificationsAPIClient(api_key, base_url=base_url, timeout=10)
    return clients[key]


def rate_allows_one_more() -> bool:
    """Notify accepts 3,000 messages a minute per service: count them across every
    worker in Redis, in fixed one-minute windows."""
    window = timezone.now().strftime("%Y%m%d%H%M")
    key = f"frontdoor:notify-rate:{window}"
    pipe = _redis(settings.REDIS_URL).pipeline()
    pipe.incr(key)
    pipe.expire(key, 120)
    count, _ = pipe.execute()
    return count <= settings.NOTIFY_RATE_PER_MINUTE


@functools.cache
def _redis(url: str):
    """One connection pool per worker process: a new connection for every notice
    cost as much as sending it."""
    import redis

    return redis.Redis.from_url(url, socket_timeout=2)


def _raise_for(error: APIError) -> None:
    reason = f"GOV.UK Notify {error.status_code}"
    if isinstance(error, InvalidResponse) or error.status_code < 400:
        # A garbled answer: Notify may have taken it, so try again (asking by reference
        # first, as after a lost worker) rather than call it refused.
        raise NotifyTemporaryFailure(f"{reason}: an answer that could not be read") from error
    if error.status_code == 429 or error.status_code >= 500:
        raise NotifyTemporaryFailure(reason) from error
    raise NotifyPermanentFailure(reason) from error


def already_sent(reference: str) -> str | None:
    """The Notify id of a notification sent with this reference, if one was."""
    try:
        found = _client().get_all_notifications(reference=reference).get("notifications", [])
    except APIError as error:
        _raise_for(error)
    return found[0]["id"] if found else None


def send(*, channel: str, recipient: str, subject: str, body: str, reference: str) -> str:
    """Send one message; return Notify's id for it."""
    client = _client()
    try:
        if channel == "email":
            response = client.send_email_notification(
                email_address=recipient,
                template_id=settings.NOTIFY_TEMPLATE_EMAIL,
                personalisation={"subject": subject, "body": body},
                reference=reference,
            )
        elif channel == "sms":
            response = client.send_sms_notification(
                phone_number=recipient,
                template_id=settings.NOTIFY_TEMPLATE_SMS,
                personalisation={"body": body},
                reference=reference,
            )
        else:
            lines = [line for line in recipient.splitlines() if line.strip()]
            if not 3 <= len(lines) <= MAX_ADDRESS_LINES:
                raise NotifyPermanentFailure("The postal address needs 3 to 7 lines")
            address = {f"address_line_{i}": line for i, line in enumerate(lines, start=1)}
            response = client.send_letter_notification(
                template_id=settings.NOTIFY_TEMPLATE_LETTER,
                personalisation={**address, "subject": subject, "body": body},
                reference=reference,
            )
    except APIError as error:
        _raise_for(error)
    return response["id"]
