"""A real S3-compatible server on this machine for the tests of object storage: the one CI
starts (.ci/run exports TEST_S3_ENDPOINT_URL), or else moto's standalone server started
here for the session. Each test gets a bucket of its own."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from tests.live import free_port

CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "test-key",
    "AWS_SECRET_ACCESS_KEY": "test-secret",
    "AWS_DEFAULT_REGION": "eu-west-2",
}


def answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=1)
    except urllib.error.HTTPError:
        return True  # it answered, if only to refuse
    except OSError:
        return False
    return True


def start_moto(port: int) -> subprocess.Popen:
    server = Path(sys.executable).with_name("moto_server")
    process = subprocess.Popen(
        [str(server), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        if answers(url):
            return process
        time.sleep(0.1)
    process.kill()
    raise RuntimeError("moto_server did not start")


@pytest.fixture(scope="session")
def s3_endpoint():
    """The endpoint of an S3-compatible server, running for the whole session."""
    url = os.environ.get("TEST_S3_ENDPOINT_URL")
    if url:
        if not answers(url):
            pytest.fail(f"No S3-compatible server answers at {url}: CI must start it")
        yield url
        return
    process = start_moto(free_port())
    try:
        yield f"http://127.0.0.1:{process.args[-1]}"
    finally:
        process.terminate()
        process.wait(10)


def s3_client(endpoint: str):
    """A boto3 client for the S3-compatible server at `endpoint`, with the tests' keys."""
    import boto3

    return boto3.client("s3", endpoint_url=endpoint, **boto3_credentials())


def make_bucket(endpoint: str, name: str | None = None) -> str:
    name = name or f"papers-{uuid.uuid4().hex[:12]}"
    client = s3_client(endpoint)
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    return name


def boto3_credentials() -> dict:
    return {
        "aws_access_key_id": CREDENTIALS["AWS_ACCESS_KEY_ID"],
        "aws_secret_access_key": CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        "region_name": CREDENTIALS["AWS_DEFAULT_REGION"],
    }


def bucket_env(endpoint: str, bucket: str) -> dict[str, str]:
    """The environment that points the product at the bucket, as docs/deployment.md sets it."""
    return {
        **CREDENTIALS,
        "AWS_STORAGE_BUCKET_NAME": bucket,
        "AWS_S3_ENDPOINT_URL": endpoint,
        "AWS_S3_REGION_NAME": "eu-west-2",
    }


@pytest.fixture
def s3_storage(s3_endpoint, settings, monkeypatch):
    """Published files in a new bucket on the S3-compatible server, configured through the
    same settings function production uses. Yields (endpoint, bucket)."""
    from config.settings import file_storage

    bucket = make_bucket(s3_endpoint)
    env = bucket_env(s3_endpoint, bucket)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings.STORAGES = {**settings.STORAGES, "default": file_storage(bucket, env)}
    yield s3_endpoint, bucket
