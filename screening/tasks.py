"""Background work for screening."""

from celery import shared_task

from screening.meetings import services as meetings


@shared_task(acks_late=True, time_limit=300)
def complex_case_runs_due() -> int:
    """Snapshot the complex-case queue for every meeting slot that has started."""
    return len(meetings.complex_case_runs_due())
