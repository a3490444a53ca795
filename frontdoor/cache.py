"""The shared Redis cache, with one Redis client per server kept, not one per call.

Django's Redis backend makes a new ``redis.Redis`` for every cache call. Each one
builds its table of response callbacks afresh (about 170 entries in redis-py 8), and
a partner's submission makes three cache calls (the rate limit read and written, the
failed-token count read): about 5 % of intake's Python time went there. A
``redis.Redis`` is safe to share between threads (each command borrows a connection
from the pool), so the client is made once per server, as the pool already is.

"Once" is per cache object, as Django's pools are: ``django.core.cache.caches`` gives
each thread its own (gunicorn's threads and Celery's each have one client and pool
per server). After a fork the pool notices the new process id and opens fresh
connections; a dropped connection is reopened by the pool on the next command.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends import redis as django_redis


class ReusedRedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            if index not in self._pools:
                self._pools[index] = self._pool_class.from_url(
                    self._servers[index], **self._pool_options
                )
            # Two threads racing here each make one; either serves, the other is dropped.
            client = self._clients[index] = self._client(connection_pool=self._pools[index])
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = ReusedRedisCacheClient
