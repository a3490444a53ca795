"""Scorecard downloads: CSV and XLSX of every figure and the steering-group PDF pack,
written by the writers the statutory returns use too (``outcomes.downloads``)."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from frontdoor.london import LONDON
from outcomes.downloads import csv_bytes, xlsx_bytes
from outcomes.scorecard.selectors import Scorecard
from outcomes.scorecard.tables import LongRow, long_rows

LONG_HEADER = (
    "Period",
    "Period name",
    "Source agency",
    "Measure",
    "Breakdown",
    "Numerator",
    "Denominator",
    "Percent",
    "Working hours",
    "Figure key",
    # A figure counted forward (repeat contacts not progressed) can still rise until
    # this day; blank once final, and for every figure final when its period ends.
    "Still maturing until",
)


def _long_values(line: LongRow) -> list:
    row = line.row
    percent = None if row.percent is None else round(row.percent, 1)
    hours = None if row.hours is None else round(row.hours, 1)
    return [
        line.period,
        line.period_label,
        line.agency,
        row.measure,
        row.breakdown,
        row.numerator if row.kind != "hours" else None,
        row.denominator,
        percent,
        hours,
        row.key,
        line.maturing.isoformat() if line.maturing else None,
    ]


def scorecard_csv(card: Scorecard) -> bytes:
    return csv_bytes(LONG_HEADER, (_long_values(line) for line in long_rows(card)))


def scorecard_xlsx(card: Scorecard) -> bytes:
    lines = long_rows(card)
    about = [
        ("Scorecard", card.period.label),
        ("Counted from the records as at", card.as_at.astimezone(LONDON).isoformat()),
        ("Service", settings.SERVICE_NAME),
        ("Council", settings.COUNCIL_NAME),
        (
            "Still maturing",
            "Repeat contacts not progressed counts children who come back within 12 months "
            "of their contact, so a period's figure can still rise until 12 months after it "
            "ends; until then the 'Still maturing until' column gives the last day it can.",
        ),
    ]
    chosen = [_long_values(line) for line in lines if line.period == card.period.key]
    return xlsx_bytes(
        [
            ("About", ("Item", "Value"), about),
            ("This period", LONG_HEADER, chosen),
            ("All figures", LONG_HEADER, [_long_values(line) for line in lines]),
        ]
    )


# --- The PDF pack -----------------------------------------------------------------------


class ForbiddenResource(ValueError):
    """The PDF asked for something that is not one of the app's own static files."""


def static_only_fetcher(url: str, *args, **kwargs) -> dict:
    """WeasyPrint's fetcher, limited to the app's own static files: nothing from the
    network or elsewhere on disk, whatever a template or a record's text contains."""
    parsed = urlparse(url)
    path = unquote(parsed.path)
    if parsed.scheme not in ("", "file") or parsed.netloc:
        raise ForbiddenResource(f"Refused to fetch {parsed.scheme}: resources for the PDF")
    marker = settings.STATIC_URL
    if marker not in path:
        raise ForbiddenResource("Refused: the PDF may use only the app's static files")
    relative = path.split(marker, 1)[1]
    if ".." in Path(relative).parts:
        raise ForbiddenResource("Refused: a path outside the static files")
    found = finders.find(relative)
    if not found:
        raise ForbiddenResource(f"No static file {relative}")
    mime_type, _ = mimetypes.guess_type(found)
    return {
        "string": Path(found).read_bytes(),
        "mime_type": mime_type or "application/octet-stream",
        "redirected_url": url,
    }


def css_string(text: str) -> str:
    """``text`` for a CSS string (the pack's page footer): anything but letters,
    digits and plain punctuation as a hex escape, so a council called "Brighton &
    Hove" or "St Helen's" prints as written and no name can end the string."""
    return "".join(
        # The space after an escape ends it (and is not printed), so the next
        # character cannot be read as more hex digits.
        char if char.isascii() and (char.isalnum() or char in " .,:()") else f"\\{ord(char):06x} "
        for char in text
    )


def pack_footer(card: Scorecard) -> str:
    """Council · what this is · how to handle it; a missing part leaves no stray dot."""
    parts = (
        settings.COUNCIL_NAME.strip(),
        f"{settings.SERVICE_NAME} scorecard, {card.period.label}",
        "OFFICIAL-SENSITIVE when printed with case lists",
    )
    return " · ".join(part for part in parts if part)


def scorecard_pdf(card: Scorecard, context: dict) -> bytes:
    from weasyprint import HTML

    # Rendered without a request, so the context processors' names are given here.
    context = {
        **context,
        "council_name": settings.COUNCIL_NAME.strip(),
        "service_name": settings.SERVICE_NAME,
        "footer": css_string(pack_footer(card)),
    }
    html = render_to_string("outcomes/scorecard/pack.html", context)
    # A base URL inside the static marker lets the template use plain relative paths.
    base = f"file://{settings.STATIC_URL}"
    return HTML(string=html, base_url=base, url_fetcher=static_only_fetcher).write_pdf()
