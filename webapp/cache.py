"""Django's Redis cache, with one ``redis.Redis`` client per connection pool.

Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` for every
command; its constructor fills a table of some 170 response callbacks, about 0.25 ms
each time, which was a third of the Redis cost of a light request (a throttle count,
the data versions, a cached answer: six commands). The client holds no
connection of its own (the pool does, and the pool notices a fork), and redis-py's
clients are safe to share between threads, so one per pool is enough.

Redis is a cache here, never the only copy of anything, so the site must keep
answering when it is down or refuses writes (``maxmemory`` with ``noeviction``: "OOM
command not allowed"): ``RedisCache`` turns a Redis error into a miss on a read and
a skipped write, with a warning in the log at most once a minute per process and
kind (``warn_once_a_minute``; the throttle uses it too when it fails open).
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import redis
from django.core.cache.backends import redis as django_redis

logger = logging.getLogger(__name__)

WARN_EVERY_SECONDS = 60.0
_warned: dict[str, float] = {}
_warned_lock = threading.Lock()


def warn_once_a_minute(kind: str, error: BaseException) -> None:
    """Log a warning that Redis failed (``kind``: what was skipped), at most once
    every ``WARN_EVERY_SECONDS`` per process and kind."""
    now = time.monotonic()
    with _warned_lock:
        last = _warned.get(kind)
        if last is not None and now - last < WARN_EVERY_SECONDS:
            return
        _warned[kind] = now
    logger.warning("Redis unavailable, %s: %s: %s", kind, type(error).__name__, error)


def forget_warnings() -> None:
    """Warn again at the next failure (the tests do)."""
    with _warned_lock:
        _warned.clear()


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

    # --- a Redis error is a miss or a skipped write (module docstring) ----------

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        try:
            return super().get(key, default, version)
        except redis.RedisError as error:
            warn_once_a_minute("cache read missed", error)
            return default

    def get_many(self, keys: Any, version: Any = None) -> dict[Any, Any]:
        try:
            return super().get_many(keys, version)
        except redis.RedisError as error:
            warn_once_a_minute("cache read missed", error)
            return {}

    def has_key(self, key: Any, version: Any = None) -> bool:
        try:
            return super().has_key(key, version)
        except redis.RedisError as error:
            warn_once_a_minute("cache read missed", error)
            return False

    def set(self, *args: Any, **kwargs: Any) -> None:
        try:
            super().set(*args, **kwargs)
        except redis.RedisError as error:
            warn_once_a_minute("cache write skipped", error)

    def set_many(self, *args: Any, **kwargs: Any) -> list[Any]:
        try:
            return super().set_many(*args, **kwargs)
        except redis.RedisError as error:
            warn_once_a_minute("cache write skipped", error)
            return []

    def add(self, *args: Any, **kwargs: Any) -> bool:
        try:
            return super().add(*args, **kwargs)
        except redis.RedisError as error:
            warn_once_a_minute("cache write skipped", error)
            return True  # as if added: the caller does not then write again

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> int:
        try:
            return super().incr(key, delta, version)
        except redis.RedisError as error:
            warn_once_a_minute("cache write skipped", error)
            return delta

    def touch(self, *args: Any, **kwargs: Any) -> bool:
        try:
            return super().touch(*args, **kwargs)
        except redis.RedisError as error:
            warn_once_a_minute("cache write skipped", error)
            return False

    def delete(self, key: Any, version: Any = None) -> bool:
        try:
            return super().delete(key, version)
        except redis.RedisError as error:
            warn_once_a_minute("cache write skipped", error)
            return False

    def delete_many(self, keys: Any, version: Any = None) -> None:
        try:
            super().delete_many(keys, version)
        except redis.RedisError as error:
            warn_once_a_minute("cache write skipped", error)

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
