"""Decision quality audits: who may read an audit and its feedback (a decider moved out
of screening, a manager who decided), audits stuck with someone who can no longer
grade them, moving an audit to another manager, and grading after erasure."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from frontdoor.models import AuditEvent
from frontdoor.roles import Role
from outcomes import retention
from referrals import services as referral_services
from screening.audits import services
from screening.audits.weeks import last_complete_week
from screening.models import AuditCriterion, DecisionAudit, Route
from tests.factories import UserFactory
from tests.support.audits import decided_in_week

pytestmark = pytest.mark.django_db


def _grade(audit: DecisionAudit, comments: str = "Name the worry for each child.") -> None:
    services.decision_audit_grade(
        actor=audit.assigned_to,
        audit=audit,
        grade="good",
        comments=comments,
        criteria={
            c.pk: services.CriterionGrade("good")
            for c in AuditCriterion.objects.filter(is_active=True)
        },
    )


def _restrict(contact, *, to: list, by):
    referral_services.restriction_add(
        actor=by,
        reason="A member of staff's own child.",
        ask=by,
        allowed=[u for u in to if u != by],
        review_due=timezone.localdate() + timedelta(days=30),
        contact=contact,
    )


@pytest.fixture
def one_audit(screener, referrer):
    """One early help decision by ``screener`` last week, sampled, given to the only
    manager there is."""
    manager = UserFactory(roles=[Role.MANAGER])
    decided_in_week(screener=screener, referrer=referrer)
    sample, _ = services.audit_sample_draw(week_start=last_complete_week())
    audit = sample.audits.get()
    assert audit.assigned_to == manager
    return audit


def test_a_decider_who_no_longer_screens_reads_no_feedback(client, one_audit):
    _grade(one_audit, comments="Say what the danger statement means for this child.")
    decider = one_audit.decision.decided_by
    url = reverse("screening:audit-feedback", args=[one_audit.pk])
    client.force_login(decider)
    assert client.get(url).status_code == 200

    decider.groups.set([Group.objects.get(name=Role.REFERRER.value)])

    client.force_login(decider)
    response = client.get(url)
    assert response.status_code == 404
    assert "danger statement" not in response.text
    assert client.post(url).status_code == 404
    assert DecisionAudit.objects.get(pk=one_audit.pk).read_at is None
    assert "Feedback on your decisions" not in client.get(reverse("home")).text


def test_a_manager_who_decided_sees_nothing_of_the_audit_until_it_is_graded(client, referrer):
    decider, approver, grader = (UserFactory(roles=[Role.MANAGER]) for _ in range(3))
    decision = decided_in_week(
        screener=decider, referrer=referrer, route=Route.SOCIAL_CARE_ASSESSMENT, approver=approver
    )
    sample, _ = services.audit_sample_draw(week_start=last_complete_week())
    audit = sample.audits.get()
    assert audit.assigned_to == grader
    reference = decision.contact.reference
    audit_url = reverse("screening:audit", args=[audit.pk])
    client.force_login(decider)

    assert client.get(audit_url).status_code == 404
    assert reference not in client.get(reverse("screening:audits")).text
    contact_page = client.get(reverse("screening:contact", args=[reference])).text
    assert "Quality audit" not in contact_page
    assert audit_url not in contact_page
    # Another manager sees it as before.
    client.force_login(approver)
    assert client.get(audit_url).status_code == 200
    assert reference in client.get(reverse("screening:audits")).text

    _grade(audit)

    client.force_login(decider)
    assert client.get(audit_url).status_code == 200
    contact_page = client.get(reverse("screening:contact", args=[reference])).text
    assert "Quality audit" in contact_page
    assert reverse("screening:audit-feedback", args=[audit.pk]) in contact_page


@pytest.mark.parametrize("gone", ["deactivated", "demoted", "restricted"])
def test_an_audit_with_someone_who_can_no_longer_grade_it_goes_to_one_who_can(
    referrer, screener, gone
):
    approver = UserFactory(roles=[Role.MANAGER])
    decision = decided_in_week(
        screener=screener, referrer=referrer, route=Route.STRATEGY_DISCUSSION, approver=approver
    )
    first = UserFactory(roles=[Role.MANAGER])
    sample, _ = services.audit_sample_draw(week_start=last_complete_week())
    audit = sample.audits.get()
    assert audit.assigned_to == first
    second = UserFactory(roles=[Role.MANAGER])
    if gone == "deactivated":
        first.is_active = False
        first.save()
    elif gone == "demoted":
        first.groups.set([Group.objects.get(name=Role.SCREENER.value)])
    else:
        # Restricted to the decider, the approver and the second manager only.
        _restrict(decision.contact, to=[screener, approver, second], by=second)

    assert services.audits_assign_waiting() == 1

    audit.refresh_from_db()
    assert audit.assigned_to == second
    # Nothing left to give: running again changes nothing.
    assert services.audits_assign_waiting() == 0


def test_a_stuck_audit_waits_rather_than_go_to_its_decider_or_approver(referrer, screener):
    approver = UserFactory(roles=[Role.MANAGER])
    decided_in_week(
        screener=screener, referrer=referrer, route=Route.STRATEGY_DISCUSSION, approver=approver
    )
    first = UserFactory(roles=[Role.MANAGER])
    sample, _ = services.audit_sample_draw(week_start=last_complete_week())
    first.is_active = False
    first.save()

    services.audit_sample_draw(week_start=last_complete_week())  # a hand draw tries again

    assert sample.audits.get().assigned_to is None
    Group.objects.get(name=Role.MANAGER.value).user_set.add(screener)  # the decider promoted
    assert services.audits_assign_waiting() == 0
    assert sample.audits.get().assigned_to is None


def test_a_manager_gives_an_audit_to_another_who_may_grade_it(client, referrer, screener):
    approver = UserFactory(roles=[Role.MANAGER], full_name="Ada Approver")
    decision = decided_in_week(
        screener=screener, referrer=referrer, route=Route.STRATEGY_DISCUSSION, approver=approver
    )
    first = UserFactory(roles=[Role.MANAGER], full_name="Farah First")
    sample, _ = services.audit_sample_draw(week_start=last_complete_week())
    audit = sample.audits.get()
    assert audit.assigned_to == first
    other = UserFactory(roles=[Role.MANAGER], full_name="Olu Other")
    outsider = UserFactory(roles=[Role.MANAGER], full_name="Una Unnamed")
    _restrict(decision.contact, to=[screener, approver, first, other], by=first)
    url = reverse("screening:audit-move", args=[audit.pk])
    client.force_login(approver)

    page = client.get(reverse("screening:audit", args=[audit.pk])).text
    assert "Give this audit to another manager" in page
    assert "Olu Other" in page
    # Never the approver, nor someone the contact is closed to.
    assert "Una Unnamed" not in page
    for refused in (approver, outsider, screener):
        response = client.post(url, {"to": refused.pk})
        assert response.status_code == 400
        assert "Choose a manager from the list" in response.text
    assert client.post(url, {"to": ""}).status_code == 400
    with pytest.raises(services.AuditRefused, match="Choose a manager who may grade"):
        services.decision_audit_move(actor=first, audit=audit, to=approver)
    assert DecisionAudit.objects.get(pk=audit.pk).assigned_to == first

    response = client.post(url, {"to": other.pk}, follow=True)

    assert "given to Olu Other" in response.text
    audit.refresh_from_db()
    assert audit.assigned_to == other
    assert AuditEvent.objects.filter(
        actor=approver,
        record_id=decision.contact.reference,
        via="screening.decision_audit_move",
    ).exists()
    _grade(audit)
    client.force_login(other)
    assert client.post(url, {"to": first.pk}).status_code == 403


def test_an_erased_contact_s_decision_is_no_longer_graded(
    client, one_audit, settings, django_capture_on_commit_callbacks
):
    settings.RETENTION_YEARS = {"information_and_advice": 0, "early_help": 0, "referral": 25}
    contact_id = one_audit.decision.contact_id
    [run] = [run for run in retention.retention_review() if contact_id in run.contact_ids]
    retention.retention_approve(actor=UserFactory(roles=[Role.MANAGER]), run=run)
    with django_capture_on_commit_callbacks(execute=True):
        retention.retention_erase(run_id=run.pk)
    client.force_login(one_audit.assigned_to)
    data = {"grade": "good", "comments": "Amelia's bruising deserved more."}
    for criterion in AuditCriterion.objects.filter(is_active=True):
        data[f"criterion_{criterion.pk}"] = "good"

    response = client.post(reverse("screening:audit", args=[one_audit.pk]), data)

    assert response.status_code == 400
    assert "erased under the retention policy" in response.text
    audit = DecisionAudit.objects.get(pk=one_audit.pk)
    assert not audit.is_graded
    assert audit.comments == ""
    # Nor is it asked of the manager any more.
    assert "Decision audits for you to grade" not in client.get(reverse("home")).text
