import time

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from frontdoor.tasks import sessions_clear_expired


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

    deadline = time.monotonic() + 15
    while Session.objects.filter(session_key=expired.session_key).exists():
        assert time.monotonic() < deadline, "the worker did not clear the expired session"
        time.sleep(0.1)
    assert Session.objects.filter(session_key=live.session_key).exists()


def test_session_clearing_is_on_the_beat_schedule_in_utc(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["clear-expired-sessions"]
    assert entry["task"] == sessions_clear_expired.name
    assert settings.CELERY_TIMEZONE == "UTC"
