"""Every exit from a claimed delivery leaves the notice sent, tried again soon, or
failed with its reason: never "sending" for the sweep to find (issue 25).

Against a real ``celery worker`` process, the local Notify-shaped server and the test
database; the failures are real ones (a reset connection, a garbled answer, Redis
unreachable, a database error raised by a trigger), not mocks.
"""

import socket
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.db import connection

from outcomes import outbox, services
from outcomes.models import Notice
from tests.factories import submit_contact
from tests.outcomes.fake_notify import TEST_API_KEY, FakeNotify
from tests.support import worker_process
from tests.support.waiting import wait_until

TEMPLATES = {
    "NOTIFY_TEMPLATE_EMAIL": "f33517ff-2a88-4f6e-b855-c550268ce08a",
    "NOTIFY_TEMPLATE_SMS": "af7d2a3c-0d3a-4b3c-8c3e-1b0c1f0b9f3b",
    "NOTIFY_TEMPLATE_LETTER": "0d1e9f4c-2b3a-4c5d-8e6f-7a8b9c0d1e2f",
}


@contextmanager
def notify_and_worker():
    """The Notify-shaped server and a worker sending to it; the outbox's waits capped
    at three seconds so a retry comes while the test watches."""
    from frontdoor.celery import app

    app.control.purge()
    with FakeNotify() as fake:
        worker = worker_process.start_worker(
            NOTIFY_API_KEY=TEST_API_KEY,
            NOTIFY_BASE_URL=fake.url,
            OUTBOX_RETRY_MAX_MINUTES="0.05",
            **TEMPLATES,
        )
        try:
            yield fake
        finally:
            worker.terminate()
            worker.wait(15)


def sent_once(fake: FakeNotify, notice: Notice) -> None:
    wait_until(
        lambda: Notice.objects.get(pk=notice.pk).status == Notice.Status.SENT,
        60,
        "the notice was not delivered within a minute",
    )
    assert [n["reference"] for n in fake.sent] == [str(notice.reference)]
    assert Notice.objects.get(pk=notice.pk).provider_id == fake.sent[0]["id"]


@pytest.mark.django_db(transaction=True)
def test_a_reset_connection_is_retried_and_delivered_once(referrer):
    with notify_and_worker() as fake:
        fake.resets_left = 1
        notice = submit_contact(referrer).notices.get()  # queued on commit
        sent_once(fake, notice)
        assert Notice.objects.get(pk=notice.pk).attempts == 2


@pytest.mark.django_db(transaction=True)
def test_a_garbled_answer_after_notify_took_it_is_not_sent_again(referrer):
    with notify_and_worker() as fake:
        fake.garbles_left = 1
        notice = submit_contact(referrer).notices.get()
        # The retry asks Notify by reference, finds the first send and records it.
        sent_once(fake, notice)
        assert Notice.objects.get(pk=notice.pk).attempts == 2


@pytest.mark.django_db(transaction=True)
def test_a_database_error_after_sending_neither_sends_twice_nor_leaves_it_sending(referrer):
    # The first write of "sent" fails in the database (a sequence is outside the
    # transaction the error rolls back, so it fails once only).
    with connection.cursor() as cursor:
        cursor.execute(
            """
            CREATE SEQUENCE test_fail_sent_once;
            CREATE FUNCTION test_fail_sent_once() RETURNS trigger AS $$
            BEGIN
                IF NEW.status = 'sent' AND nextval('test_fail_sent_once') = 1 THEN
                    RAISE EXCEPTION 'injected: the write after sending failed';
                END IF;
                RETURN NEW;
            END $$ LANGUAGE plpgsql;
            CREATE TRIGGER test_fail_sent_once BEFORE UPDATE ON outcomes_notice
                FOR EACH ROW EXECUTE FUNCTION test_fail_sent_once();
            """
        )
    try:
        with notify_and_worker() as fake:
            notice = submit_contact(referrer).notices.get()
            sent_once(fake, notice)
            assert Notice.objects.get(pk=notice.pk).attempts == 1
    finally:
        with connection.cursor() as cursor:
            cursor.execute(
                "DROP TRIGGER test_fail_sent_once ON outcomes_notice;"
                " DROP FUNCTION test_fail_sent_once(); DROP SEQUENCE test_fail_sent_once;"
            )


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.django_db
def test_an_unforeseen_error_before_sending_is_a_failure_for_now_not_sending(referrer, settings):
    with FakeNotify() as fake:
        settings.NOTIFY_API_KEY = TEST_API_KEY
        settings.NOTIFY_BASE_URL = fake.url
        for name, value in TEMPLATES.items():
            setattr(settings, name, value)
        notice = submit_contact(referrer).notices.get()
        real_redis = settings.REDIS_URL
        # Redis (the rate counter) out of reach: not one of the temporary kinds.
        settings.REDIS_URL = f"redis://127.0.0.1:{unused_port()}/0"
        with pytest.raises(services.TemporaryDeliveryFailure):
            services.notice_deliver(notice_id=notice.pk)
        notice.refresh_from_db()
        assert notice.status == Notice.Status.TEMPORARY_FAILURE
        assert notice.failure_reason == "Unexpected error: ConnectionError"
        assert notice.next_attempt_at is not None
        assert fake.sent == []

        settings.REDIS_URL = real_redis
        assert services.notice_deliver(notice_id=notice.pk, retry_in=timedelta(0)) == "skipped"
        Notice.objects.filter(pk=notice.pk).update(next_attempt_at=notice.updated_at)
        assert services.notice_deliver(notice_id=notice.pk) == "sent"
        assert len(fake.sent) == 1


def test_the_stuck_window_follows_the_delivery_tasks_hard_time_limit():
    from outcomes.alerts import delivery
    from outcomes.alerts.tasks import alert_deliver
    from outcomes.tasks import notice_deliver

    for task in (notice_deliver, alert_deliver):
        assert task.time_limit == outbox.DELIVERY_TIME_LIMIT
    assert timedelta(seconds=outbox.DELIVERY_TIME_LIMIT) < outbox.STUCK_SENDING_AFTER
    assert services.STUCK_SENDING_AFTER == delivery.STUCK_SENDING_AFTER
    assert timedelta(minutes=3) >= services.STUCK_SENDING_AFTER
