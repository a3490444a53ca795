"""Operation Encompass pages: the notices (managers and screeners), confirming a child's
school, the school's acknowledgement link (no sign-in), and the schools directory and
term dates (administrators). Validate, call a service or selector, render."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from frontdoor.audit import audit_views
from frontdoor.limits import in_megabytes, limits
from outcomes.encompass import directory, notices, selectors, terms
from outcomes.encompass.forms import (
    CalendarForm,
    ConfirmSchoolForm,
    NoticeFilterForm,
    SchoolForm,
    TermsForm,
    UploadForm,
)

PAGE_SIZE = 50


def _posted(request: HttpRequest):
    """The form's data when posted, even empty (an empty form is answered with errors)."""
    return request.POST if request.method == "POST" else None


def encompass_notices(request: HttpRequest) -> HttpResponse:
    if not selectors.may_see(request.user):
        raise PermissionDenied
    form = NoticeFilterForm(request.GET or None)
    chosen = form.cleaned_data if form.is_valid() else {"status": "", "school": ""}
    page = Paginator(selectors.notices_page(user=request.user, **chosen), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = selectors.rows(page.object_list)
    audit_views(
        actor=request.user,
        record_type="contact",
        record_ids=[row.encompass.contact.reference for row in rows if not row.restricted],
        request=request,
        via="outcomes.encompass.notices",
    )
    return render(
        request,
        "outcomes/encompass/notices.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "counts": selectors.counts(),
            "query": urlencode({k: v for k, v in chosen.items() if v}),
        },
    )


def _confirmed_message(encompass) -> str:
    if encompass.school_id is None:
        return "Recorded: no notice will go to a school."
    if encompass.state == encompass.State.HELD:
        goes = date_format(timezone.localtime(encompass.release_at), r"l j F \a\t H:i")
        return (
            "School confirmed: the school is closed for the holiday, so the notice is held "
            f"and goes on {goes}, before the first day back."
        )
    return "School confirmed: the notice is on its way."


@require_http_methods(["GET", "POST"])
def encompass_school(request: HttpRequest, notice_id: int) -> HttpResponse:
    """A screener confirms the school of a child whose school was not known for certain."""
    encompass = selectors.notice_get(user=request.user, notice_id=notice_id)
    initial = {}
    if encompass.suggested_school_id:
        initial = {"answer": "school", "school": encompass.suggested_school_id}
    form = ConfirmSchoolForm(_posted(request), initial=initial, schools=selectors.schools_open())
    waiting = encompass.state == encompass.State.AWAITING_SCHOOL
    if request.method == "POST" and waiting and form.is_valid():
        data = form.cleaned_data
        try:
            encompass = notices.school_confirm(
                actor=request.user,
                encompass=encompass,
                school=data["school"] if data["answer"] == "school" else None,
                not_sent_reason=data["not_sent_reason"] if data["answer"] == "none" else "",
            )
        except notices.EncompassRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _confirmed_message(encompass))
            return redirect("outcomes:encompass")
    audit_views(
        actor=request.user,
        record_type="contact",
        record_ids=[encompass.contact.reference],
        request=request,
        via="outcomes.encompass.school",
    )
    return render(
        request,
        "outcomes/encompass/school_confirm.html",
        {
            "encompass": encompass,
            "form": form,
            "waiting": waiting,
            "show_errors": request.method == "POST",
        },
        status=400 if request.method == "POST" and form.errors else 200,
    )


@never_cache
@login_not_required
@require_http_methods(["GET", "POST"])
def encompass_acknowledge(request: HttpRequest, token: str) -> HttpResponse:
    """The link in a school's notice. Opening it shows a button (mail scanners open
    links too, and must not use it up); pressing it records that the Key Adult read
    the notice. Nothing about the child is shown."""
    problem, encompass = "", None
    try:
        if request.method == "POST":
            encompass = notices.acknowledge(token=token, request=request)
        else:
            encompass = notices.acknowledgement_find(token)
    except notices.LinkProblem as link_problem:
        problem = str(link_problem)
    return render(
        request,
        "outcomes/encompass/acknowledge.html",
        {
            "problem": problem,
            "done": request.method == "POST" and not problem,
            "school": encompass.school if encompass else None,
        },
        status=400 if problem else 200,
    )


# --- The directory, for administrators ------------------------------------------------


def _administrators_only(request: HttpRequest) -> None:
    if not selectors.may_administer(request.user):
        raise PermissionDenied


def schools(request: HttpRequest) -> HttpResponse:
    _administrators_only(request)
    words = request.GET.get("q", "")[:200]
    page = Paginator(selectors.schools_for(user=request.user, words=words), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    audit_views(
        actor=request.user,
        record_type="school",
        record_ids=[found.urn for found in page.object_list],
        request=request,
        via="outcomes.encompass.schools",
    )
    return render(
        request,
        "outcomes/encompass/schools.html",
        {"page": page, "words": words, "query": urlencode({"q": words}) if words else ""},
    )


@require_http_methods(["GET", "POST"])
def school(request: HttpRequest, school_id: int) -> HttpResponse:
    _administrators_only(request)
    found = selectors.school_get(user=request.user, school_id=school_id)
    form = SchoolForm(_posted(request), instance=found)
    if request.method == "POST" and form.is_valid():
        directory.school_change(actor=request.user, school=found, values=form.cleaned_data)
        messages.success(request, f"{found.name} changed.")
        return redirect("outcomes:schools")
    if request.method == "POST":
        found.refresh_from_db()  # the heading shows the school as it is, not as typed
    audit_views(
        actor=request.user,
        record_type="school",
        record_ids=[found.urn],
        request=request,
        via="outcomes.encompass.school",
    )
    return render(
        request,
        "outcomes/encompass/school.html",
        {"school": found, "form": form, "show_errors": request.method == "POST"},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def schools_upload(request: HttpRequest) -> HttpResponse:
    _administrators_only(request)
    form = UploadForm(_posted(request), request.FILES or None)
    report, problem = None, ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["file"].read(limits().import_bytes + 1)
        if len(data) > limits().import_bytes:
            problem = (
                f"The file must be smaller than {in_megabytes(limits().import_bytes)}: keep "
                "only your area's schools, or load it with the load_schools command"
            )
        else:
            try:
                report = directory.directory_import(
                    actor=request.user, kind=form.cleaned_data["kind"], data=data
                )
            except directory.DirectoryRefused as refused:
                problem = str(refused)
        if problem:
            form.add_error("file", problem)
    return render(
        request,
        "outcomes/encompass/upload.html",
        {
            "form": form,
            "report": report,
            "errors_shown": report.errors[: directory.ERRORS_SHOWN] if report else [],
            "show_errors": request.method == "POST",
            "columns": directory.REQUIRED,
            "optional": directory.OPTIONAL,
            "max_size": in_megabytes(limits().import_bytes),
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def term_calendars(request: HttpRequest) -> HttpResponse:
    _administrators_only(request)
    form = CalendarForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            calendar = terms.calendar_create(actor=request.user, name=form.cleaned_data["name"])
        except terms.TermsRefused as refused:
            form.add_error("name", str(refused))
        else:
            return redirect("outcomes:term-calendar", calendar_id=calendar.pk)
    return render(
        request,
        "outcomes/encompass/calendars.html",
        {
            "form": form,
            "calendars": selectors.calendars_for(user=request.user),
            "show_errors": request.method == "POST",
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def term_calendar(request: HttpRequest, calendar_id: int) -> HttpResponse:
    _administrators_only(request)
    calendar = selectors.calendar_get(user=request.user, calendar_id=calendar_id)
    form = TermsForm(
        _posted(request),
        initial={"lines": terms.terms_as_lines(calendar), "is_default": calendar.is_default},
    )
    if request.method == "POST" and form.is_valid():
        problems = terms.calendar_change(
            actor=request.user,
            calendar=calendar,
            lines=form.cleaned_data["lines"],
            is_default=form.cleaned_data["is_default"],
        )
        for number, problem in problems:
            form.add_error("lines", f"Line {number}: {problem}" if number else problem)
        if not problems:
            messages.success(request, f"Term dates of {calendar.name} saved.")
            return redirect("outcomes:term-calendars")
    return render(
        request,
        "outcomes/encompass/calendar.html",
        {"calendar": calendar, "form": form, "show_errors": request.method == "POST"},
        status=400 if form.errors else 200,
    )
