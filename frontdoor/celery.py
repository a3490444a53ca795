"""The Celery application: ``celery -A frontdoor worker`` and ``celery -A frontdoor beat``."""

import logging
import os

from celery import Celery
from celery.signals import after_setup_logger, beat_init, task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frontdoor.settings.development")

app = Celery("frontdoor")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


# A line for each task received and done, and for each scheduled send: useful in a
# log, noise on a terminal.
ROUTINE_LOGGERS = ("celery.worker.strategy", "celery.app.trace", "celery.beat")


class _NotRoutine(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING or not record.name.startswith(ROUTINE_LOGGERS)


@after_setup_logger.connect
def routine_lines_to_a_file(logger=None, format=None, **kwargs) -> None:
    """With FRONTDOOR_TASK_LOG set (``run_app`` sets it), routine lines go to that file
    only; warnings and errors still reach the console as well."""
    path = os.environ.get("FRONTDOOR_TASK_LOG")
    if not path or logger is None:
        return
    for handler in logger.handlers:
        handler.addFilter(_NotRoutine())
    to_file = logging.FileHandler(path, encoding="utf-8")
    to_file.setFormatter(logging.Formatter(format))
    for name in ROUTINE_LOGGERS:
        logging.getLogger(name).addHandler(to_file)


@beat_init.connect
def catch_up_on_start(sender, **kwargs) -> None:
    """Meeting slots missed while the scheduler was down are made as soon as it is back,
    not at its first five-minute tick; so is last week's decision audit sample, if the
    scheduler was down on Monday morning (drawn once, so a second draw changes nothing)."""
    sender.app.send_task("screening.tasks.complex_case_runs_due")
    sender.app.send_task("screening.tasks.decision_audit_sample_last_week")


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
