"""``make serve-prod`` (bench/stack.py) stopped with SIGTERM or Ctrl-C stops every
process it started: gunicorn and the Celery worker run in sessions of their own, so
no signal to the stack's own process reaches them by itself."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.stack_fixtures import REDIS_URL, free_port, needs_redis

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import stack

ROOT = Path(__file__).resolve().parents[1]


def descendants(root: int) -> set[int]:
    """Every live process below ``root`` (by their parents, from /proc)."""
    children: dict[int, list[int]] = {}
    for pid in stack.running_pids():
        fields = stack._stat_fields(pid)
        if fields:
            children.setdefault(int(fields[1]), []).append(pid)
    found: set[int] = set()
    todo = [root]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def alive(pids: set[int]) -> set[int]:
    return {pid for pid in pids if stack.process_state(pid) not in ("", "Z")}


def wait_for_output(process: subprocess.Popen[str], text: str, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    seen = []
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line and process.poll() is not None:
            break
        seen.append(line)
        if text in line:
            return "".join(seen)
    raise AssertionError(f"{text!r} not printed in {timeout} s: {''.join(seen)}")


@needs_redis
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_to_the_stack_stops_every_process_it_started(tmp_path, signum):
    name = f"stops_{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'stack.sqlite3'}",
        "REDIS_URL": REDIS_URL,
        "DJANGO_STATIC_MANIFEST": "false",  # no collectstatic for the test
        "CACHE_KEY_PREFIX": name,
        "TMPDIR": str(tmp_path),  # the processes' logs
    }
    port = free_port()
    process = subprocess.Popen(
        [
            str(stack.BIN / "python"),
            "bench/stack.py",
            "--ports",
            str(port),
            "--gunicorn-workers",
            "2",
            "--queue",
            f"test-{name}",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_for_output(process, "serving", timeout=240)
        started = descendants(process.pid)
        # gunicorn's master and 2 workers, the Celery worker and its pool child
        assert len(started) >= 5, started
        process.send_signal(signum)
        output, _ = process.communicate(timeout=60)
        assert "every process of the stack has ended" in output
        assert process.returncode == 128 + signum
        deadline = time.monotonic() + 5
        while alive(started) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert alive(started) == set()
    finally:
        if process.poll() is None:
            process.kill()
        for pid in alive(descendants(process.pid)):
            os.kill(pid, signal.SIGKILL)


def test_stop_all_kills_a_group_that_ignores_sigterm(tmp_path):
    """A child that ignores SIGTERM, and its own child, are killed after the wait."""
    script = "trap '' TERM; sleep 300 & sleep 300 & wait"
    process = subprocess.Popen(["sh", "-c", script], start_new_session=True)
    time.sleep(0.5)
    group = {pid for pid in stack.running_pids() if stack.pgid_of(pid) == process.pid}
    assert len(group) == 3, group
    started = time.monotonic()
    stack.stop_all([process], timeout=1.0)
    assert time.monotonic() - started < 20
    assert alive(group) == set()
    assert not stack.group_alive(process.pid)
