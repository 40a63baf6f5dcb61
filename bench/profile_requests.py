"""Where a light request's time goes, in process: the production settings (DEBUG off,
every middleware, PostgreSQL, Redis) driven through Django's WSGI handler, without
gunicorn or the network. Prints the mean milliseconds per request of each load-test
row, the SQL queries and cache round trips one request makes, and, with
``--profile``, the top functions by cumulative time. The rows run interleaved in
``--rounds`` rounds and each row's fastest round is printed (the machine is shared):
wall time, and this process's CPU time (the database and Redis not included).

    .venv/bin/python bench/profile_requests.py [--n 300] [--rounds 10] [--profile ROW] [--no-seed]

Environment: ``DATABASE_URL`` (default a ``minerals_profile`` PostgreSQL database,
created and seeded if missing), ``REDIS_URL`` (default ``redis://127.0.0.1:6379/5``).
Single-threaded, so the figures are CPU and round trips of one request at a time.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import stack  # noqa: E402

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/minerals_profile"
DEFAULT_REDIS = "redis://127.0.0.1:6379/5"
# The load test's plurilateral row: stored flows, no uncertainty draws.
PLURILATERAL_STORED = {
    "commodity": "ndpr-oxide",
    "year": 2024,
    "members": ["eu-27", "USA", "JPN"],
    "uncertainty": None,
}


def wsgi_get(app: Any, path: str, **headers: str) -> tuple[int, bytes]:
    return wsgi_call(app, "GET", path, b"", **headers)


def wsgi_call(
    app: Any, method: str, path: str, body: bytes, **headers: str
) -> tuple[int, bytes]:
    """One request through the WSGI application, as gunicorn would make it."""
    from urllib.parse import urlsplit

    parts = urlsplit(path)
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": parts.path,
        "QUERY_STRING": parts.query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8090",
        "HTTP_HOST": "127.0.0.1:8090",
        "REMOTE_ADDR": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.version": (1, 0),
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": "application/json" if body else "",
        "HTTP_USER_AGENT": "python-requests/2.32 (locust)",
        "HTTP_ACCEPT": "*/*",
        "HTTP_ACCEPT_ENCODING": "gzip, deflate",
    }
    for name, value in headers.items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    status: list[str] = []

    def start_response(line: str, _headers: Any, _exc: Any = None) -> None:
        status.append(line)

    chunks = app(environ, start_response)
    try:
        content = b"".join(chunks)
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()
    return int(status[0].split()[0]), content


def rows(app: Any) -> dict[str, Callable[[], tuple[int, bytes]]]:
    """The load test's rows (``bench/locustfile.py``), one callable each."""
    from instruments.api.querystring import encode_query
    from instruments.calculators import REGISTRY

    example = dict(REGISTRY["price-floor"].example)
    without_price = {k: v for k, v in example.items() if k != "reference_price"}
    query = encode_query(REGISTRY["price-floor"], without_price)

    def floor_json() -> tuple[int, bytes]:
        body = {**example, "reference_price": 100 + random.random() * 20}
        return wsgi_call(
            app, "POST", "/api/v1/calculators/price-floor/", json.dumps(body).encode()
        )

    def floor_xlsx() -> tuple[int, bytes]:
        price = 100 + random.random() * 20
        return wsgi_get(
            app,
            f"/api/v1/calculators/price-floor/?{query}&reference_price={price}"
            "&format=xlsx",
        )

    def plurilateral_stored() -> tuple[int, bytes]:
        # The stored NdPr oxide flows of 2024, the floor new on every request (the
        # result cache never answers; the stored baseline comes from the cache).
        body = {**PLURILATERAL_STORED, "floor": 40.0 + random.random() * 20}
        return wsgi_call(
            app, "POST", "/api/v1/calculators/plurilateral/", json.dumps(body).encode()
        )

    return {
        "home": lambda: wsgi_get(app, "/"),
        "commodity": lambda: wsgi_get(app, "/commodities/ndpr-oxide/"),
        "pluri_stored": plurilateral_stored,
        "floor_json": floor_json,
        "floor_xlsx": floor_xlsx,
        "partners": lambda: wsgi_get(app, "/api/v1/partners/?page_size=1"),
        "form": lambda: wsgi_get(app, "/calculators/price-floor/"),
    }


@contextmanager
def counting_round_trips() -> Iterator[dict[str, int]]:
    """Count SQL queries and Redis commands while the block runs."""
    from django.db import connection
    from redis.client import Redis

    counts = {"sql": 0, "redis": 0}

    def count_sql(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        counts["sql"] += 1
        return execute(sql, params, many, context)

    original = Redis.execute_command

    def count_redis(self: Any, *args: Any, **options: Any) -> Any:
        counts["redis"] += 1
        return original(self, *args, **options)

    Redis.execute_command = count_redis  # type: ignore[method-assign]
    try:
        with connection.execute_wrapper(count_sql):
            yield counts
    finally:
        Redis.execute_command = original  # type: ignore[method-assign]


def print_packages(stats: pstats.Stats, n: int) -> None:
    """Own time (profiled, so inflated) per request by package."""
    totals: dict[str, float] = {}
    for (filename, _line, _name), row in stats.stats.items():  # type: ignore[attr-defined]
        path = filename.replace("\\", "/")
        if "site-packages/" in path:
            package = path.split("site-packages/")[1].split("/")[0]
        elif "/instruments/" in path:
            package = "instruments/" + path.split("/instruments/")[1].split("/")[0]
        elif path.startswith("<") or "/lib/python" in path:
            package = "python"
        else:
            package = Path(path).name
        totals[package] = totals.get(package, 0.0) + row[2]
    print("own time per request by package (ms, under the profiler):")
    for package, seconds in sorted(totals.items(), key=lambda kv: -kv[1])[:20]:
        print(f"  {package:40} {seconds * 1000 / n:6.2f}")


def production_application(*, seed: bool) -> Any:
    """The WSGI application with the stack's settings (DEBUG off, PostgreSQL, Redis),
    the database migrated and (``seed``) seeded first."""
    env = stack.stack_env(
        database_url=os.environ.get("DATABASE_URL", DEFAULT_DATABASE),
        redis_url=os.environ.get("REDIS_URL", DEFAULT_REDIS),
        queue="profile",
    )
    stack.ensure_postgres_database(env["DATABASE_URL"])
    stack.manage(env, "migrate", "--noinput", "-v", "0")
    if seed:
        stack.manage(env, "seed")
    if not (ROOT / "staticfiles" / "staticfiles.json").exists():
        stack.manage(
            env, "collectstatic", "--noinput", "-v", "0", *stack.COLLECT_IGNORE
        )
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")

    from webapp.wsgi import application

    return application


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=300, help="requests per row")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--rows", nargs="*", help="only these rows")
    parser.add_argument("--profile", help="cProfile this row and print the top")
    parser.add_argument("--top", type=int, default=45)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--callees", help="print what functions matching this call")
    parser.add_argument("--no-seed", action="store_true")
    args = parser.parse_args()

    application = production_application(seed=not args.no_seed)
    cases = rows(application)
    chosen = args.rows or list(cases)
    for name in chosen:  # warm: imports, template and cache fills
        for _ in range(5):
            code, _body = cases[name]()
            assert code == 200, (name, code, _body[:300])

    # Rows interleaved in rounds, the fastest round of each kept: the machine is
    # shared, so the minimum is the steadiest estimate of a request's own cost.
    counts_of = {}
    for name in chosen:
        with counting_round_trips() as counts:
            _, body = cases[name]()
        counts_of[name] = (counts["sql"], counts["redis"], len(body))
    best = {name: float("inf") for name in chosen}
    best_cpu = dict(best)
    per_round = max(1, args.n // args.rounds)
    for _ in range(args.rounds):
        for name in chosen:
            start, start_cpu = time.perf_counter(), time.process_time()
            for _ in range(per_round):
                cases[name]()
            ms = (time.perf_counter() - start) * 1000 / per_round
            cpu = (time.process_time() - start_cpu) * 1000 / per_round
            best[name] = min(best[name], ms)
            best_cpu[name] = min(best_cpu[name], cpu)
    print(
        f"{'row':12} {'ms/request':>10} {'cpu ms':>7} {'sql':>4} {'redis':>5} "
        f"{'bytes':>8}"
    )
    results = best
    for name in chosen:
        sql, redis_commands, size = counts_of[name]
        print(
            f"{name:12} {best[name]:10.2f} {best_cpu[name]:7.2f} {sql:4d} "
            f"{redis_commands:5d} {size:8d}"
        )
    if "home" in results:
        print("\nper-request time relative to home (1/throughput ratio):")
        for name, ms in results.items():
            print(f"  {name:12} {results['home'] / ms:5.2f}")

    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.n):
            cases[args.profile]()
        profiler.disable()
        out = io.StringIO()
        print_packages(pstats.Stats(profiler), args.n)
        stats = pstats.Stats(profiler, stream=out).strip_dirs()
        stats.sort_stats(args.sort).print_stats(args.top)
        if args.callees:
            stats.print_callees(args.callees)
        print(out.getvalue())


if __name__ == "__main__":
    main()
