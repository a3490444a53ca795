"""The demo's police notifications (demo/police.py): every grade, standard ones ready for
bulk triage, one that is not (a baby), and a child meeting the cumulative rule."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from demo.common import demo_data_load
from demo.onward_services import demo_onward_services_load
from demo.police import demo_police_load
from frontdoor.models import User
from referrals.models import PoliceNotification
from screening import selectors
from screening.models import Decision, OnwardService, Route
from screening.services_police import rationale_template

pytestmark = pytest.mark.django_db


def test_the_demo_has_police_notifications_of_each_grade_and_for_each_screen():
    demo_data_load()
    assert demo_police_load(now=timezone.now()) == 12
    assert demo_police_load(now=timezone.now()) == 0  # once
    grades = set(PoliceNotification.objects.values_list("risk_grade", flat=True))
    assert grades == {"standard", "medium", "high"}
    screener = User.objects.get(email="screener@children.demo-council.example")
    rows = {row.notification.police_reference: row for row in selectors.bulk_triage(user=screener)}
    ready = [ref for ref, row in rows.items() if row.may_bulk_decide]
    assert len(ready) >= 5
    assert not rows["NYP-DEMO-0207"].may_bulk_decide
    tilly = rows["NYP-DEMO-0303"]
    assert [flag.count for flag in tilly.cumulative] == [3]


def test_the_demo_screener_bulk_triages_to_one_of_the_demo_early_help_services(client):
    demo_data_load()
    demo_onward_services_load()
    demo_police_load(now=timezone.now())
    screener = User.objects.get(email="screener@children.demo-council.example")
    ready = [row.contact for row in selectors.bulk_triage(user=screener) if row.may_bulk_decide]
    hub = OnwardService.objects.get(name="Family Hub North")
    client.force_login(screener)
    data = {"contact": [c.reference for c in ready], "route": Route.EARLY_HELP}
    for contact in ready:
        data[f"rationale-{contact.reference}"] = rationale_template(contact) + "an argument only."

    assert client.post(reverse("screening:police-triage"), data).status_code == 400
    response = client.post(reverse("screening:police-triage"), {**data, "service": hub.pk})

    assert response.status_code == 302
    assert Decision.objects.filter(contact__in=ready, service=hub).count() == len(ready)
