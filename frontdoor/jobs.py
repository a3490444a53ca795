"""Uploaded files worked through by the worker as kept jobs: the outcomes import's
pattern (docs/adr/0020), shared with the police import (docs/adr/0040).

The file is kept on a job row before anything else happens; the task takes the row's
id only. A job is queued once its upload commits (``job_queue``), marked "not queued"
while the broker cannot take it; a run claims it with a conditional update
(``job_claim``), so two runs never work one file; and ``jobs_sweep`` queues again
what the broker never took or a killed worker left half done. The model needs
``status``, ``uploaded_at``, ``started_at`` and ``not_queued``; with ``attempts`` too,
each claim is counted and a job whose run was lost JOBS_MAX_ATTEMPTS times (a file
that kills the worker every time) is given up (``jobs_sweep``'s ``give_up``), not
queued for ever."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import F
from django.utils import timezone

from frontdoor.dispatch import dispatch

# A job waiting this long was not picked up (broker down, or its message lost).
WAITING_TOO_LONG = timedelta(minutes=2)


def job_queue(model: type[models.Model], job: models.Model, task_name: str) -> None:
    """Queue ``task_name`` for the job (by id) once the upload commits. If the broker
    cannot be reached the job stays kept and marked, and the sweeper queues it later."""

    def mark(sent: bool) -> None:
        if sent:
            model.objects.filter(pk=job.pk, not_queued=True).update(not_queued=False)
        else:
            model.objects.filter(pk=job.pk).update(not_queued=True)
        job.not_queued = not sent

    dispatch(task_name, job.pk, then=mark)


def job_claim(
    model: type[models.Model], job_id: int, *, waiting: str, working: str, **also
) -> bool:
    """Take a waiting job for this run (False: another run has it, or it is done),
    counting the attempt where the model keeps ``attempts``."""
    if _counts_attempts(model):
        also = {"attempts": F("attempts") + 1, **also}
    return bool(
        model.objects.filter(pk=job_id, status=waiting).update(
            status=working, started_at=timezone.now(), not_queued=False, **also
        )
    )


def _counts_attempts(model: type[models.Model]) -> bool:
    return any(f.name == "attempts" for f in model._meta.get_fields())


def jobs_sweep(
    model: type[models.Model],
    task_name: str,
    *,
    waiting: str,
    working: Iterable[str],
    time_limit: int,
    now: datetime | None = None,
    give_up: Callable[[int], None] | None = None,
) -> list[int]:
    """Queue jobs left waiting (the broker was down, the message lost) or lost mid-run
    (the worker killed): their file is still kept, and running a job again is safe. A
    lost job already claimed JOBS_MAX_ATTEMPTS times is handed to ``give_up`` (by id:
    it marks the job failed, says why and empties its file) instead."""
    now = now or timezone.now()
    lost = model.objects.filter(
        status__in=list(working), started_at__lt=now - timedelta(seconds=time_limit + 60)
    )
    if give_up is not None and _counts_attempts(model):
        for job_id in lost.filter(attempts__gte=settings.JOBS_MAX_ATTEMPTS).values_list(
            "pk", flat=True
        ):
            give_up(job_id)
    lost.update(status=waiting)  # read again: those given up are no longer working
    stale = list(
        model.objects.filter(status=waiting, uploaded_at__lt=now - WAITING_TOO_LONG).only(
            "pk", "not_queued"
        )
    )
    for job in stale:
        job_queue(model, job, task_name)
    return [job.pk for job in stale]
