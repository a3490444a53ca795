"""Delivery survives a worker killed with SIGKILL in the middle of sending.

The worker here is a real ``celery worker`` process on the real broker and the
test database; the mail server is a real SMTP server on loopback that holds the
first message open until the worker has been killed.
"""

import asyncio
import signal
import socket
import subprocess
import threading
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.urls import reverse
from django.utils import timezone

from outcomes import retention, services
from outcomes.models import CensusExport, Notice, RetentionRun
from outcomes.returns import services as returns
from outcomes.tasks import waiting_work_sweep
from tests.factories import submit_contact
from tests.support import broker, worker_process
from tests.support.embedded_redis import needs_embedded_redis, restart_embedded_redis
from tests.support.waiting import wait_until


class StallFirstMessage:
    """Holds the first DATA until released, then refuses it; accepts every later one."""

    def __init__(self):
        self.first_arrived = threading.Event()
        self.accepted = []
        self.calls = 0

    async def handle_DATA(self, server, session, envelope):
        self.calls += 1
        if self.calls == 1:
            self.first_arrived.set()
            await asyncio.sleep(20)
            return "451 Try again later"
        self.accepted.append(envelope)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_worker(smtp_port: int) -> subprocess.Popen:
    return worker_process.start_worker(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_port),
    )


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_delivery_still_delivers_exactly_once(referrer):
    from frontdoor.celery import app

    app.control.purge()
    handler = StallFirstMessage()
    port = free_port()
    smtp = Controller(handler, hostname="127.0.0.1", port=port)
    smtp.start()
    workers = [start_worker(port)]
    try:
        notice = submit_contact(referrer).notices.get()  # queued on commit

        assert handler.first_arrived.wait(30), "the worker never started sending"
        assert Notice.objects.get(pk=notice.pk).status == Notice.Status.SENDING
        workers[0].send_signal(signal.SIGKILL)
        workers[0].wait(10)

        workers.append(start_worker(port))
        # The dead worker's message waits out the broker's visibility timeout; the
        # sweeper brings the notice back, as it would after outbox.STUCK_SENDING_AFTER.
        services.notices_sweep(now=timezone.now() + timedelta(minutes=20))
        wait_until(
            lambda: Notice.objects.get(pk=notice.pk).status == Notice.Status.SENT,
            30,
            "the notice was not delivered after the restart",
        )
        # Nothing is left to send: the sweep queues nothing, so no later delivery can
        # come (the dead worker's message is back only after the visibility timeout,
        # and its claim would skip it).
        assert services.notices_sweep(now=timezone.now() + timedelta(minutes=40)) == []
        assert len(handler.accepted) == 1
        assert Notice.objects.get(pk=notice.pk).attempts == 2
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.terminate()
                worker.wait(15)
        smtp.stop()


@needs_embedded_redis
@pytest.mark.django_db(transaction=True)
def test_notices_queued_before_a_redis_restart_are_delivered_after_it(referrer):
    from frontdoor.celery import app

    app.control.purge()
    handler = StallFirstMessage()
    handler.calls = 1  # accept everything
    port = free_port()
    smtp = Controller(handler, hostname="127.0.0.1", port=port)
    smtp.start()
    worker = None
    try:
        notices = [submit_contact(referrer).notices.get() for _ in range(3)]  # queued on commit
        restart_embedded_redis()
        worker = start_worker(port)
        wait_until(
            lambda: Notice.objects.filter(status=Notice.Status.SENT).count() == 3,
            30,
            "queued notices were lost with the Redis restart",
        )
        assert len(handler.accepted) == 3
        assert {n.pk for n in notices} == set(Notice.objects.values_list("pk", flat=True))
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(15)
        smtp.stop()


@needs_embedded_redis
@pytest.mark.django_db(transaction=True)
def test_a_notice_written_while_redis_is_down_is_sent_once_it_returns(referrer):
    from frontdoor.celery import app

    app.control.purge()
    handler = StallFirstMessage()
    handler.calls = 1
    port = free_port()
    smtp = Controller(handler, hostname="127.0.0.1", port=port)
    smtp.start()
    worker = None
    written = []
    try:
        # The contact and its notice commit; only the queueing fails.
        restart_embedded_redis(down_while=lambda: written.append(submit_contact(referrer)))
        notice = written[0].notices.get()
        assert notice.status == Notice.Status.PENDING
        worker = start_worker(port)
        services.notices_sweep(now=timezone.now() + timedelta(minutes=5))
        wait_until(
            lambda: Notice.objects.get(pk=notice.pk).status == Notice.Status.SENT,
            30,
            "the notice was not sent after Redis returned",
        )
        assert len(handler.accepted) == 1
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(15)
        smtp.stop()


@needs_embedded_redis
@pytest.mark.django_db(transaction=True)
def test_work_recorded_while_redis_is_down_is_queued_by_the_sweeper_once_it_is_back(
    client, performance_viewer, manager, caplog
):
    from frontdoor.celery import app

    app.control.purge()
    export = returns.census_export_make(actor=performance_viewer, year=2026)
    CensusExport.objects.filter(pk=export.pk).update(status=CensusExport.Status.UNCHECKED)
    run = RetentionRun.objects.create(kind="early_help", contact_ids=[])
    client.force_login(performance_viewer)
    answers = []

    def while_down():
        answers.append(client.post(reverse("outcomes:census-check", args=[export.pk])))
        retention.retention_approve(actor=manager, run=run)

    restart_embedded_redis(down_while=while_down)

    # Nobody saw an error; both are recorded as waiting, marked as not queued.
    assert answers[0].status_code == 302
    export.refresh_from_db()
    run.refresh_from_db()
    assert (export.status, export.check_queued_at) == (CensusExport.Status.CHECKING, None)
    assert (run.status, run.erase_queued_at) == (RetentionRun.Status.APPROVED, None)
    refused = [r.getMessage() for r in caplog.records if r.name == "frontdoor.dispatch"]
    assert refused == [
        f"Could not queue {returns.CENSUS_CHECK}({export.pk},) (OperationalError); "
        "it stays recorded for the sweeper",
        f"Could not queue {retention.RETENTION_ERASE}({run.pk},) (OperationalError); "
        "it stays recorded for the sweeper",
    ]
    assert broker.queued(returns.CENSUS_CHECK) == broker.queued(retention.RETENTION_ERASE) == []

    # Redis is back: the scheduled sweep queues each once, and the next sweep nothing.
    assert waiting_work_sweep() == 2
    assert broker.queued(returns.CENSUS_CHECK) == [[export.pk]]
    assert broker.queued(retention.RETENTION_ERASE) == [[run.pk]]
    assert CensusExport.objects.get(pk=export.pk).check_queued_at is not None
    assert RetentionRun.objects.get(pk=run.pk).erase_queued_at is not None
    assert waiting_work_sweep() == 0
    app.control.purge()
