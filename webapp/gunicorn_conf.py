"""gunicorn settings: ``gunicorn -c webapp/gunicorn_conf.py webapp.wsgi``.

- The access log never shows a ``token=`` spreadsheet key (``RedactingLogger``).
- ``timeout`` fits the largest request the app accepts: a calculation at its declared
  limits (``bench/bench_limits.py``) and an admin import at ``IMPORT_MAX_ROWS`` finish
  well inside it; a worker stuck longer is restarted.
"""

from __future__ import annotations

import os
from typing import Any

from gunicorn.glogging import Logger

from webapp.redaction import redact_tokens

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
limit_request_line = 8190  # the largest GET query string a calculator takes
accesslog = "-"


class RedactingLogger(Logger):
    """gunicorn's logger with ``token=`` values replaced in every access-log atom."""

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> Any:
        atoms = super().atoms(resp, req, environ, request_time)
        return {
            key: redact_tokens(value) if isinstance(value, str) else value
            for key, value in atoms.items()
        }


logger_class = RedactingLogger
