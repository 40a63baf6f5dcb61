"""The production stack on one machine: gunicorn app servers, a Celery worker,
PostgreSQL (or a SQLite file) and Redis, DEBUG off. Used by ``make serve-prod``, the
load test (``bench/load.py``) and the scale-out test (``tests/test_scale_out.py``).

    .venv/bin/python bench/stack.py                # gunicorn :8000 (2 workers) + 1 worker
    .venv/bin/python bench/stack.py --ports 8000 8001 --seed

Environment: ``DATABASE_URL`` (default: PostgreSQL 127.0.0.1:5432, database
``minerals_prod``, created if missing), ``REDIS_URL`` (default
``redis://127.0.0.1:6379/3``; the broker and the cache share it).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/minerals_prod"
DEFAULT_REDIS = "redis://127.0.0.1:6379/3"
COLLECT_IGNORE = ("-i", "widgetbundle.js", "-i", "datasets", "-i", "templates")


def stack_env(
    *, database_url: str, redis_url: str, queue: str = "celery", **extra: str
) -> dict[str, str]:
    """The environment of every process of the stack: production settings."""
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "local-stack-only-not-a-deployment-secret-0123456789",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",  # plain http on the loopback
        "DJANGO_SECURE_HSTS_SECONDS": "0",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": redis_url,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "API_THROTTLE_ANON": "100000000/hour",
        "API_THROTTLE_USER": "100000000/hour",
        "DJANGO_LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    env.update(extra)
    return env


def ensure_postgres_database(url: str) -> None:
    """Create the PostgreSQL database of ``url`` if it does not exist."""
    if not url.startswith(("postgres://", "postgresql://")):
        return
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def drop_postgres_database(url: str) -> None:
    if not url.startswith(("postgres://", "postgresql://")):
        return
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [str(BIN / "python"), "manage.py", *args], cwd=ROOT, env=env, check=True
    )


def wait_until_up(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                response.read()
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


@contextlib.contextmanager
def running_stack(
    env: dict[str, str],
    *,
    ports: Sequence[int],
    gunicorn_workers: int = 2,
    threads: int = 4,
    celery_concurrency: int = 1,
    log_dir: Path | None = None,
) -> Iterator[list[subprocess.Popen[bytes]]]:
    """Start the app servers and one Celery worker; stop them on exit."""
    log_dir = log_dir or Path(os.environ.get("TMPDIR", "/tmp"))
    processes: list[subprocess.Popen[bytes]] = []

    def start(name: str, command: list[str]) -> None:
        log = open(log_dir / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        processes.append(
            subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )

    try:
        for port in ports:
            start(
                f"gunicorn-{port}",
                [
                    str(BIN / "gunicorn"),
                    "webapp.wsgi",
                    "-b",
                    f"127.0.0.1:{port}",
                    "-w",
                    str(gunicorn_workers),
                    # Threads overlap a request's database and Redis waits (two
                    # thirds of a light API request's time): gunicorn's gthread.
                    "--worker-class",
                    "gthread",
                    "--threads",
                    str(threads),
                    "--timeout",
                    "120",
                ],
            )
        start(
            "celery-worker",
            [
                # Below the app servers' priority: on a machine shared with them, a
                # long job takes the CPU they leave (workers elsewhere need no nice).
                "nice",
                "-n",
                "15",
                str(BIN / "celery"),
                "-A",
                "webapp",
                "worker",
                "-Q",
                env.get("CELERY_TASK_DEFAULT_QUEUE", "celery"),
                "-c",
                str(celery_concurrency),
                "--loglevel",
                "WARNING",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
        )
        for port in ports:
            wait_until_up(f"http://127.0.0.1:{port}/api/v1/calculators/")
        yield processes
    finally:
        for process in processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ports", type=int, nargs="+", default=[8000])
    parser.add_argument("--gunicorn-workers", type=int, default=2)
    parser.add_argument("--celery-concurrency", type=int, default=1)
    parser.add_argument("--seed", action="store_true", help="load seeds/ first")
    args = parser.parse_args()
    env = stack_env(
        database_url=os.environ.get("DATABASE_URL", DEFAULT_DATABASE),
        redis_url=os.environ.get("REDIS_URL", DEFAULT_REDIS),
    )
    ensure_postgres_database(env["DATABASE_URL"])
    manage(env, "migrate", "--noinput", "-v", "0")
    if args.seed:
        manage(env, "seed")
    if not (ROOT / "staticfiles" / "staticfiles.json").exists():
        manage(env, "collectstatic", "--noinput", "-v", "0", *COLLECT_IGNORE)
    with running_stack(
        env,
        ports=args.ports,
        gunicorn_workers=args.gunicorn_workers,
        celery_concurrency=args.celery_concurrency,
    ):
        urls = ", ".join(f"http://127.0.0.1:{p}/" for p in args.ports)
        print(f"serving {urls} (DEBUG off, {env['DATABASE_URL']}); Ctrl-C stops")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
