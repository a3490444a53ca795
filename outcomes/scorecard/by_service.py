"""Routes split by the council's onward service (docs/adr/0045): of the contacts
received in the period, how many went to each named service, as their standing
decision names it. A breakdown dimension like the others ("service:<id>"), so the
page, the exports, the PDF pack and the API all show it; a retired service keeps
its past figures under its name."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from frontdoor.record_numbers import record_number
from screening.models import OnwardService, Route

if TYPE_CHECKING:
    from outcomes.scorecard.facts import ContactFact
    from outcomes.scorecard.measures import Figure

DIMENSION = "service"
TITLE = "Contacts by onward service (standing decision)"


def service_figures(received: Iterable[ContactFact], contacts: tuple) -> dict[str, Figure]:
    """``service:<id>`` for each service named by a standing decision on a contact
    received in the period, out of all contacts received (``contacts``)."""
    from outcomes.scorecard.measures import Figure

    groups: dict[int, list[int]] = {}
    for fact in received:
        if fact.service_id is not None:
            groups.setdefault(fact.service_id, []).append(fact.id)
    return {
        f"{DIMENSION}:{service_id}": Figure(tuple(ids), contacts)
        for service_id, ids in groups.items()
    }


def service_labels(values: Iterable[str]) -> dict[str, tuple[tuple, str]]:
    """For each ``service:`` value, (its sort key, its label), in one query: by route,
    then name; "Early help (prevention): Family Hub North" (a retired one says so)."""
    wanted = {value for value in values if record_number(value) is not None}
    services = {str(s.pk): s for s in OnwardService.objects.filter(pk__in=wanted)}
    order = [route.value for route in Route]
    result = {}
    for value in values:
        service = services.get(value)
        if service is None:
            result[value] = ((len(order), "", value), "A service no longer known")
        else:
            label = f"{Route(service.route).label}: {service}"
            result[value] = ((order.index(service.route), service.name, value), label)
    return result


def labels_for(figure_sets: Iterable[dict]) -> dict[str, tuple[tuple, str]]:
    """``service_labels`` for every ``service:`` figure in any of the sets, in one
    query: an export or API answer covering every agency and period reads them once."""
    prefix = f"{DIMENSION}:"
    values = {
        key[len(prefix) :] for figures in figure_sets for key in figures if key.startswith(prefix)
    }
    return service_labels(sorted(values)) if values else {}


def service_label(value: str) -> str:
    return service_labels([value])[value][1]
