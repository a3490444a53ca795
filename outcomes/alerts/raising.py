"""Writing alerts: once per (recipient, kind, subject, occasion), only to people who may
open the contact, each queued for its email after commit (or left for the digest).

``alerts_for_check_sent`` and ``alerts_for_decision_returned`` run inside the
transaction of the check or the return (subscribed to its event in outcomes/apps.py),
so a rolled-back action leaves no alert and a committed one always has its alerts. The
periodic conditions are found by ``scan``, which writes through ``alerts_raise`` too.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

from frontdoor.dispatch import dispatch
from frontdoor.errors import RecordRestricted
from frontdoor.models import User
from frontdoor.roles import Permission
from outcomes.models_alerts import Alert, AlertPreference
from referrals.models import Contact, Restriction
from referrals.selectors import contact_ensure_open
from screening.models import AgencyCheck, Decision

ALERT_DELIVER = "outcomes.alerts.tasks.alert_deliver"


def may_open(user: User, contact: Contact) -> bool:
    """Whether ``user`` may open ``contact``: the one access test (``contact_ensure_open``)."""
    try:
        contact_ensure_open(user=user, contact=contact)
    except RecordRestricted:
        return False
    return True


def _holding(permission: Permission) -> Q:
    return Q(is_active=True, groups__permissions__codename=permission.value)


def managers() -> list[User]:
    """Everyone who approves decisions, active."""
    return list(User.objects.filter(_holding(Permission.APPROVE_DECISIONS)).distinct())


def agency_members(agency_id: int) -> list[User]:
    """The agency's MAST members (those who answer its checks), active."""
    return list(
        User.objects.filter(_holding(Permission.ANSWER_AGENCY_CHECKS), agency_id=agency_id)
        .distinct()
        .order_by("pk")
    )


def alerts_raise(
    *,
    kind: Alert.Kind,
    contact: Contact,
    subject_id: int,
    recipients: Iterable[User],
    occasion: str = "",
) -> list[int]:
    """Write the alert for each recipient who may open ``contact`` and has not had this
    one; queue the emails of those who want them at once. Returns the new alerts' ids.

    Safe to run twice, and at the same time as another run: the unique key lets one
    row in, and a delivery claims its row before sending, so an email goes once."""
    recipients = [user for user in recipients if user.is_active]
    if not recipients:
        return []
    if Restriction.objects.active().on_contact(contact.pk).exists():
        recipients = [user for user in recipients if may_open(user, contact)]
    key = {"kind": kind, "subject_id": subject_id, "occasion": occasion}
    had = set(
        Alert.objects.filter(recipient__in=recipients, **key).values_list("recipient_id", flat=True)
    )
    recipients = [user for user in recipients if user.pk not in had]
    if not recipients:
        return []
    digest = set(
        AlertPreference.objects.filter(
            user__in=recipients, delivery=AlertPreference.Delivery.DIGEST
        ).values_list("user_id", flat=True)
    )
    Alert.objects.bulk_create(
        [
            Alert(
                recipient=user,
                contact=contact,
                email_status=Alert.Email.DIGEST if user.pk in digest else Alert.Email.PENDING,
                **key,
            )
            for user in recipients
        ],
        # Another run got there first: its row stands, and this one is not written.
        ignore_conflicts=True,
    )
    new = list(
        Alert.objects.filter(recipient__in=recipients, **key).values_list("pk", "email_status")
    )
    for alert_id, status in new:
        if status == Alert.Email.PENDING:
            # Not taken by the broker: it stays pending, and the scan's sweep queues it.
            dispatch(ALERT_DELIVER, alert_id)
    return [alert_id for alert_id, _ in new]


def alerts_for_check_sent(*, check: AgencyCheck) -> list[int]:
    """A check just sent to an agency: its MAST members are told."""
    return alerts_raise(
        kind=Alert.Kind.CHECK_ASKED,
        contact=check.contact,
        subject_id=check.pk,
        recipients=agency_members(check.agency_id),
    )


def alerts_for_decision_returned(*, decision: Decision) -> list[int]:
    """A decision just returned: the screener who made it is told."""
    return alerts_raise(
        kind=Alert.Kind.DECISION_RETURNED,
        contact=decision.contact,
        subject_id=decision.pk,
        recipients=[decision.decided_by],
    )
