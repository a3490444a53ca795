"""The steering-group scorecard pages and downloads (what they show: presenter)."""

from __future__ import annotations

from datetime import date, datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from frontdoor.audit import audit_record, audit_views
from frontdoor.london import LONDON
from frontdoor.models import AuditEvent
from outcomes.downloads import XLSX, attachment
from outcomes.scorecard import exports, selectors, services
from outcomes.scorecard.audits import GRADES as AUDIT_GRADES
from outcomes.scorecard.audits import audit_results
from outcomes.scorecard.definitions import MEASURES_BY_KEY, maturing_until
from outcomes.scorecard.periods import Granularity, Period, PeriodError, recent_choices
from outcomes.scorecard.presenter import query_string, scorecard_context
from outcomes.scorecard.tables import BREAKDOWN_TITLES, EXTRA_FIGURES, value_label


def default_period(today: date | None = None) -> Period:
    """The last complete quarter: what the quarterly steering group meets about."""
    today = today or timezone.localdate()
    return Period.containing(today, Granularity.QUARTER).previous()


def _period(request: HttpRequest) -> tuple[Period, str, str]:
    """(period, what was typed, error message)."""
    typed = request.GET.get("period", "").strip()
    if not typed:
        return default_period(), "", ""
    try:
        return Period.parse(typed), typed, ""
    except PeriodError as error:
        return default_period(), typed, str(error)


def _as_at(request: HttpRequest) -> datetime | None:
    """The moment the figures are counted at; links and downloads carry it so they
    show exactly what the page showed. None: the latest kept count (or now)."""
    try:
        return selectors.as_at_parse(request.GET.get("as_at", ""))
    except ValueError:
        raise Http404("That link is not complete") from None


def _require_viewer(request: HttpRequest) -> None:
    if not selectors.can_view_scorecard(request.user):
        raise PermissionDenied


def scorecard(request: HttpRequest) -> HttpResponse:
    _require_viewer(request)
    period, typed, error = _period(request)
    if request.method == "POST":
        return _recount(request, period)
    card = selectors.scorecard_get(user=request.user, period=period, as_at=_as_at(request))
    can_open = selectors.can_open_records(request.user)
    context = scorecard_context(card, can_open=can_open)
    context.update(
        {
            "typed_period": typed if error else period.key,
            "period_error": error,
            "kept": card.kept,
            "views": [Period.containing(period.start, granularity) for granularity in Granularity],
            "recent": recent_choices(timezone.localdate()),
            # Decision quality audits, at the same moment as the figures (ADR 0043).
            "audits": audit_results(period=period, as_at=card.as_at),
            "audit_grades": AUDIT_GRADES,
            "downloads": [
                ("Every figure (CSV)", context["links"].download("outcomes:scorecard-csv")),
                ("Every figure (Excel)", context["links"].download("outcomes:scorecard-xlsx")),
                ("Steering-group pack (PDF)", context["links"].download("outcomes:scorecard-pdf")),
            ],
        }
    )
    return render(
        request, "outcomes/scorecard/scorecard.html", context, status=400 if error else 200
    )


def _recount(request: HttpRequest, period: Period) -> HttpResponse:
    """Count the period again now, in the background: a region's year takes minutes."""
    try:
        services.recount_request(period=period)
    except services.RecountUnavailable as unavailable:
        messages.error(request, str(unavailable))
    else:
        messages.success(
            request,
            "The figures are being counted again. Refresh this page in a minute or two "
            "to see them.",
        )
    return redirect(f"{reverse('outcomes:scorecard')}?{query_string(period=period.key)}")


def scorecard_figure(request: HttpRequest) -> HttpResponse:
    """The contacts (or children) behind one figure: managers only, and audited."""
    if not selectors.can_open_records(request.user):
        raise PermissionDenied
    try:
        period = Period.parse(request.GET.get("period", ""))
    except PeriodError:
        raise Http404("That link is not complete") from None
    as_at = _as_at(request) or timezone.now()
    key, part = request.GET.get("figure", ""), request.GET.get("part", "numerator")
    if part not in ("numerator", "denominator"):
        raise Http404("That link is not complete")
    agency = request.GET.get("agency", "")
    figure = selectors.figure_get(
        user=request.user, period=period, as_at=as_at, key=key, agency=agency
    )
    items = figure.items(part)
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    rows = selectors.figure_rows(user=request.user, items=tuple(page.object_list))
    audit_views(
        actor=request.user,
        record_type="contact",
        # With the contacts children came back with, whose references the list shows.
        record_ids=sorted(
            {row.contact.reference for row in rows}
            | {row.returned_with.reference for row in rows if row.returned_with}
        ),
        request=request,
    )
    measure_key = key.split(":")[0]
    measure = MEASURES_BY_KEY.get(measure_key)
    if measure is not None:
        title = measure.title
        part_label = measure.denominator_label if part == "denominator" else measure.numerator_label
    else:
        title = EXTRA_FIGURES.get(key, (BREAKDOWN_TITLES.get(measure_key, key), None))[0]
        part_label = "all counted" if part == "denominator" else "counted"
    dimension, _, value = key.partition(":")
    breakdown = ""
    if value and dimension in BREAKDOWN_TITLES:
        breakdown = value_label(dimension, value, selectors.source_labels())
    return render(
        request,
        "outcomes/scorecard/figure.html",
        {
            "period": period,
            "title": title,
            "breakdown": breakdown,
            "part_label": part_label or "counted",
            "agency_name": selectors.agency_name(agency) if agency else "",
            "page": page,
            "rows": rows,
            "count": len(items),
            "per_child": any(item.subject_id for item in items),
            "came_back": any(row.returned_with for row in rows),
            "maturing": maturing_until(key, period, as_at),
            "as_at_local": as_at.astimezone(LONDON),
            "back": reverse("outcomes:scorecard")
            + "?"
            + query_string(period=period.key, as_at=as_at.isoformat()),
            "query": query_string(
                period=period.key, as_at=as_at.isoformat(), figure=key, part=part, agency=agency
            ),
        },
    )


def _card_for_download(request: HttpRequest, kind: str) -> selectors.Scorecard | None:
    """The card to download; None when the period is not one (the caller sends the
    person to the page, which says what to type)."""
    _require_viewer(request)
    typed = request.GET.get("period", "")
    try:
        period = Period.parse(typed) if typed.strip() else default_period()
    except PeriodError:
        return None
    card = selectors.scorecard_get(user=request.user, period=period, as_at=_as_at(request))
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        record_type="scorecard",
        record_id=period.key,
        request=request,
        detail={"format": kind, "as_at": card.as_at.isoformat()},
    )
    return card


def _period_refused(request: HttpRequest) -> HttpResponse:
    return redirect(f"{reverse('outcomes:scorecard')}?{query_string(period=request.GET['period'])}")


# A download with no kept count counts afresh on the replica (scorecard_count opts in,
# docs/adr/0047). The kept count itself is looked up on the primary, as the page did: a
# download of one kept a moment ago gives the page's figures, not a recount of its own.
def scorecard_csv(request: HttpRequest) -> HttpResponse:
    card = _card_for_download(request, "csv")
    if card is None:
        return _period_refused(request)
    return attachment(
        exports.scorecard_csv(card), "text/csv; charset=utf-8", f"scorecard-{card.period}.csv"
    )


def scorecard_xlsx(request: HttpRequest) -> HttpResponse:
    card = _card_for_download(request, "xlsx")
    if card is None:
        return _period_refused(request)
    return attachment(exports.scorecard_xlsx(card), XLSX, f"scorecard-{card.period}.xlsx")


def scorecard_pdf(request: HttpRequest) -> HttpResponse:
    card = _card_for_download(request, "pdf")
    if card is None:
        return _period_refused(request)
    context = scorecard_context(card, can_open=False)
    context["request"] = request
    return attachment(
        exports.scorecard_pdf(card, context), "application/pdf", f"scorecard-{card.period}.pdf"
    )
