"""Ofsted's Annex A page and downloads (Lists 1 and 3) for an inspection window."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from frontdoor.audit import audit_views
from frontdoor.models import AuditEvent
from outcomes.downloads import XLSX, attachment
from outcomes.returns import annex_a, annex_a_forms


def _annex_a_download(request: HttpRequest) -> tuple[str, int] | None:
    """What the buttons (or a link) asked for: ("xlsx", 0) for both lists in one
    workbook, ("csv", 1 or 3) for one list; None for the page."""
    chosen = request.GET.get("list", "")
    if chosen in ("1", "3"):
        return "csv", int(chosen)
    file_format = request.GET.get("format", "")
    if file_format == "xlsx":
        return "xlsx", 0
    if file_format == "csv":
        return "csv", 1
    return None


def inspection_contacts(request: HttpRequest) -> HttpResponse:
    """Ofsted's Annex A Lists 1 and 3 for a window of at most six months (by default
    the six months up to today; or the six months before an inspection date): a
    form, then the download, recorded against every contact in it."""
    if not annex_a.can_export_annex_a(request.user):
        raise PermissionDenied
    download = _annex_a_download(request)
    inspection = annex_a_forms.InspectionDateForm()
    chosen = ""
    if any(key.startswith("inspection_date") for key in request.GET):
        # The shortcut fills in the window; the person then chooses a download.
        inspection = annex_a_forms.InspectionDateForm(request.GET)
        if inspection.is_valid():
            window = annex_a.six_months_before_inspection(
                inspection.cleaned_data["inspection_date"]
            )
            form = annex_a_forms.WindowForm(initial={"start": window.start, "end": window.end})
            chosen = window.label
        else:
            form = annex_a_forms.WindowForm(initial=_default_window())
    elif download or any(key.startswith(("start", "end")) for key in request.GET):
        form = annex_a_forms.WindowForm(request.GET)
        if form.is_valid() and download:
            return _annex_a_file(request, form.window, *download)
    else:
        form = annex_a_forms.WindowForm(initial=_default_window())
    failed = bool(form.errors or inspection.errors)
    return render(
        request,
        "outcomes/returns/annex_a.html",
        {"form": form, "inspection": inspection, "chosen": chosen, "failed": failed},
        status=400 if failed else 200,
    )


def _default_window() -> dict:
    window = annex_a.six_months_to(timezone.localdate())
    return {"start": window.start, "end": window.end}


def _annex_a_file(
    request: HttpRequest, window: annex_a.Window, file_format: str, list_number: int
) -> HttpResponse:
    lists = annex_a.annex_a_lists(user=request.user, window=window, as_at=timezone.now())
    references = lists.referral_references if list_number == 3 else lists.contact_references
    audit_views(
        actor=request.user,
        record_type="contact",
        record_ids=references,
        request=request,
        action=AuditEvent.Action.EXPORT,
    )
    if file_format == "xlsx":
        return attachment(annex_a.annex_a_xlsx(lists), XLSX, f"annex-a-{window.slug}.xlsx")
    name = "list-3-referrals" if list_number == 3 else "list-1-contacts"
    return attachment(
        annex_a.annex_a_csv(lists, list_number),
        "text/csv; charset=utf-8",
        f"annex-a-{name}-{window.slug}.csv",
    )
