"""Partner systems' API clients and their tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from frontdoor.models import User
from referrals.models import ApiClient


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def api_client_create(*, name: str, account: User) -> tuple[ApiClient, str]:
    """Register a partner system; return it and its token (shown only this once)."""
    prefix = secrets.token_hex(4)
    token = f"fd_{prefix}_{secrets.token_urlsafe(32)}"
    client = ApiClient.objects.create(
        name=name, account=account, token_prefix=prefix, token_hash=_hash_token(token)
    )
    return client, token


API_CLIENT_LAST_USED_TO = timedelta(minutes=1)


def api_client_authenticate(*, token: str) -> ApiClient | None:
    client = (
        ApiClient.objects.select_related("account", "account__agency")
        .filter(token_hash=_hash_token(token), is_active=True, account__is_active=True)
        .first()
    )
    now = timezone.now()
    # "Last used" to the minute: a write (and a commit) on every call would make a
    # busy partner's requests queue behind each other for its one row.
    if client is not None and (
        client.last_used_at is None or now - client.last_used_at >= API_CLIENT_LAST_USED_TO
    ):
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
    return client
