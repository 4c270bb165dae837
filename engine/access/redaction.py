"""No BSN in any log line: every log record is redacted when it is made.

A log record factory replaces BSN-shaped numbers (nine digits on their own) by `[bsn]` in the
message, its arguments and a formatted traceback, and drops the query string of search addresses
(`/?q=…`, `/api/cases?q=…`, `/api/tasks?q=…`) and of the OpenID Connect callback (its code and
state), whatever logger writes it (uvicorn's access and error logs, SQLAlchemy, the app). SQL
parameters are hidden at the source (`hide_parameters=True`).
"""

from __future__ import annotations

import logging
import re
import traceback

BSN_SHAPED = re.compile(r"(?<!\d)\d{9}(?!\d)")
SEARCH_PATHS = frozenset({"/", "/api/cases", "/api/tasks", "/zoeken", "/api/cases/search", "/api/tasks/search",
                          "/login/oidc/callback"})
"""Paths whose query strings never reach a log: searches, and the OpenID Connect callback (its code)."""
MARK = "[bsn]"
_PLAIN = (str, bytes, int, float, bool, type(None))
_installed = False


def redact_text(text: str) -> str:
    """Return `text` with BSN-shaped numbers replaced and search query strings dropped."""
    text = BSN_SHAPED.sub(MARK, text)
    return re.sub(r"(\S*?)\?(\S*)", _drop_search_query, text)


def _drop_search_query(match: re.Match) -> str:
    path = match.group(1)
    bare = path.split("://", 1)[-1]
    bare = bare[bare.find("/"):] if "://" in path and "/" in bare else bare
    return f"{path}?[weggelaten]" if bare.split('"')[-1] in SEARCH_PATHS else match.group(0)


def _redact_value(value):
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, bytes):
        return redact_text(value.decode("utf-8", "replace"))
    if isinstance(value, int) and not isinstance(value, bool) and 100_000_000 <= abs(value) <= 999_999_999:
        return MARK
    return value


def install() -> None:
    """Make every log record of this process redacted (idempotent)."""
    global _installed
    if _installed:
        return
    _installed = True
    previous = logging.getLogRecordFactory()

    def factory(*args, **kwargs):
        record = previous(*args, **kwargs)
        values = record.args.values() if isinstance(record.args, dict) else (record.args or ())
        if all(isinstance(v, _PLAIN) for v in values):
            # Keep the arguments (uvicorn's access formatter reads them one by one), each redacted.
            if isinstance(record.msg, str):
                record.msg = redact_text(record.msg)
            if isinstance(record.args, tuple):
                record.args = tuple(_redact_value(a) for a in record.args)
            elif isinstance(record.args, dict):
                record.args = {k: _redact_value(v) for k, v in record.args.items()}
        else:
            # An object argument (a result row, a statement): format now, then redact the text.
            try:
                text = record.getMessage()
            except Exception:  # a broken log call must not break the caller
                text = str(record.msg)
            record.msg, record.args = redact_text(text), ()
        if record.exc_info and record.exc_info[0] is not None:
            record.exc_text = redact_text("".join(traceback.format_exception(*record.exc_info)).rstrip("\n"))
        return record

    logging.setLogRecordFactory(factory)
