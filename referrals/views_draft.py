"""Deleting an unfinished contact form: asked on a page of its own, done by POST.

One click used to delete every answer; the button sat beside Continue. The form
now links here (GET, changes nothing), and only this page's "Yes, delete it" posts.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from referrals import selectors, services
from referrals.views import journey_for


@require_GET
def contact_delete(request: HttpRequest, kind: str) -> HttpResponse:
    journey = journey_for(request, kind)
    if not selectors.draft_get(owner=request.user, kind=kind):
        # Nothing saved, nothing to delete: back to the (blank) form.
        return redirect(journey.form_url)
    return render(request, "referrals/contact_delete.html", {"journey": journey})


@require_POST
def contact_discard(request: HttpRequest, kind: str) -> HttpResponse:
    journey_for(request, kind)
    services.draft_discard(owner=request.user, kind=kind)
    messages.info(request, "Your unfinished answers have been deleted.")
    return redirect("home")
