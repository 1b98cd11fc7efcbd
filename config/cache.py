"""Redis as an accelerator, never a dependency: Django's RedisCache, except that when Redis
does not answer, each call is treated as a miss (reads find nothing, writes are dropped)
and the error is logged once, until Redis answers again. Pages are then made afresh, more
slowly; sessions (the cached_db engine) are read from the database. When Redis is back,
the next call uses it: redis-py reconnects on its own, with no restart."""

from __future__ import annotations

import logging
import threading

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

_state = threading.local()
_down = threading.Event()  # set while Redis is known not to answer (shared by threads)


def _errors():
    import redis

    return (redis.RedisError, OSError)


class ForgivingRedisCache(RedisCache):
    """RedisCache whose errors are misses. Each method falls back to what an empty cache
    would answer."""

    def _forgive(self, method: str, fallback, *args, **kwargs):
        try:
            result = getattr(super(), method)(*args, **kwargs)
        except _errors() as error:
            if not _down.is_set():
                _down.set()
                logger.error("The cache (Redis) did not answer; carrying on without it: %s", error)
            return fallback
        if _down.is_set():
            _down.clear()
            logger.warning("The cache (Redis) answers again")
        return result

    def get(self, key, default=None, version=None):
        return self._forgive("get", default, key, default, version)

    def get_many(self, keys, version=None):
        return self._forgive("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._forgive("has_key", False, key, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._forgive("add", False, key, value, timeout, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._forgive("set", None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._forgive("touch", False, key, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._forgive("set_many", list(data), data, timeout, version)

    def delete(self, key, version=None):
        return self._forgive("delete", False, key, version)

    def delete_many(self, keys, version=None):
        return self._forgive("delete_many", None, keys, version)

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except _errors():
            raise ValueError(f"Key '{key}' not found (the cache is not answering)") from None

    def clear(self):
        return self._forgive("clear", None)


def cache_answers(alias: str = "default") -> bool:
    """Whether the cache answers now (for /healthz): a round trip, not the last call's
    outcome."""
    from django.core.cache import caches

    cache = caches[alias]
    if not isinstance(cache, RedisCache):
        return True
    try:
        RedisCache.get(cache, "healthz")  # Django's own, which raises
    except _errors():
        return False
    return True
