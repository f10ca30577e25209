"""Keeping secrets out of the server's logs.

Join links carry a secret in their path: `/j/CODE` holds the participant join code or the facilitator key,
and uvicorn's access log writes every request's path and query. `pathweaver serve` puts a filter on every
log handler that replaces such secrets with `[redacted]` before anything is written. Participant tokens
travel in cookies and Authorization headers, which are never logged.
"""

from __future__ import annotations

import copy
import logging
import re
from collections.abc import Mapping
from typing import Any

REDACTED = "[redacted]"
_JOIN_PATH = re.compile(r"(/j/)[^\s/?#\"']+")
# No route takes a secret in its query, but a hand-made link might: never write one to a log either.
_SECRET_QUERY = re.compile(r"([?&](?:code|key|token|secret|password)[^=&\s]*=)[^&#\s\"']*", re.IGNORECASE)


def redact(text: str) -> str:
    """The text with join-link secrets and secret-looking query values replaced by [redacted]."""
    return _SECRET_QUERY.sub(rf"\g<1>{REDACTED}", _JOIN_PATH.sub(rf"\g<1>{REDACTED}", text))


def _redact_value(value: Any) -> Any:
    return redact(value) if isinstance(value, str) else value


class RedactSecrets(logging.Filter):
    """Rewrites a record's message and arguments (uvicorn's access log passes the path as an argument)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_redact_value(a) for a in record.args)
        elif isinstance(record.args, Mapping):
            record.args = {k: _redact_value(v) for k, v in record.args.items()}
        return True


def uvicorn_log_config() -> dict[str, Any]:
    """uvicorn's own logging configuration, with the filter on its handlers (the access log's among them)."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["redact_secrets"] = {"()": RedactSecrets}
    for handler in config["handlers"].values():
        handler.setdefault("filters", []).append("redact_secrets")
    return config


def redact_root_handlers() -> None:
    """The filter on the root logger's handlers too, where the server's own modules log."""
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactSecrets())
