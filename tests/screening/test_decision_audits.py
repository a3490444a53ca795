"""Decision quality audits (issue 23, part 4): the weekly sample, who grades it, the
grading against the council's rubric, and the screener reading the feedback."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from frontdoor.models import AuditEvent
from frontdoor.roles import Role
from referrals import services as referral_services
from screening.audits import sampling, services
from screening.audits.weeks import last_complete_week, week_of
from screening.models import (
    AuditCriterion,
    AuditCriterionGrade,
    AuditSample,
    DecisionAudit,
    Route,
)
from tests.factories import UserFactory
from tests.support.audits import decided_in_week

pytestmark = pytest.mark.django_db

HOSTILE = ["\x00", "x" * 10_000, "<script>alert(1)</script>", "=SUM(A1)"]


@pytest.fixture
def team(db):
    """Three screeners, two managers, and a referrer."""
    return {
        "screeners": [UserFactory(roles=[Role.SCREENER]) for _ in range(3)],
        "managers": [UserFactory(roles=[Role.MANAGER]) for _ in range(2)],
        "referrer": UserFactory(roles=[Role.REFERRER]),
    }


def _week_of_decisions(team):
    """Ten decisions last week: early help by each screener, strategy discussions
    approved by one manager or the other, one made by a manager and approved by the
    other (no manager is left to grade that one)."""
    s1, s2, s3 = team["screeners"]
    m1, m2 = team["managers"]
    made = []
    for number, screener in enumerate([s1, s1, s1, s2, s2, s3]):
        made.append(decided_in_week(screener=screener, referrer=team["referrer"], hour=9 + number))
    for screener, approver in [(s1, m1), (s2, m2), (s3, m1)]:
        made.append(
            decided_in_week(
                screener=screener,
                referrer=team["referrer"],
                route=Route.STRATEGY_DISCUSSION,
                approver=approver,
                day=2,
            )
        )
    made.append(
        decided_in_week(
            screener=m1,
            referrer=team["referrer"],
            route=Route.SOCIAL_CARE_ASSESSMENT,
            approver=m2,
            day=3,
        )
    )
    return made


def test_the_sample_never_goes_to_the_decider_or_approver_and_covers_every_screener(team):
    made = _week_of_decisions(team)

    sample, drawn = services.audit_sample_draw(week_start=last_complete_week())

    assert drawn
    assert sample.decisions_in_week == len(made)
    audits = list(sample.audits.select_related("decision"))
    deciders = {decision.decided_by_id for decision in made}
    assert {audit.decision.decided_by_id for audit in audits} == deciders
    for audit in audits:
        assert audit.assigned_to_id not in (
            audit.decision.decided_by_id,
            audit.decision.approved_by_id,
        )
    # The manager's own decision, approved by the other: nobody may grade it.
    own = next(a for a in audits if a.decision.decided_by_id == team["managers"][0].pk)
    assert own.assigned_to is None
    assert all(a.assigned_to is not None for a in audits if a is not own)


@pytest.mark.parametrize("week_offset", range(6))
def test_every_week_s_sample_keeps_the_rules(team, week_offset):
    """Whatever the seed gives: one of each screener's, no self-grading, the share."""
    week = last_complete_week() - timedelta(days=7 * week_offset)
    s1, s2, s3 = team["screeners"]
    m1, m2 = team["managers"]
    for hour, (screener, approver) in enumerate([(s1, m1), (s2, m2), (s3, m1), (s1, m2)]):
        decided_in_week(
            screener=screener,
            referrer=team["referrer"],
            week_start=week,
            route=Route.STRATEGY_DISCUSSION,
            approver=approver,
            hour=8 + hour,
        )

    sample, _ = services.audit_sample_draw(week_start=week)

    audits = list(sample.audits.select_related("decision"))
    assert {a.decision.decided_by_id for a in audits} == {s1.pk, s2.pk, s3.pk}
    for audit in audits:
        assert audit.assigned_to_id in (m1.pk, m2.pk)
        assert audit.assigned_to_id != audit.decision.approved_by_id


def test_the_choice_is_the_same_for_the_same_week_and_holds_the_share():
    candidates = [sampling.Candidate(pk, decided_by_id=pk % 4) for pk in range(1, 201)]
    week = last_complete_week()

    first = sampling.sample_choose(candidates, week_start=week, percent=Decimal(5))
    again = sampling.sample_choose(reversed(candidates), week_start=week, percent=Decimal(5))
    other = sampling.sample_choose(
        candidates, week_start=week - timedelta(days=7), percent=Decimal(5)
    )

    assert first == again
    assert first != other
    assert len(first) == 10  # 5 % of 200, of which one of each of the 4 deciders
    reasons = [reason for _, reason in first]
    assert reasons.count(DecisionAudit.Reason.SCREENER) == 4
    assert {pk % 4 for pk, _ in first} == {0, 1, 2, 3}
    # More deciders than the share: still one each.
    few = sampling.sample_choose(candidates[:8], week_start=week, percent=Decimal(5))
    assert len(few) == 4


def test_managers_share_the_work_and_nobody_grades_their_own():
    audits = [
        sampling.ToAssign(key, excluded=frozenset({1}), may_grade=frozenset({1, 2, 3}))
        for key in range(10)
    ]
    given = sampling.managers_choose(audits, managers=[1, 2, 3], week_start=last_complete_week())
    assert set(given.values()) == {2, 3}
    assert sorted(list(given.values()).count(m) for m in (2, 3)) == [5, 5]
    lonely = [sampling.ToAssign(1, excluded=frozenset({1}), may_grade=frozenset({1}))]
    assert sampling.managers_choose(lonely, managers=[1], week_start=last_complete_week()) == {
        1: None
    }


def test_drawing_a_week_twice_gives_the_same_sample(team):
    _week_of_decisions(team)
    week = last_complete_week()
    first, drawn = services.audit_sample_draw(week_start=week)
    audits = list(first.audits.values_list("decision_id", "assigned_to_id"))

    again, drawn_again = services.audit_sample_draw(
        week_start=week + timedelta(days=3), actor=team["managers"][1]
    )

    assert (drawn, drawn_again) == (True, False)
    assert again == first
    assert list(again.audits.values_list("decision_id", "assigned_to_id")) == audits
    assert AuditSample.objects.count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditSample.objects.create(
            week_start=week, drawn_at=timezone.now(), percent=5, decisions_in_week=0
        )


def test_a_week_not_yet_ended_is_not_drawn(manager):
    with pytest.raises(services.AuditRefused, match="has not ended yet"):
        services.audit_sample_draw(week_start=timezone.localdate(), actor=manager)
    assert not AuditSample.objects.exists()


def test_an_audit_nobody_could_grade_goes_to_a_manager_who_arrives_later(team):
    s1 = team["screeners"][0]
    m1, m2 = team["managers"]
    m2.groups.clear()  # only m1 is a manager, and m1 approved the decision
    decided_in_week(
        screener=s1, referrer=team["referrer"], route=Route.STRATEGY_DISCUSSION, approver=m1
    )
    sample, _ = services.audit_sample_draw(week_start=last_complete_week())
    assert sample.audits.get().assigned_to is None

    newcomer = UserFactory(roles=[Role.MANAGER])
    assert services.audits_assign_waiting() == 1
    assert sample.audits.get().assigned_to == newcomer


def test_a_restricted_contact_s_audit_goes_to_a_manager_named_on_it(team):
    s1 = team["screeners"][0]
    others = [UserFactory(roles=[Role.MANAGER]) for _ in range(3)]
    named = others[1]
    decision = decided_in_week(screener=s1, referrer=team["referrer"])
    referral_services.restriction_add(
        actor=named,
        reason="A member of staff's own child.",
        ask=named,
        allowed=[s1],
        review_due=timezone.localdate() + timedelta(days=30),
        contact=decision.contact,
    )

    sample, _ = services.audit_sample_draw(week_start=last_complete_week())

    assert sample.audits.get().assigned_to == named


# --- Through the pages -------------------------------------------------------------------


@pytest.fixture
def graded_setup(team):
    s1 = team["screeners"][0]
    decision = decided_in_week(screener=s1, referrer=team["referrer"])
    sample, _ = services.audit_sample_draw(week_start=last_complete_week())
    audit = sample.audits.get()
    return audit, decision


def _grade_data(**overrides):
    data = {"grade": "good", "comments": "Clear analysis; say more about the father's role."}
    for criterion in AuditCriterion.objects.filter(is_active=True):
        data[f"criterion_{criterion.pk}"] = "good"
        data[f"comment_{criterion.pk}"] = ""
    data.update(overrides)
    return data


def test_the_assigned_manager_grades_against_the_rubric(client, graded_setup):
    audit, decision = graded_setup
    client.force_login(audit.assigned_to)
    url = reverse("screening:audit", args=[audit.pk])

    page = client.get(url)
    assert page.status_code == 200
    for title in [
        "Rationale",
        "Threshold applied",
        "Signs of Safety quality",
        "Checks proportionate",
        "Family told",
    ]:
        assert title in page.text
    assert escape(decision.rationale) in page.text

    rationale = AuditCriterion.objects.get(title="Rationale")
    response = client.post(
        url,
        _grade_data(
            **{
                f"criterion_{rationale.pk}": "requires_improvement",
                f"comment_{rationale.pk}": "Name the worry.",
            }
        ),
    )

    assert response.status_code == 302
    audit.refresh_from_db()
    assert audit.grade == "good"
    assert audit.graded_by == audit.assigned_to
    assert AuditCriterionGrade.objects.get(audit=audit, criterion=rationale).grade == (
        "requires_improvement"
    )
    assert AuditCriterionGrade.objects.filter(audit=audit).count() == 5
    assert AuditEvent.objects.filter(
        record_type="contact",
        record_id=decision.contact.reference,
        via="screening.decision_audit_grade",
    ).exists()
    assert AuditEvent.objects.filter(
        record_type="contact", record_id=decision.contact.reference, action="view"
    ).exists()
    # Graded once: a second grading is refused.
    again = client.post(url, _grade_data(grade="inadequate"))
    assert again.status_code == 403
    audit.refresh_from_db()
    assert audit.grade == "good"


@pytest.mark.parametrize("bad", HOSTILE)
def test_hostile_feedback_is_answered_with_a_message_and_keeps_what_was_typed(
    client, graded_setup, bad
):
    audit, _ = graded_setup
    client.force_login(audit.assigned_to)
    rationale = AuditCriterion.objects.get(title="Rationale")
    comment = f"Kept comment {bad}"

    response = client.post(
        reverse("screening:audit", args=[audit.pk]),
        _grade_data(comments=bad, **{f"comment_{rationale.pk}": comment}),
    )

    if bad in ("<script>alert(1)</script>", "=SUM(A1)"):
        # Text like any other: kept as typed, shown escaped.
        assert response.status_code == 302
        audit.refresh_from_db()
        assert audit.comments == bad
        feedback = client.get(reverse("screening:audit", args=[audit.pk])).text
        assert "<script>alert(1)</script>" not in feedback
        assert "&lt;script&gt;" in feedback or "=SUM(A1)" in feedback
        return
    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert "Error:" in response.text
    assert not DecisionAudit.objects.get(pk=audit.pk).is_graded
    if "\x00" not in comment:
        assert comment in response.text  # what was typed is still on the page


def test_an_empty_grading_names_every_missing_part(client, graded_setup):
    audit, _ = graded_setup
    client.force_login(audit.assigned_to)
    response = client.post(reverse("screening:audit", args=[audit.pk]), {})
    assert response.status_code == 400
    for message in [
        "Choose a grade for Rationale",
        "Choose a grade for Family told",
        "Choose a grade for the decision overall",
        "Write your feedback for the screener",
    ]:
        assert message in response.text


def test_only_the_assigned_manager_grades(client, graded_setup, team):
    audit, decision = graded_setup
    other = next(m for m in team["managers"] if m != audit.assigned_to)
    client.force_login(other)
    url = reverse("screening:audit", args=[audit.pk])
    assert client.get(url).status_code == 200  # any manager may read it
    assert client.post(url, _grade_data()).status_code == 403
    client.force_login(decision.decided_by)
    assert client.get(url).status_code == 403
    with pytest.raises(services.AuditRefused):
        services.decision_audit_grade(
            actor=other, audit=audit, grade="good", comments="Fine.", criteria={}
        )
    assert not DecisionAudit.objects.get(pk=audit.pk).is_graded


def test_the_decider_sees_the_feedback_on_their_home_page_and_the_contact(client, graded_setup):
    audit, decision = graded_setup
    screener = decision.decided_by
    client.force_login(screener)
    feedback_url = reverse("screening:audit-feedback", args=[audit.pk])
    assert client.get(feedback_url).status_code == 404  # nothing to read before grading
    assert "Feedback on your decisions" not in client.get(reverse("home")).text

    services.decision_audit_grade(
        actor=audit.assigned_to,
        audit=audit,
        grade="requires_improvement",
        comments="Say what the danger statement means for this child.",
        criteria={
            c.pk: services.CriterionGrade("good")
            for c in AuditCriterion.objects.filter(is_active=True)
        },
    )

    home = client.get(reverse("home")).text
    assert "Feedback on your decisions" in home
    assert f"Your decision on {decision.contact.reference}" in home
    assert "graded requires improvement" in home
    assert "New" in home
    contact_page = client.get(reverse("screening:contact", args=[decision.contact.reference]))
    assert "Quality audit" in contact_page.text
    assert feedback_url in contact_page.text
    page = client.get(feedback_url)
    assert page.status_code == 200
    assert "Say what the danger statement means for this child." in page.text

    assert client.post(feedback_url).status_code == 302
    assert DecisionAudit.objects.get(pk=audit.pk).read_at is not None
    assert ">New<" not in client.get(reverse("home")).text
    # Another screener is told there is no such page.
    client.force_login(UserFactory(roles=[Role.SCREENER]))
    assert client.get(feedback_url).status_code == 404


def test_the_manager_sees_what_to_grade_on_their_home_page(client, graded_setup):
    audit, _ = graded_setup
    client.force_login(audit.assigned_to)
    assert "Decision audits for you to grade" in client.get(reverse("home")).text


def test_a_manager_draws_a_week_by_hand_and_is_told_when_nobody_can_grade(client, team):
    m1, m2 = team["managers"]
    m2.groups.clear()
    decided_in_week(
        screener=team["screeners"][0],
        referrer=team["referrer"],
        route=Route.STRATEGY_DISCUSSION,
        approver=m1,
    )
    week = last_complete_week() + timedelta(days=2)
    client.force_login(m1)

    response = client.post(
        reverse("screening:audits-draw"),
        {"week_0": week.day, "week_1": week.month, "week_2": week.year},
        follow=True,
    )

    assert response.status_code == 200
    assert "Sample drawn for the week of" in response.text
    assert "no manager to grade it" in response.text
    assert "No manager can grade this yet" in response.text
    again = client.post(
        reverse("screening:audits-draw"),
        {"week_0": week.day, "week_1": week.month, "week_2": week.year},
        follow=True,
    )
    assert "was already sampled" in again.text
    assert AuditSample.objects.count() == 1
    this_week = client.post(
        reverse("screening:audits-draw"),
        {"week_0": timezone.localdate().day, "week_1": timezone.localdate().month,
         "week_2": timezone.localdate().year},
    )  # fmt: skip
    assert this_week.status_code == 400
    assert "has not ended yet" in this_week.text
    assert week_of(timezone.localdate()) not in set(
        AuditSample.objects.values_list("week_start", flat=True)
    )


# --- The rubric ----------------------------------------------------------------------------


def test_managers_and_administrators_keep_the_rubric(client, manager, administrator, screener):
    url = reverse("screening:audit-rubric")
    client.force_login(screener)
    assert client.get(url).status_code == 403
    client.force_login(administrator)
    assert client.get(url).status_code == 200
    client.force_login(manager)

    response = client.post(
        url,
        {"title": "Voice of the child", "guidance": "Heard.", "position": "6", "is_active": "on"},
    )

    assert response.status_code == 302
    added = AuditCriterion.objects.get(title="Voice of the child")
    assert added.is_active
    assert added.position == 6
    retired = AuditCriterion.objects.get(title="Family told")
    change = client.post(
        reverse("screening:audit-criterion", args=[retired.pk]),
        {"title": "Family told", "guidance": retired.guidance, "position": "5"},
    )
    assert change.status_code == 302
    assert not AuditCriterion.objects.get(pk=retired.pk).is_active
    assert AuditEvent.objects.filter(record_type="audit_criterion").count() == 2
    # Asked from now on: the retired one no more, the new one.
    titles = [c.title for c in AuditCriterion.objects.filter(is_active=True)]
    assert "Family told" not in titles
    assert "Voice of the child" in titles


@pytest.mark.parametrize("bad", HOSTILE)
def test_a_hostile_rubric_title_gets_a_message_and_keeps_what_was_typed(client, manager, bad):
    """The title alone is hostile: the order and guidance are fine."""
    client.force_login(manager)
    guidance = "Kept guidance: what the father's role was."
    response = client.post(
        reverse("screening:audit-rubric"),
        {"title": bad, "guidance": guidance, "position": "6", "is_active": "on"},
    )
    if bad in ("<script>alert(1)</script>", "=SUM(A1)"):
        # Text like any other: kept as typed, shown escaped.
        assert response.status_code == 302
        assert AuditCriterion.objects.get(title=bad).guidance == guidance
        page = client.get(reverse("screening:audit-rubric")).text
        assert "<script>alert(1)</script>" not in page
        assert escape(bad) in page
        return
    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert "Error:" in response.text
    said = "has a null character" if "\x00" in bad else "must be 200 characters or fewer"
    assert said in response.text
    assert escape(guidance) in response.text  # what was typed is still on the page
    if "\x00" not in bad:
        assert bad in response.text
    assert not AuditCriterion.objects.filter(guidance=guidance).exists()
