"""Delivering notices. Tasks take a notice id, never personal data."""

from celery import shared_task

from outcomes import services


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=8,
    time_limit=60,
    soft_time_limit=45,
)
def notice_deliver(self, notice_id: int) -> str:
    try:
        return services.notice_deliver(notice_id=notice_id)
    except services.TemporaryDeliveryFailure as failure:
        # 1, 2, 4 … minutes, capped at an hour; the sweeper is the backstop.
        delay = min(60 * 2**self.request.retries, 3600)
        raise self.retry(exc=failure, countdown=delay) from failure


@shared_task(acks_late=True, time_limit=120, soft_time_limit=90)
def notices_sweep() -> int:
    return len(services.notices_sweep())


@shared_task(acks_late=True, time_limit=600, soft_time_limit=540)
def retention_review() -> int:
    """Propose contacts past their retention period for a manager to approve."""
    from outcomes import retention

    return len(retention.retention_review())


@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=1800, soft_time_limit=1700)
def retention_erase_task(run_id: int) -> int:
    from outcomes import retention

    return retention.retention_erase(run_id=run_id)


@shared_task(acks_late=True, time_limit=3600, soft_time_limit=3300)
def scorecard_snapshots_take() -> int:
    """Overnight: count this and the last month, quarter and year, and keep them."""
    from outcomes.scorecard import services as scorecard_services

    return len(scorecard_services.snapshots_take_due())


@shared_task(acks_late=True, time_limit=1800, soft_time_limit=1700)
def scorecard_snapshot_take(period_key: str) -> int:
    """Count one period again now, when someone asks for a recount."""
    from outcomes.scorecard import services as scorecard_services
    from outcomes.scorecard.periods import Period

    return scorecard_services.snapshot_take(period=Period.parse(period_key)).pk


@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=1200, soft_time_limit=1100)
def census_export_check_task(export_id: int) -> str:
    """Run the DfE census rules over a kept export (by id; the file stays in the database)."""
    from outcomes.returns import services as returns_services

    return returns_services.census_export_check(export_id=export_id).status


@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=1800, soft_time_limit=1700)
def outcome_import_task(import_id: int) -> str:
    """Check and apply an uploaded outcomes CSV (by id; the file stays in the database)."""
    from outcomes import imports

    return imports.outcome_import_run(import_id=import_id).status


@shared_task(acks_late=True, time_limit=120, soft_time_limit=90)
def outcome_imports_sweep() -> int:
    from outcomes import imports

    return len(imports.outcome_imports_sweep())
