"""Background work for outcomes. Tasks take ids (or a period key), never personal data,
and call services; services queue them by name through ``frontdoor.dispatch`` and never
import this module, so the imports run one way."""

from celery import shared_task

from outcomes import imports, letters, outbox, retention, services
from outcomes.alerts import tasks as alert_tasks  # noqa: F401  (registers the alerts' tasks)
from outcomes.encompass import notices as encompass_notices
from outcomes.handoff import delivery as webhook_delivery
from outcomes.returns import services as returns_services
from outcomes.scorecard import services as scorecard_services
from outcomes.scorecard import services_months as scorecard_months
from outcomes.scorecard.periods import Period


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=8,
    time_limit=outbox.DELIVERY_TIME_LIMIT,
    soft_time_limit=outbox.DELIVERY_SOFT_TIME_LIMIT,
)
def notice_deliver(self, notice_id: int) -> str:
    try:
        return services.notice_deliver(notice_id=notice_id)
    except services.TemporaryDeliveryFailure as failure:
        # The outbox's one backoff; the sweeper is the backstop.
        delay = outbox.retry_in(self.request.retries + 1).total_seconds()
        raise self.retry(exc=failure, countdown=delay) from failure


@shared_task(acks_late=True, time_limit=60, soft_time_limit=45)
def notices_deliver(*notice_ids: int) -> int:
    """Many notices queued by one transaction (bulk triage): a delivery task each."""
    return services.notices_deliver_queue(notice_ids=list(notice_ids))


@shared_task(acks_late=True, time_limit=120, soft_time_limit=90)
def notices_sweep() -> int:
    # Schools' notices held over a holiday join the outbox when their time comes.
    return len(encompass_notices.releases_due()) + len(services.notices_sweep())


@shared_task(acks_late=True, time_limit=120, soft_time_limit=90)
def waiting_work_sweep() -> int:
    """Queue again the work the broker did not take (it was down) or a worker lost:
    uploaded outcomes files, census checks and approved erasures. Notices have their
    own sweep, which also retries temporary delivery failures."""
    return (
        len(imports.outcome_imports_sweep())
        + len(returns_services.census_checks_sweep())
        + len(retention.retention_erasures_sweep())
    )


@shared_task(acks_late=True, time_limit=120, soft_time_limit=90)
def print_batch_gather() -> int | None:
    """Put the letters waiting into today's print batches, at most PRINT_BATCH_MAX_LETTERS
    each (hourly; safe to run again). Returns the day's last batch."""
    batch = letters.print_batch_gather()
    return batch.pk if batch else None


@shared_task(acks_late=True, time_limit=600, soft_time_limit=540)
def retention_review() -> int:
    """Propose contacts past their retention period for a manager to approve."""
    return len(retention.retention_review())


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=retention.ERASE_TIME_LIMIT,
    soft_time_limit=retention.ERASE_TIME_LIMIT - 100,
)
def retention_erase_task(run_id: int) -> int:
    return retention.retention_erase(run_id=run_id)


@shared_task(acks_late=True, time_limit=3600, soft_time_limit=3300)
def scorecard_snapshots_take() -> int:
    """Overnight: count this and the last month, quarter and year, and keep them."""
    return len(scorecard_services.snapshots_take_due())


@shared_task(acks_late=True, time_limit=3600, soft_time_limit=3300)
def scorecard_months_keep() -> int:
    """Keep closed months not kept yet, or changed since (docs/adr/0049)."""
    return scorecard_months.months_keep_due()


@shared_task(acks_late=True, time_limit=1800, soft_time_limit=1700)
def scorecard_snapshot_take(period_key: str) -> int:
    """Count one period again now, when someone asks for a recount."""
    return scorecard_services.snapshot_take(period=Period.parse(period_key)).pk


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=returns_services.CHECK_TIME_LIMIT,
    soft_time_limit=returns_services.CHECK_TIME_LIMIT - 100,
)
def census_export_check_task(export_id: int) -> str:
    """Run the DfE census rules over a kept export (by id; the file stays in the database)."""
    return returns_services.census_export_check(export_id=export_id).status


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=imports.TASK_TIME_LIMIT,
    soft_time_limit=imports.TASK_TIME_LIMIT - 100,
)
def outcome_import_task(import_id: int) -> str:
    """Check and apply an uploaded outcomes CSV (by id; the file stays in the database)."""
    return imports.outcome_import_run(import_id=import_id).status


@shared_task(acks_late=True, time_limit=120, soft_time_limit=100)
def webhook_endpoint_drain(endpoint_id: int) -> int:
    """Send an endpoint's waiting events (by id: the events stay in the database).
    Killed part-way, it loses nothing: what was not marked delivered is sent again."""
    return webhook_delivery.endpoint_drain(endpoint_id=endpoint_id).delivered


@shared_task(acks_late=True, time_limit=60, soft_time_limit=50)
def webhooks_sweep() -> int:
    """Every 30 seconds: feed positions left ungiven, and senders for due deliveries."""
    return len(webhook_delivery.webhooks_sweep())
