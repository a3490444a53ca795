"""HTML views setting, reviewing and ending warnings on a person record (screeners
and managers). Each fetches the person or warning through its access function."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from frontdoor.audit import audit_views
from referrals import forms_warnings, selectors, selectors_warnings, services

# Where a review or an end began: the person record, or the managers' review page.
FROM_REVIEW_PAGE = "review"


def _from_review(request: HttpRequest) -> bool:
    return (request.POST or request.GET).get("from") == FROM_REVIEW_PAGE


def _back(request: HttpRequest, person_id: int) -> str:
    if _from_review(request):
        return reverse("referrals:restrictions") + "#warnings"
    return reverse("referrals:person-detail", args=[person_id]) + "#warnings"


def _page(request, *, template_context: dict, form, person, warning=None) -> HttpResponse:
    if request.method == "GET":
        audit_views(
            actor=request.user, record_type="person", record_ids=[person.pk], request=request
        )
    return render(
        request,
        "referrals/warning_form.html",
        {
            "form": form,
            "person": person,
            "warning": warning,
            "shown": [warning] if warning else [],
            "back": _back(request, person.pk),
            "came_from": FROM_REVIEW_PAGE if _from_review(request) else "",
            "show_errors": request.method == "POST",
            **template_context,
        },
    )


@require_http_methods(["GET", "POST"])
def warning_add(request: HttpRequest, person_id: int) -> HttpResponse:
    person = selectors.person_get(user=request.user, person_id=person_id)
    if not services.may_set_warnings(request.user):
        raise PermissionDenied
    form = forms_warnings.WarningForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.warning_set(actor=request.user, person=person, **form.cleaned_data)
        except services.WarningRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"Warning added to {person.full_name}'s record.")
            return redirect(_back(request, person.pk))
    context = {"heading": "Add a warning", "button": "Add the warning"}
    return _page(request, template_context=context, form=form, person=person)


def _change(request, person_id: int, warning_id: int, *, what: str) -> HttpResponse:
    warning = selectors_warnings.warning_get(
        user=request.user, person_id=person_id, warning_id=warning_id
    )
    person = warning.person
    if not services.may_set_warnings(request.user):
        raise PermissionDenied
    if warning.ended_at is not None:
        messages.info(request, "That warning has already been ended.")
        return redirect(_back(request, person.pk))
    review = what == "review"
    form_class = forms_warnings.WarningReviewForm if review else forms_warnings.WarningEndForm
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if review:
                services.warning_review(actor=request.user, warning=warning, **form.cleaned_data)
                messages.success(request, "Warning reviewed: it stays on the record.")
            else:
                services.warning_end(actor=request.user, warning=warning, **form.cleaned_data)
                messages.success(request, "Warning ended. It stays on the record, marked ended.")
        except services.WarningRefused as refused:
            form.add_error(None, str(refused))
        else:
            return redirect(_back(request, person.pk))
    context = (
        {"heading": "Review a warning", "button": "Keep the warning"}
        if review
        else {"heading": "End a warning", "button": "End the warning"}
    )
    return _page(request, template_context=context, form=form, person=person, warning=warning)


@require_http_methods(["GET", "POST"])
def warning_review(request: HttpRequest, person_id: int, warning_id: int) -> HttpResponse:
    return _change(request, person_id, warning_id, what="review")


@require_http_methods(["GET", "POST"])
def warning_end(request: HttpRequest, person_id: int, warning_id: int) -> HttpResponse:
    return _change(request, person_id, warning_id, what="end")
