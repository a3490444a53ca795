"""Background work for screening."""

from celery import shared_task

from screening.audits import services as audits
from screening.audits.weeks import last_complete_week
from screening.meetings import services as meetings


@shared_task(acks_late=True, time_limit=300)
def complex_case_runs_due() -> int:
    """Snapshot the complex-case queue for every meeting slot that has started."""
    return len(meetings.complex_case_runs_due())


@shared_task(acks_late=True, time_limit=300)
def decision_audit_sample_last_week() -> int:
    """Draw the week just ended's decision audit sample (once: a second run finds it
    drawn), and give any audit still waiting for a manager to one who may grade it.
    How many audits the week's sample holds."""
    sample, _ = audits.audit_sample_draw(week_start=last_complete_week())
    audits.audits_assign_waiting()
    return sample.audits.count()
