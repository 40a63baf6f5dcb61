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
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/minerals_prod"
DEFAULT_REDIS = "redis://127.0.0.1:6379/3"
FALSE_WORDS = ("false", "0", "no", "off")
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


def wait_until_up(url: str, timeout: float = 180.0) -> None:
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
        log_path = log_dir / f"{name}.log"
        with open(log_path, "wb") as log, signals_deferred(then_exit=True):
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
        with signals_deferred(then_exit=False):  # a second Ctrl-C waits its turn
            stop_all(processes)


def stop_all(
    processes: Sequence[subprocess.Popen[bytes]], timeout: float = 15.0
) -> None:
    """Stop every process and everything it started: each was started in a session
    (and so a process group) of its own, so a signal to the group reaches gunicorn's
    and Celery's workers too. SIGTERM, then SIGKILL to what is left after
    ``timeout`` seconds; returns when no process of any group is left."""
    for process in processes:
        signal_group(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for process in processes:
        if not wait_for_group(process, deadline):
            signal_group(process.pid, signal.SIGKILL)
            wait_for_group(process, time.monotonic() + timeout)


def signal_group(pgid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signum)


def group_alive(pgid: int) -> bool:
    """Whether any process of the group is left (zombies count as gone)."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return any(pgid_of(pid) == pgid for pid in running_pids())


def running_pids() -> list[int]:
    """Every live (not zombie) process on the machine, by /proc."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and process_state(int(entry.name)) not in ("", "Z"):
            pids.append(int(entry.name))
    return pids


def _stat_fields(pid: int) -> list[str]:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return []
    return text.rsplit(")", 1)[1].split()  # after "pid (comm)": state, ppid, pgrp...


def process_state(pid: int) -> str:
    fields = _stat_fields(pid)
    return fields[0] if fields else ""


def pgid_of(pid: int) -> int:
    fields = _stat_fields(pid)
    return int(fields[2]) if fields else -1


def wait_for_group(process: subprocess.Popen[bytes], deadline: float) -> bool:
    """Reap the leader and wait until its group is empty, up to ``deadline``."""
    while True:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=0.1)
        if process.returncode is not None and not group_alive(process.pid):
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)


STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


def _raise_exit(signum: int, _frame: Any) -> None:
    raise SystemExit(128 + signum)


@contextlib.contextmanager
def exit_on_signals() -> Iterator[None]:
    """SIGTERM, SIGINT and SIGHUP end the program as an exception would, so that
    ``running_stack`` stops what it started (gunicorn and Celery run in sessions of
    their own: a signal to this process alone never reaches them). Main thread only;
    elsewhere a no-op."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signum: signal.signal(signum, _raise_exit) for signum in STOP_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@contextlib.contextmanager
def signals_deferred(*, then_exit: bool) -> Iterator[None]:
    """The stop signals recorded, not acted on, while the block runs (a process
    started in it is in ``processes`` before any signal is seen; the stopping is
    not cut short). With ``then_exit``, one that came exits after the block. Not
    SIG_IGN: a child started meanwhile would inherit an ignored SIGTERM. Main thread
    only; elsewhere a no-op."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[signal.Signals] = []

    def record(signum: int, _frame: Any) -> None:
        received.append(signal.Signals(signum))

    previous = {signum: signal.signal(signum, record) for signum in STOP_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if received and then_exit:
        handler = previous[received[0]]
        if callable(handler):
            handler(received[0], None)
        else:
            raise SystemExit(128 + received[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ports", type=int, nargs="+", default=[8000])
    parser.add_argument("--gunicorn-workers", type=int, default=2)
    parser.add_argument("--celery-concurrency", type=int, default=1)
    parser.add_argument("--seed", action="store_true", help="load seeds/ first")
    parser.add_argument("--queue", default="celery", help="the Celery queue")
    args = parser.parse_args()
    env = stack_env(
        database_url=os.environ.get("DATABASE_URL", DEFAULT_DATABASE),
        redis_url=os.environ.get("REDIS_URL", DEFAULT_REDIS),
        queue=args.queue,
    )
    ensure_postgres_database(env["DATABASE_URL"])
    manage(env, "migrate", "--noinput", "-v", "0")
    if args.seed:
        manage(env, "seed")
    manifest = env.get("DJANGO_STATIC_MANIFEST", "true").lower() not in FALSE_WORDS
    if manifest and not (ROOT / "staticfiles" / "staticfiles.json").exists():
        manage(env, "collectstatic", "--noinput", "-v", "0", *COLLECT_IGNORE)
    with running_stack(
        env,
        ports=args.ports,
        gunicorn_workers=args.gunicorn_workers,
        celery_concurrency=args.celery_concurrency,
    ):
        urls = ", ".join(f"http://127.0.0.1:{p}/" for p in args.ports)
        print(
            f"serving {urls} (DEBUG off, {env['DATABASE_URL']}); Ctrl-C or SIGTERM "
            "stops every process it started",
            flush=True,
        )
        while True:
            time.sleep(3600)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    with exit_on_signals():
        try:
            main()
        except SystemExit as stop:
            if stop.code in (128 + signal.SIGINT, 128 + signal.SIGTERM):
                print("stopped: every process of the stack has ended", flush=True)
            raise
