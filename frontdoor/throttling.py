"""Rate limits that do not make intake depend on Redis.

The partner API counts requests in the shared Redis cache, so every web process sees
one count per client. If Redis cannot be reached, refusing (or failing with a 500)
would stop partners reporting concerns about children, which matters more than exact
counting; allowing everything would drop the limit altogether. So the count moves to
this process's memory until Redis answers again: each process still holds a client to
the rate, the whole service to (rate x processes). A warning is logged, at most once a
minute per process, naming no client and no personal data.
"""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.locmem import LocMemCache
from redis.exceptions import RedisError
from rest_framework.throttling import UserRateThrottle

logger = logging.getLogger(__name__)
_in_process = LocMemCache("frontdoor-throttle-fallback", {"OPTIONS": {"MAX_ENTRIES": 10000}})
_WARN_EVERY = 60.0
_last_warning = 0.0


def _warn(error: Exception) -> None:
    global _last_warning
    now = time.monotonic()
    if now - _last_warning >= _WARN_EVERY:
        _last_warning = now
        logger.warning(
            "Rate-limit cache unreachable (%s): counting in this process until it answers",
            type(error).__name__,
        )


class SharedOrLocalRateThrottle(UserRateThrottle):
    """A user rate counted in the shared cache, or in memory while the cache is down."""

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except (RedisError, OSError) as error:
            _warn(error)
            self.cache = _in_process
            return super().allow_request(request, view)
