"""A force's CSV file of police notifications as a kept job (docs/adr/0040), the way
the outcomes import keeps its files (``frontdoor.jobs``): checked as a whole while the
uploader waits (a file that cannot be read is refused at once, nothing kept), then
kept on a ``PoliceImport`` row sealed under DOCUMENT_KEYS, and imported by the worker
(or at once, when small) a chunk at a time. Each chunk's notifications, its rows of
the report and the job's place in the file are committed together, so a worker killed
mid-file loses nothing and a run taken over starts where the last one stopped.

When the import is done its uploader gets one email: what became of the file, and a
link to its report. The notifications themselves send no acknowledgement each."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from frontdoor import file_crypto, jobs
from frontdoor.dispatch import dispatch
from frontdoor.limits import in_megabytes
from frontdoor.models import User
from frontdoor.selectors import can_record_police
from referrals.models import PoliceImport, PoliceImportRow
from referrals.services.police_import import (
    CHUNK,
    ImportFileRefused,
    PoliceImportReport,
    file_rows,
    import_chunk,
)

logger = logging.getLogger(__name__)
Status = PoliceImport.Status
Outcome = PoliceImportRow.Outcome
IMPORT_RUN = "referrals.tasks.police_import_task"
SUMMARY_SEND = "referrals.tasks.police_import_summary"
# The worker's limit for one file; a job still importing after this was lost.
TASK_TIME_LIMIT = 1800
# A summary the broker did not take is queued again by the sweep until this old.
SUMMARY_TRIED_FOR = timedelta(days=1)
# A run sending the summary holds it this long (far longer than the mail server's
# timeout); a claim older than this was a run lost mid-send, and the sweep takes over.
SUMMARY_CLAIM_EXPIRES = timedelta(minutes=10)


def police_import_start(*, actor: User, data: bytes) -> PoliceImport:
    """Keep an uploaded file as a job, then import it now (small) or queue it; raises
    ``ImportFileRefused`` for a file that cannot be read at all (nothing kept)."""
    job = police_import_keep(actor=actor, data=data)
    if job.rows_total <= settings.POLICE_IMPORT_INLINE_ROWS:
        return police_import_run(import_id=job.pk)
    police_import_queue(job=job)
    return job


def police_import_keep(*, actor: User, data: bytes) -> PoliceImport:
    """A file checked as a whole and kept, sealed, as a job waiting to be imported."""
    if not can_record_police(actor):
        raise ImportFileRefused("Only police staff can import police notifications")
    if len(data) > settings.POLICE_IMPORT_MAX_BYTES:
        raise ImportFileRefused(
            f"The file must be smaller than {in_megabytes(settings.POLICE_IMPORT_MAX_BYTES)}"
        )
    rows = file_rows(data)
    return PoliceImport.objects.create(
        uploaded_by=actor,
        force_id=actor.agency_id,
        sealed_file=file_crypto.encrypt(data),
        rows_total=len(rows),
    )


def police_import_queue(*, job: PoliceImport) -> None:
    """Queue the import (by id) once the upload commits; the sweeper queues it again if
    the broker cannot take it now."""
    jobs.job_queue(PoliceImport, job, IMPORT_RUN)


def _rows_of(job: PoliceImport, report: PoliceImportReport) -> list[PoliceImportRow]:
    changed = {entry[0]: entry[3] for entry in report.changed}
    rows = [
        PoliceImportRow(
            job=job, number=n, outcome=Outcome.RECORDED, police_reference=ref, contact_reference=c
        )
        for n, ref, c in report.created
    ]
    rows += [
        PoliceImportRow(
            job=job,
            number=n,
            outcome=Outcome.CHANGED if n in changed else Outcome.RESENT,
            police_reference=ref,
            contact_reference=c,
            message=changed.get(n, ""),
        )
        for n, ref, c in report.resent
    ]
    rows += [
        PoliceImportRow(job=job, number=n, outcome=Outcome.REFUSED, column=column, message=why)
        for n, column, why in report.errors
    ]
    return sorted(rows, key=lambda row: row.number)


def police_import_run(*, import_id: int) -> PoliceImport:
    """Import a waiting job's file from where it stands; safe to run twice (only one
    run claims it). The file is emptied once every row is dealt with."""
    claimed = jobs.job_claim(
        PoliceImport, import_id, waiting=Status.QUEUED, working=Status.IMPORTING
    )
    job = PoliceImport.objects.select_related("uploaded_by", "force").get(pk=import_id)
    if not claimed:
        return job
    try:
        rows = file_rows(file_crypto.decrypt(bytes(job.sealed_file)))
    except (ImportFileRefused, file_crypto.InvalidToken) as refused:
        # Checked at upload, so only a key removed before the worker got to it.
        problem = (
            str(refused)
            if isinstance(refused, ImportFileRefused)
            else ("The file could not be opened (its key was removed): upload it again")
        )
        return _finish(job, Status.FAILED, problem=problem)
    for start in range(job.rows_done, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        try:
            _import(job, chunk, done=start + len(chunk))
        except Exception:
            # Not a row's fault (each row's is reported): the rows before are kept.
            logger.exception("Police import %s stopped with an error", job.pk)
            job.refresh_from_db()
            return _finish(
                job,
                Status.FAILED,
                problem=f"The import stopped with an error at row {chunk[0][0]:,}: the rows "
                "before it are recorded. Import the file again: those are recognised as "
                "already sent",
            )
    job.refresh_from_db()
    return _finish(job, Status.IMPORTED)


@transaction.atomic
def _import(job: PoliceImport, chunk: list[tuple[int, dict]], *, done: int) -> None:
    """One chunk's notifications, its rows of the report and the job's place in the
    file, committed together."""
    report = import_chunk(actor=job.uploaded_by, force=job.force, rows=chunk)
    PoliceImportRow.objects.bulk_create(_rows_of(job, report))
    PoliceImport.objects.filter(pk=job.pk).update(
        rows_done=done,
        recorded=F("recorded") + len(report.created),
        resent=F("resent") + len(report.resent),
        changed=F("changed") + len(report.changed),
        refused=F("refused") + len(report.errors),
    )


def _finish(job: PoliceImport, status: str, *, problem: str = "") -> PoliceImport:
    with transaction.atomic():
        job.status, job.problem = status, problem
        job.sealed_file = b""  # the file holds children's details; the report is what stays
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "problem", "sealed_file", "finished_at"])
        dispatch(SUMMARY_SEND, job.pk)
    return job


def summary_text(job: PoliceImport) -> tuple[str, str]:
    """The uploader's one email about their file: counts and a link, no one's details."""
    when = timezone.localtime(job.uploaded_at).strftime("%-d %B %Y at %H:%M")
    link = settings.SERVICE_BASE_URL + reverse("referrals:police-import-job", args=[job.pk])
    subject = f"{settings.SERVICE_NAME}: your police notifications file is imported"
    outcome = (
        f"{job.recorded:,} recorded, {job.resent:,} already sent ({job.changed:,} of them "
        f"different), {job.refused:,} not imported."
    )
    if job.status == Status.FAILED:
        subject = f"{settings.SERVICE_NAME}: your police notifications file was not finished"
        outcome = f"{job.problem}.\n\nSo far: {outcome}"
    body = (
        f"The file of police notifications you uploaded on {when} ({job.rows_total:,} "
        f"rows) has been dealt with.\n\n{outcome}\n\n"
        f"The report says what became of each row, and why any was not imported:\n{link}\n"
    )
    return subject, body


def _summary_unclaimed(now: datetime) -> Q:
    """Not sent, and no run sending it now (never claimed, or the claim expired)."""
    return Q(summary_sent_at__isnull=True) & (
        Q(summary_claimed_at__isnull=True) | Q(summary_claimed_at__lt=now - SUMMARY_CLAIM_EXPIRES)
    )


def police_import_summary_send(*, import_id: int, now: datetime | None = None) -> bool:
    """Email the uploader the one summary of their finished import; False if it was
    sent already (or another run is sending it). Claimed first, marked sent after, as
    the outbox does: a run lost between leaves a claim that expires, and the sweep
    sends it then."""
    now = now or timezone.now()
    claimed = (
        PoliceImport.objects.filter(pk=import_id, status__in=PoliceImport.FINISHED)
        .filter(_summary_unclaimed(now))
        .update(summary_claimed_at=now)
    )
    if not claimed:
        return False
    job = PoliceImport.objects.select_related("uploaded_by").get(pk=import_id)
    subject, body = summary_text(job)
    try:
        send_mail(subject, body, None, [job.uploaded_by.email])
    except Exception:
        # Not sent: the sweep tries again.
        PoliceImport.objects.filter(pk=import_id).update(summary_claimed_at=None)
        raise
    PoliceImport.objects.filter(pk=import_id).update(summary_sent_at=timezone.now())
    return True


def police_imports_sweep(*, now: datetime | None = None) -> list[int]:
    """Queue imports left waiting or lost mid-run, and summaries the broker did not
    take; remove the report by row of imports finished ``POLICE_IMPORT_REPORT_DAYS``
    ago (the counts stay)."""
    now = now or timezone.now()
    queued = jobs.jobs_sweep(
        PoliceImport,
        IMPORT_RUN,
        waiting=Status.QUEUED,
        working=[Status.IMPORTING],
        time_limit=TASK_TIME_LIMIT,
        now=now,
        give_up=_give_up,
    )
    for job_id in PoliceImport.objects.filter(
        _summary_unclaimed(now),
        status__in=PoliceImport.FINISHED,
        finished_at__lt=now - jobs.WAITING_TOO_LONG,
        finished_at__gt=now - SUMMARY_TRIED_FOR,
    ).values_list("pk", flat=True):
        dispatch(SUMMARY_SEND, job_id)
    PoliceImportRow.objects.filter(
        job__finished_at__lt=now - timedelta(days=settings.POLICE_IMPORT_REPORT_DAYS)
    ).delete()
    return queued


def _give_up(import_id: int) -> None:
    """A job whose run was lost JOBS_MAX_ATTEMPTS times: failed, saying so, its file
    emptied (the rows already done stay recorded), and its uploader told."""
    with transaction.atomic():
        job = (
            PoliceImport.objects.select_for_update()
            .select_related("uploaded_by", "force")
            .filter(pk=import_id, status=Status.IMPORTING)
            .first()
        )
        if job is None:
            return
        logger.warning("Police import %s given up after %s lost runs", job.pk, job.attempts)
        _finish(
            job,
            Status.FAILED,
            problem=f"The import stopped {job.attempts} times before the end of the file, "
            f"after {job.rows_done:,} of its {job.rows_total:,} rows, and was given up: those "
            "rows are recorded. Split the rest into a smaller file and import that",
        )


def police_imports_reseal() -> int:
    """Seal the files still waiting again under the newest key (``DOCUMENT_KEYS_ROTATED``,
    after ``documents_rekey``), so the old key can be removed."""
    done = 0
    for job in PoliceImport.objects.exclude(sealed_file=b"").only("pk", "sealed_file"):
        try:
            sealed = file_crypto.rotate(bytes(job.sealed_file))
        except file_crypto.InvalidToken:
            continue
        PoliceImport.objects.filter(pk=job.pk).exclude(sealed_file=b"").update(sealed_file=sealed)
        done += 1
    return done
