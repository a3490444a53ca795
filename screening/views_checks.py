"""Multi-agency checks: a screener asks an agency (with the basis for sharing), a
manager approves or refuses one asked without consent (where the council wants
that), and a partner agency's member reads and answers the checks sent to their
agency. Each page fetches its check through its access function."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from frontdoor.audit import audit_views
from frontdoor.roles import Permission
from referrals.selectors_documents import documents_for
from screening import selectors
from screening.forms import CheckAnswerForm
from screening.forms_checks import CheckApprovalForm, CheckRequestForm
from screening.services import ScreeningRefused
from screening.services_checks import (
    SharingRefused,
    check_answer,
    check_approve,
    check_refuse,
    check_request,
)
from screening.views import page_render, shareable_documents


@require_POST
def request_check(request: HttpRequest, reference: str) -> HttpResponse:
    contact, _ = selectors.screening_get(user=request.user, reference=reference)
    shareable = shareable_documents(documents_for(user=request.user, contact=contact))
    form = CheckRequestForm(request.POST, contact=contact, shareable=shareable)
    if not form.is_valid():
        return page_render(request, reference, check_form=form)
    try:
        check = check_request(
            actor=request.user,
            contact=contact,
            agency=form.cleaned_data["agency"],
            question=form.cleaned_data["question"],
            sharing=form.sharing(),
            documents=list(form.cleaned_data.get("documents") or []),
        )
    except SharingRefused as refused:
        form.add_service_errors(refused.errors)
        return page_render(request, reference, check_form=form)
    except ScreeningRefused as refused:
        messages.error(request, str(refused))
        return redirect(f"{reverse('screening:contact', args=[reference])}#checks")
    if check.status == check.Status.AWAITING_APPROVAL:
        messages.success(
            request,
            f"Check for {check.agency.name} recorded. It goes to them once a manager "
            "approves sharing without consent.",
        )
    else:
        messages.success(request, f"Check sent to {check.agency.name}.")
    return redirect(f"{reverse('screening:contact', args=[reference])}#check-{check.pk}")


@require_http_methods(["GET", "POST"])
def check_approval(request: HttpRequest, check_id: int) -> HttpResponse:
    """A manager reads a check asked without consent and lets it go or refuses it."""
    if not selectors.can_approve(request.user):
        raise PermissionDenied
    check = selectors.check_get_for_approval(user=request.user, check_id=check_id)
    form = CheckApprovalForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        comment = form.cleaned_data["comment"]
        try:
            if form.cleaned_data["outcome"] == "approve":
                check_approve(actor=request.user, check=check, comment=comment)
                messages.success(
                    request, f"Check on {check.contact.reference} sent to {check.agency.name}."
                )
            else:
                check_refuse(actor=request.user, check=check, comment=comment)
                messages.success(
                    request, f"Check on {check.contact.reference} refused: it was not sent."
                )
            return redirect("screening:approvals")
        except ScreeningRefused as refused:
            form.add_error(None, str(refused))
    audit_views(
        actor=request.user,
        record_type="contact",
        record_ids=[check.contact.reference],
        request=request,
    )
    return render(
        request,
        "screening/check_approval.html",
        {"check": check, "form": form, "show_errors": request.method == "POST"},
        status=400 if form.errors else 200,
    )


def member_checks(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(Permission.ANSWER_AGENCY_CHECKS.perm):
        raise PermissionDenied
    checks = list(selectors.checks_for_member(user=request.user))
    audit_views(
        actor=request.user,
        record_type="contact",
        record_ids={check.contact.reference for check in checks if not check.closed},
        request=request,
    )
    asks = selectors.restricted_asks(user=request.user, rows=[c for c in checks if c.closed])
    return render(request, "screening/member_checks.html", {"checks": checks, "asks": asks})


@require_http_methods(["GET", "POST"])
def member_check_answer(request: HttpRequest, check_id: int) -> HttpResponse:
    if not request.user.has_perm(Permission.ANSWER_AGENCY_CHECKS.perm):
        raise PermissionDenied
    check = selectors.check_get_for_member(user=request.user, check_id=check_id)
    form = CheckAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            check_answer(actor=request.user, check=check, response=form.cleaned_data["response"])
            messages.success(request, f"Your answer on {check.contact.reference} has been sent.")
            return redirect("screening:member-checks")
        except ScreeningRefused as refused:
            form.add_error(None, str(refused))
    audit_views(
        actor=request.user,
        record_type="contact",
        record_ids=[check.contact.reference],
        request=request,
    )
    return render(
        request,
        "screening/member_check.html",
        {"check": check, "form": form, "show_errors": request.method == "POST"},
    )
