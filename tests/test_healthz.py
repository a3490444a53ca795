import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from tests.support.waiting import wait_until


@pytest.fixture
def no_worker_wait(settings):
    """No worker runs for these tests: waiting the full second for one shows nothing."""
    settings.HEALTH_WORKER_REPLY_SECONDS = 0.05


@pytest.mark.django_db(transaction=True)
def test_healthz_is_ok_when_database_redis_worker_and_scanner_answer(client, celery_worker):
    from frontdoor.celery import app

    # The test's worker starts in a thread without waiting to answer control messages;
    # on a busy machine its first answer can come after /healthz has stopped waiting.
    queue = django_settings.CELERY_TASK_DEFAULT_QUEUE

    def consuming() -> bool:
        with app.connection_for_write() as connection:
            replies = app.control.inspect(timeout=1, connection=connection).active_queues()
        return any(q.get("name") == queue for queues in (replies or {}).values() for q in queues)

    wait_until(consuming, 30, "the test's worker never said which queue it consumes")
    response = client.get(reverse("healthz"))

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok"
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True,
        "redis": True,
        "worker": True,
        "scanner": True,
    }


def test_healthz_reports_a_missing_worker_with_503(client, db, no_worker_wait):
    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["worker"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["redis"]["ok"] is True


def test_healthz_reports_redis_down_with_503(client, db, settings, tmp_path, no_worker_wait):
    settings.REDIS_URL = f"unix://{tmp_path / 'no-redis-here.sock'}"

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    redis_check = response.json()["checks"]["redis"]
    assert redis_check == {"ok": False, "detail": "ConnectionError"}
    assert "no-redis-here" not in response.text


def test_healthz_reports_database_down_with_503(client, db, monkeypatch, no_worker_wait):
    from django.db import OperationalError
    from django.db.backends.postgresql.base import DatabaseWrapper

    def refuse(self, *args, **kwargs):
        raise OperationalError("connection refused")

    with monkeypatch.context() as patched:
        patched.setattr(DatabaseWrapper, "cursor", refuse)
        response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json()["checks"]["database"] == {"ok": False, "detail": "OperationalError"}


def test_healthz_needs_no_sign_in_and_is_never_cached(client, db, no_worker_wait):
    response = client.get(reverse("healthz"))
    assert response.status_code in (200, 503)
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
