"""HTML views for the complex-case meeting: the list, the table, the print."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from frontdoor.audit import audit_views
from frontdoor.record_numbers import record_number
from frontdoor.roles import Permission
from screening.meetings import selectors, services
from screening.meetings.forms import ActionForm, ContributionForm, GuestForm, OutcomeForm
from screening.models import ComplexCaseEntry
from screening.services import ScreeningRefused


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
        pk__in=[
            number
            for number in map(record_number, request.POST.getlist("attendees"))
            if number is not None
        ]
    )
    try:
        services.meeting_attendance_record(
            actor=request.user, run=run, attendees=list(people), notes=request.POST.get("notes", "")
        )
        messages.success(request, "Attendance recorded.")
    except ScreeningRefused as refused:
        raise PermissionDenied(str(refused)) from refused
    return redirect("screening:meeting", run_id=run.pk)


def _chair_entry(request: HttpRequest, entry_id: int) -> ComplexCaseEntry:
    entry = selectors.entry_get(user=request.user, entry_id=entry_id)
    if not request.user.has_perm(Permission.APPROVE_DECISIONS.perm):
        raise PermissionDenied
    return entry


def _case_anchor(entry: ComplexCaseEntry) -> str:
    return f"{reverse('screening:meeting', args=[entry.run_id])}#case-{entry.pk}"


def _form_page(
    request: HttpRequest, template: str, entry: ComplexCaseEntry, form, *, status: int = 200
) -> HttpResponse:
    audit_views(
        actor=request.user,
        record_type="contact",
        record_ids=[entry.contact.reference],
        request=request,
    )
    return render(
        request,
        template,
        {
            "entry": entry,
            "run": entry.run,
            "form": form,
            "show_errors": status == 400,
            "back": _case_anchor(entry),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def meeting_outcome(request: HttpRequest, entry_id: int) -> HttpResponse:
    """The chair records a case's outcome on a page of its own: what the meeting
    agreed, or the action that gets the information it needs."""
    entry = _chair_entry(request, entry_id)
    template = "screening/meetings/outcome.html"
    if request.method != "POST":
        initial = {
            "outcome": "" if entry.outcome == ComplexCaseEntry.Outcome.PENDING else entry.outcome,
            "agreed_route": entry.agreed_route,
            "agreed_threshold": entry.agreed_threshold_id,
            "agreed_reasoning": entry.agreed_reasoning,
            "actions": entry.actions,
        }
        return _form_page(request, template, entry, OutcomeForm(initial=initial))
    form = OutcomeForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.meeting_outcome_record(
                actor=request.user,
                entry=entry,
                outcome=data["outcome"],
                actions=data["actions"],
                agreed_route=data["agreed_route"],
                agreed_threshold=data["agreed_threshold"],
                agreed_reasoning=data["agreed_reasoning"],
                action=form.action(),
            )
        except services.MeetingOutcomeRefused as refused:
            for field_name, message in refused.errors.items():
                form.add_error(field_name, message)
        else:
            messages.success(request, f"Outcome recorded for {entry.contact.reference}.")
            return redirect(_case_anchor(entry))
    return _form_page(request, template, entry, form, status=400)


@require_http_methods(["GET", "POST"])
def meeting_action_add(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = _chair_entry(request, entry_id)
    template = "screening/meetings/action_add.html"
    if request.method != "POST":
        return _form_page(request, template, entry, ActionForm())
    form = ActionForm(request.POST)
    if form.is_valid():
        try:
            services.meeting_action_add(actor=request.user, entry=entry, action=form.action())
        except services.MeetingOutcomeRefused as refused:
            for field_name, message in refused.errors.items():
                form.add_error(field_name, message)
        else:
            messages.success(request, f"Action added to {entry.contact.reference}.")
            return redirect(_case_anchor(entry))
    return _form_page(request, template, entry, form, status=400)


@require_POST
def meeting_action_done(request: HttpRequest, action_id: int) -> HttpResponse:
    """The action's owner (or a manager) marks it done, from their home page."""
    action = selectors.owned_action_get(user=request.user, action_id=action_id)
    try:
        services.meeting_action_done(actor=request.user, action=action)
        messages.success(request, f"Action on {action.entry.contact.reference} marked as done.")
    except ScreeningRefused as refused:
        messages.error(request, str(refused))
    return redirect("home")


@require_http_methods(["GET", "POST"])
def meeting_guest_add(request: HttpRequest, run_id: int) -> HttpResponse:
    """The chair records someone at the meeting who has no account."""
    _attendee(request)
    if not request.user.has_perm(Permission.APPROVE_DECISIONS.perm):
        raise PermissionDenied
    run = selectors.run_get(user=request.user, run_id=run_id)
    form = GuestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.meeting_guest_add(actor=request.user, run=run, **form.cleaned_data)
        messages.success(request, f"{form.cleaned_data['name']} is recorded as at the meeting.")
        return redirect("screening:meeting", run_id=run.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "screening/meetings/guest_add.html",
        {"run": run, "form": form, "show_errors": status == 400},
        status=status,
    )


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
