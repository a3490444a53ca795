"""A manager's approvals: the decisions waiting for them, and approving or returning
one. Checks asked without consent that wait for a manager are listed here too; their
page is ``views_checks.check_approval``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from frontdoor.audit import audit_views
from screening import forms, selectors, services


def approvals(request: HttpRequest) -> HttpResponse:
    if not selectors.can_approve(request.user):
        raise PermissionDenied
    decisions = list(selectors.approvals_pending(user=request.user))
    checks = list(selectors.checks_awaiting_approval(user=request.user))
    closed = [row for row in [*decisions, *checks] if row.closed]
    return render(
        request,
        "screening/approvals.html",
        {
            "decisions": decisions,
            "checks": checks,
            "asks": selectors.restricted_asks(user=request.user, rows=closed),
        },
    )


@require_http_methods(["GET", "POST"])
def approval(request: HttpRequest, decision_id: int) -> HttpResponse:
    if not selectors.can_approve(request.user):
        raise PermissionDenied
    decision = selectors.approval_get(user=request.user, decision_id=decision_id)
    form = forms.ApprovalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["outcome"] == "approve":
                services.decision_approve(
                    actor=request.user, decision=decision, comment=form.cleaned_data["comment"]
                )
                messages.success(request, f"Decision on {decision.contact.reference} approved.")
            else:
                services.decision_return(
                    actor=request.user, decision=decision, comment=form.cleaned_data["comment"]
                )
                messages.success(request, f"Decision on {decision.contact.reference} returned.")
            return redirect("screening:approvals")
        except services.ScreeningRefused as refused:
            form.add_error(None, str(refused))
    audit_views(
        actor=request.user,
        record_type="contact",
        record_ids=[decision.contact.reference],
        request=request,
    )
    return render(
        request,
        "screening/approval.html",
        {
            "decision": decision,
            "form": form,
            "show_errors": request.method == "POST",
            "contact": decision.contact,
            "primary_need_labels": selectors.primary_need_labels(contact=decision.contact)
            if decision.primary_need
            else {},
        },
    )
