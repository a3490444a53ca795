"""Statutory returns pages: make the CIN census export, read the DfE rules' report."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from frontdoor.audit import audit_record, audit_views
from frontdoor.census_codes import return_year_key
from frontdoor.models import AuditEvent
from outcomes.downloads import csv_bytes
from outcomes.models import CensusExport
from outcomes.returns import selectors, services

REPORT_HEADER = ("Kind", "Rule", "Message", "Child", "Table", "Field", "Value")


@require_http_methods(["GET", "POST"])
def census(request: HttpRequest) -> HttpResponse:
    exports = selectors.census_exports_for(user=request.user)
    years = selectors.census_years()
    error = ""
    if request.method == "POST":
        chosen = request.POST.get("year", "")
        year = next((year for year, _ in years if str(year) == chosen), None)
        if year is None:
            error = "Select the return year to export"
        else:
            try:
                export = services.census_export_make(
                    actor=request.user, year=year, via=request.path
                )
            except services.ReturnRefused as refused:
                error = str(refused)
            else:
                services.census_check_request(export=export)
                return redirect("outcomes:census-export", pk=export.pk)
    return render(
        request,
        "outcomes/returns/census.html",
        {
            "exports": exports[:30],
            "years": years,
            "error": error,
            "chosen": request.POST.get("year") or str(selectors.census_year_to_offer()),
        },
        status=400 if error else 200,
    )


def census_export(request: HttpRequest, pk: int) -> HttpResponse:
    exports = selectors.census_exports_for(user=request.user).defer(None).defer("xml")
    export = get_object_or_404(exports.defer("contact_ids"), pk=pk)
    findings = selectors.census_findings(export)
    context = {
        "export": export,
        "year_key": return_year_key(export.year),
        "findings": findings,
        "child_links": selectors.census_child_links(user=request.user, findings=findings),
    }
    if request.headers.get("HX-Request"):
        return render(request, "outcomes/returns/_census_report.html", context)
    # The report names children by their census id, with the values that failed a rule.
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.VIEW,
        record_type="census_export",
        record_id=export.pk,
        request=request,
    )
    return render(request, "outcomes/returns/census_export.html", context)


@require_POST
def census_export_check(request: HttpRequest, pk: int) -> HttpResponse:
    export = get_object_or_404(selectors.census_exports_for(user=request.user), pk=pk)
    if export.status != CensusExport.Status.CHECKING:
        CensusExport.objects.filter(pk=export.pk).update(
            status=CensusExport.Status.CHECKING, failure=""
        )
        export.refresh_from_db()
        services.census_check_request(export=export)
        if export.status == CensusExport.Status.UNCHECKED:
            messages.error(request, export.failure)
    return redirect("outcomes:census-export", pk=export.pk)


def census_export_xml(request: HttpRequest, pk: int) -> HttpResponse:
    exports = selectors.census_exports_for(user=request.user)
    export = get_object_or_404(exports.defer(None), pk=pk)
    audit_views(
        actor=request.user,
        record_type="contact",
        record_ids=export.contact_ids,
        request=request,
        action=AuditEvent.Action.EXPORT,
    )
    response = HttpResponse(bytes(export.xml), content_type="application/xml")
    name = f"cin-census-{return_year_key(export.year)}-export-{export.pk}.xml"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def census_export_report(request: HttpRequest, pk: int) -> HttpResponse:
    export = get_object_or_404(selectors.census_exports_for(user=request.user).defer(None), pk=pk)
    rows = [
        (i["kind"], i["rule"], i["message"], i["child"], i["table"], i["field"], i["value"])
        for i in export.report.get("issues", [])
    ] + [
        (i["kind"], i["rule"], i["message"], "", "", "", "")
        for i in export.report.get("return_level", [])
    ]
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        record_type="census_export",
        record_id=export.pk,
        request=request,
        detail={"what": "validation report"},
    )
    response = HttpResponse(csv_bytes(REPORT_HEADER, rows), content_type="text/csv; charset=utf-8")
    name = f"cin-census-{return_year_key(export.year)}-export-{export.pk}-report.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
