"""The Celery application: ``celery -A frontdoor worker`` and ``celery -A frontdoor beat``."""

import os

from celery import Celery
from celery.signals import beat_init, task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frontdoor.settings.development")

app = Celery("frontdoor")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@beat_init.connect
def catch_up_on_start(sender, **kwargs) -> None:
    """Meeting slots missed while the scheduler was down are made as soon as it is back,
    not at its first five-minute tick."""
    sender.app.send_task("screening.tasks.complex_case_runs_due")


@task_prerun.connect
def stamp_logs_with_the_task_id(task_id=None, task=None, **kwargs) -> None:
    import pghistory

    from frontdoor.request_ids import bind_task_id

    bind_task_id(task_id)
    # Changes a task makes are attributed to it in the change history.
    history = pghistory.context(job=getattr(task, "name", "task"), task_id=task_id)
    history.__enter__()
    if task is not None:
        task.request.history_context = history


@task_postrun.connect
def close_the_history_context(task=None, **kwargs) -> None:
    history = getattr(getattr(task, "request", None), "history_context", None)
    if history is not None:
        history.__exit__(None, None, None)
