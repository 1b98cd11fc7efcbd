"""The Redis server on this machine, for the tests of REDIS_URL."""

import os

import pytest


def redis_server(url: str):
    """A client for the Redis database at `url`, emptied. Without a server answering, the
    test is skipped on a developer's machine (make test runs without Redis started) and fails
    in CI, which starts Redis in .ci/run and sets CI."""
    import redis

    server = redis.Redis.from_url(url)
    try:
        server.ping()
    except redis.ConnectionError:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not answering at {url}: CI must start it")
        pytest.skip(f"Redis is not answering at {url}")
    server.flushdb()
    return server
