"""Figures that many open pages poll for, worked out once and shared for a few seconds
(docs/adr/0041).

Every manager's today page shows the same front door, and every screener's queue page
unfiltered shows the same count: while a page is open it asks again every few seconds,
so the same counting would be done once per open page. Instead a poll takes the answer
another request worked out within the last ``LIVE_SHARED_SECONDS`` (from the shared
cache, Redis), and a person opening or refreshing a page always gets it worked out
afresh (and shares that). With the setting at 0 nothing is shared (the tests). If Redis
cannot be reached, each request works its figures out itself.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
_WARN_EVERY = 60.0
_last_warning = 0.0


def _warn(error: Exception) -> None:
    global _last_warning
    now = time.monotonic()
    if now - _last_warning >= _WARN_EVERY:
        _last_warning = now
        logger.warning(
            "Shared-figures cache unreachable (%s): each request counts for itself",
            type(error).__name__,
        )


def shared[T](key: str, compute: Callable[[], T], *, fresh: bool = False) -> T:
    """``compute()``'s answer, as worked out by any request in the last
    ``LIVE_SHARED_SECONDS``; ``fresh``: worked out now (and shared). ``key`` names the
    figures; the database's name is added, so two databases on one Redis never mix."""
    seconds = settings.LIVE_SHARED_SECONDS
    if seconds <= 0:
        return compute()
    named = f"{connection.settings_dict['NAME']}:{key}".encode()
    cache_key = "live-figures:" + hashlib.blake2s(named, digest_size=16).hexdigest()
    if not fresh:
        try:
            found = cache.get(cache_key)
        except RedisError as error:
            _warn(error)
            return compute()
        if found is not None:
            return found
    value = compute()
    try:
        cache.set(cache_key, value, timeout=seconds)
    except RedisError as error:
        _warn(error)
    return value
