"""The contact log on the screening contact page: record a conversation or action,
and correct an entry (its own page, starting from the entry as it stands). Screening
staff only, through the contact's access function; a failure keeps what was typed."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from frontdoor.audit import audit_views
from screening import selectors
from screening.forms_log import LogCorrectionForm, LogEntryForm
from screening.models import ContactLogEntry
from screening.services_log import LogRefused, log_entry_correct, log_entry_record
from screening.views import page_render


def _to_log(reference: str, entry: ContactLogEntry) -> HttpResponse:
    return redirect(f"{reverse('screening:contact', args=[reference])}#log-entry-{entry.pk}")


def _done(entry: ContactLogEntry) -> str:
    return f"{entry.get_how_display()} with {entry.with_words} on {entry.occurred_at:%-d %B %Y}"


@require_POST
def log_add(request: HttpRequest, reference: str) -> HttpResponse:
    contact, _ = selectors.screening_get(user=request.user, reference=reference)
    form = LogEntryForm(request.POST, contact=contact)
    if not form.is_valid():
        return page_render(request, reference, status=400, log_form=form)
    try:
        entry = log_entry_record(actor=request.user, contact=contact, data=form.log_input())
    except LogRefused as refused:
        form.add_service_errors(refused.errors)
        return page_render(request, reference, status=400, log_form=form)
    messages.success(request, f"Added to the contact log: {_done(entry)}.")
    return _to_log(reference, entry)


@require_http_methods(["GET", "POST"])
def log_correct(request: HttpRequest, reference: str, entry_id: int) -> HttpResponse:
    contact, entry = selectors.log_entry_get(
        user=request.user, reference=reference, entry_id=entry_id
    )
    corrected = ContactLogEntry.objects.filter(corrects=entry).first()
    if request.method == "POST" and corrected is None:
        form = LogCorrectionForm(request.POST, contact=contact)
        if form.is_valid():
            try:
                correction = log_entry_correct(
                    actor=request.user,
                    entry=entry,
                    data=form.log_input(),
                    reason=form.cleaned_data["reason"],
                )
            except LogRefused as refused:
                form.add_service_errors(refused.errors)
            else:
                messages.success(
                    request, f"Correction added to the contact log: {_done(correction)}."
                )
                return _to_log(reference, correction)
        status = 400
    else:
        form = LogCorrectionForm(contact=contact, initial=LogEntryForm.initial_from(entry))
        status = 200
    audit_views(actor=request.user, record_type="contact", record_ids=[reference], request=request)
    return render(
        request,
        "screening/log_correct.html",
        {
            "contact": contact,
            "entry": entry,
            "corrected": corrected,
            "form": form,
            "show_errors": status == 400,
        },
        status=status,
    )
