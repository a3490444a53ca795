"""Retention: erasing a police notification's contact erases the child's school link
and the address the school's notice went to; the notice's times stay for the scorecard,
and the schools directory is untouched."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from outcomes import retention
from outcomes.models import RetentionRun
from outcomes.models_encompass import EncompassNotice, PupilSchool, School
from tests.support.encompass import calendar_2026_27, police_notification, school

pytestmark = pytest.mark.django_db


def test_erasure_takes_the_school_link_and_keeps_the_directory(manager):
    calendar_2026_27()
    millbrook = school()
    first = police_notification(incident_at=timezone.now() - timedelta(days=2))
    person = first.contact.subjects.get(role="child").person
    PupilSchool.objects.create(person=person, school=millbrook, confirmed_at=timezone.now())
    second = police_notification(incident_at=timezone.now() - timedelta(hours=5))
    notice = EncompassNotice.objects.get(notification=second)
    assert notice.notice.recipient == "dsl@millbrook.example.sch.uk"

    run = RetentionRun.objects.create(
        kind="information_and_advice",
        contact_ids=[first.contact_id, second.contact_id],
        status=RetentionRun.Status.APPROVED,
        approved_by=manager,
        approved_at=timezone.now(),
    )
    retention.retention_erase(run_id=run.pk)

    notice.refresh_from_db()
    assert not PupilSchool.objects.filter(person=person).exists()
    assert notice.notice.recipient == retention.ERASED
    assert notice.due_at is not None
    assert notice.subject.first_name == "Erased"
    assert School.objects.get(pk=millbrook.pk).key_adult_name == "Jo Key"
