import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from frontdoor.tasks import sessions_clear_expired
from tests.support.waiting import wait_until


@pytest.mark.django_db(transaction=True)
def test_expired_sessions_are_cleared_by_a_real_worker(celery_worker):
    expired = SessionStore()
    expired.create()
    live = SessionStore()
    live.create()
    Session.objects.filter(session_key=expired.session_key).update(
        expire_date=timezone.now() - timezone.timedelta(minutes=1)
    )

    sessions_clear_expired.delay()

    wait_until(
        lambda: not Session.objects.filter(session_key=expired.session_key).exists(),
        15,
        "the worker did not clear the expired session",
    )
    assert Session.objects.filter(session_key=live.session_key).exists()


def test_session_clearing_is_on_the_beat_schedule_in_utc(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["clear-expired-sessions"]
    assert entry["task"] == sessions_clear_expired.name
    assert settings.CELERY_TIMEZONE == "UTC"


@pytest.mark.parametrize(
    "name",
    [
        "clear-expired-sessions",
        "sweep-notices",
        "sweep-waiting-work",
        "complex-case-runs",
        "restrictions-review-due",
        "retention-review",
        "alerts-scan",
        "alerts-sweep",
        "alerts-digests",
    ],
)
def test_every_scheduled_task_has_consistent_time_limits(settings, name):
    """Beat refuses to send a task whose soft limit exceeds its hard limit."""
    from frontdoor.celery import app

    app.loader.import_default_modules()
    task = app.tasks[settings.CELERY_BEAT_SCHEDULE[name]["task"]]
    hard = task.time_limit or settings.CELERY_TASK_TIME_LIMIT
    soft = task.soft_time_limit or settings.CELERY_TASK_SOFT_TIME_LIMIT
    assert soft <= hard


def test_every_task_has_consistent_time_limits(settings):
    from frontdoor.celery import app

    app.loader.import_default_modules()
    ours = [t for name, t in app.tasks.items() if not name.startswith("celery.")]
    assert len(ours) >= 4
    for task in ours:
        hard = task.time_limit or settings.CELERY_TASK_TIME_LIMIT
        soft = task.soft_time_limit or settings.CELERY_TASK_SOFT_TIME_LIMIT
        assert soft <= hard, task.name
