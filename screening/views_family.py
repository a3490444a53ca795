"""The family panel's forms on the screening contact page: confirm, correct or end a
relationship, or add one between two people on the contact. Anyone screening may, as
with a child's census details: relationships belong to the people, not to whoever
holds the contact. Each failure re-renders the page with what was typed kept."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from referrals import selectors_relationships
from referrals import services as referral_services
from screening import selectors
from screening.family_page import relationship_prefix
from screening.forms_family import RelationshipAddForm, RelationshipForm
from screening.views import page_render


def _to_family(reference: str) -> HttpResponse:
    return redirect(f"{reverse('screening:contact', args=[reference])}#family")


@require_POST
def relationship(request: HttpRequest, reference: str, relationship_id: int) -> HttpResponse:
    contact, found = selectors_relationships.relationship_get(
        user=request.user, reference=reference, relationship_id=relationship_id
    )
    form = RelationshipForm(request.POST, prefix=relationship_prefix(found.pk))
    if not form.is_valid():
        return page_render(request, reference, status=400, relationship_form=(found.pk, form))
    data = form.cleaned_data
    between = f"{found.person.full_name} and {found.relative.full_name}"
    try:
        if data["action"] == "confirm":
            referral_services.relationship_confirm(actor=request.user, relationship=found)
            done = f"Relationship between {between} confirmed."
        elif data["action"] == "change":
            changed = referral_services.relationship_change_kind(
                actor=request.user, relationship=found, kind=data["kind"], contact=contact
            )
            done = f"Relationship between {between} is now: {changed.get_kind_display().lower()}."
        else:
            referral_services.relationship_end(
                actor=request.user, relationship=found, reason=data["reason"]
            )
            done = f"Relationship between {between} ended. It stays on both records as history."
    except referral_services.RelationshipRefused as refused:
        form.add_error(None, str(refused))
        return page_render(request, reference, status=400, relationship_form=(found.pk, form))
    messages.success(request, done)
    return _to_family(reference)


@require_POST
def relationship_add(request: HttpRequest, reference: str) -> HttpResponse:
    contact, _ = selectors.screening_get(user=request.user, reference=reference)
    form = RelationshipAddForm(
        request.POST,
        prefix="relationship-add",
        people=selectors_relationships.people_on_contact(contact),
    )
    if not form.is_valid():
        return page_render(request, reference, status=400, relationship_add_form=form)
    try:
        added = referral_services.relationship_add(
            actor=request.user,
            contact=contact,
            person_id=form.cleaned_data["person"],
            relative_id=form.cleaned_data["relative"],
            kind=form.cleaned_data["kind"],
        )
    except referral_services.RelationshipRefused as refused:
        form.add_error(None, str(refused))
        return page_render(request, reference, status=400, relationship_add_form=form)
    messages.success(
        request,
        f"Recorded: {added.person.full_name}, {added.reads_from(added.person_id).lower()} "
        f"{added.relative.full_name}.",
    )
    return _to_family(reference)
