"""Police staff recording their force's notifications (docs/adr/0037): one at a time on
a form, or a batch as a CSV file. Who may is ``can_record_police``; both pages call
the one recording service, and a refusal keeps what was typed."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from frontdoor.audit import audit_views
from frontdoor.limits import in_megabytes
from frontdoor.selectors import can_record_police
from referrals import services
from referrals.forms_police import PoliceNotificationForms
from referrals.services.police_import import COLUMNS, REQUIRED


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
    _police_only(request)
    status, error, report = 200, "", None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error = "Choose a CSV file to import"
        else:
            data = upload.read(settings.POLICE_IMPORT_MAX_BYTES + 1)
            try:
                report = services.police_notifications_import(
                    actor=request.user, force=request.user.agency, data=data
                )
            except services.ImportFileRefused as refused:
                error = str(refused)
        if error:
            status = 400
        else:
            # The report lists the contacts by reference: record that this person saw them.
            audit_views(
                actor=request.user,
                record_type="contact",
                record_ids={ref for _, _, ref in report.created + report.resent},
                request=request,
            )
    return render(
        request,
        "referrals/police_import.html",
        {
            "error": error,
            "report": report,
            "required": REQUIRED,
            "columns": COLUMNS,
            "max_size": in_megabytes(settings.POLICE_IMPORT_MAX_BYTES),
            "max_rows": settings.POLICE_IMPORT_MAX_ROWS,
        },
        status=status,
    )
