"""Pages for the specialist pathways (docs/adr/0046): a pathway's list, its short
form, and one record with its outcome form."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from frontdoor.audit import audit_views, audit_views_of
from screening import services_pathways
from screening.forms_pathways import PathwayForm, PathwayOutcomeForm
from screening.pathways import PATHWAYS
from screening.selectors.pathways import pathway_config, pathway_get, pathway_list


@require_GET
def pathway_index(request: HttpRequest) -> HttpResponse:
    handled = _handled(request.user)
    if not handled:
        raise PermissionDenied
    return render(request, "screening/pathways/index.html", {"pathways": handled})


@require_GET
def pathways(request: HttpRequest, pathway: str) -> HttpResponse:
    config = pathway_config(user=request.user, pathway=pathway)
    records = list(pathway_list(user=request.user, pathway=pathway)[:200])
    audit_views(
        actor=request.user,
        record_type="contact",
        record_ids=[record.contact.reference for record in records],
        request=request,
    )
    return render(
        request,
        "screening/pathways/list.html",
        {"config": config, "records": records, "pathways": _handled(request.user)},
    )


def _handled(user):
    return [config for key, config in PATHWAYS.items() if services_pathways.can_handle(user, key)]


def pathway_new(request: HttpRequest, pathway: str) -> HttpResponse:
    config = pathway_config(user=request.user, pathway=pathway)
    if request.method != "POST":
        return _form_page(request, PathwayForm(config=config))
    form = PathwayForm(request.POST, config=config)
    if form.is_valid():
        try:
            record = services_pathways.pathway_record(
                actor=request.user, pathway=pathway, data=form.pathway_input()
            )
        except services_pathways.PathwayRefused as refused:
            form.add_service_errors(refused.errors)
        else:
            messages.success(request, f"{config.label} recorded: {record.contact.reference}.")
            return redirect("screening:pathway", reference=record.contact.reference)
    return _form_page(request, form, status=400)


def _form_page(request, form: PathwayForm, status: int = 200) -> HttpResponse:
    return render(
        request,
        "screening/pathways/new.html",
        {"form": form, "config": form.config, "show_errors": status == 400},
        status=status,
    )


@require_GET
def pathway(request: HttpRequest, reference: str) -> HttpResponse:
    record = pathway_get(user=request.user, reference=reference)
    config = PATHWAYS[record.contact.pathway]
    return _record_page(request, record, PathwayOutcomeForm(config=config))


def _record_page(request, record, form: PathwayOutcomeForm, status: int = 200) -> HttpResponse:
    contact = record.contact
    audit_views_of(
        actor=request.user,
        records={
            "contact": [contact.reference],
            "person": [s.person_id for s in contact.subjects.all() if s.person_id],
        },
        request=request,
    )
    config = PATHWAYS[contact.pathway]
    return render(
        request,
        "screening/pathways/record.html",
        {
            "record": record,
            "contact": contact,
            "config": config,
            "details": [
                (label, getattr(record, name, ""))
                for name, label in config.fields.items()
                if name != "due_on"
            ],
            "outcome_label": config.outcome_label(record.outcome),
            "form": form,
            "show_errors": status == 400,
        },
        status=status,
    )


@require_POST
def pathway_outcome(request: HttpRequest, reference: str) -> HttpResponse:
    record = pathway_get(user=request.user, reference=reference)
    config = PATHWAYS[record.contact.pathway]
    form = PathwayOutcomeForm(request.POST, config=config)
    if form.is_valid():
        try:
            services_pathways.pathway_outcome(
                actor=request.user,
                record=record,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
            )
        except services_pathways.PathwayRefused as refused:
            form.add_service_errors(refused.errors)
        else:
            messages.success(request, "Outcome recorded.")
            return redirect("screening:pathway", reference=reference)
    return _record_page(request, record, form, status=400)
