"""The periodic scan: conditions that arise with the passing of time, not at an action.

Each rule is the project's own, never a second definition: an overdue check is
``screening.selectors.checks_overdue``; a contact past its due time is one in the
queue (``in_queue``) past ``screening.selectors.breach_due``: its ``decision_due_at``
(the queue's red), or the statutory one working day from receipt when that is earlier
(the clock following service hours, docs/adr/0044); "not taken" is the queue's unassigned. The
thresholds are working time (``frontdoor.working_days``), like the clocks they sit
beside, and come from settings (frontdoor/settings/alerts.py).

A condition is alerted only where it arose since the last scan that ran to the end
(``AlertScanMark``; the first scan ever looks back ``ALERTS_FIRST_SCAN_LOOKBACK_MINUTES``,
none more than ``ALERTS_LOOKBACK_HOURS``), so a deployment alerts nobody about what was
already there, and a subject already alerted on is passed over in the query itself.
When one run would give one person more than ``ALERTS_SUMMARY_OVER`` alerts of one
kind (a scheduler back after an outage), they get one summary saying how many instead,
once for the run's window. Each subject's alerts commit on their own: a run killed
part-way keeps what it wrote and leaves the mark where it was, and the next run writes
the rest (``alerts_raise`` writes each alert once however often it is asked).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, QuerySet
from django.utils import timezone

from frontdoor.models import User
from frontdoor.working_days import working_time_before
from outcomes.alerts.raising import (
    agency_members,
    alerts_raise,
    alerts_summary_raise,
    managers,
    told,
)
from outcomes.models_alerts import Alert, AlertScanMark
from referrals.models import Contact
from screening import selectors as screening_selectors
from screening.models import AgencyCheck, Decision


def _not_yet_alerted(rows: QuerySet, kind: Alert.Kind, **since_field: str) -> QuerySet:
    """Leave out subjects already alerted on for ``kind`` (for this occasion: after the
    moment in ``since_field``, when one is given)."""
    already = Alert.objects.filter(kind=kind, subject_id=OuterRef("pk"))
    for alert_field, outer in since_field.items():
        already = already.filter(**{alert_field: OuterRef(outer)})
    return rows.exclude(Exists(already))


def breach_occasion(due_at: datetime) -> str:
    """A breach is news once per due time: a clock set again (a police re-send) and
    run out again is a new occasion."""
    return due_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _hours(value: float) -> timedelta:
    return timedelta(hours=value)


@dataclass
class Found:
    """One condition found: the alert it calls for, and whom it is for."""

    kind: Alert.Kind
    contact: Contact
    subject_id: int
    recipients: list[User]
    occasion: str = ""


def checks_overdue(now: datetime, since: datetime) -> list[Found]:
    """Each check newly overdue: its agency's MAST members."""
    became_overdue_since = working_time_before(since, _hours(settings.CHECK_ANSWER_WORKING_HOURS))
    checks = _not_yet_alerted(
        screening_selectors.checks_overdue(now=now)
        .filter(sent_at__gte=became_overdue_since)
        .exclude(contact__status=Contact.Status.WITHDRAWN),
        Alert.Kind.CHECK_OVERDUE,
    ).select_related("contact")
    members: dict[int, list] = {}
    found = []
    for check in checks.order_by("sent_at", "pk"):
        if check.agency_id not in members:
            members[check.agency_id] = agency_members(check.agency_id)
        found.append(
            Found(Alert.Kind.CHECK_OVERDUE, check.contact, check.pk, members[check.agency_id])
        )
    return found


def approvals_waiting(now: datetime, since: datetime, everyone: list) -> list[Found]:
    """Each decision (and check without consent) that has waited
    ``ALERTS_APPROVAL_WAIT_WORKING_HOURS`` for a manager: every manager but the one who
    made it (who may not approve it)."""
    wait = _hours(settings.ALERTS_APPROVAL_WAIT_WORKING_HOURS)
    waited_from, window_from = working_time_before(now, wait), working_time_before(since, wait)
    decisions = _not_yet_alerted(
        Decision.objects.filter(
            approval=Decision.Approval.PENDING,
            decided_at__lte=waited_from,
            decided_at__gte=window_from,
        ).exclude(contact__status=Contact.Status.WITHDRAWN),
        Alert.Kind.APPROVAL_WAITING,
    ).select_related("contact")
    checks = _not_yet_alerted(
        AgencyCheck.objects.filter(
            status=AgencyCheck.Status.AWAITING_APPROVAL,
            requested_at__lte=waited_from,
            requested_at__gte=window_from,
        ).exclude(contact__status=Contact.Status.WITHDRAWN),
        Alert.Kind.CHECK_APPROVAL_WAITING,
    ).select_related("contact")
    found = []
    for kind, rows, made_by in (
        (Alert.Kind.APPROVAL_WAITING, decisions.order_by("decided_at", "pk"), "decided_by_id"),
        (
            Alert.Kind.CHECK_APPROVAL_WAITING,
            checks.order_by("requested_at", "pk"),
            "requested_by_id",
        ),
    ):
        for row in rows:
            others = [m for m in everyone if m.pk != getattr(row, made_by)]
            found.append(Found(kind, row.contact, row.pk, others))
    return found


def immediate_not_taken(now: datetime, since: datetime, everyone: list) -> list[Found]:
    """Each immediate-risk contact no screener has taken
    ``ALERTS_IMMEDIATE_NOT_TAKEN_MINUTES`` working minutes after it became immediate risk
    (at receipt, or when a police re-send raised it): every manager."""
    wait = timedelta(minutes=settings.ALERTS_IMMEDIATE_NOT_TAKEN_MINUTES)
    contacts = _not_yet_alerted(
        Contact.objects.filter(
            screening_selectors.in_queue(),
            screening_selectors.not_taken(),
            urgency=Contact.Urgency.IMMEDIATE,
            became_immediate_at__lte=working_time_before(now, wait),
            became_immediate_at__gte=working_time_before(since, wait),
        ),
        Alert.Kind.IMMEDIATE_NOT_TAKEN,
    )
    return [
        Found(Alert.Kind.IMMEDIATE_NOT_TAKEN, contact, contact.pk, everyone)
        for contact in contacts.order_by("became_immediate_at", "pk")
    ]


def clocks_breached(now: datetime, since: datetime, everyone: list) -> list[Found]:
    """Each contact in the queue whose clock has run out (``breach_due``: its due time,
    or the statutory one if earlier): every manager, once for each due time. Passed
    over once alerted after that due time (so a clock set later and run out again is
    found again)."""
    contacts = Contact.objects.filter(
        screening_selectors.in_queue(), screening_selectors.breach_due_may_be_between(since, now)
    ).order_by("decision_due_at", "pk")
    due = {}
    for contact in contacts:
        at = screening_selectors.breach_due(contact)
        if since <= at <= now:
            due[contact.pk] = at
    alerted = dict(
        Alert.objects.filter(kind=Alert.Kind.CLOCK_BREACHED, subject_id__in=due)
        .values("subject_id")
        .annotate(last=Max("created_at"))
        .values_list("subject_id", "last")
    )
    breached = [
        contact
        for contact in contacts
        if contact.pk in due
        and (contact.pk not in alerted or alerted[contact.pk] < due[contact.pk])
    ]
    return [
        Found(
            Alert.Kind.CLOCK_BREACHED,
            contact,
            contact.pk,
            everyone,
            occasion=breach_occasion(due[contact.pk]),
        )
        for contact in sorted(breached, key=lambda contact: (due[contact.pk], contact.pk))
    ]


def _window(now: datetime) -> datetime:
    """Since when conditions are alerted: the last scan run to the end, or for the
    first one ever the short look-back; never more than ``ALERTS_LOOKBACK_HOURS``."""
    mark = AlertScanMark.objects.filter(pk=1).values_list("scanned_to", flat=True).first()
    if mark is None:
        mark = now - timedelta(minutes=settings.ALERTS_FIRST_SCAN_LOOKBACK_MINUTES)
    return min(max(mark, now - _hours(settings.ALERTS_LOOKBACK_HOURS)), now)


def _mark_scanned_to(now: datetime) -> None:
    """The scan ran to the end at ``now``: the mark only moves forward."""
    if not AlertScanMark.objects.filter(pk=1, scanned_to__lt=now).update(scanned_to=now):
        AlertScanMark.objects.get_or_create(pk=1, defaults={"scanned_to": now})


def _raise(found: list[Found], occasion: str) -> int:
    """Write what was found: each alert, or, for a person more than
    ``ALERTS_SUMMARY_OVER`` alerts of one kind would reach, one summary of them."""
    for item in found:
        item.recipients = told(item.kind, item.contact, [u for u in item.recipients if u.is_active])
    counts = Counter((user, item.kind) for item in found for user in item.recipients)
    summarised = {key: n for key, n in counts.items() if n > settings.ALERTS_SUMMARY_OVER}
    written = 0
    for item in found:
        recipients = [u for u in item.recipients if (u, item.kind) not in summarised]
        if not recipients:
            continue
        with transaction.atomic():
            written += len(
                alerts_raise(
                    kind=item.kind,
                    contact=item.contact,
                    subject_id=item.subject_id,
                    recipients=recipients,
                    occasion=item.occasion,
                )
            )
    for kind in {kind for _, kind in summarised}:
        counted = {user: n for (user, k), n in summarised.items() if k == kind}
        with transaction.atomic():
            written += len(alerts_summary_raise(kind=kind, counts=counted, occasion=occasion))
    return written


def alerts_scan(*, now: datetime | None = None, since: datetime | None = None) -> int:
    """Write the alerts the passing of time calls for since the last scan (or since
    ``since``, for the demo: as if the scan had run all along); return how many were
    written."""
    now = now or timezone.now()
    since = _window(now) if since is None else since
    everyone = managers()
    found = (
        checks_overdue(now, since)
        + approvals_waiting(now, since, everyone)
        + immediate_not_taken(now, since, everyone)
        + clocks_breached(now, since, everyone)
    )
    written = _raise(found, occasion=breach_occasion(since))
    _mark_scanned_to(now)
    return written
