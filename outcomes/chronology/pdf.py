"""The chronology as a PDF, printed by WeasyPrint under the scorecard pack's fetcher
rules: only the app's own static files, nothing from the network or elsewhere on disk,
whatever a record's text contains."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string

from outcomes.scorecard.exports import css_string, static_only_fetcher


def chronology_pdf(context: dict) -> bytes:
    from weasyprint import HTML

    parts = (
        settings.COUNCIL_NAME.strip(),
        f"{settings.SERVICE_NAME} chronology",
        "OFFICIAL-SENSITIVE",
    )
    # Rendered without a request, so the context processors' names are given here.
    context = {
        **context,
        "council_name": settings.COUNCIL_NAME.strip(),
        "service_name": settings.SERVICE_NAME,
        "footer": css_string(" · ".join(part for part in parts if part)),
    }
    html = render_to_string("outcomes/chronology/pdf.html", context)
    base = f"file://{settings.STATIC_URL}"
    return HTML(string=html, base_url=base, url_fetcher=static_only_fetcher).write_pdf()
