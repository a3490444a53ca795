"""The Celery application: ``celery -A frontdoor worker`` and ``celery -A frontdoor beat``."""

import os

from celery import Celery
from celery.signals import beat_init, task_prerun

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
def stamp_logs_with_the_task_id(task_id=None, **kwargs) -> None:
    from frontdoor.request_ids import bind_task_id

    bind_task_id(task_id)
