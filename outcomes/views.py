"""HTML views for notices and outcomes.

Validate, call a service or selector, render.
"""

from __future__ import annotations

import hmac

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from frontdoor import json_input
from frontdoor.audit import audit_views
from frontdoor.census_codes import census_code_choices, return_year_of
from frontdoor.limits import in_megabytes, limits
from frontdoor.models import CensusCode
from frontdoor.roles import Permission
from outcomes import downstream, imports, selectors, services
from outcomes.models import DownstreamOutcome, Notice, OutcomeImport
from referrals import selectors as referral_selectors
from referrals.fields import DateField
from referrals.selectors_referrer import referrer_details


def my_referrals(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(Permission.SUBMIT_REFERRALS.perm):
        raise PermissionDenied
    page = Paginator(selectors.my_referrals(user=request.user), 25).get_page(
        request.GET.get("page")
    )
    audit_views(
        actor=request.user,
        record_type="contact",
        record_ids=[contact.reference for contact in page.object_list],
        request=request,
    )
    return render(request, "outcomes/my_referrals.html", {"page": page})


def my_referral(request: HttpRequest, reference: str) -> HttpResponse:
    outcome = selectors.my_referral(user=request.user, reference=reference)
    audit_views(actor=request.user, record_type="contact", record_ids=[reference], request=request)
    return render(
        request,
        "outcomes/my_referral.html",
        {"outcome": outcome, "referrer": referrer_details(outcome.contact)},
    )


def contact_notices(request: HttpRequest, reference: str) -> HttpResponse:
    if not request.user.has_perm(Permission.SCREEN_CONTACTS.perm):
        raise PermissionDenied
    contact = referral_selectors.contact_get(user=request.user, reference=reference)
    notices = selectors.notices_for_staff(user=request.user, contact=contact)
    audit_views(actor=request.user, record_type="contact", record_ids=[reference], request=request)
    # Each failed notice says whether sending it again can work, and how it would go.
    rows = [
        (notice, services.notice_resend_problem(notice), services.notice_resend_route(notice))
        if notice.status == Notice.Status.PERMANENT_FAILURE
        else (notice, "", "")
        for notice in notices
    ]
    return render(
        request,
        "outcomes/contact_notices.html",
        {
            "contact": contact,
            "rows": rows,
            "can_resend": request.user.has_perm(Permission.APPROVE_DECISIONS.perm),
            "no_family_address": services.NO_FAMILY_ADDRESS,
        },
    )


@require_POST
def notice_resend(request: HttpRequest, reference: str, notice_id: int) -> HttpResponse:
    if not request.user.has_perm(Permission.APPROVE_DECISIONS.perm):
        raise PermissionDenied
    notice = selectors.notice_get(user=request.user, reference=reference, notice_id=notice_id)
    try:
        services.notice_resend(actor=request.user, notice=notice)
        messages.success(request, "The notice will be sent again.")
    except services.NoticeRefused as refused:
        messages.error(request, str(refused))
    return redirect("outcomes:contact-notices", reference=reference)


@csrf_exempt
@login_not_required
@require_POST
def notify_delivery_receipt(request: HttpRequest) -> JsonResponse:
    """GOV.UK Notify's delivery-receipt callback, authenticated by a bearer token."""
    expected = settings.NOTIFY_CALLBACK_BEARER_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        return JsonResponse({"error": "Send the agreed bearer token."}, status=401)
    try:
        payload = json_input.loads(request.body)
        reference, status = str(payload["reference"]), str(payload["status"])
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": "Expected JSON with reference and status."}, status=400)
    services.notice_delivery_receipt(reference=reference, notify_status=status)
    # Unknown references are acknowledged too, so Notify does not retry them for ever.
    return JsonResponse({"result": "ok"})


class OutcomeEventForm(forms.Form):
    child = forms.ChoiceField(label="Child")
    event = forms.ChoiceField(
        label="What happened",
        choices=DownstreamOutcome.Event.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what happened"},
    )
    occurred_on = DateField(label="Date", past=True, help_text="For example, 27 3 2026")
    assessment_outcome = forms.ChoiceField(
        label="Outcome of the assessment",
        choices=[("", "Choose the outcome"), *DownstreamOutcome.AssessmentOutcome.choices],
        required=False,
    )
    factors = forms.MultipleChoiceField(
        label="Factors identified at the end of the assessment",
        help_text="Select all that apply. If there were none, select 21 on its own.",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    reason_for_closure = forms.ChoiceField(label="Reason for closure", required=False)
    late_reason = forms.CharField(
        label="Why it was late (if it was)",
        help_text="Needed when an assessment is completed more than 45 working days after "
        "the referral, or a conference is held more than 15 working days after the "
        "strategy discussion.",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )

    def __init__(self, *args, children=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["child"].choices = [(str(c.pk), c.full_name) for c in children]
        # The code lists of this return year; the service checks each code against
        # the year of the event's own date.
        year = return_year_of(timezone.localdate())
        self.fields["factors"].choices = census_code_choices(
            CensusCode.CodeList.ASSESSMENT_FACTOR, year
        )
        self.fields["reason_for_closure"].choices = [
            ("", "Choose a reason"),
            *census_code_choices(CensusCode.CodeList.REASON_FOR_CLOSURE, year),
        ]


@require_http_methods(["GET", "POST"])
def contact_outcomes(request: HttpRequest, reference: str) -> HttpResponse:
    if not request.user.has_perm(Permission.RECORD_OUTCOMES.perm):
        raise PermissionDenied
    contact = referral_selectors.contact_get(user=request.user, reference=reference)
    children = contact.children
    form = OutcomeEventForm(request.POST or None, children=children)
    if request.method == "POST" and form.is_valid():
        child = next(c for c in children if str(c.pk) == form.cleaned_data["child"])
        try:
            downstream.outcome_event_record(
                actor=request.user,
                data=downstream.OutcomeEventInput(
                    contact_reference=contact.reference,
                    child=child.full_name,
                    event=form.cleaned_data["event"],
                    occurred_on=form.cleaned_data["occurred_on"],
                    assessment_outcome=form.cleaned_data["assessment_outcome"],
                    factors=tuple(form.cleaned_data["factors"]),
                    reason_for_closure=form.cleaned_data["reason_for_closure"],
                    late_reason=form.cleaned_data["late_reason"],
                ),
                source=DownstreamOutcome.Source.FORM,
            )
            messages.success(request, "Outcome recorded.")
            return redirect("outcomes:contact-outcomes", reference=reference)
        except downstream.OutcomeRejected as rejected:
            form.add_error(rejected.field if rejected.field in form.fields else None, str(rejected))
    audit_views(actor=request.user, record_type="contact", record_ids=[reference], request=request)
    return render(
        request,
        "outcomes/contact_outcomes.html",
        {
            "contact": contact,
            "form": form,
            "show_errors": request.method == "POST",
            "recorded": contact.downstream.select_related("subject", "recorded_by"),
            "deadlines": selectors.deadlines_for(contact, user=request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def outcomes_import(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(Permission.RECORD_OUTCOMES.perm):
        raise PermissionDenied
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error = "Choose a CSV file to import"
        else:
            current = limits()
            # Read one byte past the limit: enough to know it is too large.
            data = upload.read(current.import_bytes + 1)
            try:
                job = imports.outcome_import_start(actor=request.user, data=data)
            except imports.ImportRefused as refused:
                error = str(refused)
            else:
                return redirect("outcomes:import-job", import_id=job.pk)
    return render(
        request,
        "outcomes/import.html",
        {
            "error": error,
            "columns": downstream.CSV_COLUMNS,
            "events": DownstreamOutcome.Event.choices,
            "limits": limits(),
            "max_size": in_megabytes(limits().import_bytes),
            "recent": selectors.outcome_imports_for(user=request.user)[:10],
        },
        status=400 if error else 200,
    )


def outcome_import(request: HttpRequest, import_id: int) -> HttpResponse:
    """One upload: its progress while it is checked (polled by htmx), then its report."""
    if not request.user.has_perm(Permission.RECORD_OUTCOMES.perm):
        raise PermissionDenied
    job = get_object_or_404(selectors.outcome_imports_for(user=request.user), pk=import_id)
    template = "outcomes/import_job.html"
    if request.htmx:
        template += "#progress"
    return render(request, template, {"job": job})


@require_POST
def outcome_import_check(request: HttpRequest, import_id: int) -> HttpResponse:
    """Try queueing a waiting upload again (after the broker was unreachable)."""
    if not request.user.has_perm(Permission.RECORD_OUTCOMES.perm):
        raise PermissionDenied
    job = get_object_or_404(selectors.outcome_imports_for(user=request.user), pk=import_id)
    if job.status == OutcomeImport.Status.QUEUED:
        imports.outcome_import_queue(job=job)
        if job.not_queued:
            messages.error(
                request,
                "The worker still cannot be reached. Your file is kept and will be checked "
                "when it is back.",
            )
    return redirect("outcomes:import-job", import_id=job.pk)


def retention(request: HttpRequest) -> HttpResponse:
    """Managers approve erasure of contacts past their retention period."""
    from outcomes import retention as retention_rules

    runs = retention_rules.runs_for_managers(user=request.user)
    if request.method == "POST":
        run = get_object_or_404(runs, pk=request.POST.get("run"))
        try:
            retention_rules.retention_approve(actor=request.user, run=run)
        except retention_rules.RetentionRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, "Erasure approved: the records are being erased now.")
        return redirect("outcomes:retention")
    listed = [(run, retention_rules.retention_summary(run)) for run in runs[:50]]
    return render(
        request,
        "outcomes/retention.html",
        {"runs": listed, "years": settings.RETENTION_YEARS},
    )
