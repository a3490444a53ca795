"""Bulk triage of standard-risk police notifications (docs/adr/0037): several contacts
decided in one step, each by ``decision_record`` as if decided alone, so each has its
own decision, rationale, notices and audit. Whether each may be bulk-decided is asked
again here (``selectors.bulk_refusals``), whatever the page showed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from frontdoor.census_codes import return_year_of
from frontdoor.limits import LIMITS
from frontdoor.models import User
from frontdoor.roles import Permission
from referrals.models import Contact, IncidentType
from screening import services
from screening.models import Decision, Route, Screening, ThresholdLevel
from screening.selectors.police import bulk_refusals

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


def bulk_check(
    *, route: str, items: Iterable[BulkItem], advice_given: str, advice_given_to: list[str]
) -> dict[int, dict[str, str]]:
    """What each item's decision would lack, by contact id and field (empty: none),
    before anything is recorded: the decision form's own rules."""
    problems: dict[int, dict[str, str]] = {}
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
) -> BulkResult:
    """Decide each item's contact on ``route`` (information and advice, or early help)
    with its own rationale; the family is told, as on the decision form's default. Each
    contact is taken and decided in its own transaction: one another screener took in
    the meantime, or that may no longer be bulk-decided, is refused (and said why)
    while the rest are decided."""
    if not actor.has_perm(Permission.SCREEN_CONTACTS.perm):
        raise services.ScreeningRefused("Your role does not allow this.")
    if route not in BULK_ROUTES:
        raise services.ScreeningRefused(
            "Bulk triage records information and advice or early help only."
        )
    level = ThresholdLevel.objects.get(number=BULK_ROUTES[route])
    given_to = list(advice_given_to)
    result = BulkResult()
    contacts = {
        contact.pk: contact
        for contact in Contact.objects.filter(pk__in=[item.contact.pk for item in items])
    }
    refusals = bulk_refusals(contacts.values())
    for item in items:
        contact = contacts[item.contact.pk]
        if refusals[contact.pk]:
            result.refused[contact.reference] = "; ".join(refusals[contact.pk])
            continue
        try:
            with transaction.atomic():
                holder = (
                    Screening.objects.select_for_update()
                    .filter(contact=contact, assigned_to__isnull=False)
                    .values_list("assigned_to_id", flat=True)
                    .first()
                )
                if holder != actor.pk:
                    services.screening_claim(actor=actor, contact=contact)
                decision = services.decision_record(
                    actor=actor,
                    contact=contact,
                    route=route,
                    threshold_level=level,
                    rationale=item.rationale,
                    family_notice=Decision.FamilyNotice.NOTIFY,
                    advice_given=advice_given,
                    advice_given_to=given_to,
                )
        except services.ScreeningRefused as refused:
            result.refused[contact.reference] = str(refused)
            continue
        result.decided.append(decision)
    return result
