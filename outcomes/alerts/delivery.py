"""Emailing alerts: one at a time for those who want them at once, and the daily digest
for those who chose it. The outbox is the alert (or digest) row: a delivery claims it
with a conditional update, so however often a task runs an email goes to the mail
server once; a failure is kept on the row and tried again (``alerts_sweep``), never
lost. Through GOV.UK Notify when it is set up (with the row's reference, as notices),
otherwise through the project's mailer (``outcomes.mail``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from frontdoor.dispatch import dispatch
from frontdoor.london import LONDON
from outcomes import mail, notify, outbox
from outcomes.alerts import wording
from outcomes.alerts.raising import ALERT_DELIVER, still_theirs
from outcomes.models_alerts import Alert, AlertDigest, EmailStatus

DIGEST_DELIVER = "outcomes.alerts.tasks.alert_digest_deliver"
STUCK_PENDING_AFTER = timedelta(minutes=2)
STUCK_SENDING_AFTER = outbox.STUCK_SENDING_AFTER


class AlertTemporaryFailure(Exception):
    """The mail server or Notify could not take the email now; it is tried again."""


class _Refused(Exception):
    pass


def _claim(model: type[models.Model], status_field: str, pk: int) -> bool:
    """Take the row for sending; False when another attempt has it or it is done."""
    now = timezone.now()
    return bool(
        model.objects.filter(pk=pk)
        .filter(
            Q(**{status_field: EmailStatus.PENDING})
            | Q(**{status_field: EmailStatus.TEMPORARY_FAILURE, "next_attempt_at__lte": now})
        )
        .update(
            **{status_field: EmailStatus.SENDING},
            sending_started_at=now,
            attempts=F("attempts") + 1,
            updated_at=now,
        )
    )


def _send(*, to: str, subject: str, body: str, reference: str, attempts: int) -> str:
    """Hand one email over; return the provider's id for it."""
    if not notify.enabled():
        try:
            return mail.smtp_send(to=to, subject=subject, body=body, reference=reference)
        except mail.MailTemporaryFailure as failure:
            raise AlertTemporaryFailure(str(failure)) from failure
        except mail.MailRefused as refused:
            raise _Refused(str(refused)) from refused
    try:
        if attempts > 1:
            # An earlier attempt may have reached Notify before its worker died.
            earlier = notify.already_sent(reference)
            if earlier:
                return earlier
        if not notify.rate_allows_one_more():
            raise AlertTemporaryFailure("GOV.UK Notify rate limit: waiting for the next minute")
        return notify.send(
            channel="email", recipient=to, subject=subject, body=body, reference=reference
        )
    except notify.NotifyTemporaryFailure as failure:
        raise AlertTemporaryFailure(str(failure)) from failure
    except notify.NotifyPermanentFailure as refused:
        raise _Refused(str(refused)) from refused


def _handed_over(
    model, status_field: str, pk: int, send, attempts: int, retry_in: timedelta | None
) -> str:
    """Send with ``send()`` and keep what happened on the row (``outbox.delivered``)."""
    return outbox.delivered(
        model.objects.filter(pk=pk),
        field=status_field,
        attempts=attempts,
        send=send,
        temporary=(AlertTemporaryFailure,),
        refused=(_Refused,),
        retry_as=AlertTemporaryFailure,
        wait=retry_in,
    )


def _footer(digest: bool) -> str:
    preferences = settings.ALERTS_LINK_BASE_URL + reverse("alerts:preferences")
    how = "once a day" if digest else "as each alert happens"
    return (
        f"You get these emails {how}. To change that, or to see your alerts, sign in to "
        f"{settings.SERVICE_NAME}: {preferences}\n"
    )


def render_alert(alert: Alert) -> tuple[str, str]:
    """(subject, body): the contact's reference and a link, no name."""
    if alert.is_summary:
        subject = f"{settings.SERVICE_NAME}: {wording.title(alert)}"
        body = f"{wording.sentence(alert, '')}\n\n{wording.link(alert, '')}\n\n" + _footer(False)
        return subject, body
    reference = alert.contact.reference
    subject = f"{settings.SERVICE_NAME}: {wording.title(alert)}: {reference}"
    body = (
        f"{wording.sentence(alert, reference)}\n\n{wording.link(alert, reference)}\n\n"
        + _footer(digest=False)
    )
    return subject, body


def render_digest(digest: AlertDigest, alerts: Sequence[Alert]) -> tuple[str, str]:
    subject = f"{settings.SERVICE_NAME}: your alerts for {digest.day:%-d %B %Y} ({len(alerts)})"
    lines = [f"{len(alerts)} alert{'s' if len(alerts) != 1 else ''} since your last email:", ""]
    for alert in alerts:
        reference = "" if alert.is_summary else alert.contact.reference
        lines += [
            f"{wording.title(alert)}: {reference}" if reference else wording.title(alert),
            wording.sentence(alert, reference),
            wording.link(alert, reference),
            "",
        ]
    return subject, "\n".join(lines) + "\n" + _footer(digest=True)


def alert_deliver(*, alert_id: int, retry_in: timedelta | None = None) -> str:
    """Email one alert if no other attempt has; return what happened."""
    if not _claim(Alert, "email_status", alert_id):
        return "skipped"
    return outbox.claimed_body(
        Alert.objects.filter(pk=alert_id),
        field="email_status",
        retry_as=AlertTemporaryFailure,
        body=lambda: _alert_deliver_claimed(alert_id, retry_in),
    )


def _alert_deliver_claimed(alert_id: int, retry_in: timedelta | None) -> str:
    alert = Alert.objects.select_related("recipient", "contact").get(pk=alert_id)
    if not still_theirs(alert):
        Alert.objects.filter(pk=alert_id).update(
            email_status=Alert.Email.WITHHELD, updated_at=timezone.now()
        )
        return "withheld"
    subject, body = render_alert(alert)
    return _handed_over(
        Alert,
        "email_status",
        alert_id,
        lambda: _send(
            to=alert.recipient.email,
            subject=subject,
            body=body,
            reference=str(alert.reference),
            attempts=alert.attempts,
        ),
        alert.attempts,
        retry_in,
    )


def digests_due(*, now: datetime | None = None) -> list[int]:
    """At or after ``ALERTS_DIGEST_TIME`` (London), put each digest-choosing person's
    waiting alerts in their digest for the day and queue it; return the digests made.
    One digest a person a day (a unique key): a second run the same day makes none, and
    alerts written after the day's digest wait for the next one."""
    now = now or timezone.now()
    local = now.astimezone(LONDON)
    if local.time() < settings.ALERTS_DIGEST_TIME:
        return []
    day = local.date()
    waiting = (
        Alert.objects.filter(email_status=Alert.Email.DIGEST)
        .exclude(recipient__alert_digests__day=day)
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    made = []
    for recipient_id in list(waiting):
        with transaction.atomic():
            digest, created = AlertDigest.objects.get_or_create(recipient_id=recipient_id, day=day)
            if not created:
                continue
            Alert.objects.filter(recipient_id=recipient_id, email_status=Alert.Email.DIGEST).update(
                email_status=Alert.Email.IN_DIGEST, digest=digest, updated_at=timezone.now()
            )
            dispatch(DIGEST_DELIVER, digest.pk)
            made.append(digest.pk)
    return made


def alert_digest_deliver(*, digest_id: int, retry_in: timedelta | None = None) -> str:
    """Email one digest if no other attempt has; return what happened. Alerts the person
    may no longer open are left out (and marked so); with none left, nothing is sent."""
    if not _claim(AlertDigest, "status", digest_id):
        return "skipped"
    return outbox.claimed_body(
        AlertDigest.objects.filter(pk=digest_id),
        field="status",
        retry_as=AlertTemporaryFailure,
        body=lambda: _digest_deliver_claimed(digest_id, retry_in),
    )


def _digest_deliver_claimed(digest_id: int, retry_in: timedelta | None) -> str:
    digest = AlertDigest.objects.select_related("recipient").get(pk=digest_id)
    alerts = list(digest.alerts.select_related("recipient", "contact").order_by("created_at"))
    kept = [alert for alert in alerts if still_theirs(alert)]
    gone = [alert.pk for alert in alerts if alert not in kept]
    if gone:
        Alert.objects.filter(pk__in=gone).update(
            email_status=Alert.Email.WITHHELD, digest=None, updated_at=timezone.now()
        )
    if not kept:
        AlertDigest.objects.filter(pk=digest_id).update(
            status=EmailStatus.WITHHELD, updated_at=timezone.now()
        )
        return "withheld"
    subject, body = render_digest(digest, kept)
    return _handed_over(
        AlertDigest,
        "status",
        digest_id,
        lambda: _send(
            to=digest.recipient.email,
            subject=subject,
            body=body,
            reference=str(digest.reference),
            attempts=digest.attempts,
        ),
        digest.attempts,
        retry_in,
    )


def alerts_sweep(*, now: datetime | None = None) -> list[tuple[str, int]]:
    """Queue again the emails a lost task left behind, and those whose retry is due;
    return (task, id) for each. One stuck "sending" (its worker died) goes back to
    pending: the Message-ID (or Notify reference) carries the row's reference, so a
    duplicate is recognisable downstream."""
    now = now or timezone.now()
    queued = []
    for model, field, task in (
        (Alert, "email_status", ALERT_DELIVER),
        (AlertDigest, "status", DIGEST_DELIVER),
    ):
        stuck = model.objects.filter(
            **{field: EmailStatus.SENDING}, sending_started_at__lt=now - STUCK_SENDING_AFTER
        )
        revived = list(stuck.values_list("pk", flat=True))
        model.objects.filter(pk__in=revived).update(**{field: EmailStatus.PENDING}, updated_at=now)
        due = revived + list(
            model.objects.filter(
                Q(**{field: EmailStatus.PENDING}, updated_at__lt=now - STUCK_PENDING_AFTER)
                | Q(**{field: EmailStatus.TEMPORARY_FAILURE}, next_attempt_at__lte=now)
            )
            .exclude(pk__in=revived)
            .values_list("pk", flat=True)
        )
        for pk in due:
            dispatch(task, pk)
            queued.append((task, pk))
    return queued
