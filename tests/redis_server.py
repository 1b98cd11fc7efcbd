"""The Redis server on this machine, for the tests of REDIS_URL; and a redis-server of a
test's own, which the test stops and starts."""

import shutil
import subprocess
import time

from tests.live import free_port, missing


def redis_server(url: str):
    """A client for the Redis database at `url`, emptied. Without a server answering, the
    test is skipped on a developer's machine (make test runs without Redis started) and fails
    in CI, which starts Redis in .ci/run and sets CI."""
    import redis

    server = redis.Redis.from_url(url)
    try:
        server.ping()
    except redis.ConnectionError:
        missing(f"Redis is not answering at {url}")
    server.flushdb()
    return server


class RedisProcess:
    """A redis-server of the test's own on a free port, which the test stops and starts."""

    def __init__(self) -> None:
        if not shutil.which("redis-server"):
            missing("redis-server is not installed")
        self.port = free_port()
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "",
             "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        import redis

        for _ in range(100):
            try:
                redis.Redis.from_url(self.url).ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)

    def stored(self) -> list[bytes]:
        import redis

        return redis.Redis.from_url(self.url).keys("*")
