"""Correct or add the postal address letters to a contact's family go to. Screening
staff, through the contact's access function; the write is referrals'
``family_address_set`` (audited); a refusal keeps what was typed."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from frontdoor.audit import audit_views
from referrals import services as referral_services
from referrals.selectors_family_address import letter_address
from screening import selectors
from screening.forms_address import FamilyAddressForm


@require_http_methods(["GET", "POST"])
def family_address(request: HttpRequest, reference: str) -> HttpResponse:
    contact, _ = selectors.screening_get(user=request.user, reference=reference)
    current = letter_address(contact)
    status = 200
    if request.method == "POST":
        form = FamilyAddressForm(request.POST)
        if form.is_valid():
            try:
                referral_services.family_address_set(
                    actor=request.user,
                    contact=contact,
                    addressee=form.cleaned_data["addressee"],
                    lines=form.lines(),
                    postcode=form.cleaned_data["postcode"],
                )
            except referral_services.FamilyAddressRefused as refused:
                form.add_error(
                    refused.field if refused.field in form.fields else None, str(refused)
                )
            else:
                messages.success(request, "The family's postal address is saved.")
                return redirect(f"{reverse('screening:contact', args=[reference])}#family-letters")
        status = 400
    else:
        form = FamilyAddressForm(initial=FamilyAddressForm.initial_from(current))
    audit_views(actor=request.user, record_type="contact", record_ids=[reference], request=request)
    return render(
        request,
        "screening/family_address.html",
        {"contact": contact, "form": form, "current": current, "show_errors": status == 400},
        status=status,
    )
