"""Asking a partner agency in tests: the basis for sharing most tests need."""

from __future__ import annotations

from django.utils import timezone

from screening.services_checks import Sharing


def consented(name: str = "The child's mother") -> Sharing:
    """Consent given today by someone named in words."""
    return Sharing.consent(given_on=timezone.localdate(), given_by_name=name)


def consent_form(**fields) -> dict[str, str]:
    """The "Send check" form's basis fields for consent given today by someone named;
    ``fields`` adds to them or replaces them (the agency and question, say)."""
    today = timezone.localdate()
    return {
        "basis": "consent",
        "consent_given_by": "someone_else",
        "consent_given_by_name": "The child's mother",
        "consent_given_on_0": str(today.day),
        "consent_given_on_1": str(today.month),
        "consent_given_on_2": str(today.year),
        **{name: str(value) for name, value in fields.items()},
    }
