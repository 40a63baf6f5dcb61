"""Fault injection on the real stack (issue #24, finding 3 and "What must work"): a
gunicorn server, a real Celery worker and a Redis server of the test's own (started
on a free port, so stopping it touches nothing else), on a throwaway database.

- the worker's pool child is killed (SIGKILL) mid-job, then the whole worker: the job
  ends (re-run by the sweeper, or failed) within a bounded time;
- the database connection of the worker is dropped mid-job (PostgreSQL): the job
  ends failed, its failure written on a new connection;
- Redis stops: pages, calculations and job reads still answer, a job submitted then
  is accepted and waits; Redis comes back empty (its queue lost): the sweeper sends
  the job again and it runs.

Each test prints how long the job took to end after the fault (``-s`` shows it). The
sweeper's clocks are shortened (``JOBS_STALE_SECONDS``) so that the test is quick;
the deadlines are generous, for a shared 2-core machine.
"""

from __future__ import annotations

import contextlib
import copy
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from instruments.calculators import REGISTRY
from tests.stack_fixtures import TOKEN, call, free_port

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import stack

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
STALE_SECONDS = (
    20  # long enough that a starved worker (2 cores, full suite) is not taken for dead
)
QUEUE_STALE_SECONDS = 25
ENDS_WITHIN = 240.0  # seconds after the fault, on a loaded machine

pytestmark = [
    pytest.mark.faults,
    pytest.mark.skipif(
        not Path(REDIS_SERVER).exists(), reason="no redis-server to start"
    ),
]


# --- the stack ------------------------------------------------------------------------


class RedisServer:
    """A redis-server of the test's own on a free port, with no persistence (a
    restart loses every queue, like a Redis restarted without a disk)."""

    def __init__(self, log_dir: Path) -> None:
        self.port = free_port()
        self.log_dir = log_dir
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        log = open(self.log_dir / "redis.log", "ab")  # noqa: SIM115 - closed with it
        self.process = subprocess.Popen(
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        import redis

        while True:
            try:
                if redis.Redis(port=self.port, socket_timeout=1).ping():
                    return
            except redis.RedisError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None


class Stack:
    """The app server and the worker, started and stopped by the tests."""

    def __init__(self, env: dict[str, str], worker_env: dict[str, str], log_dir: Path):
        self.env, self.worker_env, self.log_dir = env, worker_env, log_dir
        self.url = ""
        self.server: subprocess.Popen[bytes] | None = None
        self.worker: subprocess.Popen[bytes] | None = None

    def _start(self, name: str, command: list[str], env: dict[str, str]) -> Any:
        log = open(self.log_dir / f"{name}.log", "ab")  # noqa: SIM115 - closed with it
        return subprocess.Popen(
            command,
            cwd=stack.ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def start_server(self) -> None:
        port = free_port()
        self.server = self._start(
            "gunicorn",
            [
                str(stack.BIN / "gunicorn"),
                "webapp.wsgi",
                "-b",
                f"127.0.0.1:{port}",
                "-w",
                "1",
                "--worker-class",
                "gthread",
                "--threads",
                "4",
                "--timeout",
                "120",
            ],
            self.env,
        )
        self.url = f"http://127.0.0.1:{port}"
        stack.wait_until_up(f"{self.url}/api/v1/calculators/", timeout=120)

    def start_worker(self) -> None:
        self.worker = self._start(
            "celery-worker",
            [
                str(stack.BIN / "celery"),
                "-A",
                "webapp",
                "worker",
                "-Q",
                self.env["CELERY_TASK_DEFAULT_QUEUE"],
                "-c",
                "1",
                "--loglevel",
                "INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            self.worker_env,
        )

    def pool_children(self) -> list[int]:
        """The worker's pool processes (its main process's children)."""
        assert self.worker is not None
        pid = self.worker.pid
        path = Path(f"/proc/{pid}/task/{pid}/children")
        return [int(p) for p in path.read_text().split()] if path.exists() else []

    def kill_worker(self) -> None:
        """SIGKILL to the whole worker: its main process and its pool."""
        if self.worker is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.worker.pid, signal.SIGKILL)
            self.worker.wait(timeout=30)
            self.worker = None

    def stop(self) -> None:
        for process in (self.worker, self.server):
            if process is None:
                continue
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.worker = self.server = None


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def faulty_stack(redis_server, tmp_path_factory) -> Iterator[Stack]:
    """One gunicorn and one worker on a throwaway database and the test's Redis,
    with an analyst's account key; the tests kill and restart the worker."""
    log_dir = tmp_path_factory.mktemp("stack")
    suite_db = os.environ.get("DATABASE_URL", "")
    name = f"faults_{uuid.uuid4().hex[:10]}"
    if suite_db.startswith(("postgres://", "postgresql://")):
        database_url = f"{suite_db.rpartition('/')[0]}/{name}"
        worker_database_url = f"{database_url}?application_name=faults-worker"
    else:
        database_url = worker_database_url = f"sqlite:///{log_dir / 'faults.sqlite3'}"
    env = stack.stack_env(
        database_url=database_url,
        redis_url=redis_server.url,
        queue=f"faults-{name}",
        DJANGO_STATIC_MANIFEST="false",
        CACHE_KEY_PREFIX=name,
        JOBS_STALE_SECONDS=str(STALE_SECONDS),
        JOBS_QUEUE_STALE_SECONDS=str(QUEUE_STALE_SECONDS),
        JOB_TIME_LIMIT_SECONDS="300",
        CALCULATION_CACHE_SECONDS="0",  # every job computes: none ends at once
        DJANGO_LOG_LEVEL="WARNING",
    )
    stack.ensure_postgres_database(database_url)
    the_stack = Stack(env, {**env, "DATABASE_URL": worker_database_url}, log_dir)
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
        the_stack.start_server()
        yield the_stack
    finally:
        the_stack.stop()
        stack.drop_postgres_database(database_url)


@pytest.fixture
def faults(faulty_stack, redis_server) -> Iterator[Stack]:
    """The stack with a worker running and Redis up, whatever the last test left."""
    if redis_server.process is None:
        redis_server.start()
    if faulty_stack.worker is None:
        faulty_stack.start_worker()
    yield faulty_stack
    faulty_stack.kill_worker()


# --- jobs --------------------------------------------------------------------------------


def long_batch(size: int = 12) -> dict[str, Any]:
    """A batch of simulations of 2 million path-steps each: several seconds of work
    that reports its progress after each calculation (and each chunk of paths)."""
    base = copy.deepcopy(dict(REGISTRY["price-gap-subsidy"].example))
    base["simulation"]["paths"] = 50_000
    return {
        "calculator": "price-gap-subsidy",
        "base": base,
        "grid": {"simulation.seed": list(range(1, size + 1))},
    }


def submit(url: str, body: dict[str, Any]) -> dict[str, Any]:
    status, job = call("POST", f"{url}/api/v1/jobs/", body, token=TOKEN)
    assert status == 202, job
    return job


def job_state(url: str, job_id: str) -> dict[str, Any]:
    """The job as its status read gives it (each read also sweeps it)."""
    status, job = call("GET", f"{url}/api/v1/jobs/{job_id}/", token=TOKEN)
    assert status == 200, job
    return job


def wait_until(url: str, job_id: str, done: Any, timeout: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        job = job_state(url, job_id)
        if done(job):
            return job
        assert time.monotonic() < deadline, f"still {job['state']}: {job}"
        time.sleep(0.5)


def running_with_progress(job: dict[str, Any]) -> bool:
    return job["state"] == "running" and job["progress"] > 0


def ended(job: dict[str, Any]) -> bool:
    return job["state"] in ("succeeded", "failed", "cancelled")


def report(fault: str, seconds: float, job: dict[str, Any]) -> None:
    print(f"\n[fault] {fault}: the job ended {job['state']} {seconds:.1f} s after it")


# --- a worker killed ------------------------------------------------------------------


def test_a_job_whose_pool_child_is_killed_ends(faults):
    job = submit(faults.url, long_batch())
    wait_until(faults.url, job["id"], running_with_progress, timeout=ENDS_WITHIN)
    children = faults.pool_children()
    assert children, "the worker has no pool process"

    for pid in children:
        os.kill(pid, signal.SIGKILL)
    killed = time.monotonic()
    done = wait_until(faults.url, job["id"], ended, timeout=ENDS_WITHIN)

    report("pool child SIGKILL", time.monotonic() - killed, done)
    # Sent again by the sweeper once its heartbeat was stale, and run to the end by
    # the worker's new pool process (or, if that failed too, failed: never running).
    assert done["state"] in ("succeeded", "failed")
    if done["state"] == "failed":
        assert "worker stopped" in str(done["error"])


def test_a_job_whose_whole_worker_is_killed_ends_on_another_worker(faults):
    job = submit(faults.url, long_batch())
    wait_until(faults.url, job["id"], running_with_progress, timeout=ENDS_WITHIN)

    faults.kill_worker()
    killed = time.monotonic()
    faults.start_worker()  # another worker (the old one's message is unacknowledged)
    done = wait_until(faults.url, job["id"], ended, timeout=ENDS_WITHIN)

    report("whole worker SIGKILL", time.monotonic() - killed, done)
    assert done["state"] == "succeeded", done
    status, rows = call(
        "GET", f"{faults.url}/api/v1/jobs/{job['id']}/result/", token=TOKEN
    )
    assert status == 200
    assert len(rows) == 12
    assert all(row["error"] == "" for row in rows)


# --- the database connection dropped -------------------------------------------------------


def drop_worker_connections(database_url: str) -> int:
    import psycopg

    base, _, name = database_url.partition("?")[0].rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND application_name = 'faults-worker'",
            (name,),
        ).fetchall()
    return len(rows)


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
    reason="dropping another process's database connection needs PostgreSQL",
)
def test_a_job_whose_database_connection_drops_ends_failed(faults):
    job = submit(faults.url, long_batch(size=30))
    wait_until(faults.url, job["id"], running_with_progress, timeout=ENDS_WITHIN)

    assert drop_worker_connections(faults.worker_env["DATABASE_URL"]) >= 1
    dropped = time.monotonic()
    done = wait_until(faults.url, job["id"], ended, timeout=ENDS_WITHIN)

    report("database connection dropped", time.monotonic() - dropped, done)
    assert done["state"] == "failed", done
    assert done["error"] == {
        "non_field_errors": ["The job failed on the server; it has been logged."]
    }
    # The worker goes on: the next job runs on a new connection.
    after = submit(faults.url, long_batch(size=2))
    assert wait_until(faults.url, after["id"], ended, ENDS_WITHIN)["state"] == (
        "succeeded"
    )


# --- Redis down, then back empty -------------------------------------------------------------


def test_with_redis_down_pages_answer_and_a_job_waits_then_runs_when_it_is_back(
    faults, redis_server
):
    base = faults.url
    floor = (
        "/api/v1/calculators/price-floor/?periods=2025Q1,2025Q2&reference_price=110"
        "&origin=CHN&import_price=95,105&quantity=100,120&price_unit=USD/kg"
        "&quantity_unit=t"
    )
    faults.kill_worker()
    redis_server.stop()
    stopped = time.monotonic()

    for path in ("/", "/calculators/price-floor/", "/api/v1/calculators/", floor):
        status, _ = call("GET", f"{base}{path}", accept="text/html,application/json")
        assert status == 200, path
    status, result = call(
        "POST",
        f"{base}/api/v1/calculators/price-floor/",
        dict(REGISTRY["price-floor"].example),
    )
    assert status == 200
    assert result["summary"]
    # A job is accepted and waits: the broker cannot be reached to send it.
    job = submit(base, long_batch(size=2))
    assert job_state(base, job["id"])["state"] == "queued"
    answered = time.monotonic() - stopped
    print(f"\n[fault] Redis down: 6 requests answered in {answered:.1f} s")

    # Redis comes back empty; a worker starts; the sweeper sends the job again.
    redis_server.start()
    faults.start_worker()
    back = time.monotonic()
    done = wait_until(base, job["id"], ended, timeout=ENDS_WITHIN)

    report("Redis restarted with the job queued", time.monotonic() - back, done)
    assert done["state"] == "succeeded", done
