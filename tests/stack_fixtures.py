"""Shared by the tests that start the production stack (bench/stack.py): two
gunicorn servers and one real Celery worker on a throwaway database and the
machine's Redis, with an account key for an analyst.

The database is a throwaway one of the kind the suite runs on: a PostgreSQL database
created for the test when ``DATABASE_URL`` is PostgreSQL, else a SQLite file both
servers open. Without a Redis (the broker) the tests using it skip, saying so.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import stack

REDIS_URL = os.environ.get("SCALE_TEST_REDIS_URL", "redis://127.0.0.1:6379/12")


def redis_is_up() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping())
    except Exception:
        return False


needs_redis = pytest.mark.skipif(
    not redis_is_up(), reason=f"no Redis at {REDIS_URL} for the Celery broker"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def call(
    method: str,
    url: str,
    body: Any = None,
    token: str | None = None,
    accept: str = "application/json",
) -> tuple[int, Any]:
    headers = {"Accept": accept, "Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Token {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            raw = response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        raw, status = exc.read(), exc.code
    text = raw.decode()
    try:
        return status, json.loads(text)
    except ValueError:
        return status, text


@pytest.fixture
def two_servers(tmp_path):
    suite_db = os.environ.get("DATABASE_URL", "")
    name = f"scale_{uuid.uuid4().hex[:10]}"
    if suite_db.startswith(("postgres://", "postgresql://")):
        database_url = f"{suite_db.rpartition('/')[0]}/{name}"
    else:
        database_url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    env = stack.stack_env(
        database_url=database_url,
        redis_url=REDIS_URL,
        queue=f"test-{name}",
        # Pages link static files by their plain names: no collectstatic needed
        # (the browser test serves them from the source tree).
        DJANGO_STATIC_MANIFEST="false",
        # Results cached by an earlier run (same data versions) must not answer.
        CACHE_KEY_PREFIX=name,
    )
    stack.ensure_postgres_database(database_url)
    try:
        stack.manage(env, "migrate", "--noinput", "-v", "0")
        stack.manage(
            env,
            "shell",
            "-v",
            "0",
            "-c",
            "import datetime; "
            "from django.contrib.auth.models import User; "
            "from django.utils import timezone; "
            "from instruments.models import ApiKey; "
            "from instruments.services.accounts import hash_key; "
            "u = User.objects.create_user('analyst', password='x'); "
            f"ApiKey.objects.create(user=u, scope='account', prefix='{TOKEN[:10]}', "
            f"hashed_key=hash_key(key='{TOKEN}'), "
            "expires=timezone.now() + datetime.timedelta(days=1))",
        )
        ports = [free_port(), free_port()]
        with stack.running_stack(
            env, ports=ports, gunicorn_workers=1, log_dir=tmp_path
        ):
            yield [f"http://127.0.0.1:{p}" for p in ports]
    finally:
        stack.drop_postgres_database(database_url)


TOKEN = "acct_" + "a" * 40  # an account key, stored hashed like any other


def wait_for(url: str, token: str | None = None, timeout: float = 90) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        status, job = call("GET", url, token=token)
        assert status == 200, job
        if job["state"] in ("succeeded", "failed") or time.monotonic() > deadline:
            return job
        time.sleep(0.3)
