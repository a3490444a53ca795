"""After a transactional test the database is exactly as ``migrate`` left it
(tests/support/migrated_rows.py): what the test wrote is gone, and the rows the data
migrations made are back as they were, whatever the test did to them."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.db import connection

from frontdoor.models import AuditEvent, CensusCode, ReferralSource
from referrals.models import Contact
from screening.models import ThresholdLevel
from tests.factories import submit_contact
from tests.support import migrated_rows

pytestmark = pytest.mark.django_db(transaction=True)

MIGRATED_KINDS = [ReferralSource, CensusCode, ThresholdLevel, Group, Permission]


def _rows(model) -> list[dict]:
    return list(model.objects.order_by("pk").values())


def test_flush_empties_what_a_test_wrote_and_puts_back_the_migrated_rows(referrer):
    migrated = {model: _rows(model) for model in MIGRATED_KINDS}
    assert all(migrated.values())

    submit_contact(referrer)
    ReferralSource.objects.filter(pk=migrated[ReferralSource][0]["id"]).update(label="Changed")
    ThresholdLevel.objects.filter(number=1).update(name="Renamed")
    CensusCode.objects.filter(pk=migrated[CensusCode][-1]["id"]).delete()
    Group.objects.get(pk=migrated[Group][0]["id"]).permissions.clear()
    assert Contact.objects.exists()
    assert AuditEvent.objects.exists()

    call_command("flush", interactive=False, verbosity=0)

    assert {model: _rows(model) for model in MIGRATED_KINDS} == migrated
    assert not Contact.objects.exists()
    assert not AuditEvent.objects.exists()
    # Nothing else holds rows: putting the rows back recorded no history of its own.
    assert migrated_rows.tables_holding_rows(connection) == migrated_rows.copied_tables("default")
