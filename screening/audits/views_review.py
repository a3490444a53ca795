"""The weekly joint review page and its CSV, for managers."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from frontdoor.audit import audit_views
from frontdoor.models import AuditEvent
from frontdoor.spreadsheets import csv_bytes
from screening.audits import joint_review as review
from screening.audits.selectors import can_audit
from screening.audits.weeks import last_complete_week


def _week(request: HttpRequest) -> tuple[date, str]:
    """(the week asked for, or last week; the reason the one asked for cannot be shown)."""
    typed = request.GET.get("week", "")
    if not typed.strip():
        return last_complete_week(), ""
    try:
        return review.week_parse(typed), ""
    except review.WeekError as error:
        return last_complete_week(), str(error)


def _shown(data: review.JointReview) -> list[str]:
    return [d.contact.reference for d in data.decisions if not d.closed]


@require_GET
def joint_review(request: HttpRequest) -> HttpResponse:
    if not can_audit(request.user):
        raise PermissionDenied
    week_start, error = _week(request)
    data = review.joint_review(
        user=request.user, week_start=week_start, page=request.GET.get("page")
    )
    audit_views(actor=request.user, record_type="contact", record_ids=_shown(data), request=request)
    return render(
        request,
        "screening/audits/joint_review.html",
        {
            "review": data,
            "routes": review.ROUTES,
            "weeks": review.weeks_offered(earliest=data.earliest),
            "week_error": error,
            "page": data.page,
            "query": urlencode({"week": week_start.isoformat()}),
        },
        status=400 if error else 200,
    )


@require_GET
def joint_review_csv(request: HttpRequest) -> HttpResponse:
    if not can_audit(request.user):
        raise PermissionDenied
    week_start, error = _week(request)
    if error:
        return HttpResponse(error, status=400, content_type="text/plain; charset=utf-8")
    rows, shown = review.csv_rows(user=request.user, week_start=week_start)
    audit_views(
        actor=request.user,
        record_type="contact",
        record_ids=shown,
        request=request,
        action=AuditEvent.Action.EXPORT,
    )
    response = HttpResponse(
        csv_bytes(review.CSV_HEADER, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="joint-review-{week_start.isoformat()}.csv"'
    )
    return response
