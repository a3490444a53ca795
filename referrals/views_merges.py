"""HTML views merging duplicate person records and undoing a merge (managers). Each
fetches its records through the merge pages' access functions
(``selectors_merges.merge_person_get`` / ``merge_get``), so a screener is refused
(403), anyone else told the record is not there (404), and a restricted record opens
only to a manager it names."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from frontdoor.audit import audit_views
from referrals import forms_merges, merge_rules, selectors_merges, services


@require_GET
def merge_choose(request: HttpRequest, person_id: int) -> HttpResponse:
    """Pick the duplicate: from the likely duplicates matching finds, or by its number."""
    person = selectors_merges.merge_person_get(user=request.user, person_id=person_id)
    form = forms_merges.MergeChooseForm(request.GET if "other" in request.GET else None)
    if form.is_bound and form.is_valid():
        other = form.cleaned_data["other"]
        try:
            # A restricted record answers with whom to ask; a number mistyped, here.
            selectors_merges.merge_person_get(user=request.user, person_id=other)
        except Http404:
            form.add_error("other", f"There is no person record {other}: check the number")
        else:
            return redirect("referrals:person-merge-compare", person_id=person.pk, other_id=other)
    duplicates = []
    if person.merged_into_id is None:
        duplicates = selectors_merges.likely_duplicates(user=request.user, person=person)
    shown = [person.pk, *(d.person.pk for d in duplicates if d.restriction is None)]
    audit_views(actor=request.user, record_type="person", record_ids=shown, request=request)
    return render(
        request,
        "referrals/merge_choose.html",
        {
            "person": person,
            "form": form,
            "show_errors": form.is_bound,
            "duplicates": duplicates,
        },
    )


@require_http_methods(["GET", "POST"])
def merge_compare(request: HttpRequest, person_id: int, other_id: int) -> HttpResponse:
    """The two records side by side, the differences marked; which to keep and why."""
    left = selectors_merges.merge_person_get(user=request.user, person_id=person_id)
    right = selectors_merges.merge_person_get(user=request.user, person_id=other_id)
    refusal = merge_rules.merge_refusal(kept=left, merged=right)
    form = forms_merges.MergeForm(request.POST or None, left=left, right=right)
    if request.method == "POST" and refusal is None and form.is_valid():
        kept, merged = (left, right) if form.cleaned_data["keep"] == left.pk else (right, left)
        try:
            merge = services.person_merge(
                actor=request.user, kept=kept, merged=merged, reason=form.cleaned_data["reason"]
            )
        except services.MergeRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request,
                f"Record {merged.pk} merged into this record. Everything it held is here "
                "now; the merge can be undone from its page, listed under Merges below.",
            )
            return redirect("referrals:person-detail", person_id=merge.kept_id)
    # Shown again after a refused POST too: every showing of the two records is a view.
    audit_views(
        actor=request.user,
        record_type="person",
        record_ids=[left.pk] if left.pk == right.pk else [left.pk, right.pk],
        request=request,
    )
    return render(
        request,
        "referrals/merge_compare.html",
        {
            "left": left,
            "right": right,
            "refusal": refusal,
            "rows": selectors_merges.compare(left=left, right=right) if refusal is None else [],
            "gains": [
                (kept, selectors_merges.merge_gains(kept=kept, merged=merged))
                for kept, merged in ((left, right), (right, left))
            ]
            if refusal is None
            else [],
            "form": form,
            "show_errors": request.method == "POST",
        },
    )


def _merge_page(request: HttpRequest, merge, form) -> HttpResponse:
    """The merge's page, first shown or after a refused undo: a view of both records."""
    audit_views(
        actor=request.user,
        record_type="person",
        record_ids=[merge.kept_id, merge.merged_id],
        request=request,
    )
    return render(
        request,
        "referrals/merge_detail.html",
        {
            "merge": merge,
            "moves": selectors_merges.merge_moves(merge=merge),
            "refusal": merge_rules.unmerge_refusal(merge=merge, kept=merge.kept),
            "form": form,
            "show_errors": request.method == "POST",
        },
    )


@require_GET
def merge_detail(request: HttpRequest, merge_id: int) -> HttpResponse:
    """One merge: who, when, why, what moved; the form to undo it while it stands."""
    merge = selectors_merges.merge_get(user=request.user, merge_id=merge_id)
    return _merge_page(request, merge, forms_merges.UnmergeForm())


@require_POST
def merge_undo(request: HttpRequest, merge_id: int) -> HttpResponse:
    merge = selectors_merges.merge_get(user=request.user, merge_id=merge_id)
    form = forms_merges.UnmergeForm(request.POST)
    if form.is_valid():
        try:
            services.person_unmerge(
                actor=request.user, merge=merge, reason=form.cleaned_data["reason"]
            )
        except services.MergeRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request,
                f"Merge undone: records {merge.kept_id} and {merge.merged_id} are separate "
                "again, each with what it held before the merge.",
            )
            return redirect(reverse("referrals:person-merge", args=[merge.pk]))
    return _merge_page(request, merge, form)
