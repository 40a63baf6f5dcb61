"""Load test of the production stack with locust (headless, loopback only, bounded
users and time). Starts ``bench/stack.py``'s stack itself (gunicorn 2 workers,
a Celery worker, PostgreSQL, Redis, DEBUG off), seeds it, and prints the table.

    .venv/bin/python bench/load.py [--users 20] [--seconds 20] [--repeat 1]
        [--rows floor_json form ...] [--paired]

Each row: ``--users`` closed-loop clients requesting only that row's URL for
``--seconds``; throughput relative to ``/`` in the same run. Then the light mix
(home, form page, partner list) alone, and again while 2 clients keep submitting
100,000-path × 120-month simulations (jobs on the worker) and polling them. With
``--repeat`` above 1, a last table gives each row's median over the runs (the
machine is shared: single runs move by a third); ``--rows`` measures only some rows
(and ``/``), without the mix; ``--paired`` measures ``/`` again after each row and
takes each row's ratio to the mean of the two runs of ``/`` around it, so that a
neighbour's test run starting mid-table moves both sides of a ratio alike.
Environment: ``DATABASE_URL`` (default a ``minerals_bench`` PostgreSQL database),
``REDIS_URL`` (default ``redis://127.0.0.1:6379/4``).
"""

from __future__ import annotations

import argparse
import copy
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import stack  # noqa: E402

ROWS = [
    ("home", "/"),
    ("floor_json", "price-floor API, JSON (POST)"),
    ("floor_xlsx", "price-floor API, XLSX (GET)"),
    ("gap_10k", "price-gap subsidy, 10,000 paths (POST)"),
    ("partners", "/api/v1/partners/?page_size=1"),
    ("form", "/calculators/price-floor/ (form page)"),
    ("commodity", "/commodities/ndpr-oxide/ (commodity page)"),
    ("pluri_stored", "plurilateral, stored 2024 flows (POST)"),
]
PORT = 8090


def run_locust(
    env: dict[str, str],
    *,
    case: str,
    users: int,
    seconds: int,
    classes: list[str],
    port: int = PORT,
) -> dict[str, dict[str, float]]:
    """One headless locust run; per request name: rps, p50, p95, requests, failures."""
    prefix = Path(tempfile.mkdtemp()) / "run"
    command = [
        str(stack.BIN / "locust"),
        "-f",
        str(ROOT / "bench" / "locustfile.py"),
        "--headless",
        "--host",
        f"http://127.0.0.1:{port}",
        "-u",
        str(users),
        "-r",
        str(users),
        "-t",
        f"{seconds}s",
        "--only-summary",
        "--csv",
        str(prefix),
        "--loglevel",
        "ERROR",
        *classes,
    ]
    subprocess.run(
        command,
        cwd=ROOT,
        env={**env, "LOAD_CASE": case},
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    stats: dict[str, dict[str, float]] = {}
    with open(f"{prefix}_stats.csv", newline="") as file:
        for row in csv.DictReader(file):
            stats[row["Name"]] = {
                "rps": float(row["Requests/s"]),
                "p50": _number(row["50%"]),
                "p95": _number(row["95%"]),
                "requests": float(row["Request Count"]),
                "failures": float(row["Failure Count"]),
            }
    return stats


def _number(text: str) -> float:
    return float("nan") if text in ("", "N/A") else float(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--no-seed", action="store_true")
    parser.add_argument("--port", type=int, default=PORT, help="gunicorn's port")
    parser.add_argument(
        "--paired",
        action="store_true",
        help="measure / before and after each row; the row's ratio is to their mean",
    )
    parser.add_argument(
        "--rows",
        nargs="+",
        choices=[case for case, _ in ROWS],
        help="only these rows (home is always measured, for the ratio), no mix",
    )
    args = parser.parse_args()
    rows = [
        (case, label)
        for case, label in ROWS
        if not args.rows or case == "home" or case in args.rows
    ]
    from instruments.api.querystring import encode_query
    from instruments.calculators import REGISTRY

    example = copy.deepcopy(dict(REGISTRY["price-floor"].example))
    example.pop("reference_price", None)
    env = stack.stack_env(
        database_url=os.environ.get(
            "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/minerals_bench"
        ),
        redis_url=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/4"),
        queue="bench",
        LOAD_FLOOR_EXAMPLE=json.dumps(dict(REGISTRY["price-floor"].example)),
        LOAD_FLOOR_QUERY=encode_query(REGISTRY["price-floor"], example),
    )
    stack.ensure_postgres_database(env["DATABASE_URL"])
    stack.manage(env, "migrate", "--noinput", "-v", "0")
    if not args.no_seed:
        stack.manage(env, "seed")
    if not (ROOT / "staticfiles" / "staticfiles.json").exists():
        stack.manage(
            env, "collectstatic", "--noinput", "-v", "0", *stack.COLLECT_IGNORE
        )
    log_dir = Path(tempfile.mkdtemp())
    port = args.port

    def run(case: str, users: int, seconds: int, classes: list[str]) -> Any:
        return run_locust(
            env, case=case, users=users, seconds=seconds, classes=classes, port=port
        )

    with stack.running_stack(env, ports=[port], gunicorn_workers=2, log_dir=log_dir):
        for case, _ in rows:  # warm every path once (imports, caches)
            run(case, 2, 6, ["CaseUser"])
        runs: list[dict[str, tuple[str, dict[str, float], float]]] = []

        def measure(case: str) -> dict[str, float]:
            # On a loaded machine locust now and then records nothing (it started
            # too late for its time limit): that run is taken again, once.
            for _ in range(2):
                stats = run(case, args.users, args.seconds, ["CaseUser"])
                if stats.get("Aggregated", {}).get("requests", 0) > 0:
                    break
            return stats["Aggregated"]

        for repeat in range(args.repeat):
            # label, stats, and the req/s of / that the row's ratio is taken to
            results: dict[str, tuple[str, dict[str, float], float]] = {}
            if args.paired:
                homes = [measure("home")]
                for case, label in rows[1:]:
                    stats = measure(case)
                    homes.append(measure("home"))
                    around = (homes[-2]["rps"] + homes[-1]["rps"]) / 2
                    results[case] = (label, stats, around)
                middle = sorted(homes, key=lambda h: h["rps"])[len(homes) // 2]
                results = {"home": (rows[0][1], middle, middle["rps"]), **results}
            else:
                for case, label in rows:
                    results[case] = (label, measure(case), 0.0)
                home_rps = results["home"][1]["rps"]
                results = {c: (lb, st, home_rps) for c, (lb, st, _) in results.items()}
            runs.append(results)
            print(
                f"\nRun {repeat + 1}: {args.users} closed-loop clients, {args.seconds} s a row"
                + (", each row between two runs of /" if args.paired else "")
            )
            print(f"| {'request':42} | req/s | ratio to / | p50 ms | p95 ms | errors |")
            print(f"|{'-' * 44}|------:|-----------:|-------:|-------:|-------:|")
            for label, s, home in results.values():
                print(
                    f"| {label:42} | {s['rps']:5.1f} | {s['rps'] / home:10.2f} | "
                    f"{s['p50']:6.0f} | {s['p95']:6.0f} | {s['failures']:6.0f} |"
                )
            if args.rows:
                continue
            light = args.users - 2
            alone = run("light_mix", light, args.seconds, ["CaseUser"])
            mixed = run(
                "light_mix", args.users, args.seconds, ["CaseUser", "HeavyUser"]
            )
            print(
                f"\nLight mix (/, form page, partners), {light} clients; then with 2 more"
            )
            print(
                "clients submitting 100,000 × 120 simulations as jobs and polling them:"
            )
            print(f"| {'request':42} | p95 alone | p95 with jobs | ratio | errors |")
            print(f"|{'-' * 44}|----------:|--------------:|------:|-------:|")
            for name in ("/", "form page", "partners page_size=1"):
                a, m = alone[name], mixed[name]
                print(
                    f"| {name:42} | {a['p95']:9.0f} | {m['p95']:13.0f} | "
                    f"{m['p95'] / a['p95']:5.2f} | {m['failures']:6.0f} |"
                )
            done = mixed.get("heavy: job done", {})
            errors = sum(v["failures"] for k, v in mixed.items() if k != "Aggregated")
            print(
                f"heavy jobs finished: {done.get('requests', 0):.0f}, "
                f"median {done.get('p50', 0) / 1000:.1f} s each; errors in the mix: "
                f"{errors:.0f}"
            )
        if len(runs) > 1:
            print_medians(runs)


def print_medians(runs: list[dict[str, tuple[str, dict[str, float], float]]]) -> None:
    """Each row's median over the runs: req/s, ratio to / (each run's own), p50,
    p95, and the errors of all runs."""
    print(f"\nMedian of {len(runs)} runs (each ratio taken within its run)")
    print(f"| {'request':42} | req/s | ratio to / | p50 ms | p95 ms | errors |")
    print(f"|{'-' * 44}|------:|-----------:|-------:|-------:|-------:|")
    for case, (label, _, _) in runs[0].items():
        rows = [run[case][1] for run in runs]
        ratios = [run[case][1]["rps"] / run[case][2] for run in runs]
        print(
            f"| {label:42} | {statistics.median(r['rps'] for r in rows):5.1f} | "
            f"{statistics.median(ratios):10.2f} | "
            f"{statistics.median(r['p50'] for r in rows):6.0f} | "
            f"{statistics.median(r['p95'] for r in rows):6.0f} | "
            f"{sum(r['failures'] for r in rows):6.0f} |"
        )


if __name__ == "__main__":
    with stack.exit_on_signals():  # Ctrl-C or SIGTERM: the stack stops with it
        main()
