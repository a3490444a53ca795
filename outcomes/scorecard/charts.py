"""Server-rendered SVG charts for the scorecard: no JavaScript, no CDN, printable,
and the same drawing goes into the PDF pack.

Each chart is an ``<svg role="img">`` with a title and a description that says
what it shows; the page puts the figures in a table beside it for anyone who
cannot see it. Colours are GOV.UK Frontend's, each series also told apart by its
label, never by colour alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import count

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

PALETTE = ("#1d70b8", "#00703c", "#f47738", "#d4351c", "#4c2c92", "#505a5f")
TEXT = "#0b0c0c"
GRID = "#b1b4b6"
WIDTH, HEIGHT = 640, 320
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 56
_ids = count(1)


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float | None]
    colour: str = PALETTE[0]


def _frame(title: str, description: str, body: SafeString, height: int = HEIGHT) -> SafeString:
    chart_id = f"chart-{next(_ids)}"
    return format_html(
        '<svg class="app-chart" font-family="Arial, sans-serif" viewBox="0 0 {w} {h}" role="img" '
        'aria-labelledby="{id}-title" aria-describedby="{id}-desc" '
        'xmlns="http://www.w3.org/2000/svg" width="100%" preserveAspectRatio="xMidYMid meet">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>',
        w=WIDTH,
        h=height,
        id=chart_id,
        title=title,
        desc=description,
        body=body,
    )


def _nice_ceiling(value: float) -> float:
    if value <= 0:
        return 1
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if value <= step * 5:
            return step * 5
    return value


def _y_axis(top_value: float, suffix: str = "") -> tuple[SafeString, float]:
    plot_height = HEIGHT - TOP - BOTTOM
    lines = []
    for tick in range(6):
        value = top_value * tick / 5
        y = TOP + plot_height - plot_height * tick / 5
        label = f"{value:g}{suffix}"
        lines.append(
            format_html(
                '<line x1="{x1}" x2="{x2}" y1="{y}" y2="{y}" stroke="{grid}" stroke-width="1"/>'
                '<text x="{tx}" y="{ty}" text-anchor="end" fill="{text}">{label}</text>',
                x1=LEFT,
                x2=WIDTH - RIGHT,
                y=f"{y:.1f}",
                grid=GRID,
                tx=LEFT - 6,
                ty=f"{y + 4:.1f}",
                text=TEXT,
                label=label,
            )
        )
    return mark_safe("".join(lines)), plot_height  # noqa: S308 - each part escaped above


def _x_labels(labels: Sequence[str], centres: Sequence[float]) -> SafeString:
    return format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="middle" fill="' + TEXT + '">{}</text>',
        (
            (f"{x:.1f}", HEIGHT - BOTTOM + 18, label)
            for x, label in zip(centres, labels, strict=True)
        ),
    )


LEGEND_COLUMN = 290


def _legend(series: Sequence[Series], y: float) -> SafeString:
    parts = []
    for index, each in enumerate(series):
        x = LEFT + LEGEND_COLUMN * index
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="12" height="12" fill="{}"/>'
                '<text x="{}" y="{}" fill="{}">{}</text>',
                x,
                f"{y:.1f}",
                each.colour,
                x + 16,
                f"{y + 11:.1f}",
                TEXT,
                each.label,
            )
        )
    return mark_safe("".join(parts))  # noqa: S308 - each part escaped above


def stacked_bars(
    title: str, description: str, labels: Sequence[str], series: Sequence[Series]
) -> SafeString:
    totals = [sum(s.values[i] or 0 for s in series) for i in range(len(labels))]
    top = _nice_ceiling(max(totals, default=0))
    axis, plot_height = _y_axis(top)
    slot = (WIDTH - LEFT - RIGHT) / max(len(labels), 1)
    bar = slot * 0.7
    rects, centres = [], []
    for i in range(len(labels)):
        x = LEFT + slot * i + (slot - bar) / 2
        centres.append(x + bar / 2)
        base = TOP + plot_height
        for each in series:
            value = each.values[i] or 0
            if not value:
                continue
            h = plot_height * value / top
            base -= h
            rects.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}">'
                    "<title>{}: {} {}</title></rect>",
                    f"{x:.1f}",
                    f"{base:.1f}",
                    f"{bar:.1f}",
                    f"{h:.1f}",
                    each.colour,
                    labels[i],
                    f"{value:g}",
                    each.label,
                )
            )
    body = axis + mark_safe("".join(rects)) + _x_labels(labels, centres)  # noqa: S308
    height = HEIGHT + 24 * ((len(series) + 1) // 2)
    legend_rows = [series[i : i + 2] for i in range(0, len(series), 2)]
    for row, members in enumerate(legend_rows):
        body += _legend(members, HEIGHT - 24 + row * 22)
    return _frame(title, description, body, height=height)


def lines(
    title: str,
    description: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    percent: bool = True,
    reference: tuple[str, float] | None = None,
) -> SafeString:
    """Points joined period to period; a gap where a period has no figure."""
    highest = max(
        [v for s in series for v in s.values if v is not None] + [reference[1] if reference else 0],
        default=0,
    )
    top = 100.0 if percent and highest > 50 else _nice_ceiling(highest)
    axis, plot_height = _y_axis(top, "%" if percent else "")
    slot = (WIDTH - LEFT - RIGHT) / max(len(labels), 1)
    centres = [LEFT + slot * i + slot / 2 for i in range(len(labels))]

    def y_of(value: float) -> float:
        return TOP + plot_height - plot_height * value / top

    parts = []
    if reference is not None:
        y = y_of(reference[1])
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="2" '
                'stroke-dasharray="6 4"/><text x="{}" y="{}" text-anchor="end" fill="{}">{}</text>',
                LEFT,
                WIDTH - RIGHT,
                f"{y:.1f}",
                f"{y:.1f}",
                TEXT,
                WIDTH - RIGHT,
                f"{y - 6:.1f}",
                TEXT,
                f"{reference[0]}: {reference[1]:g}%",
            )
        )
    for each in series:
        points = [
            (centres[i], y_of(v), labels[i], v) for i, v in enumerate(each.values) if v is not None
        ]
        if len(points) > 1:
            parts.append(
                format_html(
                    '<polyline points="{}" fill="none" stroke="{}" stroke-width="3"/>',
                    " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in points),
                    each.colour,
                )
            )
        for x, y, label, value in points:
            parts.append(
                format_html(
                    '<circle cx="{}" cy="{}" r="5" fill="{}"><title>{}: {}{}</title></circle>',
                    f"{x:.1f}",
                    f"{y:.1f}",
                    each.colour,
                    label,
                    f"{value:.1f}",
                    "%" if percent else "",
                )
            )
    body = axis + mark_safe("".join(parts)) + _x_labels(labels, centres)  # noqa: S308
    if len(series) > 1:
        body += _legend(series, HEIGHT - 24)
        return _frame(title, description, body, height=HEIGHT + 24)
    return _frame(title, description, body)


def funnel(title: str, description: str, steps: Sequence[tuple[str, int]]) -> SafeString:
    """Horizontal bars, one per step, each labelled with its count."""
    row, label_width = 34, 230
    height = TOP + row * len(steps) + 8
    widest = max((value for _, value in steps), default=0) or 1
    usable = WIDTH - label_width - RIGHT - 60
    parts = []
    for i, (label, value) in enumerate(steps):
        y = TOP + row * i
        w = usable * value / widest
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" fill="{}">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="22" fill="{}"/>'
                '<text x="{}" y="{}" fill="{}">{}</text>',
                label_width - 8,
                y + 16,
                TEXT,
                label,
                label_width,
                y,
                f"{max(w, 1):.1f}",
                PALETTE[0] if i < 6 else PALETTE[4],
                f"{label_width + max(w, 1) + 6:.1f}",
                y + 16,
                TEXT,
                value,
            )
        )
    return _frame(title, description, mark_safe("".join(parts)), height=height)  # noqa: S308
