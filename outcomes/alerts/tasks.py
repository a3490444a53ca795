"""Background work for alerts: ids only, each safe to run twice (registered through
outcomes/tasks.py, which the worker discovers)."""

from celery import shared_task

from outcomes import outbox
from outcomes.alerts import delivery, scan


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=8,
    time_limit=outbox.DELIVERY_TIME_LIMIT,
    soft_time_limit=outbox.DELIVERY_SOFT_TIME_LIMIT,
)
def alert_deliver(self, alert_id: int) -> str:
    try:
        return delivery.alert_deliver(alert_id=alert_id)
    except delivery.AlertTemporaryFailure as failure:
        # The outbox's one backoff; the sweep is the backstop.
        delay = outbox.retry_in(self.request.retries + 1).total_seconds()
        raise self.retry(exc=failure, countdown=delay) from failure


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=8,
    time_limit=outbox.DELIVERY_TIME_LIMIT,
    soft_time_limit=outbox.DELIVERY_SOFT_TIME_LIMIT,
)
def alert_digest_deliver(self, digest_id: int) -> str:
    try:
        return delivery.alert_digest_deliver(digest_id=digest_id)
    except delivery.AlertTemporaryFailure as failure:
        delay = outbox.retry_in(self.request.retries + 1).total_seconds()
        raise self.retry(exc=failure, countdown=delay) from failure


@shared_task(acks_late=True, time_limit=120, soft_time_limit=100)
def alerts_scan() -> int:
    """Each minute: write the alerts time calls for (overdue checks, approvals waiting,
    immediate risk not taken, clocks run out). Returns how many alerts were written."""
    return scan.alerts_scan()


@shared_task(acks_late=True, time_limit=120, soft_time_limit=100)
def alerts_sweep() -> int:
    """Each minute, on its own beat entry (a scan that fails never stops it): queue
    again the emails left behind and those whose retry is due. Returns how many."""
    return len(delivery.alerts_sweep())


@shared_task(acks_late=True, time_limit=300, soft_time_limit=270)
def alert_digests_due() -> int:
    """Every five minutes: at or after ALERTS_DIGEST_TIME (London), make and queue the
    day's digests not yet made. Returns how many were made."""
    return len(delivery.digests_due())
