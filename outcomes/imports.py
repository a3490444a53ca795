"""The outcomes CSV import as a kept job: upload, check, apply, report by row.

The file is stored on an ``OutcomeImport`` row before anything else happens, so a
broker or worker outage loses nothing: the task takes the row's id only, and a
sweeper queues any job a lost task or an unreachable broker left waiting (the kept
job's machinery is ``frontdoor.jobs``, shared with the police import). Small
files (``OUTCOMES_IMPORT_INLINE_ROWS``) are checked while the person waits, since
that takes under a second and needs no worker; larger ones run in the worker and the
page shows how far the check has gone. The rules are ``downstream``'s, unchanged:
every row checked first, nothing saved if any is wrong, a re-import adds nothing twice.
"""

from __future__ import annotations

import csv
import io
import logging
from datetime import datetime

from django.utils import timezone

from frontdoor import jobs
from frontdoor.limits import in_megabytes, limits
from frontdoor.models import User
from frontdoor.roles import Permission
from outcomes import downstream
from outcomes.models import OutcomeImport

logger = logging.getLogger(__name__)
Status = OutcomeImport.Status
IMPORT_RUN = "outcomes.tasks.outcome_import_task"
# The worker's limits for one import; a job still running after this was lost.
TASK_TIME_LIMIT = 1800
# A job waiting this long was not picked up (broker down, or its message lost).
WAITING_TOO_LONG = jobs.WAITING_TOO_LONG


class ImportRefused(Exception):
    pass


def _data_rows(text: str) -> int:
    """Rows after the header, counted as the import reads them (blank lines skipped).
    A file the csv module cannot read is counted up to the fault; the check reports it."""
    count = 0
    try:
        for row in csv.reader(io.StringIO(text, newline="")):
            count += bool(row)
    except csv.Error:
        pass
    return max(count - 1, 0)


def outcome_import_start(*, actor: User, data: bytes) -> OutcomeImport:
    """Keep an uploaded file as a job, then check it now (small) or queue it (large)."""
    if not actor.has_perm(Permission.RECORD_OUTCOMES.perm):
        raise ImportRefused("Your role does not allow recording outcomes")
    current = limits()
    if len(data) > current.import_bytes:
        raise ImportRefused(f"The file must be smaller than {in_megabytes(current.import_bytes)}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused("The file must be a CSV saved as UTF-8") from None
    if "\x00" in text:
        # PostgreSQL text cannot hold NUL, so such a file cannot even be kept; a
        # spreadsheet saved as CSV never has one (the file is damaged or not a CSV).
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ImportRefused(
            f"Line {line:,} has a null character: save the file again as CSV (UTF-8)"
        )
    if not text.strip():
        raise ImportRefused("The file is empty: choose a CSV file with a header row and events")
    rows = _data_rows(text)
    if rows > current.import_rows:
        raise ImportRefused(
            f"The file has {rows:,} rows: import at most {current.import_rows:,} rows at a "
            "time (split it into smaller files)"
        )
    job = OutcomeImport.objects.create(uploaded_by=actor, content=text, rows_total=rows)
    if rows <= current.import_inline_rows:
        return outcome_import_run(import_id=job.pk)
    outcome_import_queue(job=job)
    return job


def outcome_import_queue(*, job: OutcomeImport) -> None:
    """Queue the check (by id) once the upload commits. If the broker cannot be reached
    the job stays kept and marked, and the sweeper queues it once the broker is back."""
    jobs.job_queue(OutcomeImport, job, IMPORT_RUN)


def outcome_import_run(*, import_id: int) -> OutcomeImport:
    """Check and apply a waiting job; safe to run twice (only one run claims it)."""
    claimed = jobs.job_claim(
        OutcomeImport, import_id, waiting=Status.QUEUED, working=Status.CHECKING, rows_checked=0
    )
    job = OutcomeImport.objects.select_related("uploaded_by").get(pk=import_id)
    if not claimed:
        return job

    def progress(stage: str, done: int) -> None:
        status = Status.SAVING if stage == "saving" else Status.CHECKING
        OutcomeImport.objects.filter(pk=job.pk).update(status=status, rows_checked=done)

    try:
        report = downstream.outcome_events_import(
            actor=job.uploaded_by, file_text=job.content, progress=progress
        )
    except Exception:
        # Saving is all-or-nothing, so nothing of this file was kept: say so.
        logger.exception("Outcomes import %s stopped with an error", job.pk)
        report = downstream.ImportReport(
            errors=[(0, "The check stopped with an error; nothing was imported. Try again.")]
        )
    job.status = Status.REJECTED if report.errors else Status.IMPORTED
    job.created, job.unchanged = report.created, report.unchanged
    job.errors = [[row, message] for row, message in report.errors[: OutcomeImport.ERRORS_KEPT]]
    job.error_count = len(report.errors)
    job.rows_checked = job.rows_total
    job.content = ""  # the file holds children's details; the report is what stays
    job.finished_at = timezone.now()
    job.save()
    return job


def outcome_imports_sweep(*, now: datetime | None = None) -> list[int]:
    """Queue jobs left waiting (broker was down, message lost) or lost mid-run (worker
    killed): their file is still kept, and running a job again is safe."""
    return jobs.jobs_sweep(
        OutcomeImport,
        IMPORT_RUN,
        waiting=Status.QUEUED,
        working=[Status.CHECKING, Status.SAVING],
        time_limit=TASK_TIME_LIMIT,
        now=now,
    )
