"""A person's chronology, on screen (paged) and as a PDF (every entry). Both open the
person through ``person_get``, so who may see it is who may open the person record,
restricted records included, and both are audited as a read of the person."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from frontdoor.audit import audit_record, audit_views
from frontdoor.models import AuditEvent
from frontdoor.replica import reporting_reads
from outcomes.chronology import pdf
from outcomes.chronology.forms import NEWEST, ChronologyFilterForm
from outcomes.chronology.selectors import (
    Cursor,
    Filters,
    chronology_all,
    chronology_page,
)
from outcomes.downloads import attachment
from referrals import selectors as referral_selectors

# The PDF holds every entry up to this many; beyond, it says so and how to narrow it.
PDF_MOST = 2000
FILTER_KEYS = ("kind", "order", *(f"date_{end}_{i}" for end in ("from", "to") for i in range(3)))


def _filter_form(request: HttpRequest) -> ChronologyFilterForm:
    data = QueryDict(mutable=True)
    for key in FILTER_KEYS:
        data.setlist(key, request.GET.getlist(key))
    if not data.get("order"):
        data["order"] = NEWEST
    return ChronologyFilterForm(data)


def _query(form: ChronologyFilterForm) -> str:
    """The filters as typed, for the paging and PDF links (no cursor)."""
    return form.data.urlencode()


def person_chronology(request: HttpRequest, person_id: int) -> HttpResponse:
    person = referral_selectors.person_get(user=request.user, person_id=person_id)
    form = _filter_form(request)
    filters = form.filters() if form.is_valid() else None
    page = None
    if filters is not None:
        page = chronology_page(
            user=request.user,
            person=person,
            filters=filters,
            after=Cursor.parse(request.GET.get("after")),
            before=Cursor.parse(request.GET.get("before")),
        )
    audit_views(actor=request.user, record_type="person", record_ids=[person.pk], request=request)
    return render(
        request,
        "outcomes/chronology/chronology.html",
        {
            "person": person,
            "form": form,
            "show_errors": bool(form.errors),
            "page": page,
            "query": _query(form),
            "filters": filters,
            "filtered": filters is not None
            and filters != Filters(newest_first=filters.newest_first),
        },
    )


def person_chronology_pdf(request: HttpRequest, person_id: int) -> HttpResponse:
    person = referral_selectors.person_get(user=request.user, person_id=person_id)
    form = _filter_form(request)
    if not form.is_valid():
        # The page says what is wrong with the dates, with what was typed still there.
        url = reverse("outcomes:person-chronology", args=[person.pk])
        return redirect(f"{url}?{_query(form)}")
    # Who may see the person was decided on the primary (person_get); the entries, up to
    # 2,000 of them, and the restrictions that hide some of them, come from the replica
    # only once it has replayed all the primary had written by now (caught_up), so a
    # restriction added a moment ago still hides its entries; its audit row is written
    # to the primary (docs/adr/0047).
    with reporting_reads(caught_up=True):
        return _chronology_pdf(request, person, form)


def _chronology_pdf(request: HttpRequest, person, form: ChronologyFilterForm) -> HttpResponse:
    filters = form.filters()
    entries = list(
        chronology_all(user=request.user, person=person, filters=filters, most=PDF_MOST + 1)
    )
    more, entries = len(entries) > PDF_MOST, entries[:PDF_MOST]
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        record_type="person",
        record_id=person.pk,
        request=request,
        detail={
            "format": "pdf",
            "entries": len(entries),
            "kinds": list(filters.kinds),
            "from": filters.date_from.isoformat() if filters.date_from else "",
            "to": filters.date_to.isoformat() if filters.date_to else "",
        },
    )
    content = pdf.chronology_pdf(
        {
            "person": person,
            "entries": entries,
            "more": more,
            "most": PDF_MOST,
            "filters": filters,
            "kind_labels": [
                label for value, label in form.fields["kind"].choices if value in filters.kinds
            ],
            "made_at": timezone.localtime(),
        }
    )
    return attachment(content, "application/pdf", f"chronology-{person.pk}.pdf")
