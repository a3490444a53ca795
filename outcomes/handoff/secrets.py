"""Webhook signing secrets: made, sealed for the database and opened to sign.

A secret is the specification's ``whsec_`` followed by 32 random bytes in base64. It
is sealed with the documents' keys (``frontdoor.file_crypto``): signing needs the
secret itself, so it cannot be kept as a hash like an API token."""

from __future__ import annotations

import base64
import secrets

from frontdoor import file_crypto
from outcomes.models import WebhookSecret

PREFIX = "whsec_"


def secret_new() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def secret_seal(secret: str) -> bytes:
    return file_crypto.encrypt(secret.encode())


def secret_open(sealed: bytes | memoryview) -> str:
    return file_crypto.decrypt(bytes(sealed)).decode()


def secret_prefix(secret: str) -> str:
    """Enough of a secret to tell it apart on a page, not enough to use."""
    return secret[: len(PREFIX) + 6]


def webhook_secrets_reseal() -> int:
    """Seal every webhook secret again under the newest document key, after
    ``documents_rekey`` (``DOCUMENT_KEYS_ROTATED``), so the old key can be removed. A
    secret no key opens any more is left: it cannot sign, and the endpoint's page says
    to rotate it. Returns how many were sealed again."""
    done = 0
    for secret in WebhookSecret.objects.usable().only("pk", "sealed"):
        try:
            sealed = file_crypto.rotate(bytes(secret.sealed))
        except file_crypto.InvalidToken:
            continue
        WebhookSecret.objects.filter(pk=secret.pk).update(sealed=sealed)
        done += 1
    return done
