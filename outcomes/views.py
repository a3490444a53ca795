"""HTML views for notices and outcomes.

Validate, call a service or selector, render.
"""

from __future__ import annotations

import hmac
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from frontdoor.audit import audit_views
from frontdoor.roles import Permission
from outcomes import selectors, services
from outcomes.models import Notice
from referrals import selectors as referral_selectors


def my_referrals(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(Permission.SUBMIT_REFERRALS.perm):
        raise PermissionDenied
    page = Paginator(selectors.my_referrals(user=request.user), 25).get_page(
        request.GET.get("page")
    )
    audit_views(
        actor=request.user,
        record_type="contact",
        record_ids=[contact.reference for contact in page.object_list],
        request=request,
    )
    return render(request, "outcomes/my_referrals.html", {"page": page})


def my_referral(request: HttpRequest, reference: str) -> HttpResponse:
    outcome = selectors.my_referral(user=request.user, reference=reference)
    audit_views(actor=request.user, record_type="contact", record_ids=[reference], request=request)
    return render(request, "outcomes/my_referral.html", {"outcome": outcome})


def contact_notices(request: HttpRequest, reference: str) -> HttpResponse:
    if not request.user.has_perm(Permission.SCREEN_CONTACTS.perm):
        raise PermissionDenied
    contact = referral_selectors.contact_get(user=request.user, reference=reference)
    notices = selectors.notices_for_staff(user=request.user, contact=contact)
    audit_views(actor=request.user, record_type="contact", record_ids=[reference], request=request)
    return render(
        request,
        "outcomes/contact_notices.html",
        {
            "contact": contact,
            "notices": notices,
            "can_resend": request.user.has_perm(Permission.APPROVE_DECISIONS.perm),
        },
    )


@require_POST
def notice_resend(request: HttpRequest, reference: str, notice_id: int) -> HttpResponse:
    if not request.user.has_perm(Permission.APPROVE_DECISIONS.perm):
        raise PermissionDenied
    contact = referral_selectors.contact_get(user=request.user, reference=reference)
    notice = get_object_or_404(Notice, pk=notice_id, contact=contact)
    try:
        services.notice_resend(actor=request.user, notice=notice)
        messages.success(request, "The notice will be sent again.")
    except services.NoticeRefused as refused:
        messages.error(request, str(refused))
    return redirect("outcomes:contact-notices", reference=reference)


@csrf_exempt
@login_not_required
@require_POST
def notify_delivery_receipt(request: HttpRequest) -> JsonResponse:
    """GOV.UK Notify's delivery-receipt callback, authenticated by a bearer token."""
    expected = settings.NOTIFY_CALLBACK_BEARER_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        return JsonResponse({"error": "Send the agreed bearer token."}, status=401)
    try:
        payload = json.loads(request.body)
        reference, status = str(payload["reference"]), str(payload["status"])
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": "Expected JSON with reference and status."}, status=400)
    services.notice_delivery_receipt(reference=reference, notify_status=status)
    # Unknown references are acknowledged too, so Notify does not retry them for ever.
    return JsonResponse({"result": "ok"})
