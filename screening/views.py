"""HTML views for screening a contact: taking it, the Signs of Safety analysis, checks
and decisions.

Validate, call a service or selector, render. Screening staff only; the queue
(views_queue) and the checks asked of partner agencies (views_checks) have their own
modules.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from frontdoor import malware, page_parts
from frontdoor.audit import audit_views, audit_views_of
from referrals import selectors as referral_selectors
from referrals import selectors_warnings
from referrals import services as referral_services
from referrals.forms_documents import DocumentForm
from referrals.models import OPEN_STATUSES, Contact, ContactSubject
from referrals.selectors_documents import documents_for
from referrals.selectors_family_address import letter_address
from referrals.selectors_referrer import referrer_details
from screening import forms, selectors, services
from screening.audits import selectors as audit_selectors
from screening.family_page import family_context
from screening.forms_checks import CheckRequestForm
from screening.forms_log import LogEntryForm
from screening.meetings import selectors as meeting_selectors
from screening.models import ComplexCaseEntry, Decision
from screening.models_checks import WAITING_STATUSES
from screening.selectors.police import police_parts


def _screener_only(request: HttpRequest) -> None:
    if not selectors.can_screen(request.user):
        raise PermissionDenied


@require_POST
def claim_next(request: HttpRequest) -> HttpResponse:
    _screener_only(request)
    screening = services.screening_claim_next(actor=request.user)
    if screening is None:
        messages.info(request, "There are no contacts waiting to be taken.")
        return redirect("screening:queue")
    # Focus goes to the contact just taken (static/js/focus-target.js).
    return redirect(
        f"{reverse('screening:contact', args=[screening.contact.reference])}#contact-title"
    )


@require_POST
def claim(request: HttpRequest, reference: str) -> HttpResponse:
    contact, _ = selectors.screening_get(user=request.user, reference=reference)
    try:
        services.screening_claim(actor=request.user, contact=contact)
    except services.ScreeningRefused as refused:
        messages.error(request, str(refused))
    return redirect(f"{reverse('screening:contact', args=[reference])}#contact-title")


@require_POST
def release(request: HttpRequest, reference: str) -> HttpResponse:
    _, screening = selectors.screening_get(user=request.user, reference=reference)
    if screening is not None:
        try:
            services.screening_release(actor=request.user, screening=screening)
            messages.success(request, f"{reference} is back in the queue for anyone to take.")
        except services.ScreeningRefused as refused:
            messages.error(request, str(refused))
    return redirect("screening:queue")


@require_POST
def reassign(request: HttpRequest, reference: str) -> HttpResponse:
    if not selectors.can_approve(request.user):
        raise PermissionDenied
    contact, _ = selectors.screening_get(user=request.user, reference=reference)
    to = get_object_or_404(selectors.screeners(user=request.user), pk=request.POST.get("to") or 0)
    try:
        services.screening_reassign(actor=request.user, contact=contact, to=to)
        messages.success(request, f"{reference} is now with {to.full_name}.")
    except services.ScreeningRefused as refused:
        messages.error(request, str(refused))
    return redirect("screening:contact", reference=reference)


def _year(contact: Contact) -> int:
    return referral_services.census_return_year(contact.received_at)


def _census_prefix(subject: ContactSubject) -> str:
    return f"child-{subject.pk}"  # one form per child on the page, each its own ids


def _census_summaries(contact: Contact, choices: forms.CensusChoices) -> dict[int, str]:
    """What is recorded for each child, in words, for the closed details summary."""
    ethnicities, disabilities = dict(choices.ethnicity), dict(choices.disability)
    summaries = {}
    for subject in contact.children:
        ethnicity = (
            ethnicities.get(subject.ethnicity, subject.ethnicity)
            if subject.ethnicity
            else "not yet obtained"
        )
        disabled = ", ".join(disabilities.get(code, code) for code in subject.disabilities)
        summaries[subject.pk] = f"ethnicity {ethnicity}; disabilities {disabled or 'not recorded'}"
    return summaries


def _agreed_initial(agreed: ComplexCaseEntry | None) -> dict:
    if agreed is None:
        return {}
    return {
        "route": agreed.agreed_route,
        "threshold_level": agreed.agreed_threshold_id,
        "rationale": agreed.agreed_reasoning,
    }


def page_render(
    request: HttpRequest, reference: str, *, status: int = 200, **bound
) -> HttpResponse:
    contact, screening = selectors.screening_get(user=request.user, reference=reference)
    holds = screening is not None and screening.assigned_to_id == request.user.pk
    histories = selectors.child_histories(user=request.user, contact=contact)
    decisions = selectors.decision_chain(user=request.user, contact=contact)
    census_choices = forms.census_choices(_year(contact))
    checks = selectors.checks_on(user=request.user, contact=contact)
    sos_initial = (
        {name: getattr(screening, name) for name in services.SOS_FIELDS} if screening else {}
    )
    family, family_parts = family_context(
        user=request.user,
        contact=contact,
        relationship_add_form=bound.get("relationship_add_form"),
    )
    subject_ids = [s.person_id for s in contact.subjects.all()]
    audit_views_of(
        actor=request.user,
        records={
            "contact": [reference],
            # The family panel shows related people's records too (names, warnings, open
            # work); each one's earlier contacts, when asked for, are audited again.
            "person": {pk for pk in subject_ids if pk} | set(family.person_ids if family else []),
        },
        request=request,
    )
    current = decisions[0] if decisions else None
    documents = documents_for(user=request.user, contact=contact)
    # A case the complex-case meeting decided: the decision form starts from what it
    # agreed (only an open contact can be waiting for that decision).
    agreed = (
        meeting_selectors.agreed_at_meeting(contact=contact)
        if contact.status in OPEN_STATUSES
        else None
    )
    bound_forms = [form[1] if isinstance(form, tuple) else form for form in bound.values()]
    return render(
        request,
        "screening/contact.html",
        {
            "contact": contact,
            "screening": screening,
            "holds": holds,
            "clock": selectors.clock_for(contact, decided_at=selectors.decided_at(contact)),
            "histories": histories,
            # The family panel read everyone's warnings, those on the contact with them.
            "warnings": family.warnings
            if family
            else selectors_warnings.warnings_active(user=request.user, person_ids=subject_ids),
            "checks": checks,
            "pending_checks": [c for c in checks if c.status in WAITING_STATUSES],
            "checks_need_approval": settings.CHECKS_WITHOUT_CONSENT_NEED_APPROVAL,
            "decisions": decisions,
            "current": current,
            # Quality audits of these decisions the user may read (docs/adr/0043).
            "decision_audits": audit_selectors.audits_on(user=request.user, contact=contact),
            "sos_form": bound.get("sos_form") or forms.SignsOfSafetyForm(initial=sos_initial),
            "check_form": bound.get("check_form")
            or CheckRequestForm(contact=contact, shareable=shareable_documents(documents)),
            "proceed_form": bound.get("proceed_form") or forms.ProceedWithoutChecksForm(),
            "decision_form": bound.get("decision_form")
            or forms.DecisionForm(
                year=_year(contact),
                primary_needs=census_choices.primary_need,
                consented=services.family_consented(contact),
                initial=_agreed_initial(agreed),
            ),
            "agreed": agreed,
            "referrer": referrer_details(contact),
            # Where family letters go (None: nowhere yet, so the decision form warns).
            "letter_address": letter_address(contact),
            # The contact log, newest first, and its form (kept as typed when it failed).
            "log": selectors.log_for(user=request.user, contact=contact),
            "log_form": bound.get("log_form")
            or LogEntryForm(contact=contact, initial={"occurred_on": timezone.localdate()}),
            # Files on the contact and the form to attach one (docs/adr/0032).
            "documents": documents,
            "document_form": bound.get("document_form") or DocumentForm(),
            "scanner": malware.scanner_state(),
            "census_summaries": _census_summaries(contact, census_choices),
            "primary_need_labels": dict(census_choices.primary_need),
            "show_errors": bool(bound),
            # The title says "Error: " whichever of the page's forms failed.
            "has_errors": any(form.errors for form in bound_forms),
            "can_approve": selectors.can_approve(request.user),
            "screeners": selectors.screeners(user=request.user),
            # A police notification's incident, grade and cumulative rule (ADR 0037).
            **police_parts(contact),
            # The withdrawal, or the referrer's request for one (docs/adr/0036).
            **selectors.withdrawal_parts(contact),
            # What later apps show here: the re-referral guidance and the statutory
            # deadlines, from outcomes (which holds what social care did).
            **page_parts.context_for(
                page_parts.SCREENING_CONTACT, user=request.user, contact=contact
            ),
            **family_parts,
        },
        status=status,
    )


def contact_page(request: HttpRequest, reference: str) -> HttpResponse:
    return page_render(request, reference)


@require_POST
def signs_of_safety(request: HttpRequest, reference: str) -> HttpResponse:
    contact, _ = selectors.screening_get(user=request.user, reference=reference)
    form = forms.SignsOfSafetyForm(request.POST)
    if not form.is_valid():
        return page_render(request, reference, sos_form=form)
    try:
        screening = services.screening_save(
            actor=request.user, contact=contact, values=form.cleaned_data
        )
    except services.ScreeningRefused as refused:
        if request.htmx:
            return render(request, "screening/_saved.html", {"error": str(refused)})
        messages.error(request, str(refused))
        return redirect("screening:contact", reference=reference)
    if request.htmx:
        return render(request, "screening/_saved.html", {"screening": screening})
    messages.success(request, "Signs of Safety screening saved.")
    return redirect(f"{reverse('screening:contact', args=[reference])}#signs-of-safety")


def shareable_documents(documents: list) -> list:
    """The contact's files a screener may show an agency with a check: those scanned clean."""
    return [d for d in documents if d.readable]


@require_POST
def proceed_without_checks(request: HttpRequest, reference: str) -> HttpResponse:
    contact, _ = selectors.screening_get(user=request.user, reference=reference)
    form = forms.ProceedWithoutChecksForm(request.POST)
    if not form.is_valid():
        return page_render(request, reference, proceed_form=form)
    try:
        services.checks_proceed_without(
            actor=request.user, contact=contact, reason=form.cleaned_data["reason"]
        )
    except services.ScreeningRefused as refused:
        messages.error(request, str(refused))
    return redirect(f"{reverse('screening:contact', args=[reference])}#decision")


@require_http_methods(["GET", "POST"])
def child_census(request: HttpRequest, reference: str, subject_id: int) -> HttpResponse:
    """A child's ethnicity and disabilities, for the census, on a page of their own:
    anyone screening may record them whoever holds the contact, as families tell any
    of them."""
    subject = referral_selectors.subject_get(
        user=request.user, reference=reference, subject_id=subject_id, children_only=True
    )
    contact = subject.contact
    choices = forms.census_choices(_year(contact))
    prefix = _census_prefix(subject)
    if request.method != "POST":
        form = forms.ChildCensusForm(
            prefix=prefix,
            choices=choices,
            initial={"ethnicity": subject.ethnicity, "disabilities": subject.disabilities},
        )
        audit_views(
            actor=request.user, record_type="contact", record_ids=[reference], request=request
        )
        return _census_page(request, contact, subject, form)
    form = forms.ChildCensusForm(request.POST, prefix=prefix, choices=choices)
    if form.is_valid():
        try:
            referral_services.subject_census_set(
                actor=request.user,
                subject=subject,
                ethnicity=form.cleaned_data["ethnicity"],
                disabilities=form.cleaned_data["disabilities"],
            )
        except referral_services.CensusDetailsInvalid as invalid:
            form.add_error(invalid.field_name, str(invalid))
        except referral_services.ContactRejected as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"Ethnicity and disabilities saved for {subject.full_name}.")
            return redirect(f"{reverse('screening:contact', args=[reference])}#child-{subject.pk}")
    return _census_page(request, contact, subject, form, status=400)


def _census_page(
    request: HttpRequest,
    contact: Contact,
    subject: ContactSubject,
    form: forms.ChildCensusForm,
    *,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "screening/child_census.html",
        {"contact": contact, "subject": subject, "form": form, "show_errors": status == 400},
        status=status,
    )


@require_POST
def decide(request: HttpRequest, reference: str) -> HttpResponse:
    contact, _ = selectors.screening_get(user=request.user, reference=reference)
    form = forms.DecisionForm(
        request.POST, year=_year(contact), consented=services.family_consented(contact)
    )
    if not form.is_valid():
        return page_render(request, reference, decision_form=form)
    data = form.cleaned_data
    try:
        decision = services.decision_record(
            actor=request.user,
            contact=contact,
            route=data["route"],
            threshold_level=data["threshold_level"],
            rationale=data["rationale"],
            family_notice=data["family_notice"],
            withhold_reason=data["withhold_reason"],
            is_complex=data["is_complex"],
            complex_reason=data["complex_reason"],
            primary_need=data["primary_need"],
            advice_given=data["advice_given"],
            advice_given_to=data["advice_given_to"],
            service=data["service"],
        )
    except services.DecisionRefused as refused:
        form.add_service_errors(refused)
        return page_render(request, reference, decision_form=form)
    except services.ScreeningRefused as refused:
        form.add_error(None, str(refused))
        return page_render(request, reference, decision_form=form)
    if decision.approval == Decision.Approval.PENDING:
        messages.success(request, "Decision recorded. It is waiting for a manager to approve it.")
    else:
        messages.success(request, f"Decision recorded: {decision.get_route_display()}.")
    if decision.family_notice == Decision.FamilyNotice.NOTIFY and letter_address(contact) is None:
        messages.warning(
            request,
            "No postal address is known for the family, so the letter telling them cannot "
            "be sent: add their address under Letters to the family.",
        )
    return redirect("screening:contact", reference=reference)
