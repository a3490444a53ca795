"""The family panel's pages on the screening contact page: one page per relationship
to confirm, correct or end it; the form to add one between two people on the contact;
and a family member's earlier contacts, shown in the panel when asked for (htmx) or
as a page of their own without JavaScript.

Anyone screening may change relationships, as with a child's census details:
relationships belong to the people, not to whoever holds the contact. Each failure
answers with the form again and what was typed kept."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from frontdoor.audit import audit_views
from referrals import selectors_relationships
from referrals import services as referral_services
from referrals.models import Relationship
from screening import selectors
from screening.forms_family import RelationshipAddForm, RelationshipForm
from screening.views import page_render


def _to_family(reference: str) -> HttpResponse:
    return redirect(f"{reverse('screening:contact', args=[reference])}#family")


def _relationship_page(
    request: HttpRequest, contact, found: Relationship, form: RelationshipForm, status: int = 200
) -> HttpResponse:
    # Both people's names, the kind and who recorded it: a view of both records.
    audit_views(
        actor=request.user,
        record_type="person",
        record_ids=[found.person_id, found.relative_id],
        request=request,
    )
    return render(
        request,
        "screening/relationship.html",
        {"contact": contact, "rel": found, "form": form},
        status=status,
    )


def _done(request: HttpRequest, contact, found: Relationship, form: RelationshipForm) -> str:
    """Carry out what the valid ``form`` asks; the words for the banner."""
    data = form.cleaned_data
    between = f"{found.person.full_name} and {found.relative.full_name}"
    if data["action"] == "confirm":
        referral_services.relationship_confirm(actor=request.user, relationship=found)
        return f"Relationship between {between} confirmed."
    if data["action"] == "change":
        changed = referral_services.relationship_change_kind(
            actor=request.user, relationship=found, kind=data["kind"], contact=contact
        )
        return f"Relationship between {between} is now: {changed.get_kind_display().lower()}."
    referral_services.relationship_end(
        actor=request.user, relationship=found, reason=data["reason"]
    )
    return f"Relationship between {between} ended. It stays on both records as history."


@require_http_methods(["GET", "POST"])
def relationship(request: HttpRequest, reference: str, relationship_id: int) -> HttpResponse:
    """One relationship of someone on the contact: what it is and who recorded it, and
    the form to confirm it (when suggested), correct its kind or end it with a reason."""
    contact, found = selectors_relationships.relationship_get(
        user=request.user, reference=reference, relationship_id=relationship_id
    )
    if request.method == "GET":
        return _relationship_page(request, contact, found, RelationshipForm())
    form = RelationshipForm(request.POST)
    if not form.is_valid():
        return _relationship_page(request, contact, found, form, status=400)
    try:
        done = _done(request, contact, found, form)
    except referral_services.RelationshipRefused as refused:
        form.add_error(None, str(refused))
        return _relationship_page(request, contact, found, form, status=400)
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


def member_history(request: HttpRequest, reference: str, person_id: int) -> HttpResponse:
    """A family member's earlier contacts: the table alone into the family panel (htmx),
    or a page with it for a browser without JavaScript. Either is a view of them."""
    contact, person = selectors.family_member_get(
        user=request.user, reference=reference, person_id=person_id
    )
    history = selectors.member_history(user=request.user, contact=contact, person=person)
    audit_views(actor=request.user, record_type="person", record_ids=[person.pk], request=request)
    template = "screening/member_history.html"
    return render(
        request,
        f"{template}#history" if request.htmx else template,
        {"contact": contact, "person": person, "history": history},
    )
