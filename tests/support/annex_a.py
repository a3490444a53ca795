"""The Annex A page and its window, as the Annex A test modules ask for them."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

PAGE = reverse("outcomes:scorecard-inspection")


def window_query(start: date, end: date) -> dict[str, str]:
    """The window as typed into the GOV.UK date inputs."""
    query = {}
    for name, day in (("start", start), ("end", end)):
        query.update({f"{name}_0": str(day.day), f"{name}_1": str(day.month)})
        query[f"{name}_2"] = str(day.year)
    return query


WINDOW_B = window_query(date(2026, 1, 1), date(2026, 6, 30))


def signed_in(client, user):
    client.force_login(user)
    return client
