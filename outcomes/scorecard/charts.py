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
PLOT_HEIGHT = HEIGHT - TOP - BOTTOM
FONT_SIZE = 13
LINE_HEIGHT = 16
# No font metrics on the server: an Arial character is at most about 0.6 em wide
# on average, so text measured this way fits wherever it is drawn.
CHARACTER_WIDTH = FONT_SIZE * 0.6
GAP = 12
_ids = count(1)


def text_width(text: str) -> float:
    return len(text) * CHARACTER_WIDTH


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float | None]
    colour: str = PALETTE[0]


def _frame(title: str, description: str, body: SafeString, height: int = HEIGHT) -> SafeString:
    chart_id = f"chart-{next(_ids)}"
    return format_html(
        '<svg class="app-chart" font-family="Arial, sans-serif" font-size="{size}" '
        'viewBox="0 0 {w} {h}" role="img" '
        'aria-labelledby="{id}-title" aria-describedby="{id}-desc" '
        'xmlns="http://www.w3.org/2000/svg" width="100%" preserveAspectRatio="xMidYMid meet">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>',
        size=FONT_SIZE,
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
    plot_height = PLOT_HEIGHT
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


def _label_lines(label: str, room: float) -> list[str]:
    """The label on one line, or split at its last space ("Oct" over "2025") when
    one line would run into the next label."""
    if text_width(label) <= room or " " not in label:
        return [label]
    return label.rsplit(" ", 1)


def _x_labels(
    labels: Sequence[str], centres: Sequence[float], slot: float
) -> tuple[SafeString, float]:
    """Axis labels under the plot, each clear of its neighbours: on two lines when
    one is too wide, and only every second (third …) label, always with the
    latest, when even that does not fit. Returns the labels and the height they take."""
    room = slot - GAP
    split = [_label_lines(label, room) for label in labels]
    widest = max((text_width(line) for lines in split for line in lines), default=0)
    every = 1
    while widest > slot * every - GAP and every < len(labels):
        every += 1
    last = len(labels) - 1
    shown = [i for i in range(len(labels)) if (last - i) % every == 0]
    parts = []
    for i in shown:
        tspans = format_html_join(
            "",
            '<tspan x="{}" dy="{}">{}</tspan>',
            (
                (f"{centres[i]:.1f}", 0 if n == 0 else LINE_HEIGHT, line)
                for n, line in enumerate(split[i])
            ),
        )
        parts.append(
            format_html(
                '<text y="{}" text-anchor="middle" fill="{}">{}</text>',
                TOP + PLOT_HEIGHT + 18,
                TEXT,
                tspans,
            )
        )
    rows = max((len(lines) for lines in split), default=1)
    return mark_safe("".join(parts)), 18 + LINE_HEIGHT * (rows - 1) + 10  # noqa: S308


SWATCH = 16


def _legend(series: Sequence[Series], y: float, reference: str = "") -> tuple[SafeString, float]:
    """Keys laid out like words in a paragraph, each as wide as its label, so a long
    label moves to the next row instead of running into its neighbour. A reference
    line (England's figure) is keyed with a dashed line. Returns the legend and its
    height."""
    items = [(each.label, each.colour, False) for each in series]
    if reference:
        items.append((reference, TEXT, True))
    parts, x, row = [], LEFT, 0
    for label, colour, dashed in items:
        width = SWATCH + 4 + text_width(label)
        if x > LEFT and x + width > WIDTH - RIGHT:
            x, row = LEFT, row + 1
        top = y + row * 22
        if dashed:
            key = format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="2" '
                'stroke-dasharray="6 4"/>',
                x,
                x + SWATCH,
                f"{top + 6:.1f}",
                f"{top + 6:.1f}",
                colour,
            )
        else:
            key = format_html(
                '<rect x="{}" y="{}" width="12" height="12" fill="{}"/>', x, f"{top:.1f}", colour
            )
        parts.append(
            key
            + format_html(
                '<text x="{}" y="{}" fill="{}">{}</text>',
                f"{x + SWATCH + 4:.1f}",
                f"{top + 11:.1f}",
                TEXT,
                label,
            )
        )
        x += width + GAP * 2
    return mark_safe("".join(parts)), (row + 1) * 22 if items else 0  # noqa: S308


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
    body = axis + mark_safe("".join(rects))  # noqa: S308 - each part escaped above
    return _finish(title, description, body, labels, centres, slot, series)


def lines(
    title: str,
    description: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    percent: bool = True,
    reference: tuple[str, float] | None = None,
    hollow: Sequence[bool] = (),
) -> SafeString:
    """Points joined period to period; a gap where a period has no figure. A point
    is drawn hollow, and its tooltip says "still maturing", where ``hollow`` says so
    (a figure that can still rise)."""
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
    reference_label = ""
    if reference is not None:
        # Keyed in the legend, not labelled on the line, where a point could cover it.
        y = y_of(reference[1])
        reference_label = f"{reference[0]}: {reference[1]:g}{'%' if percent else ''}"
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="2" '
                'stroke-dasharray="6 4"/>',
                LEFT,
                WIDTH - RIGHT,
                f"{y:.1f}",
                f"{y:.1f}",
                TEXT,
            )
        )
    for each in series:
        points = [
            (centres[i], y_of(v), labels[i], v, i < len(hollow) and hollow[i])
            for i, v in enumerate(each.values)
            if v is not None
        ]
        if len(points) > 1:
            parts.append(
                format_html(
                    '<polyline points="{}" fill="none" stroke="{}" stroke-width="3"/>',
                    " ".join(f"{x:.1f},{y:.1f}" for x, y, *_ in points),
                    each.colour,
                )
            )
        for x, y, label, value, open_point in points:
            parts.append(
                format_html(
                    '<circle cx="{}" cy="{}" r="5" fill="{}" stroke="{}" stroke-width="2">'
                    "<title>{}: {}{}{}</title></circle>",
                    f"{x:.1f}",
                    f"{y:.1f}",
                    "#ffffff" if open_point else each.colour,
                    each.colour,
                    label,
                    f"{value:.1f}",
                    "%" if percent else "",
                    " (still maturing)" if open_point else "",
                )
            )
    body = axis + mark_safe("".join(parts))  # noqa: S308 - each part escaped above
    # One series needs no key: the title names it.
    keyed = series if len(series) > 1 else ()
    return _finish(title, description, body, labels, centres, slot, keyed, reference_label)


def _finish(
    title: str,
    description: str,
    body: SafeString,
    labels: Sequence[str],
    centres: Sequence[float],
    slot: float,
    keyed: Sequence[Series],
    reference_label: str = "",
) -> SafeString:
    """The axis labels and the legend below the plot, the drawing as tall as they need."""
    axis_labels, label_height = _x_labels(labels, centres, slot)
    bottom = TOP + PLOT_HEIGHT + label_height
    legend, legend_height = _legend(keyed, bottom, reference_label)
    height = bottom + legend_height + (8 if legend_height else 0)
    return _frame(title, description, body + axis_labels + legend, height=round(height))


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
