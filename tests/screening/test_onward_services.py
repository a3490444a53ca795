"""The council's onward services under each route (docs/adr/0045): administrators
define them; a decision names one (required where its route has active services);
a service needing the family's consent refuses a decision without it; a retired
service stays on past decisions; notices use the service's own words; the scorecard
splits routes by service."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from frontdoor.roles import Role
from outcomes.models import Notice
from outcomes.scorecard.periods import Period
from outcomes.scorecard.selectors import scorecard_count
from outcomes.scorecard.tables import breakdown_rows, long_rows
from outcomes.services import render_notice
from referrals.models import Contact
from screening import services
from screening.models import OnwardService, Route
from tests.factories import UserFactory, submit_contact
from tests.support.screening import RATIONALE, decide

pytestmark = pytest.mark.django_db


@pytest.fixture
def hub(db):
    return OnwardService.objects.create(
        route=Route.EARLY_HELP,
        name="Family Hub North",
        contact_details="01632 960123, north.hub@council.example",
        referrer_wording="Family Hub North will ring the family within five working days.",
        family_wording="A family support worker from Family Hub North will call you soon.",
    )


@pytest.fixture
def domestic_abuse(db):
    return OnwardService.objects.create(
        route=Route.EARLY_HELP, name="Domestic Abuse Service", needs_consent=True
    )


def _held(referrer, screener, **overrides):
    contact = submit_contact(referrer, **overrides)
    services.screening_claim(actor=screener, contact=contact)
    return contact


def test_a_route_without_services_needs_none(screener, referrer, level):
    decision = decide(screener, _held(referrer, screener), level, route=Route.EARLY_HELP)
    assert decision.service is None


def test_a_route_with_active_services_needs_one_of_them(screener, referrer, level, hub):
    contact = _held(referrer, screener)
    with pytest.raises(services.DecisionRefused, match="Select the service"):
        decide(screener, contact, level, route=Route.EARLY_HELP)
    signposting = OnwardService.objects.create(
        route=Route.INFORMATION_AND_ADVICE, name="Parenting line"
    )
    with pytest.raises(services.DecisionRefused, match="not a service under the route"):
        decide(screener, contact, level, route=Route.EARLY_HELP, service=signposting)
    # Other routes are unaffected while they have no services.
    decision = decide(screener, contact, level, route=Route.EARLY_HELP, service=hub)
    assert decision.service == hub


def test_a_service_needing_consent_refuses_a_decision_without_it(
    screener, referrer, level, domestic_abuse
):
    contact = _held(
        referrer,
        screener,
        family_awareness=Contact.FamilyAwareness.AWARE_NOT_CONSENTED,
        family_not_told_reason="Mum said no to any referral.",
    )
    with pytest.raises(services.DecisionRefused, match="needs the family's consent"):
        decide(screener, contact, level, route=Route.EARLY_HELP, service=domestic_abuse)
    assert not contact.decisions.exists()

    consented = _held(referrer, screener)
    decision = decide(screener, consented, level, route=Route.EARLY_HELP, service=domestic_abuse)
    assert decision.service == domestic_abuse


def test_the_decision_form_refuses_the_service_without_consent(
    client, screener, referrer, level, domestic_abuse
):
    contact = _held(
        referrer,
        screener,
        family_awareness=Contact.FamilyAwareness.NOT_AWARE,
        family_not_told_reason="Not told yet.",
    )
    client.force_login(screener)
    form = {
        "route": Route.EARLY_HELP,
        "service": domestic_abuse.pk,
        "threshold_level": level.pk,
        "rationale": RATIONALE,
        "family_notice": "notify",
    }
    page = client.post(reverse("screening:decide", args=[contact.reference]), form)

    assert page.status_code == 200
    html = page.content.decode()
    assert "<title>Error: Screening" in html
    assert "needs the family&#x27;s consent" in html
    assert "Domestic Abuse Service (needs the family&#x27;s consent)" in html
    assert not contact.decisions.exists()


def test_a_retired_service_stays_on_past_decisions(client, screener, referrer, level, hub):
    contact = _held(referrer, screener)
    decision = decide(screener, contact, level, route=Route.EARLY_HELP, service=hub)
    OnwardService.objects.filter(pk=hub.pk).update(is_active=False)

    decision.refresh_from_db()
    assert decision.service == hub
    client.force_login(screener)
    page = client.get(reverse("screening:contact", args=[contact.reference])).content.decode()
    assert "Family Hub North (retired)" in page
    # A new decision cannot name it; with no active service left, none is needed.
    services.screening_claim(actor=screener, contact=contact)
    with pytest.raises(services.DecisionRefused, match="retired"):
        decide(screener, contact, level, route=Route.EARLY_HELP, service=hub)
    assert decide(screener, contact, level, route=Route.EARLY_HELP).service is None


def test_a_service_is_never_deleted_while_decisions_name_it(screener, referrer, level, hub):
    from django.db.models import ProtectedError

    decide(screener, _held(referrer, screener), level, route=Route.EARLY_HELP, service=hub)
    with pytest.raises(ProtectedError):
        hub.delete()


def test_notices_use_the_services_own_words(screener, referrer, level, hub):
    decision = decide(
        screener, _held(referrer, screener), level, route=Route.EARLY_HELP, service=hub
    )
    to_referrer = Notice.objects.get(decision=decision, audience="referrer")
    to_family = Notice.objects.get(decision=decision, audience="family")

    referrer_body = render_notice(to_referrer)[1]
    family_body = render_notice(to_family)[1]

    assert hub.referrer_wording in referrer_body
    assert hub.family_wording in family_body
    assert hub.family_wording not in referrer_body
    assert "Family Hub North: 01632 960123" in family_body
    assert "early help (prevention) service, who will contact" not in referrer_body


def test_a_service_without_words_of_its_own_is_named(screener, referrer, level):
    young = OnwardService.objects.create(route=Route.EARLY_HELP, name="Young People's Service")
    decision = decide(
        screener, _held(referrer, screener), level, route=Route.EARLY_HELP, service=young
    )
    body = render_notice(Notice.objects.get(decision=decision, audience="referrer"))[1]
    assert "We have passed this to Young People's Service." in body


def test_the_scorecard_splits_routes_by_service(screener, referrer, level, hub):
    received = datetime(2026, 7, 6, 9, tzinfo=UTC)
    young = OnwardService.objects.create(route=Route.EARLY_HELP, name="Young People's Service")
    for service in (hub, hub, young):
        contact = _held(referrer, screener, received_at=received)
        decide(screener, contact, level, route=Route.EARLY_HELP, service=service)
    other = _held(referrer, screener, received_at=received)
    decide(screener, other, level, route=Route.INFORMATION_AND_ADVICE)  # no services there
    OnwardService.objects.filter(pk=young.pk).update(is_active=False)

    card = scorecard_count(period=Period.parse("2026-07"), as_at=datetime.now(UTC))

    assert card.figures[f"service:{hub.pk}"].count == 2
    assert card.figures[f"service:{young.pk}"].count == 1
    assert card.figures["route:early_help"].count == 3
    rows = breakdown_rows(card.figures, "service", card.source_labels)
    assert [(row.breakdown, row.numerator, row.denominator) for row in rows] == [
        ("Early help (prevention): Family Hub North", 2, 4),
        ("Early help (prevention): Young People's Service (retired)", 1, 4),
    ]


def test_administrators_define_services_in_the_admin_and_cannot_delete_them(client, hub):
    administrator = UserFactory(roles=[Role.ADMINISTRATOR])
    client.force_login(administrator)
    added = client.post(
        reverse("admin:screening_onwardservice_add"),
        {
            "route": Route.INFORMATION_AND_ADVICE,
            "name": "Parenting helpline",
            "contact_details": "0800 000 000",
            "referrer_wording": "",
            "family_wording": "",
            "is_active": "on",
        },
    )
    assert added.status_code == 302
    assert OnwardService.objects.filter(name="Parenting helpline").exists()
    delete = client.get(reverse("admin:screening_onwardservice_delete", args=[hub.pk]))
    assert delete.status_code == 403


def test_a_new_service_on_the_same_route_sends_a_correction(screener, referrer, level, hub):
    south = OnwardService.objects.create(route=Route.EARLY_HELP, name="Family Hub South")
    contact = _held(referrer, screener)
    first = decide(screener, contact, level, route=Route.EARLY_HELP, service=hub)
    services.screening_claim(actor=screener, contact=contact)

    second = decide(screener, contact, level, route=Route.EARLY_HELP, service=south)

    assert second.supersedes == first
    corrections = Notice.objects.filter(decision=second, kind=Notice.Kind.CORRECTION)
    assert set(corrections.values_list("audience", flat=True)) == {"referrer", "family"}
    body = render_notice(corrections.get(audience="referrer"))[1]
    assert "Family Hub South" in body


def test_a_services_route_is_fixed_once_a_decision_names_it(client, screener, referrer, level, hub):
    administrator = UserFactory(roles=[Role.ADMINISTRATOR])
    client.force_login(administrator)
    change = reverse("admin:screening_onwardservice_change", args=[hub.pk])
    form = {
        "route": Route.INFORMATION_AND_ADVICE,
        "name": hub.name,
        "contact_details": hub.contact_details,
        "referrer_wording": "",
        "family_wording": "",
        "is_active": "on",
    }
    # Before any decision names it, it may still be moved (a mistake put right).
    assert client.post(change, form).status_code == 302
    hub.refresh_from_db()
    assert hub.route == Route.INFORMATION_AND_ADVICE
    hub.route = Route.EARLY_HELP
    hub.save()
    decide(screener, _held(referrer, screener), level, route=Route.EARLY_HELP, service=hub)

    page = client.get(change)
    assert 'name="route"' not in page.text  # shown, not editable
    assert client.post(change, form).status_code == 302
    hub.refresh_from_db()
    assert hub.route == Route.EARLY_HELP
    hub.route = Route.INFORMATION_AND_ADVICE
    with pytest.raises(ValidationError, match="the route cannot change"):
        hub.save()
    with pytest.raises(ValidationError, match="the route cannot change"):
        hub.full_clean()


def test_the_all_figures_export_reads_the_service_labels_once(screener, referrer, level, hub):
    received = datetime(2026, 7, 6, 9, tzinfo=UTC)
    for month in (5, 6, 7):
        contact = _held(referrer, screener, received_at=received.replace(month=month))
        decide(screener, contact, level, route=Route.EARLY_HELP, service=hub)
    card = scorecard_count(period=Period.parse("2026-07"), as_at=datetime.now(UTC))
    sets = [card.figures, *(f for _, f in card.by_agency), *(f for _, f in card.trend)]
    assert sum(f"service:{hub.pk}" in figures for figures in sets) > 2

    with CaptureQueriesContext(connection) as queries:
        rows = long_rows(card)

    assert len(queries) == 1
    assert "Early help (prevention): Family Hub North" in {line.row.breakdown for line in rows}
