"""Writing alerts: once per (recipient, kind, subject, occasion), only to people who may
open the contact, each queued for its email after commit (or left for the digest).

``alerts_for_check_sent`` and ``alerts_for_decision_returned`` run inside the
transaction of the check or the return (subscribed to its event in outcomes/apps.py),
so a rolled-back action leaves no alert and a committed one always has its alerts. The
periodic conditions are found by ``scan``, which writes through ``alerts_raise`` too.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q

from frontdoor.dispatch import dispatch
from frontdoor.errors import RecordRestricted
from frontdoor.models import User
from frontdoor.roles import Permission
from outcomes.models_alerts import Alert, AlertPreference
from referrals.models import Contact, Restriction
from referrals.selectors import closed_to, contact_ensure_open
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


# Whom each kind is for. A restricted contact is alerted as the lists these people use
# show it (docs/adr/0042): a check asked of an agency is on its members' list with whom
# to ask, so they are told (the page they reach shows the refusal and whom to ask); the
# queue and the approvals list show a restricted contact's reference to every manager,
# so managers are told: those named on the restriction, or every manager when none is.
AGENCY_KINDS = frozenset({Alert.Kind.CHECK_ASKED, Alert.Kind.CHECK_OVERDUE})
MANAGER_KINDS = frozenset(
    {
        Alert.Kind.APPROVAL_WAITING,
        Alert.Kind.CHECK_APPROVAL_WAITING,
        Alert.Kind.IMMEDIATE_NOT_TAKEN,
        Alert.Kind.CLOCK_BREACHED,
    }
)


def _restricted(contact: Contact) -> bool:
    return Restriction.objects.active().on_contact(contact.pk).exists()


def told(kind: Alert.Kind, contact: Contact, recipients: list[User]) -> list[User]:
    """Of ``recipients`` (whom ``kind`` is for), those told about ``contact`` now."""
    if kind in AGENCY_KINDS or not _restricted(contact):
        return recipients
    named = [user for user in recipients if may_open(user, contact)]
    if kind in MANAGER_KINDS and not named:
        return recipients
    return named


def still_theirs(alert: Alert) -> bool:
    """Whether the alert may still be emailed to its recipient: they still hold what its
    kind is for (a manager still approves; a member still answers for the check's
    agency), and the contact is still theirs to be told about (``told``)."""
    user = alert.recipient
    if not user.is_active:
        return False
    if alert.kind in AGENCY_KINDS:
        if not user.has_perm(Permission.ANSWER_AGENCY_CHECKS.perm):
            return False
        if alert.is_summary:  # it leads to their own agency's list
            return user.agency_id is not None
        agency_id = (
            AgencyCheck.objects.filter(pk=alert.subject_id)
            .values_list("agency_id", flat=True)
            .first()
        )
        return agency_id is not None and agency_id == user.agency_id
    if alert.kind in MANAGER_KINDS:
        if not user.has_perm(Permission.APPROVE_DECISIONS.perm):
            return False
        if alert.contact_id is None:
            return True
        return user in told(alert.kind, alert.contact, managers())
    return user in told(alert.kind, alert.contact, [user])


def hidden_from(user: User) -> Q:
    """For a query of ``user``'s alerts: those about a contact no longer theirs to be
    told about (``told``, in the database), which leave their home page."""
    barring = Restriction.objects.active().on_contact(OuterRef(OuterRef("contact_id")))
    barring = barring.exclude(
        Q(ask=OuterRef("pk")) | Q(created_by=OuterRef("pk")) | Q(allowed=OuterRef("pk"))
    )
    a_manager_may_open = Exists(
        User.objects.filter(_holding(Permission.APPROVE_DECISIONS)).exclude(Exists(barring))
    )
    return (
        Q(closed_to(user, "contact_id"))
        & ~Q(kind__in=AGENCY_KINDS)
        & (~Q(kind__in=MANAGER_KINDS) | Q(a_manager_may_open))
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
    return _write(
        told(kind, contact, recipients),
        {"kind": kind, "subject_id": subject_id, "occasion": occasion},
        contact=contact,
    )


def alerts_summary_raise(*, kind: Alert.Kind, counts: dict[User, int], occasion: str) -> list[int]:
    """One summary alert of ``kind`` for each person in ``counts`` (how many alerts of
    that kind it stands for), once per ``occasion`` (the scan's window): no contact,
    a count and a link to the list."""
    written = []
    for user, count in counts.items():
        if user.is_active:
            key = {"kind": kind, "subject_id": 0, "occasion": occasion}
            written += _write([user], key, contact=None, summary_count=count)
    return written


def _write(
    recipients: list[User], key: dict, *, contact: Contact | None, summary_count: int | None = None
) -> list[int]:
    """Write the alert with ``key`` for each recipient who has not had it; queue the
    emails of those who want them at once; return the new alerts' ids."""
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
                summary_count=summary_count,
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
