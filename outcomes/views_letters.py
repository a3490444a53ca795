"""The managers' page of print batches: download a day's letters as one PDF, then mark
them printed and posted. Every view reaches a batch through ``print_batch_get``."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from outcomes import letters, selectors_letters


def print_batches(request: HttpRequest) -> HttpResponse:
    batches = selectors_letters.print_batches_for(user=request.user)
    return render(
        request,
        "outcomes/letters/batches.html",
        {
            "batches": batches[:60],
            "waiting": selectors_letters.letters_waiting(),
            "limit": settings.PRINT_BATCH_MAX_LETTERS,
        },
    )


@require_POST
def print_batch_pdf(request: HttpRequest, batch_id: int) -> HttpResponse:
    """A POST: the first download closes the batch and fixes its letters' addresses, which
    a GET (a browser's prefetch, a link checker) must never do."""
    batch = selectors_letters.print_batch_get(user=request.user, batch_id=batch_id)
    try:
        pdf = letters.print_batch_pdf(actor=request.user, batch=batch, request=request)
    except letters.LetterRefused as refused:
        messages.error(request, str(refused))
        return redirect("outcomes:print-batches")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{batch.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def print_batch_printed(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = selectors_letters.print_batch_get(user=request.user, batch_id=batch_id)
    try:
        count = letters.print_batch_mark_printed(actor=request.user, batch=batch, request=request)
    except letters.LetterRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"{_letters(count)} marked printed. Post them, then say so here.")
    return redirect("outcomes:print-batches")


@require_POST
def print_batch_posted(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = selectors_letters.print_batch_get(user=request.user, batch_id=batch_id)
    try:
        count = letters.print_batch_mark_posted(actor=request.user, batch=batch, request=request)
    except letters.LetterRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"{_letters(count)} marked posted.")
    return redirect("outcomes:print-batches")


def _letters(count: int) -> str:
    return f"{count} letter{'' if count == 1 else 's'}"
