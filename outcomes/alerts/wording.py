"""What each kind of alert says and where it leads: the same words on the home page, in
an email and in a digest. A contact's reference and a link, never a name: an email may
be read on a phone in a corridor (docs/adr/0042)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from outcomes.models_alerts import Alert

# kind: (what happened, in a line; what to do, in a sentence)
WORDING: dict[str, tuple[str, str]] = {
    Alert.Kind.CHECK_ASKED: (
        "Check asked of your agency",
        "A multi-agency check was asked of your agency about contact {reference}. "
        "Open it to answer.",
    ),
    Alert.Kind.CHECK_OVERDUE: (
        "Check overdue",
        "A multi-agency check asked of your agency about contact {reference} is overdue. "
        "Open it to answer, or say that your agency knows nothing.",
    ),
    Alert.Kind.DECISION_RETURNED: (
        "Your decision was returned",
        "A manager returned your decision on contact {reference}. "
        "Open the contact to read their comment and decide again.",
    ),
    Alert.Kind.APPROVAL_WAITING: (
        "Decision waiting for approval",
        "A decision on contact {reference} has been waiting for a manager's approval. "
        "Open your approvals to approve or return it.",
    ),
    Alert.Kind.CHECK_APPROVAL_WAITING: (
        "Check waiting for approval",
        "A check without the family's consent on contact {reference} has been waiting for a "
        "manager's approval. Open your approvals to agree or refuse it.",
    ),
    Alert.Kind.IMMEDIATE_NOT_TAKEN: (
        "Immediate risk not taken",
        "Contact {reference} is marked immediate risk and no screener has taken it. "
        "Open it to take it or give it to a screener.",
    ),
    Alert.Kind.CLOCK_BREACHED: (
        "Past its due time",
        "Contact {reference} is past the time its decision was due and is still waiting. "
        "Open it to see who holds it.",
    ),
}


# kind: (how many, in a line; where to see them) for a summary: one alert standing for
# more than ALERTS_SUMMARY_OVER of that kind from one scan.
SUMMARY: dict[str, tuple[str, str]] = {
    Alert.Kind.CHECK_ASKED: ("{count} checks asked of your agency", "Open your checks."),
    Alert.Kind.CHECK_OVERDUE: (
        "{count} checks asked of your agency are overdue",
        "Open your checks to answer them.",
    ),
    Alert.Kind.DECISION_RETURNED: ("{count} of your decisions were returned", "Open the queue."),
    Alert.Kind.APPROVAL_WAITING: (
        "{count} decisions waiting for approval",
        "Open your approvals to approve or return them.",
    ),
    Alert.Kind.CHECK_APPROVAL_WAITING: (
        "{count} checks waiting for approval",
        "Open your approvals to agree or refuse them.",
    ),
    Alert.Kind.IMMEDIATE_NOT_TAKEN: (
        "{count} immediate-risk contacts not taken",
        "Open the unassigned contacts in the queue (immediate risk first) to take them or "
        "give them to screeners.",
    ),
    Alert.Kind.CLOCK_BREACHED: (
        "{count} contacts past their due time",
        "Open the queue's overdue contacts to see who holds them.",
    ),
}
# What a summary's link says where a single alert's gives the contact's reference.
SUMMARY_LINK_TEXT = "the list"


def title(alert: Alert) -> str:
    if alert.summary_count is not None:
        return SUMMARY[alert.kind][0].format(count=alert.summary_count)
    return WORDING[alert.kind][0]


def sentence(alert: Alert, reference: str) -> str:
    if alert.summary_count is not None:
        return f"{title(alert)}. {SUMMARY[alert.kind][1]}"
    return WORDING[alert.kind][1].format(reference=reference)


def path(alert: Alert, reference: str) -> str:
    """Where the alert leads, as a path on this service. Approvals lead to the list of
    them, which stays right once another manager has acted; a summary to the list
    filtered to what it counts."""
    if alert.summary_count is not None:
        return _summary_path(alert.kind)
    if alert.kind in (Alert.Kind.CHECK_ASKED, Alert.Kind.CHECK_OVERDUE):
        return reverse("screening:member-check", args=[alert.subject_id])
    if alert.kind in (Alert.Kind.APPROVAL_WAITING, Alert.Kind.CHECK_APPROVAL_WAITING):
        return reverse("screening:approvals")
    return reverse("screening:contact", args=[reference])


def link(alert: Alert, reference: str) -> str:
    """The full address for an email."""
    return settings.ALERTS_LINK_BASE_URL + path(alert, reference)


def _summary_path(kind: str) -> str:
    if kind in (Alert.Kind.CHECK_ASKED, Alert.Kind.CHECK_OVERDUE):
        return reverse("screening:member-checks")
    if kind in (Alert.Kind.APPROVAL_WAITING, Alert.Kind.CHECK_APPROVAL_WAITING):
        return reverse("screening:approvals")
    if kind == Alert.Kind.IMMEDIATE_NOT_TAKEN:
        return reverse("screening:queue") + "?assigned=unassigned"
    if kind == Alert.Kind.CLOCK_BREACHED:
        return reverse("screening:queue") + "?rag=red"
    return reverse("screening:queue")
