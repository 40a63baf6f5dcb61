"""A number that changes whenever the app's code does.

Cached values (results, reads, pages) are pickles of the app's own objects: a
deployment of new code must not read what the old code stored in a shared Redis.
The digest of the Python sources is the cache's key version, so a new release
starts on a clean slate without anyone flushing Redis."""

from __future__ import annotations

import hashlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("instruments", "webapp")


def code_version() -> int:
    digest = hashlib.sha256()
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return int(digest.hexdigest()[:12], 16)
