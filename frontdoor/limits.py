"""How much one submission may hold: the one place the API serializers, the web forms,
the CSV import and the body-size middleware read their limits from.

Values come from settings (``INPUT_LIMITS`` and ``REQUEST_BODY_MAX_BYTES``, set from
the environment); SECURITY.md lists them. Field declarations are made when a module is
imported, so they read ``LIMITS`` once; code that runs per request (the CSV import, the
middleware) calls ``limits()`` so a changed setting applies at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.conf import settings


@dataclass(frozen=True)
class Limits:
    children_per_contact: int
    adults_per_contact: int
    address: int  # characters
    narrative: int  # concerns, rationale, answers to checks, what an agency knows
    reason: int  # why the family was not told, why a check is asked, shorter notes
    import_rows: int
    import_bytes: int
    import_inline_rows: int
    request_body_bytes: int
    document_bytes: int  # one attached file (DOCUMENT_MAX_BYTES)
    # As wide as their database columns, so not settings.
    name: int = 100
    other_names: int = 200
    short_text: int = 200  # relationship, a referrer's name and role, a child on an event
    # Identifiers are checked and normalised after; these bound what is read at all.
    nhs_number: int = 20
    postcode: int = 10
    unique_pupil_number: int = 20
    phone: int = 30
    email: int = 254
    disabilities: int = 20  # codes on one child; the census list has fewer


def limits() -> Limits:
    values = settings.INPUT_LIMITS
    return Limits(
        children_per_contact=values["children_per_contact"],
        adults_per_contact=values["adults_per_contact"],
        address=values["address_chars"],
        narrative=values["narrative_chars"],
        reason=values["reason_chars"],
        import_rows=values["import_rows"],
        import_bytes=values["import_bytes"],
        import_inline_rows=values["import_inline_rows"],
        request_body_bytes=settings.REQUEST_BODY_MAX_BYTES,
        document_bytes=settings.DOCUMENT_MAX_BYTES,
    )


LIMITS = limits()


def in_megabytes(size: int) -> str:
    """A byte count as people read it: 2 MB, 5 MB, 1.5 MB (or 512 KB)."""
    if size < 1024 * 1024:
        return f"{size // 1024} KB"
    megabytes = size / (1024 * 1024)
    return f"{megabytes:.1f}".removesuffix(".0") + " MB"


def too_many(what: str, limit: int) -> str:
    return f"A contact can be about at most {limit} {what}: send the others in another contact."


class LengthMessagesMixin:
    """Gives each length-limited text field of a form the GOV.UK error message
    ("Address must be 500 characters or fewer") instead of Django's."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and field.max_length:
                label = str(field.label or "").removesuffix(" (optional)")
                name = "This answer" if not label or label.endswith("?") else label
                field.error_messages["max_length"] = (
                    f"{name} must be {field.max_length:,} characters or fewer "
                    "(it has %(show_value)s)"
                )
