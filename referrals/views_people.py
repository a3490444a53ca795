"""HTML views for person records: the search (of contacts too), the record, its UPN
and who has looked at it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from frontdoor.audit import audit_record, audit_views
from frontdoor.models import AuditEvent
from referrals import (
    forms_merges,
    forms_people,
    forms_search,
    merge_rules,
    search,
    selectors,
    selectors_merges,
    selectors_warnings,
    services,
)


@require_http_methods(["GET", "POST"])
def people_search(request: HttpRequest) -> HttpResponse:
    """The one search of people and contacts (referrals.search). By POST, so nothing
    typed reaches a URL or a log; the result page shows the form as it was filled."""
    return _search_page(request)


@require_POST
def people_search_compare(request: HttpRequest) -> HttpResponse:
    """Two people ticked in the search results, to compare for a merge (managers):
    sent on to the merge comparison of those two records, which checks each as it
    does when reached from a person's page. Anything but two: the results again,
    with the search as it was and the boxes as ticked, saying what to do."""
    if not selectors.can_screen(request.user) or not merge_rules.may_merge(request.user):
        raise PermissionDenied
    pick = forms_merges.MergePickForm(request.POST)
    if pick.is_valid():
        left, right = pick.cleaned_data["people"]
        return redirect("referrals:person-merge-compare", person_id=left, other_id=right)
    return _search_page(request, pick=pick)


def _search_page(
    request: HttpRequest, pick: forms_merges.MergePickForm | None = None
) -> HttpResponse:
    if not selectors.can_screen(request.user):
        raise PermissionDenied
    may_search_concerns = search.may_search_concerns(request.user)
    if not may_search_concerns and request.POST.get("concern_words", "").strip():
        # The field is not on their page: sent anyway, it is refused, not ignored
        # (ignored, the results would look like an answer to it).
        raise PermissionDenied
    form = forms_search.RecordSearchForm(
        request.POST if request.method == "POST" else None,
        may_search_concerns=may_search_concerns,
    )
    results = None
    if request.method == "POST" and form.is_valid():
        criteria = form.criteria()
        results = search.records_search(
            user=request.user, criteria=criteria, page=form.page_number()
        )
        # What was typed is personal data: the audit keeps which kinds of criteria
        # were used and the records shown, never the values.
        audit_record(
            actor=request.user,
            action=AuditEvent.Action.SEARCH,
            record_type="person" if results.kind == "people" else "contact",
            record_id="",
            request=request,
            detail={"criteria": criteria.given(), "results": results.record_ids},
        )
    # People a manager may tick to compare for a merge: those shown in full (a
    # restricted row has no details to judge by), when there are two to tick.
    pickable = []
    if results is not None and results.kind == "people" and merge_rules.may_merge(request.user):
        pickable = [found.person_id for found in results.rows if found.person is not None]
    return render(
        request,
        "referrals/people_search.html",
        {
            "form": form,
            "results": results,
            "show_errors": request.method == "POST",
            "may_search_concerns": may_search_concerns,
            "count_limit": search.COUNT_LIMIT,
            "pickable": pickable if len(pickable) >= 2 else [],
            # Only with results to tick again: with the search itself wrong, its own
            # errors say what to do first.
            "pick": pick if pick is not None and results is not None else None,
            "picked": pick.picked if pick is not None else set(),
        },
    )


def person_detail(
    request: HttpRequest, person_id: int, upn_form: forms_people.UniquePupilNumberForm | None = None
) -> HttpResponse:
    person = selectors.person_get(user=request.user, person_id=person_id)
    history = selectors.person_history(user=request.user, person=person)
    warnings, ended_warnings = selectors_warnings.person_warnings(user=request.user, person=person)
    audit_views(actor=request.user, record_type="person", record_ids=[person.pk], request=request)
    return render(
        request,
        "referrals/person_detail.html",
        {
            "person": person,
            "history": history,
            "warnings": warnings,
            "ended_warnings": ended_warnings,
            # Named ``form`` so the page title says "Error: " when it has errors.
            "form": upn_form or forms_people.UniquePupilNumberForm(),
            "show_errors": upn_form is not None,
            "is_a_child": selectors.person_is_a_child(person),
            "merges": selectors_merges.merges_of(user=request.user, person=person),
            "may_merge": merge_rules.may_merge(request.user),
        },
    )


@require_POST
def person_upn(request: HttpRequest, person_id: int) -> HttpResponse:
    """Add or correct a child's UPN after intake, as screening staff do ethnicity."""
    person = selectors.person_get(user=request.user, person_id=person_id)
    form = forms_people.UniquePupilNumberForm(request.POST)
    if form.is_valid():
        try:
            services.person_upn_set(
                actor=request.user,
                person=person,
                unique_pupil_number=form.cleaned_data["unique_pupil_number"],
            )
        except services.ContactRejected as refused:
            form.add_error("unique_pupil_number", str(refused))
        else:
            messages.success(request, "Unique Pupil Number saved.")
            return redirect(f"{reverse('referrals:person-detail', args=[person.pk])}#upn")
    return person_detail(request, person_id, upn_form=form)


def person_access(request: HttpRequest, person_id: int) -> HttpResponse:
    """Who has looked at this person's record and the contacts about them."""
    person = selectors.person_get(user=request.user, person_id=person_id)
    events = selectors.person_access_log(user=request.user, person=person)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    audit_views(actor=request.user, record_type="person", record_ids=[person.pk], request=request)
    return render(
        request,
        "referrals/person_access.html",
        {"person": person, "page": page, "this_record": str(person.pk)},
    )
