"""Reads of a person's own alerts, and their choice of email."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.http import Http404

from frontdoor.models import User
from outcomes.alerts import wording
from outcomes.alerts.raising import hidden_from
from outcomes.models_alerts import Alert, AlertPreference

# How many unseen alerts the home page lists; it says how many more there are, counting
# (and testing each for restrictions) no further than HOME_COUNTED: "over 180 more".
HOME_SHOWN = 20
HOME_COUNTED = 200


@dataclass(frozen=True)
class AlertRow:
    pk: int
    title: str
    reference: str
    path: str
    created_at: datetime


@dataclass(frozen=True)
class HomeAlerts:
    rows: list[AlertRow]
    more: int
    # ``more`` is a floor: there are more than that many others.
    more_than: bool = False


def alerts_unseen(*, user: User) -> HomeAlerts:
    """The user's unseen alerts, newest first (one about a contact
    no longer theirs to be told about is left out: ``raising.hidden_from``)."""
    if not user.is_authenticated:
        return HomeAlerts([], 0)
    unseen = (
        Alert.objects.filter(recipient=user, seen_at__isnull=True)
        .exclude(hidden_from(user))
        .order_by("-created_at", "-pk")
    )
    shown = list(
        unseen.values_list(
            "pk", "kind", "subject_id", "summary_count", "contact__reference", "created_at"
        )[: HOME_SHOWN + 1]
    )
    more, more_than = 0, False
    if len(shown) > HOME_SHOWN:
        shown = shown[:HOME_SHOWN]
        counted = unseen.values("pk")[: HOME_COUNTED + 1].count()
        more_than = counted > HOME_COUNTED
        more = min(counted, HOME_COUNTED) - HOME_SHOWN
    rows = []
    for pk, kind, subject_id, summary_count, reference, created_at in shown:
        alert = Alert(kind=kind, subject_id=subject_id, summary_count=summary_count)
        reference = reference or wording.SUMMARY_LINK_TEXT
        rows.append(
            AlertRow(
                pk, wording.title(alert), reference, wording.path(alert, reference), created_at
            )
        )
    return HomeAlerts(rows, more, more_than)


def home_parts(*, user: User) -> dict:
    """The home page's part (frontdoor.page_parts.HOME): ``alerts``."""
    return {"alerts": alerts_unseen(user=user)}


def alert_get(*, user: User, alert_id: int) -> Alert:
    """One of the user's own alerts; 404 for anyone else's, as for one that is not there."""
    try:
        return Alert.objects.get(pk=alert_id, recipient=user)
    except Alert.DoesNotExist:
        raise Http404("No alert found") from None


def alert_delivery(*, user: User) -> str:
    """How the user's alerts are emailed: their choice, or at once."""
    chosen = AlertPreference.objects.filter(user=user).values_list("delivery", flat=True).first()
    return chosen or AlertPreference.Delivery.IMMEDIATE
