"""Withdrawing a contact from its screening page (docs/adr/0036): a confirmation page
with the reason, the other contact for a duplicate, who asked and a note. Screeners
and managers, through the contact's access function (``screening_get``); a refusal
keeps what was typed."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from frontdoor.audit import audit_views
from referrals.forms_withdrawals import WithdrawalForm
from referrals.models import WithdrawalAskedBy
from referrals.services import WithdrawalRefused
from screening import selectors
from screening.services_withdraw import contact_withdraw


@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, reference: str) -> HttpResponse:
    contact, _ = selectors.screening_get(user=request.user, reference=reference)
    parts = selectors.withdrawal_parts(contact)
    if not parts["can_withdraw"]:
        messages.error(
            request,
            f"{reference} is {contact.get_status_display().lower()}: only a contact waiting "
            "for a decision can be withdrawn.",
        )
        return redirect("screening:contact", reference=reference)
    status = 200
    if request.method == "POST":
        form = WithdrawalForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                contact_withdraw(
                    actor=request.user,
                    contact=contact,
                    reason=data["reason"],
                    note=data["note"],
                    asked_by=data["asked_by"],
                    duplicate_of=data["duplicate_of"],
                )
            except WithdrawalRefused as refused:
                form.add_service_errors(refused.errors)
            else:
                messages.success(request, f"{reference} is withdrawn.")
                return redirect("screening:contact", reference=reference)
        status = 400
    else:
        asked = parts["withdrawal_request"]
        form = WithdrawalForm(
            initial={"reason": asked.reason, "asked_by": WithdrawalAskedBy.REFERRER}
            if asked
            else {}
        )
    audit_views(actor=request.user, record_type="contact", record_ids=[reference], request=request)
    return render(
        request,
        "screening/withdraw.html",
        {"contact": contact, "form": form, "show_errors": status == 400, **parts},
        status=status,
    )
