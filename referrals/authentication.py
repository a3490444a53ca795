"""Bearer-token authentication for partner systems (``Authorization: Bearer fd_…``)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import cache
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.throttling import BaseThrottle

from referrals.services import api_client_authenticate

logger = logging.getLogger(__name__)


class TokenFailures:
    """Wrong tokens counted per client address in the shared cache. Past the limit the
    address is refused before any token it sends is looked at, so guessing stops
    paying; the count lapses a window after the first failure. When Redis cannot be
    reached nothing is counted, and tokens are still checked (intake never waits on
    Redis)."""

    def __init__(self, request) -> None:
        # DRF's client address: REMOTE_ADDR, or X-Forwarded-For behind NUM_PROXIES.
        self.key = f"api-token-failures:{BaseThrottle().get_ident(request)}"

    def too_many(self) -> bool:
        try:
            return (cache.get(self.key) or 0) >= settings.API_TOKEN_FAILURE_LIMIT
        except Exception:
            logger.warning("Token failures not read: the cache is unavailable")
            return False

    def add_one(self) -> None:
        try:
            if not cache.add(self.key, 1, timeout=settings.API_TOKEN_FAILURE_WINDOW_SECONDS):
                cache.incr(self.key)
        except ValueError:
            # The count lapsed between add and incr: start it again.
            cache.add(self.key, 1, timeout=settings.API_TOKEN_FAILURE_WINDOW_SECONDS)
        except Exception:
            logger.warning("Token failure not counted: the cache is unavailable")


class PartnerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0] != self.keyword:
            return None
        failures = TokenFailures(request)
        if failures.too_many():
            raise exceptions.Throttled(
                wait=settings.API_TOKEN_FAILURE_WINDOW_SECONDS,
                detail="Too many wrong tokens from this address: wait, then retry.",
            )
        if len(header) != 2:
            failures.add_one()
            raise exceptions.AuthenticationFailed(
                "Send one token: 'Authorization: Bearer <token>'."
            )
        client = api_client_authenticate(token=header[1])
        if client is None:
            failures.add_one()
            raise exceptions.AuthenticationFailed("That token is not valid or has been revoked.")
        return client.account, client

    def authenticate_header(self, request) -> str:
        return self.keyword


class PartnerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "referrals.authentication.PartnerTokenAuthentication"
    name = "partnerToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "A partner system's token."}
