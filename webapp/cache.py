"""Django's Redis cache, with one ``redis.Redis`` client per connection pool.

Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` for every
command; its constructor fills a table of some 170 response callbacks, about 0.25 ms
each time, which was a third of the Redis cost of a light request (a throttle count,
the data versions, a cached answer: six commands). The client holds no
connection of its own (the pool does, and the pool notices a fork), and redis-py's
clients are safe to share between threads, so one per pool is enough.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends import redis as django_redis

# One command instead of a pipeline of three (redis-py's pipeline costs more than the
# round trip it saves): count this request, keep the window, read the previous one.
_COUNT_REQUEST = """
local counted = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[1])
return {counted, tonumber(redis.call('GET', KEYS[2])) or 0}
"""


class ReusedClientRedisCacheClient(django_redis.RedisCacheClient):
    """``get_client`` returns the same client for the same pool."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        # Django's private helpers (untyped in django-stubs): the pool, the class.
        django_client: Any = self
        pool = django_client._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None or client.connection_pool is not pool:
            client = django_client._client(connection_pool=pool)
            self._clients[id(pool)] = client
        return client


class RedisCache(django_redis.RedisCache):
    """``django.core.cache.backends.redis.RedisCache`` with the reused client."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
        self._count_scripts: dict[int, Any] = {}

    def count_request(self, key: str, previous: str, timeout: int) -> tuple[int, int]:
        """One round trip for a rate limit: add one to ``key`` (kept ``timeout``
        seconds) and read ``previous``. Returns ``key``'s count before this request
        and ``previous``'s count. Atomic in Redis, unlike a read and a write."""
        django_cache: Any = self  # Django's private client (untyped in django-stubs)
        client = django_cache._cache.get_client(write=True)
        script = self._count_scripts.get(id(client))
        if script is None:
            script = self._count_scripts[id(client)] = client.register_script(
                _COUNT_REQUEST
            )
        counted, before = script(
            keys=[
                self.make_and_validate_key(key),
                self.make_and_validate_key(previous),
            ],
            args=[timeout],
        )
        return int(counted) - 1, int(before)
