"""Bulk triage of standard-risk police notifications (docs/adr/0037): the list with
each one's flags, and one POST deciding the ticked ones, each with its own rationale.
Screening staff only; a refusal keeps everything typed."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from frontdoor.audit import audit_views
from screening import selectors
from screening.models import AdviceRecipient, Route
from screening.selectors.police import bulk_triage
from screening.services_police import (
    BULK_ROUTES,
    BulkItem,
    bulk_check,
    bulk_decide,
    bulk_services,
    rationale_template,
)

ADVICE = (
    "Police attended and gave the family safety advice; no further action by children's "
    "services. Contact us again if anything changes."
)


@require_http_methods(["GET", "POST"])
def police_triage(request: HttpRequest) -> HttpResponse:
    if not selectors.can_screen(request.user):
        raise PermissionDenied
    rows = bulk_triage(user=request.user)
    by_reference = {row.contact.reference: row for row in rows}
    typed = {row.contact.reference: rationale_template(row.contact) for row in rows}
    errors: dict[str, str] = {}
    status = 200
    chosen: list[str] = []
    route = request.POST.get("route", "")
    advice = request.POST.get("advice_given", ADVICE)
    advice_to = request.POST.getlist("advice_given_to") or [AdviceRecipient.REFERRER]
    services = bulk_services()
    service_id = request.POST.get("service", "")
    service = next((s for s in services if str(s.pk) == service_id), None)
    if request.method == "POST":
        chosen = [ref for ref in request.POST.getlist("contact") if ref in by_reference]
        for reference in by_reference:
            key = f"rationale-{reference}"
            if key in request.POST:
                typed[reference] = request.POST[key]
        if route not in BULK_ROUTES:
            errors["route"] = "Select information and advice or early help"
        if not chosen:
            errors["contact"] = "Select the notifications to decide"
        if service_id and service is None:
            errors["service"] = "Select a current service from the list"
        items = [
            BulkItem(contact=by_reference[ref].contact, rationale=typed[ref]) for ref in chosen
        ]
        if not errors:
            for contact_id, problems in bulk_check(
                route=route,
                items=items,
                advice_given=advice,
                advice_given_to=advice_to,
                service=service,
            ).items():
                reference = next(i.contact.reference for i in items if i.contact.pk == contact_id)
                for name, message in problems.items():
                    key = f"rationale-{reference}" if name == "rationale" else name
                    errors[key] = f"{reference}: {message}" if name == "rationale" else message
        if not errors:
            result = bulk_decide(
                actor=request.user,
                route=route,
                items=items,
                advice_given=advice,
                advice_given_to=advice_to,
                service=service,
            )
            if result.decided:
                messages.success(
                    request,
                    f"Decided {len(result.decided)}: "
                    + ", ".join(d.contact.reference for d in result.decided),
                )
            for reference, why in result.refused.items():
                messages.error(request, f"{reference} was not decided: {why}")
            return redirect("screening:police-triage")
        status = 400
    audit_views(
        actor=request.user,
        record_type="contact",
        record_ids=list(by_reference),
        request=request,
    )
    return render(
        request,
        "screening/police_triage.html",
        {
            "rows": [(row, typed[row.contact.reference]) for row in rows],
            "errors": errors,
            "chosen": chosen,
            "route": route,
            "routes": [(value, Route(value).label) for value in BULK_ROUTES],
            "advice": advice,
            "advice_to": advice_to,
            "advice_choices": AdviceRecipient.choices,
            "services": [
                (
                    str(s.pk),
                    f"{Route(s.route).label}: {s.name}"
                    + (" (needs the family's consent)" if s.needs_consent else ""),
                )
                for s in services
            ],
            "service_id": service_id,
            "show_errors": status == 400,
        },
        status=status,
    )
