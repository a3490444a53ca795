"""Bulk triage of standard-risk police notifications (docs/adr/0037): several contacts
decided in one step, each by ``decision_record`` as if decided alone, so each has its
own decision, rationale, notices and audit. Whether each may be bulk-decided is asked
again here (``selectors.bulk_refusals``), whatever the page showed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone

from frontdoor.census_codes import return_year_of
from frontdoor.limits import LIMITS
from frontdoor.models import User
from frontdoor.roles import Permission
from referrals.models import Contact, IncidentType
from screening import services
from screening.models import Decision, OnwardService, Route, ThresholdLevel
from screening.selectors.police import bulk_refusals
from screening.services_bulk import DecisionAsked, decisions_record

BULK_ROUTES = {
    Route.INFORMATION_AND_ADVICE: 1,  # the threshold level each is recorded at
    Route.EARLY_HELP: 2,
}


def rationale_template(contact: Contact) -> str:
    """The rationale a row starts with, for the screener to edit: never sent blank."""
    notification = contact.police_notification
    when = timezone.localtime(notification.incident_at).strftime("%-d %B %Y")
    return (
        f"Standard-risk police notification {notification.police_reference} "
        f"({IncidentType(notification.incident_type).label.lower()}, {when}): no earlier "
        "contacts about the children, no warnings, no child under one and the cumulative "
        "rule not met. The officer's account shows "
    )


@dataclass(frozen=True)
class BulkItem:
    contact: Contact
    rationale: str


@dataclass
class BulkResult:
    decided: list[Decision] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)  # contact reference: why


def bulk_services() -> list[OnwardService]:
    """The onward services bulk triage may name: the active ones under its routes."""
    return list(OnwardService.objects.active().filter(route__in=list(BULK_ROUTES)))


def bulk_check(
    *,
    route: str,
    items: Iterable[BulkItem],
    advice_given: str,
    advice_given_to: list[str],
    service: OnwardService | None = None,
) -> dict[int, dict[str, str]]:
    """What each item's decision would lack, by contact id and field (empty: none),
    before anything is recorded: the decision form's own rules. Each contact's own
    consent answer is asked when it is decided (``bulk_decide`` refuses that one)."""
    problems: dict[int, dict[str, str]] = {}
    active_services = list(OnwardService.objects.active())  # once, for every item
    for item in items:
        if "\x00" in item.rationale or "\x00" in advice_given:
            problems[item.contact.pk] = {
                "rationale": "The rationale or advice has a null character (\\0) in it: "
                "type it again"
            }
            continue
        if len(item.rationale) > LIMITS.narrative or len(advice_given) > LIMITS.narrative:
            problems[item.contact.pk] = {
                "rationale": f"The rationale and advice must be {LIMITS.narrative:,} characters "
                "or fewer"
            }
            continue
        if item.rationale.strip() == rationale_template(item.contact).strip():
            problems[item.contact.pk] = {
                "rationale": "Finish the rationale: say what this notification's account shows"
            }
            continue
        try:
            services.decision_check(
                year=return_year_of(timezone.localdate(item.contact.received_at)),
                route=route,
                rationale=item.rationale,
                family_notice=Decision.FamilyNotice.NOTIFY,
                advice_given=advice_given,
                advice_given_to=advice_given_to,
                service=service,
                active_services=active_services,
            )
        except services.DecisionRefused as refused:
            problems[item.contact.pk] = refused.errors
    return problems


def bulk_decide(
    *,
    actor: User,
    route: str,
    items: list[BulkItem],
    advice_given: str = "",
    advice_given_to: Iterable[str] = (),
    service: OnwardService | None = None,
) -> BulkResult:
    """Decide each item's contact on ``route`` (information and advice, or early help)
    with its own rationale; the family is told, as on the decision form's default. The
    contacts are taken and decided together (``services_bulk.decisions_record``), each
    its own decision, notices and audit: one another screener took in the meantime, or
    that may no longer be bulk-decided (asked again once they are locked), or whose
    family did not agree to a ``service`` needing consent, is refused (and said why)
    while the rest are decided. ``service``: the onward service every decision names
    (required where the route has active services)."""
    if not actor.has_perm(Permission.SCREEN_CONTACTS.perm):
        raise services.ScreeningRefused("Your role does not allow this.")
    if route not in BULK_ROUTES:
        raise services.ScreeningRefused(
            "Bulk triage records information and advice or early help only."
        )
    recorded = decisions_record(
        actor=actor,
        asked=[DecisionAsked(item.contact, item.rationale) for item in items],
        route=route,
        threshold_level=ThresholdLevel.objects.get(number=BULK_ROUTES[route]),
        family_notice=Decision.FamilyNotice.NOTIFY,
        advice_given=advice_given,
        advice_given_to=advice_given_to,
        refusals=bulk_refusals,
        service=service,
    )
    references = {item.contact.pk: item.contact.reference for item in items}
    return BulkResult(
        decided=recorded.decided,
        refused={references[pk]: why for pk, why in recorded.refused.items()},
    )
