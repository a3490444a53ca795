"""The steering-group scorecard pages and downloads."""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from frontdoor.audit import audit_record, audit_views
from frontdoor.models import AuditEvent
from frontdoor.working_days import LONDON
from outcomes.returns import annex_a
from outcomes.scorecard import charts, exports, selectors, services
from outcomes.scorecard.measures import HEADLINE_MEASURES, MEASURES_BY_KEY, Figure, Kind, funnel
from outcomes.scorecard.periods import Granularity, Period, PeriodError, recent_choices
from outcomes.scorecard.tables import (
    BREAKDOWN_TITLES,
    EXTRA_FIGURES,
    Row,
    breakdown_rows,
    display,
    headline_rows,
    value_label,
)
from screening.models import Route

ROUTE_COLOURS = dict(zip([route.value for route in Route], charts.PALETTE, strict=False))
AGENCY_MEASURES = (
    "contacts",
    "referrals",
    "re_referrals",
    "assessment_conversion",
    "assessment_nfa",
    "repeat_not_progressed",
    "strategy_icpc",
    "icpc_within_15_days",
    "assessment_within_45_days",
    "timeliness",
)


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
    text = request.GET.get("as_at", "")
    now = timezone.now()
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise Http404("That link is not complete") from None
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=LONDON)
    return min(moment, now)


def _query(**values) -> str:
    return urlencode({k: v for k, v in values.items() if v not in (None, "")})


class Links:
    def __init__(self, *, period: Period, as_at: datetime, can_open: bool) -> None:
        self.period, self.as_at, self.can_open = period, as_at.isoformat(), can_open

    def figure(self, key: str, part: str = "numerator", agency: str = "", period=None) -> str:
        if not self.can_open:
            return ""
        return (
            reverse("outcomes:scorecard-figure")
            + "?"
            + _query(
                period=(period or self.period).key,
                as_at=self.as_at,
                figure=key,
                part=part,
                agency=agency,
            )
        )

    def download(self, name: str) -> str:
        return reverse(name) + "?" + _query(period=self.period.key, as_at=self.as_at)


def _cell(
    figure: Figure,
    kind: Kind,
    key: str,
    links: Links,
    agency: str = "",
    period=None,
    label: str = "",
):
    """One figure on the page; ``label`` tells a screen reader what a bare number is."""
    has_base = kind is Kind.RATE and figure.base is not None
    return {
        "label": label,
        "display": display(kind, figure),
        "numerator": figure.count if kind is not Kind.HOURS else None,
        "denominator": figure.base if has_base else None,
        "href": links.figure(key, agency=agency, period=period) if kind is not Kind.HOURS else "",
        "base_href": links.figure(key, "denominator", agency, period) if has_base else "",
        "hours_href": links.figure(key, agency=agency, period=period) if kind is Kind.HOURS else "",
    }


def _change(kind: Kind, now: Figure, before: Figure) -> str:
    if kind is Kind.RATE:
        if now.percent is None or before.percent is None:
            return ""
        delta, unit = now.percent - before.percent, " points"
    elif kind is Kind.HOURS:
        if now.hours is None or before.hours is None:
            return ""
        delta, unit = now.hours - before.hours, " hours"
    else:
        delta, unit = now.count - before.count, ""
    if abs(delta) < 0.05:
        return "no change"
    amount = f"{abs(delta):.1f}".removesuffix(".0")
    if amount == "1" and unit:
        unit = unit.rstrip("s")
    return f"{'up' if delta > 0 else 'down'} {amount}{unit}"


def scorecard_context(card: selectors.Scorecard, *, can_open: bool) -> dict:
    links = Links(period=card.period, as_at=card.as_at, can_open=can_open)
    previous = card.trend[-2][1] if len(card.trend) > 1 else None
    headline = []
    for row in headline_rows(card.figures):
        national = card.national.get(row.key)
        headline.append(
            {
                "row": row,
                "definition": MEASURES_BY_KEY[row.key].definition,
                "cell": _cell(row.figure, row.kind, row.key, links, label=row.measure),
                "previous": display(row.kind, previous[row.key]) if previous else "",
                "change": _change(row.kind, row.figure, previous[row.key]) if previous else "",
                "national": national,
            }
        )
    breakdowns = [
        {
            "title": title,
            "rows": [
                {
                    "row": row,
                    "cell": _cell(
                        row.figure, Kind.RATE, row.key, links, label=f"{title}: {row.breakdown}"
                    ),
                }
                for row in breakdown_rows(card.figures, dimension, card.source_labels)
            ],
        }
        for dimension, title in BREAKDOWN_TITLES.items()
    ]
    extras = [
        {
            "row": Row(key, title, "", kind, card.figures[key]),
            "cell": _cell(card.figures[key], kind, key, links, label=title),
        }
        for key, (title, kind) in EXTRA_FIGURES.items()
    ]
    trend = [
        {
            "measure": measure,
            "cells": [
                _cell(
                    figures[measure.key],
                    measure.kind,
                    measure.key,
                    links,
                    period=period,
                    label=f"{measure.title}, {period.label}",
                )
                for period, figures in card.trend
            ],
        }
        for measure in HEADLINE_MEASURES
    ]
    by_agency = [
        {
            "group": group,
            "cells": [
                _cell(
                    figures[key],
                    MEASURES_BY_KEY[key].kind,
                    key,
                    links,
                    agency=group.key,
                    label=f"{MEASURES_BY_KEY[key].title}, {group.name}",
                )
                for key in AGENCY_MEASURES
            ],
        }
        for group, figures in card.by_agency
    ]
    return {
        "card": card,
        "period": card.period,
        "as_at_local": card.as_at.astimezone(LONDON),
        "headline": headline,
        "breakdowns": breakdowns,
        "extras": extras,
        "trend": trend,
        "trend_periods": [period for period, _ in card.trend],
        "agency_measures": [MEASURES_BY_KEY[key] for key in AGENCY_MEASURES],
        "by_agency": by_agency,
        "charts": _charts(card),
        "monthly": [
            {
                "month": month,
                "counts": [figures.get(f"route:{route.value}", Figure(())).count for route in Route]
                + [figures.get("route:not_decided", Figure(())).count],
                "total": figures["contacts"].count,
            }
            for month, figures in card.monthly
        ],
        "route_labels": [route.label for route in Route] + ["Not decided yet"],
        "funnel": funnel(card.figures),
        "links": links,
        "can_open": can_open,
    }


def _charts(card: selectors.Scorecard) -> dict:
    month_labels = [f"{month.start:%b %Y}" for month, _ in card.monthly]
    route_series = [
        charts.Series(
            route.label,
            [figures.get(f"route:{route.value}", Figure(())).count for _, figures in card.monthly],
            ROUTE_COLOURS[route.value],
        )
        for route in Route
    ] + [
        charts.Series(
            "Not decided yet",
            [figures.get("route:not_decided", Figure(())).count for _, figures in card.monthly],
            charts.PALETTE[5],
        )
    ]
    trend_labels = [period.short_label for period, _ in card.trend]
    re_referral = card.national.get("re_referrals")
    return {
        "monthly_routes": charts.stacked_bars(
            "Contacts each month by route",
            f"Contacts received in each of the 12 months to {card.period.end:%B %Y} "
            "(exclusive), stacked by the route of their standing decision.",
            month_labels,
            route_series,
        ),
        "re_referrals": charts.lines(
            "Re-referral rate",
            "Percentage of referrals that were re-referrals within 12 months, by period"
            + (", with the England figure as a dashed line." if re_referral else "."),
            trend_labels,
            [charts.Series("Re-referrals", [f["re_referrals"].percent for _, f in card.trend])],
            reference=("England", float(re_referral.percent)) if re_referral else None,
        ),
        "timeliness": charts.lines(
            "Decided within one working day",
            "Percentage of contacts decided within one working day, by period.",
            trend_labels,
            [
                charts.Series(
                    "Decided in time",
                    [f["timeliness"].percent for _, f in card.trend],
                    charts.PALETTE[1],
                )
            ],
        ),
        "funnel": charts.funnel(
            "From contact to plan",
            "Contacts, referrals, assessments and their outcomes, and strategy discussions "
            f"and conferences, in {card.period.label}.",
            [(label, value) for _, label, value in funnel(card.figures)],
        ),
    }


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
    return redirect(f"{reverse('outcomes:scorecard')}?{_query(period=period.key)}")


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
        record_ids=sorted({row.contact.reference for row in rows}),
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
            "back": reverse("outcomes:scorecard")
            + "?"
            + _query(period=period.key, as_at=as_at.isoformat()),
            "query": _query(
                period=period.key, as_at=as_at.isoformat(), figure=key, part=part, agency=agency
            ),
        },
    )


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


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
    return redirect(f"{reverse('outcomes:scorecard')}?{_query(period=request.GET['period'])}")


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def scorecard_csv(request: HttpRequest) -> HttpResponse:
    card = _card_for_download(request, "csv")
    if card is None:
        return _period_refused(request)
    return _download(
        exports.scorecard_csv(card), "text/csv; charset=utf-8", f"scorecard-{card.period}.csv"
    )


def scorecard_xlsx(request: HttpRequest) -> HttpResponse:
    card = _card_for_download(request, "xlsx")
    if card is None:
        return _period_refused(request)
    return _download(exports.scorecard_xlsx(card), XLSX, f"scorecard-{card.period}.xlsx")


def scorecard_pdf(request: HttpRequest) -> HttpResponse:
    card = _card_for_download(request, "pdf")
    if card is None:
        return _period_refused(request)
    context = scorecard_context(card, can_open=False)
    context["request"] = request
    return _download(
        exports.scorecard_pdf(card, context), "application/pdf", f"scorecard-{card.period}.pdf"
    )


def _annex_a_download(request: HttpRequest) -> tuple[str, int] | None:
    """What the buttons (or a link) asked for: ("xlsx", 0) for both lists in one
    workbook, ("csv", 1 or 3) for one list; None for the page."""
    chosen = request.GET.get("list", "")
    if chosen in ("1", "3"):
        return "csv", int(chosen)
    file_format = request.GET.get("format", "")
    if file_format == "xlsx":
        return "xlsx", 0
    if file_format == "csv":
        return "csv", 1
    return None


def inspection_contacts(request: HttpRequest) -> HttpResponse:
    """Ofsted's Annex A Lists 1 and 3 for a window of at most six months (by default
    the six months up to today; or the six months before an inspection date): a
    form, then the download, recorded against every contact in it."""
    if not annex_a.can_export_annex_a(request.user):
        raise PermissionDenied
    download = _annex_a_download(request)
    inspection = annex_a.InspectionDateForm()
    chosen = ""
    if any(key.startswith("inspection_date") for key in request.GET):
        # The shortcut fills in the window; the person then chooses a download.
        inspection = annex_a.InspectionDateForm(request.GET)
        if inspection.is_valid():
            window = annex_a.six_months_before_inspection(
                inspection.cleaned_data["inspection_date"]
            )
            form = annex_a.WindowForm(initial={"start": window.start, "end": window.end})
            chosen = window.label
        else:
            form = annex_a.WindowForm(initial=_default_window())
    elif download or any(key.startswith(("start", "end")) for key in request.GET):
        form = annex_a.WindowForm(request.GET)
        if form.is_valid() and download:
            return _annex_a_file(request, form.window, *download)
    else:
        form = annex_a.WindowForm(initial=_default_window())
    failed = bool(form.errors or inspection.errors)
    return render(
        request,
        "outcomes/returns/annex_a.html",
        {"form": form, "inspection": inspection, "chosen": chosen, "failed": failed},
        status=400 if failed else 200,
    )


def _default_window() -> dict:
    window = annex_a.six_months_to(timezone.localdate())
    return {"start": window.start, "end": window.end}


def _annex_a_file(
    request: HttpRequest, window: annex_a.Window, file_format: str, list_number: int
) -> HttpResponse:
    lists = annex_a.annex_a_lists(user=request.user, window=window, as_at=timezone.now())
    references = lists.referral_references if list_number == 3 else lists.contact_references
    audit_views(
        actor=request.user,
        record_type="contact",
        record_ids=references,
        request=request,
        action=AuditEvent.Action.EXPORT,
    )
    if file_format == "xlsx":
        return _download(annex_a.annex_a_xlsx(lists), XLSX, f"annex-a-{window.slug}.xlsx")
    name = "list-3-referrals" if list_number == 3 else "list-1-contacts"
    return _download(
        annex_a.annex_a_csv(lists, list_number),
        "text/csv; charset=utf-8",
        f"annex-a-{name}-{window.slug}.csv",
    )
