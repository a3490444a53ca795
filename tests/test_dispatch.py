"""Queueing work by task name after commit (frontdoor/dispatch.py), on the real broker.

What happens when the broker cannot be reached is tried with the embedded Redis
stopped, in tests/outcomes/test_worker_failures.py.
"""

import re
from pathlib import Path

import pytest
from django.db import transaction

from frontdoor.celery import app as celery_app
from frontdoor.dispatch import dispatch
from tests.support import broker

PROJECT_DIR = Path(__file__).resolve().parent.parent
TASK = "frontdoor.tasks.sessions_clear_expired"
IMPORTS_TASKS = re.compile(
    r"^\s*(from [\w.]+ import tasks\b|from [\w.]+\.tasks import|import [\w.]+\.tasks)", re.M
)
TASK_NAME = re.compile(r"""["']((?:frontdoor|referrals|screening|outcomes)\.tasks\.\w+)["']""")


def test_every_task_named_in_the_code_is_a_task_the_worker_knows():
    """Work is queued by name, so a misspelt name would be queued and never run."""
    celery_app.loader.import_default_modules()
    named = {
        name
        for folder in ("frontdoor", "referrals", "screening", "outcomes")
        for path in (PROJECT_DIR / folder).rglob("*.py")
        for name in TASK_NAME.findall(path.read_text(encoding="utf-8"))
    }
    assert len(named) >= 10
    assert named - set(celery_app.tasks) == set()


@pytest.mark.django_db(transaction=True)
def test_work_is_queued_only_once_its_transaction_commits():
    celery_app.control.purge()
    with transaction.atomic():
        dispatch(TASK, 7)
        assert broker.queued(TASK) == []  # a worker must not look before the row exists
    assert broker.queued(TASK) == [[7]]

    def rolled_back() -> None:
        with transaction.atomic():
            dispatch(TASK, 8)
            raise RuntimeError("the change is rolled back")

    with pytest.raises(RuntimeError):
        rolled_back()
    assert broker.queued(TASK) == [[7]]
    celery_app.control.purge()


def test_the_services_queue_work_without_importing_a_tasks_module():
    """Tasks import services; services name tasks. The import runs one way only."""
    sources = [
        path
        for folder in ("frontdoor", "referrals", "screening", "outcomes")
        for path in (PROJECT_DIR / folder).rglob("*.py")
        if path.name != "tasks.py" and "migrations" not in path.parts
    ]
    importing = [
        str(path.relative_to(PROJECT_DIR))
        for path in sources
        if IMPORTS_TASKS.search(path.read_text(encoding="utf-8"))
    ]
    assert importing == []
