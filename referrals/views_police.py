"""Police staff recording their force's notifications (docs/adr/0037): one at a time on
a form, or a batch as a CSV file, kept and imported as a job with a report by row the
uploader can come back to (docs/adr/0040). Who may is ``can_record_police``; a
refusal keeps what was typed."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh

from frontdoor.audit import audit_views
from frontdoor.limits import in_megabytes
from frontdoor.selectors import can_record_police
from referrals import services
from referrals.forms_police import PoliceNotificationForms
from referrals.models import PoliceImport, PoliceImportRow
from referrals.selectors_police import police_imports_for
from referrals.services.police_import import COLUMNS, REQUIRED

Outcome = PoliceImportRow.Outcome


def _police_only(request: HttpRequest) -> None:
    if not can_record_police(request.user):
        raise PermissionDenied


@require_http_methods(["GET", "POST"])
def police_notification_form(request: HttpRequest) -> HttpResponse:
    _police_only(request)
    status = 200
    forms = PoliceNotificationForms(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if forms.is_valid():
            data = forms.to_input(officer_fallback=request.user.full_name)
            try:
                receipt = services.police_notification_receive(
                    actor=request.user,
                    data=data,
                    force=request.user.agency,
                    via="referrals.police_notification_form",
                )
            except services.PoliceNotificationRefused as refused:
                # The form has the incident's date and time apart; the service one moment.
                field = {"incident_at": "incident_date"}.get(refused.field, refused.field)
                target = field if field in forms.incident.fields else None
                forms.incident.add_error(target, str(refused))
            except services.ContactRejected as rejected:
                forms.incident.add_error(None, str(rejected))
            else:
                contact = receipt.contact
                if receipt.created:
                    messages.success(
                        request,
                        f"Notification {data.details.police_reference} is recorded as "
                        f"{contact.reference}.",
                    )
                elif receipt.changes:
                    differences = "; ".join(change.sentence for change in receipt.changes)
                    messages.warning(
                        request,
                        f"Notification {data.details.police_reference} was already sent: it "
                        f"is {contact.reference}. This one differs ({differences}): the "
                        "differences are on the contact's log for the screener.",
                    )
                else:
                    messages.info(
                        request,
                        f"Notification {data.details.police_reference} was already sent: it "
                        f"is {contact.reference}. Nothing new was recorded.",
                    )
                return redirect("referrals:police-form")
        status = 400
    return render(
        request,
        "referrals/police_form.html",
        {"forms": forms, "show_errors": status == 400},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def police_import(request: HttpRequest) -> HttpResponse:
    """Upload a force's file: checked as a whole at once, then kept and imported as a
    job (small files while the uploader waits, larger ones by the worker)."""
    _police_only(request)
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error = "Choose a CSV file to import"
        else:
            data = upload.read(settings.POLICE_IMPORT_MAX_BYTES + 1)
            try:
                job = services.police_import_start(actor=request.user, data=data)
            except services.ImportFileRefused as refused:
                error = str(refused)
            else:
                return redirect("referrals:police-import-job", import_id=job.pk)
    return render(
        request,
        "referrals/police_import.html",
        {
            "error": error,
            "required": REQUIRED,
            "columns": COLUMNS,
            "max_size": in_megabytes(settings.POLICE_IMPORT_MAX_BYTES),
            "max_rows": settings.POLICE_IMPORT_MAX_ROWS,
            "recent": police_imports_for(user=request.user)[:10],
        },
        status=400 if error else 200,
    )


@require_GET
def police_import_job(request: HttpRequest, import_id: int) -> HttpResponse:
    """One upload: how far the import has gone (polled by htmx while it runs, the page
    reloaded once it is done), then what became of each row."""
    _police_only(request)
    job = get_object_or_404(police_imports_for(user=request.user), pk=import_id)
    if request.htmx:
        if job.finished:
            return HttpResponseClientRefresh()
        return render(request, "referrals/police_import_job.html#progress", {"job": job})
    rows = list(job.report_rows.all())
    by_outcome = {outcome: [r for r in rows if r.outcome == outcome] for outcome in Outcome}
    # The report lists the contacts by reference: record that this person saw them.
    audit_views(
        actor=request.user,
        record_type="contact",
        record_ids=dict.fromkeys(row.contact_reference for row in rows if row.contact_reference),
        request=request,
    )
    return render(
        request,
        "referrals/police_import_job.html",
        {
            "job": job,
            "refused": by_outcome[Outcome.REFUSED],
            "changed": by_outcome[Outcome.CHANGED],
            "resent": by_outcome[Outcome.RESENT] + by_outcome[Outcome.CHANGED],
            "recorded": by_outcome[Outcome.RECORDED],
            "report_gone": job.finished and job.rows_done > 0 and not rows,
            "report_days": settings.POLICE_IMPORT_REPORT_DAYS,
        },
    )


@require_POST
def police_import_check(request: HttpRequest, import_id: int) -> HttpResponse:
    """Try queueing a waiting upload again (after the broker was unreachable)."""
    _police_only(request)
    job = get_object_or_404(police_imports_for(user=request.user), pk=import_id)
    if job.status == PoliceImport.Status.QUEUED:
        services.police_import_queue(job=job)
        if job.not_queued:
            messages.error(
                request,
                "The worker still cannot be reached. Your file is kept and will be imported "
                "when it is back.",
            )
    return redirect("referrals:police-import-job", import_id=job.pk)
