"""Background work for referrals."""

import logging

from celery import shared_task

from referrals import services
from referrals.services import police_import_jobs

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, time_limit=120, soft_time_limit=90)
def restrictions_review_due() -> int:
    """Count restrictions due for review (managers see them on their home page and the
    restricted-records page); logs the number only, never which records."""
    due = services.restrictions_due_count()
    if due:
        logger.warning("%d record restrictions are due for review", due)
    return due


@shared_task(acks_late=True, time_limit=600, soft_time_limit=540)
def documents_scan_quarantined() -> dict[str, int]:
    """Scan the documents held because clamd could not be asked (docs/adr/0032)."""
    counts = services.documents_scan_quarantined()
    if counts["still_held"]:
        logger.warning("%d documents are held until clamd answers", counts["still_held"])
    return counts


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=police_import_jobs.TASK_TIME_LIMIT,
    soft_time_limit=police_import_jobs.TASK_TIME_LIMIT - 100,
)
def police_import_task(import_id: int) -> str:
    """Import an uploaded police notifications file (by id; the file stays sealed in the
    database until every row is dealt with)."""
    return police_import_jobs.police_import_run(import_id=import_id).status


@shared_task(bind=True, acks_late=True, max_retries=6, default_retry_delay=300)
def police_import_summary(self, import_id: int) -> bool:
    """The uploader's one email about their finished import (by id)."""
    try:
        return police_import_jobs.police_import_summary_send(import_id=import_id)
    except OSError as failure:  # the mail server: smtplib's errors are OSErrors
        raise self.retry(exc=failure) from failure


@shared_task(acks_late=True, time_limit=120, soft_time_limit=90)
def police_imports_sweep() -> int:
    """Imports the broker did not take or a killed worker lost, summaries not sent, and
    reports past their time."""
    return len(police_import_jobs.police_imports_sweep())
