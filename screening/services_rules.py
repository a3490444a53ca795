"""What a decision must say, field by field (``decision_check``), and the refusals the
screening services raise: the rules the decision form, bulk triage and
``decision_record`` all apply, apart from the writes (``screening.services``, which
still exports every name here)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from frontdoor.census_codes import census_codes, return_year_key
from screening.models import (
    CENSUS_REFERRAL_ROUTES,
    AdviceRecipient,
    Decision,
    OnwardService,
    Route,
)

MINIMUM_RATIONALE_LENGTH = 40


class ScreeningRefused(Exception):
    """The action is not allowed now; the message says why, for the person who tried."""


class DecisionRefused(ScreeningRefused):
    """What a decision says falls short: ``errors`` has a message for each field it
    concerns, for a form to show on that field."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def _primary_need(year: int, route: str, code: str, errors: dict[str, str]) -> str:
    """The primary need to keep: a code of the contact's return year for a referral
    to social care, nothing for other routes (a form may send one left selected)."""
    if route not in CENSUS_REFERRAL_ROUTES:
        return ""
    code = code.strip().upper()
    if not code:
        errors["primary_need"] = "Select the child's primary need for a referral to social care"
    elif code not in {need.code for need in census_codes("primary_need", year)}:
        errors["primary_need"] = (
            f"{code} is not a primary need code in the {return_year_key(year)} census"
        )
    return code


def _advice(
    route: str, given: str, given_to: Iterable[str], errors: dict[str, str]
) -> tuple[str, list[str]]:
    """The advice to keep: what was said and to whom, for information and advice only
    (the referrer's notice tells them the advice)."""
    if route != Route.INFORMATION_AND_ADVICE:
        return "", []
    recipients = list(dict.fromkeys(given_to))  # in the order given, once each
    if not given.strip():
        errors["advice_given"] = (
            "Enter the advice that was given: the referrer's notice tells them what advice we gave"
        )
    unknown = set(recipients) - set(AdviceRecipient.values)
    if not recipients:
        errors["advice_given_to"] = "Select who was given the advice"
    elif unknown:
        errors["advice_given_to"] = (
            f"{', '.join(sorted(unknown))} is not one of the people advice can be given to"
        )
    return given.strip(), recipients


def _service(
    route: str,
    service: OnwardService | None,
    consented: bool,
    errors: dict[str, str],
    active: list[OnwardService] | None = None,
) -> OnwardService | None:
    """The onward service to keep (docs/adr/0045): one of the route's active services,
    required when the route has any; refused when it needs the family's consent and
    the contact does not record that the family agreed. ``active``: every active
    service, when the caller read them once for many decisions (bulk triage)."""
    if active is not None:
        if service is None:
            if any(s.route == route for s in active):
                errors["service"] = "Select the service the contact goes to"
            return None
        current = next((s for s in active if s.pk == service.pk), None)
        if current is None:
            errors["service"] = f"{service.name} has been retired: select a current service"
            return service
        service = current
    elif service is not None:  # as it is now: it may have been retired since it was read
        service = OnwardService.objects.filter(pk=service.pk).first()
    if service is None:
        if route and OnwardService.objects.active().under(route).exists():
            errors["service"] = "Select the service the contact goes to"
        return None
    if service.route != route:
        errors["service"] = f"{service.name} is not a service under the route selected"
    elif not service.is_active:
        errors["service"] = f"{service.name} has been retired: select a current service"
    elif service.needs_consent and not consented:
        errors["service"] = (
            f"{service.name} needs the family's consent, and the contact does not record "
            "that the family agreed to it: choose another service or route"
        )
    return service


@dataclass(frozen=True)
class DecisionDetails:
    """What a decision keeps once its rules are met (see ``decision_check``)."""

    primary_need: str
    advice_given: str
    advice_given_to: list[str]
    service: OnwardService | None = None


def decision_check(
    *,
    year: int,
    route: str,
    rationale: str,
    family_notice: str,
    withhold_reason: str = "",
    is_complex: bool = False,
    complex_reason: str = "",
    primary_need: str = "",
    advice_given: str = "",
    advice_given_to: Iterable[str] = (),
    service: OnwardService | None = None,
    consented: bool = True,
    active_services: list[OnwardService] | None = None,
) -> DecisionDetails:
    """The rules for what a decision must say, field by field, in one place: raises
    ``DecisionRefused`` naming every field that falls short (the decision form shows
    each on its field). ``year`` is the contact's census return year. Returns what
    to keep: a primary need only for a referral to social care, advice only for
    information and advice. ``service``: the onward service named (``consented``:
    whether the contact records the family's agreement to the referral;
    ``active_services``: every active service, read once by a caller deciding many)."""
    errors: dict[str, str] = {}
    if len(rationale.strip()) < MINIMUM_RATIONALE_LENGTH:
        errors["rationale"] = "Explain the decision so it would stand up if questioned later"
    if is_complex and not complex_reason.strip():
        errors["complex_reason"] = "Enter why this is a complex case"
    if family_notice == Decision.FamilyNotice.WITHHOLD and not withhold_reason.strip():
        errors["withhold_reason"] = "Enter the safeguarding reason for not telling the family"
    details = DecisionDetails(
        _primary_need(year, route, primary_need, errors),
        *_advice(route, advice_given, advice_given_to, errors),
        _service(route, service, consented, errors, active_services),
    )
    if errors:
        raise DecisionRefused(errors)
    return details
