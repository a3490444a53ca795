"""HTML views for the complex-case meeting: the list, the table, the print."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from frontdoor.audit import audit_views
from frontdoor.limits import LIMITS, LengthMessagesMixin
from frontdoor.roles import Permission
from screening.meetings import selectors, services
from screening.models import ComplexCaseEntry
from screening.services import ScreeningRefused


class OutcomeForm(LengthMessagesMixin, forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=[
            (ComplexCaseEntry.Outcome.DECISION, "Decided: record it in the screening decision"),
            (ComplexCaseEntry.Outcome.MORE_INFORMATION, "More information needed"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select the outcome"},
    )
    actions = forms.CharField(
        label="Actions",
        required=False,
        widget=forms.Textarea({"rows": 2}),
        max_length=LIMITS.reason,
    )
    owners = forms.CharField(label="Who will do them", required=False, max_length=LIMITS.short_text)


class ContributionForm(LengthMessagesMixin, forms.Form):
    information = forms.CharField(
        label="What your agency knows",
        widget=forms.Textarea({"rows": 3}),
        max_length=LIMITS.narrative,
    )


def _attendee(request: HttpRequest) -> None:
    if not selectors.can_attend(request.user):
        raise PermissionDenied


def meeting_list(request: HttpRequest) -> HttpResponse:
    _attendee(request)
    page = Paginator(selectors.runs(user=request.user), 20).get_page(request.GET.get("page"))
    waits = selectors.average_waits(runs=list(page.object_list))
    rows = [(run, waits.get(run.pk)) for run in page.object_list]
    return render(request, "screening/meetings/list.html", {"page": page, "rows": rows})


def _meeting(request: HttpRequest, run_id: int, template: str) -> HttpResponse:
    _attendee(request)
    run = selectors.run_get(user=request.user, run_id=run_id)
    cases = selectors.cases(user=request.user, run=run)
    audit_views(
        actor=request.user,
        record_type="contact",
        record_ids={case.entry.contact.reference for case in cases if case.shown},
        request=request,
    )
    # The people whose warnings (and their evidence) the cases show are read too.
    audit_views(
        actor=request.user,
        record_type="person",
        record_ids={entry.person.pk for case in cases for entry in case.warnings},
        request=request,
    )
    is_chair = request.user.has_perm(Permission.APPROVE_DECISIONS.perm)
    return render(
        request,
        template,
        {
            "run": run,
            "cases": cases,
            "is_chair": is_chair,
            "is_screener": request.user.has_perm(Permission.SCREEN_CONTACTS.perm),
            "can_contribute": bool(request.user.agency_id)
            and request.user.has_perm(Permission.ANSWER_AGENCY_CHECKS.perm),
            "attendees": selectors.eligible_attendees(user=request.user) if is_chair else [],
            "present": set(run.attendees.values_list("pk", flat=True)),
            "outcome_form": OutcomeForm(),
            "contribution_form": ContributionForm(),
        },
    )


def meeting_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    return _meeting(request, run_id, "screening/meetings/detail.html")


def meeting_print(request: HttpRequest, run_id: int) -> HttpResponse:
    return _meeting(request, run_id, "screening/meetings/print.html")


@require_POST
def meeting_attendance(request: HttpRequest, run_id: int) -> HttpResponse:
    _attendee(request)
    run = selectors.run_get(user=request.user, run_id=run_id)
    people = selectors.eligible_attendees(user=request.user).filter(
        pk__in=[pk for pk in request.POST.getlist("attendees") if pk.isdigit()]
    )
    try:
        services.meeting_attendance_record(
            actor=request.user, run=run, attendees=list(people), notes=request.POST.get("notes", "")
        )
        messages.success(request, "Attendance recorded.")
    except ScreeningRefused as refused:
        raise PermissionDenied(str(refused)) from refused
    return redirect("screening:meeting", run_id=run.pk)


@require_POST
def meeting_outcome(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = selectors.entry_get(user=request.user, entry_id=entry_id)
    if not request.user.has_perm(Permission.APPROVE_DECISIONS.perm):
        raise PermissionDenied
    form = OutcomeForm(request.POST)
    anchor = f"{reverse('screening:meeting', args=[entry.run_id])}#case-{entry.pk}"
    if not form.is_valid():
        messages.error(request, "Select the outcome for the case.")
        return redirect(anchor)
    try:
        services.meeting_outcome_record(actor=request.user, entry=entry, **form.cleaned_data)
        messages.success(request, f"Outcome recorded for {entry.contact.reference}.")
    except ScreeningRefused as refused:
        messages.error(request, str(refused))
    return redirect(anchor)


@require_POST
def meeting_contribution(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = selectors.entry_get(user=request.user, entry_id=entry_id)
    form = ContributionForm(request.POST)
    anchor = f"{reverse('screening:meeting', args=[entry.run_id])}#case-{entry.pk}"
    if not form.is_valid():
        messages.error(request, "Enter what your agency knows, or that it knows nothing.")
        return redirect(anchor)
    try:
        services.meeting_contribution_record(
            actor=request.user, entry=entry, information=form.cleaned_data["information"]
        )
        messages.success(request, "Your agency's information is recorded.")
    except ScreeningRefused as refused:
        raise PermissionDenied(str(refused)) from refused
    return redirect(anchor)
