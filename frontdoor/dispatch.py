"""Handing background work to the worker: by task name, after commit, one failure policy.

Services queue work through ``dispatch`` and never import a tasks module, so the
only imports run one way (tasks import services). The work itself is always recorded
first, in the caller's transaction: a row waiting in its first state (a notice
"pending", an import "queued", an export "being checked", a run "approved"). The
message to the broker only says "look at row N now". So a broker that cannot be
reached loses nothing: the failure is logged (task name and ids, never what the row
holds), nobody sees an error, and the app's sweeper (``CELERY_BEAT_SCHEDULE``) queues
whatever is still waiting once a grace period has passed. docs/adr/0020 says more.

Work with nothing recorded to sweep (a recount asked for, an email about a change that
is recorded elsewhere) uses ``send`` and tells the person when it returns False.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q, QuerySet

from frontdoor.celery import app

logger = logging.getLogger(__name__)

TaskArgument = int | str


def send(task_name: str, *args: TaskArgument) -> bool:
    """Queue ``task_name`` now; False (and a log line) when the broker cannot take it."""
    try:
        # Nobody waits on the result: the row records what the task did.
        app.send_task(task_name, args=list(args), ignore_result=True)
    except Exception as error:  # kombu's OperationalError, a socket error, a timeout…
        logger.warning(
            "Could not queue %s%r (%s); it stays recorded for the sweeper",
            task_name,
            tuple(args),
            type(error).__name__,
        )
        return False
    return True


def dispatch(
    task_name: str, *args: TaskArgument, then: Callable[[bool], None] | None = None
) -> None:
    """Queue ``task_name`` once the current transaction commits (at once outside one).

    Arguments are ids (or keys such as a period), never personal data. ``then`` is
    called with whether the broker took the message, for a row that shows the person
    "not queued yet"; the failure is never raised.
    """

    def after_commit() -> None:
        sent = send(task_name, *args)
        if then is not None:
            then(sent)

    # Robust: the change has committed, so a failure in ``then`` is logged, never a 500.
    transaction.on_commit(after_commit, robust=True)


def waiting_ids(rows: QuerySet, *, queued_at: str, time_limit: int, now: datetime) -> list[int]:
    """The sweepers' one rule for rows waiting on a task: the broker never took the
    message (``queued_at`` empty), or the run was lost (still waiting a minute past the
    task's time limit since it was queued or, where the task restarts the clock, taken)."""
    lost = now - timedelta(seconds=time_limit + 60)
    never_sent = Q(**{f"{queued_at}__isnull": True})
    return list(
        rows.filter(never_sent | Q(**{f"{queued_at}__lt": lost})).values_list("pk", flat=True)
    )
