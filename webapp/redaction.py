"""Keeping API keys out of logs: ``token=`` values in request lines are replaced.

No Django imports: ``LOGGING`` loads this before the apps are ready, and gunicorn's
config (``webapp/gunicorn_conf.py``) imports it too.
"""

from __future__ import annotations

import logging
import re

_TOKEN_IN_URL = re.compile(r"((?:^|[?&;\s\"'])(?:token|key)=)[^&\s\"']*", re.I)


def redact_tokens(text: str) -> str:
    """``…?token=abc&x=1`` → ``…?token=[redacted]&x=1``."""
    return _TOKEN_IN_URL.sub(r"\1[redacted]", text)


class RedactTokensFilter(logging.Filter):
    """Removes ``token=`` values from log records (runserver's django.server and
    gunicorn's access log, which both log the full request line)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact_tokens(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(
                redact_tokens(a) if isinstance(a, str) else a for a in record.args
            )
        elif isinstance(record.args, dict):
            # gunicorn's access log passes a mapping of atoms (r, U, q, …).
            record.args = {
                k: redact_tokens(v) if isinstance(v, str) else v
                for k, v in record.args.items()
            }
        return True
