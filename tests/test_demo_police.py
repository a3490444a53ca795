"""The demo's police notifications (demo/police.py): every grade, standard ones ready for
bulk triage, one that is not (a baby), and a child meeting the cumulative rule."""

from __future__ import annotations

import pytest
from django.utils import timezone

from demo.common import demo_data_load
from demo.police import demo_police_load
from frontdoor.models import User
from referrals.models import PoliceNotification
from screening import selectors

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
