"""A referrer asking for their referral to be withdrawn, from its page (docs/adr/0036):
only their own (``outcomes.selectors.my_referral``, 404 for anyone else's), only
while it is undecided, once. Staff then withdraw it or carry on screening."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from frontdoor.audit import audit_views
from outcomes import selectors
from referrals.forms_withdrawals import WithdrawalRequestForm
from referrals.services import WithdrawalRefused, withdrawal_request_record


@require_http_methods(["GET", "POST"])
def my_referral_withdraw(request: HttpRequest, reference: str) -> HttpResponse:
    outcome = selectors.my_referral(user=request.user, reference=reference)
    if not outcome.may_ask_to_withdraw:
        messages.error(
            request,
            "You have already asked us to withdraw this referral."
            if outcome.withdrawal_request
            else f"{reference} can no longer be withdrawn: it has been "
            f"{outcome.contact.get_status_display().lower()}.",
        )
        return redirect("outcomes:my-referral", reference=reference)
    status = 200
    if request.method == "POST":
        form = WithdrawalRequestForm(request.POST)
        if form.is_valid():
            try:
                withdrawal_request_record(
                    actor=request.user,
                    contact=outcome.contact,
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"],
                )
            except WithdrawalRefused as refused:
                form.add_service_errors(refused.errors)
            else:
                messages.success(
                    request,
                    "We have your request. The front door will withdraw the referral, or "
                    "contact you if they need to carry on with it.",
                )
                return redirect("outcomes:my-referral", reference=reference)
        status = 400
    else:
        form = WithdrawalRequestForm()
    audit_views(actor=request.user, record_type="contact", record_ids=[reference], request=request)
    return render(
        request,
        "outcomes/my_referral_withdraw.html",
        {"outcome": outcome, "form": form, "show_errors": status == 400},
        status=status,
    )
