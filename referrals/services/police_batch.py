"""Recording many police notifications at once: a chunk of a force's file
(docs/adr/0040). ``police_notifications_receive_many`` gives each what
``police_notification_receive`` gives one, by the same checks (``_check``), the same
advisory locks and the same rows, but with the re-sends found in one query and the new
ones recorded together (``contacts_submit_many``, then their notifications,
involvements and audit rows a statement each). A re-send (a reference the force sent
before, or one earlier in the same batch) goes through ``police_notification_receive``
itself, after the new ones, so it is recognised, compared and reported as ever."""

from __future__ import annotations

from django.db import connection
from django.db.models.functions import Upper
from django.utils import timezone

from frontdoor import events
from frontdoor.audit import audit_records
from frontdoor.models import Agency, AuditEvent, User
from frontdoor.selectors import can_record_police
from referrals.models import Contact, PoliceInvolvement, PoliceNotification
from referrals.services.inputs import ContactRejected
from referrals.services.intake_batch import Submitted, contacts_submit_many
from referrals.services.police import (
    PoliceNotificationInput,
    PoliceNotificationRefused,
    PoliceReceipt,
    _check,
    _contact_input,
    police_notification_receive,
)


def _lock_references(force: Agency, references: list[str]) -> None:
    """``_lock_reference`` for each, in one statement and one order (no deadlock with
    another batch, nor with a single send, which takes one of these locks)."""
    if not references:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_advisory_xact_lock(%s, hashtext(reference))) "
            "FROM (SELECT unnest(%s::text[]) AS reference ORDER BY 1) AS wanted",
            [force.pk % 2**31, sorted(references)],
        )


def police_notifications_receive_many(
    *, actor: User, force: Agency, data: list[PoliceNotificationInput], via: str
) -> list[PoliceReceipt | ContactRejected]:
    """Record each of a force's notifications in ``data`` (the caller holds the
    transaction); returns, in the same order, each one's receipt or why it was refused
    (a ``PoliceNotificationRefused`` or other ``ContactRejected``). The sender is sent
    no acknowledgement for each: the caller tells them once for the batch."""
    if not can_record_police(actor):
        raise PoliceNotificationRefused("Only police staff can record a police notification.")
    if actor.agency_id != force.pk:
        raise PoliceNotificationRefused("You can record your own force's notifications only.")
    results: list[PoliceReceipt | ContactRejected | None] = [None] * len(data)
    references: dict[int, str] = {}
    for index, item in enumerate(data):
        try:
            references[index] = _check(item, force)
        except PoliceNotificationRefused as refused:
            results[index] = refused
    _lock_references(force, list(set(references.values())))
    sent_before = set(
        PoliceNotification.objects.annotate(upper=Upper("police_reference"))
        .filter(force=force, upper__in=set(references.values()))
        .values_list("upper", flat=True)
    )
    new, resent, seen = [], [], set(sent_before)
    for index, reference in references.items():
        (resent if reference in seen else new).append(index)
        seen.add(reference)
    received_at = timezone.now()
    submitted = contacts_submit_many(
        actor=actor,
        data=[_contact_input(data[i], data[i].received_at or received_at) for i in new],
        channel=Contact.Channel.POLICE_NOTIFICATION,
        referrer_account=actor,
        acknowledge=False,
    )
    recorded: list[tuple[int, Submitted]] = []
    for index, outcome in zip(new, submitted, strict=True):
        if isinstance(outcome, ContactRejected):
            results[index] = outcome
        else:
            recorded.append((index, outcome))
    notifications = PoliceNotification.objects.bulk_create(
        PoliceNotification(
            contact=outcome.contact,
            force=force,
            police_reference=references[index],
            incident_number=data[index].details.incident_number.strip(),
            incident_at=data[index].details.incident_at,
            incident_type=data[index].details.incident_type,
            risk_grade=data[index].details.risk_grade,
            officer_account=data[index].details.officer_account.strip(),
            officer_name=data[index].details.officer_name.strip(),
            family_told=data[index].details.family_told,
            recorded_by=actor,
        )
        for index, outcome in recorded
    )
    PoliceInvolvement.objects.bulk_create(
        PoliceInvolvement(notification=notification, subject=subject, involvement=involvement)
        for notification, (index, outcome) in zip(notifications, recorded, strict=True)
        for subject, involvement in zip(outcome.subjects, data[index].involvements, strict=True)
    )
    audit_records(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        record_type="contact",
        records=[
            (
                notification.contact.reference,
                via,
                {"police_notification": notification.pk, "risk_grade": notification.risk_grade},
            )
            for notification in notifications
        ],
    )
    if notifications:
        events.publish(events.POLICE_NOTIFICATIONS_RECORDED, notifications=notifications)
    for notification, (index, _) in zip(notifications, recorded, strict=True):
        results[index] = PoliceReceipt(notification.contact, True)
    for index in resent:
        try:
            results[index] = police_notification_receive(
                actor=actor, data=data[index], force=force, via=via, acknowledge=False
            )
        except ContactRejected as rejected:
            results[index] = rejected
    return results
