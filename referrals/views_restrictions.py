"""HTML views restricting a contact or person record to named people, and managers'
list of restrictions to review or lift."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from frontdoor.audit import audit_record, audit_views
from frontdoor.models import AuditEvent
from frontdoor.roles import Permission
from referrals import forms_restrictions, selectors, selectors_warnings, services


def _restrict(request: HttpRequest, *, contact=None, person=None, back: str) -> HttpResponse:
    if not request.user.has_perm(Permission.APPROVE_DECISIONS.perm):
        raise PermissionDenied
    staff = selectors.restriction_candidates(user=request.user)
    initial = {
        "ask": request.user.pk,
        "review_due": timezone.localdate() + services.RESTRICTION_REVIEW_EVERY,
    }
    form = forms_restrictions.RestrictionForm(request.POST or None, staff=staff, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.restriction_add(
                actor=request.user,
                contact=contact,
                person=person,
                reason=data["reason"],
                ask=data["ask"],
                allowed=list(data["allowed"]),
                review_due=data["review_due"],
            )
        except services.RestrictionRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "The record is restricted to the people you named.")
            return redirect(back)
    return render(
        request,
        "referrals/restrict.html",
        {"form": form, "contact": contact, "person": person, "back": back},
    )


def contact_restrict(request: HttpRequest, reference: str) -> HttpResponse:
    contact = selectors.contact_get(user=request.user, reference=reference)
    back = reverse("referrals:contact-detail", args=[contact.reference])
    return _restrict(request, contact=contact, back=back)


def person_restrict(request: HttpRequest, person_id: int) -> HttpResponse:
    person = selectors.person_get(user=request.user, person_id=person_id)
    return _restrict(
        request, person=person, back=reverse("referrals:person-detail", args=[person.pk])
    )


def _restriction_refused(request: HttpRequest, refused: services.RestrictionNotNamed):
    """A manager not named on a restriction tried to change it: recorded like any
    other refusal of a restricted record, and told whom to ask."""
    restriction = refused.restriction
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.CHANGE,
        record_type="contact" if restriction.contact_id else "person",
        record_id=(
            restriction.contact.reference if restriction.contact_id else restriction.person_id
        ),
        request=request,
        detail={"refused": "restricted", "restriction": restriction.pk, "attempted": refused.what},
    )
    return render(request, "restricted.html", {"ask": restriction.ask}, status=403)


@require_http_methods(["GET", "POST"])
def restrictions(request: HttpRequest) -> HttpResponse:
    """Managers' list of restricted records, to review on schedule, and of warnings
    on people past or near their review date."""
    records = selectors.restrictions_for_review(user=request.user)
    errors: dict[int, str] = {}
    if request.method == "POST":
        restriction = selectors.restriction_get_for_change(
            user=request.user, restriction_id=request.POST.get("restriction", "")
        )
        try:
            if request.POST.get("action") == "lift":
                services.restriction_lift(
                    actor=request.user,
                    restriction=restriction,
                    reason=request.POST.get("lift_reason", ""),
                )
                messages.success(request, "The restriction is lifted.")
            else:
                services.restriction_review(actor=request.user, restriction=restriction)
                messages.success(
                    request, "The restriction is kept; the next review is in three months."
                )
        except services.RestrictionNotNamed as refused:
            return _restriction_refused(request, refused)
        except services.RestrictionRefused as refused:
            errors[restriction.pk] = str(refused)
        else:
            return redirect("referrals:restrictions")
    # Warnings on people past or near their review date (reviewed or ended on their
    # own pages, which come back here): each warned person shown is a read of them.
    warnings_due = selectors_warnings.warnings_for_review(
        user=request.user, notice=services.WARNING_REVIEW_NOTICE
    )
    audit_views(
        actor=request.user,
        record_type="person",
        record_ids={warning.person_id for warning in warnings_due},
        request=request,
    )
    return render(
        request,
        "referrals/restrictions.html",
        {
            "restrictions": records,
            "warnings_due": warnings_due,
            "warning_notice_days": services.WARNING_REVIEW_NOTICE.days,
            "today": timezone.localdate(),
            "errors": errors,
            "typed": request.POST.get("lift_reason", ""),
        },
    )
