"""Background work for referrals."""

import logging

from celery import shared_task

from referrals import services

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
