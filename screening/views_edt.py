"""The emergency duty team's pages (docs/adr/0044): its own out-of-hours work, and the
handover of a contact it recorded. Only the EDT, through ``edt_contact_get``; the day
team reads the handover on the contact's screening page and in the queue."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from frontdoor.audit import audit_views
from frontdoor.working_days import service_opens
from screening import selectors
from screening.forms_edt import HandoverForm
from screening.services_edt import HandoverRefused, handover_record


@require_GET
def edt_work(request: HttpRequest) -> HttpResponse:
    if not selectors.can_record_out_of_hours(request.user):
        raise PermissionDenied
    page = Paginator(selectors.edt_work(user=request.user), 25).get_page(request.GET.get("page"))
    audit_views(
        actor=request.user,
        record_type="contact",
        record_ids=[contact.reference for contact in page.object_list],
        request=request,
    )
    return render(request, "screening/edt_work.html", {"page": page})


@require_http_methods(["GET", "POST"])
def edt_handover(request: HttpRequest, reference: str) -> HttpResponse:
    contact = selectors.edt_contact_get(user=request.user, reference=reference)
    handover = selectors.handover_of(contact)
    status = 200
    form = HandoverForm()
    if request.method == "POST":
        if handover is not None:
            messages.error(request, f"{reference} has already been handed over.")
            return redirect("screening:edt-handover", reference=reference)
        form = HandoverForm(request.POST)
        if form.is_valid():
            try:
                handover_record(actor=request.user, contact=contact, **form.cleaned_data)
            except HandoverRefused as refused:
                form.add_service_errors(refused.errors)
            else:
                messages.success(
                    request, f"{reference} is handed over to the day team, with what you did."
                )
                return redirect("screening:edt-work")
        status = 400
    audit_views(actor=request.user, record_type="contact", record_ids=[reference], request=request)
    return render(
        request,
        "screening/edt_handover.html",
        {
            "contact": contact,
            "handover": handover,
            "form": form,
            "show_errors": status == 400,
            "service_opens": service_opens(timezone.now()),
        },
        status=status,
    )
