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


class JsonFormatter(logging.Formatter):
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
