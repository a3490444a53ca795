"""Request ids and structured logs.

Every request gets an id (a caller's ``X-Request-ID`` is kept when it looks like an
id, so a trace can cross the proxy), echoed in the response and on the error page,
and stamped on every log line written while it is handled; Celery tasks stamp
theirs with the task id. Log lines are JSON in production (``LOG_FORMAT=json``) so
a log platform can search by id. Messages never carry names or other personal
data: records are referred to by reference or id.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime

current_request_id: ContextVar[str] = ContextVar("request_id", default="-")
_ACCEPTABLE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
HEADER = "X-Request-ID"


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        offered = request.headers.get(HEADER, "")
        request_id = offered if _ACCEPTABLE.match(offered) else uuid.uuid4().hex
        request.request_id = request_id
        # Not reset on the way out: Django logs a 4xx/5xx after the middleware has
        # returned, and that line should carry the id too. The next request sets its own.
        current_request_id.set(request_id)
        response = self.get_response(request)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id.get()
        return True


def _database_error(exc: BaseException) -> bool:
    from django.db import Error as DjangoDatabaseError

    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a dependency
        return isinstance(exc, DjangoDatabaseError)
    return isinstance(exc, DjangoDatabaseError | psycopg.Error)


def _redacted(exc: BaseException) -> str:
    """A database error named without the values PostgreSQL quotes in it ("Failing
    row contains (…)", "Key (nhs_number)=(…)", a rejected date): its kind, SQLSTATE
    and the constraint, table and column it concerns, which are enough to debug."""
    diag = getattr(exc, "diag", None) or getattr(exc.__cause__, "diag", None)
    parts = [type(exc).__name__]
    sqlstate = getattr(exc, "sqlstate", None) or getattr(exc.__cause__, "sqlstate", None)
    if sqlstate:
        parts.append(f"SQLSTATE {sqlstate}")
    for name in ("constraint_name", "table_name", "column_name"):
        value = getattr(diag, name, None) if diag is not None else None
        if value:
            parts.append(f"{name.removesuffix('_name')} {value}")
    return f"{type(exc).__module__}.{' · '.join(parts)} (values withheld from the log)"


class RedactingFormatter(logging.Formatter):
    """Formats tracebacks as usual, except that database errors lose their message:
    PostgreSQL puts the failing row's values in it, which here are a child's details.
    Frames (file, line, code) are kept; local variables are never printed."""

    def formatException(self, ei) -> str:
        import traceback

        _, exc, tb = ei
        if exc is None or not any(_database_error(e) for e in _chain(exc)):
            return super().formatException(ei)
        lines: list[str] = []
        for link in reversed(_chain(exc)):
            lines.append("Traceback (most recent call last):\n")
            lines.extend(traceback.format_tb(link.__traceback__ if link is not exc else tb))
            if _database_error(link):
                lines.append(_redacted(link) + "\n")
            else:
                lines.extend(traceback.format_exception_only(type(link), link))
        return "".join(lines).rstrip("\n")


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    while exc is not None and exc not in seen:
        seen.append(exc)
        exc = exc.__cause__ or exc.__context__
    return seen


class JsonFormatter(RedactingFormatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry)


def bind_task_id(task_id: str | None) -> None:
    current_request_id.set(f"task-{task_id}" if task_id else "-")
