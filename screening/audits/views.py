"""HTML views for decision quality audits: the managers' page of samples, drawing a
week by hand, an audit and its grading, the decider's feedback, and the rubric."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from frontdoor.audit import audit_views
from screening import selectors as screening_selectors
from screening.audits import selectors, services
from screening.audits.forms import CriterionForm, DrawForm, GradeForm, MoveForm
from screening.audits.weeks import last_complete_week, week_label
from screening.models import Screening
from screening.models_audits import DecisionAudit


def _posted(request: HttpRequest):
    """The form's data on a POST, even an empty one (which must show its errors)."""
    return request.POST if request.method == "POST" else None


def _manager(request: HttpRequest) -> None:
    if not selectors.can_audit(request.user):
        raise PermissionDenied


def _audits_page(request: HttpRequest, draw_form: DrawForm, *, status: int = 200) -> HttpResponse:
    return render(
        request,
        "screening/audits/audits.html",
        {
            "samples": selectors.samples_recent(user=request.user),
            "to_grade": selectors.audits_to_grade(user=request.user),
            "draw_form": draw_form,
            "show_errors": status == 400,
            "last_week": last_complete_week(),
        },
        status=status,
    )


@require_GET
def audits(request: HttpRequest) -> HttpResponse:
    _manager(request)
    return _audits_page(request, DrawForm())


@require_POST
def audits_draw(request: HttpRequest) -> HttpResponse:
    """A manager draws a week's sample by hand (the weekly task missed it, or the
    service started mid-week): the same sample the task would draw, once."""
    _manager(request)
    form = DrawForm(request.POST)
    if form.is_valid():
        try:
            sample, drawn = services.audit_sample_draw(
                week_start=form.cleaned_data["week"], actor=request.user
            )
        except services.AuditRefused as refused:
            form.add_error("week", str(refused))
        else:
            week = week_label(sample.week_start)
            if drawn:
                messages.success(
                    request,
                    f"Sample drawn for the week of {week}: {sample.audits.count()} of its "
                    f"{sample.decisions_in_week} decisions.",
                )
            else:
                messages.success(
                    request,
                    f"The week of {week} was already sampled on "
                    f"{timezone.localtime(sample.drawn_at):%-d %B %Y}: it is the sample below.",
                )
            return redirect(f"{reverse('screening:audits')}#week-{sample.week_start.isoformat()}")
    return _audits_page(request, form, status=400)


def _decision_context(request: HttpRequest, audit: DecisionAudit) -> dict:
    """What the grader (or the decider) reads of the decision: the decision itself,
    the Signs of Safety screening and the checks it was made with."""
    contact = audit.decision.contact
    audit_views(
        actor=request.user, record_type="contact", record_ids=[contact.reference], request=request
    )
    return {
        "audit": audit,
        "decision": audit.decision,
        "contact": contact,
        "screening": Screening.objects.filter(contact=contact).first(),
        "checks": screening_selectors.checks_on(user=request.user, contact=contact),
        "grades": selectors.criterion_grades(audit) if audit.is_graded else [],
    }


@require_http_methods(["GET", "POST"])
def audit(request: HttpRequest, audit_id: int) -> HttpResponse:
    """An audit: the decision as it was made, and for the manager given it, the rubric
    to grade it against; once graded, the grades and feedback."""
    audit = selectors.audit_get(user=request.user, audit_id=audit_id)
    may_grade = audit.assigned_to_id == request.user.pk and not audit.is_graded
    form = None
    if may_grade:
        form = GradeForm(_posted(request), criteria=selectors.rubric_asked())
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("Only the manager this audit was given to can grade it.")
        if form.is_valid():
            try:
                services.decision_audit_grade(
                    actor=request.user,
                    audit=audit,
                    grade=form.cleaned_data["grade"],
                    comments=form.cleaned_data["comments"],
                    criteria=form.criteria(),
                )
            except services.AuditRefused as refused:
                form.add_error(None, str(refused))
            else:
                messages.success(
                    request,
                    f"Audit of the decision on {audit.decision.contact.reference} graded. "
                    "The screener who made it can now read your feedback.",
                )
                return redirect("screening:audits")
        status = 400
    return _audit_page(request, audit, form=form, move_form=_move_form(audit), status=status)


def _move_form(audit: DecisionAudit, data=None) -> MoveForm | None:
    """For an audit not yet graded: the other managers who may grade it (shown only
    when there are some; a form posted without any says to choose one)."""
    if audit.is_graded:
        return None
    managers = [m for m in services.audit_movable_to(audit) if m.pk != audit.assigned_to_id]
    return MoveForm(data, managers=managers) if managers or data is not None else None


def _audit_page(request, audit, *, form, move_form, status) -> HttpResponse:
    context = _decision_context(request, audit)
    errors = (form, move_form) if status == 400 else ()
    context.update(
        {
            "form": form,
            "move_form": move_form,
            "error_form": next((f for f in errors if f is not None and f.errors), None),
            "show_errors": status == 400,
        }
    )
    return render(request, "screening/audits/audit.html", context, status=status)


@require_POST
def audit_move(request: HttpRequest, audit_id: int) -> HttpResponse:
    """A manager gives an audit not yet graded to another manager who may grade it."""
    audit = selectors.audit_get(user=request.user, audit_id=audit_id)
    move_form = _move_form(audit, request.POST)
    if move_form is None:
        raise PermissionDenied("A graded audit stays with the manager who graded it.")
    if move_form.is_valid():
        try:
            moved = services.decision_audit_move(
                actor=request.user, audit=audit, to=move_form.manager()
            )
        except services.AuditRefused as refused:
            move_form.add_error("to", str(refused))
        else:
            messages.success(
                request,
                f"Audit of the decision on {audit.decision.contact.reference} given to "
                f"{moved.assigned_to.full_name}.",
            )
            return redirect("screening:audit", audit_id=audit.pk)
    may_grade = audit.assigned_to_id == request.user.pk
    form = GradeForm(criteria=selectors.rubric_asked()) if may_grade else None
    return _audit_page(request, audit, form=form, move_form=move_form, status=400)


@require_http_methods(["GET", "POST"])
def feedback(request: HttpRequest, audit_id: int) -> HttpResponse:
    """The screener who made an audited decision reads the manager's grades and
    feedback, and says they have read them."""
    audit = selectors.feedback_get(user=request.user, audit_id=audit_id)
    if request.method == "POST":
        services.decision_audit_read(actor=request.user, audit=audit)
        messages.success(request, "Thank you: the feedback is marked as read.")
        return redirect("screening:audit-feedback", audit_id=audit.pk)
    return render(request, "screening/audits/feedback.html", _decision_context(request, audit))


@require_http_methods(["GET", "POST"])
def rubric(request: HttpRequest) -> HttpResponse:
    """The council's rubric: every criterion, and a form to add one."""
    if not selectors.can_edit_rubric(request.user):
        raise PermissionDenied
    criteria = selectors.rubric()
    next_position = max((c.position for c in criteria), default=0) + 1
    form = CriterionForm(_posted(request), initial={"position": next_position})
    if request.method == "POST" and form.is_valid():
        try:
            added = services.audit_criterion_add(actor=request.user, data=form.data_input())
        except services.AuditRefused as refused:
            form.add_error("title", str(refused))
        else:
            messages.success(request, f"“{added.title}” added to the rubric.")
            return redirect("screening:audit-rubric")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "screening/audits/rubric.html",
        {"criteria": criteria, "form": form, "show_errors": status == 400},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def criterion(request: HttpRequest, criterion_id: int) -> HttpResponse:
    criterion = selectors.criterion_get(user=request.user, criterion_id=criterion_id)
    initial = {
        "title": criterion.title,
        "guidance": criterion.guidance,
        "position": criterion.position,
        "is_active": criterion.is_active,
    }
    form = CriterionForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.audit_criterion_change(
                actor=request.user, criterion=criterion, data=form.data_input()
            )
        except services.AuditRefused as refused:
            form.add_error("title", str(refused))
        else:
            messages.success(request, f"“{changed.title}” changed.")
            return redirect("screening:audit-rubric")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "screening/audits/criterion.html",
        {"criterion": criterion, "form": form, "show_errors": status == 400},
        status=status,
    )
