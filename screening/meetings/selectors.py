"""Reads for the complex-case meeting, for the people at its table."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from frontdoor.models import User
from frontdoor.roles import Permission
from referrals import selectors as referral_selectors
from referrals.models import ContactSubject
from screening.meetings.slots import slot_moment
from screening.models import AgencyCheck, AgencyContribution, ComplexCaseEntry, ComplexCaseRun
from screening.selectors import ChildHistory, histories_of


def can_attend(user: User) -> bool:
    return user.is_authenticated and (
        user.has_perm(Permission.SCREEN_CONTACTS.perm)
        or user.has_perm(Permission.ANSWER_AGENCY_CHECKS.perm)
    )


def runs(*, user: User) -> QuerySet[ComplexCaseRun]:
    if not can_attend(user):
        return ComplexCaseRun.objects.none()
    # Meta.ordering is not applied to aggregated queries.
    return ComplexCaseRun.objects.order_by("-meeting_date", "-slot").annotate(
        cases=Count("entries"),
        decided=Count("entries", filter=Q(entries__outcome=ComplexCaseEntry.Outcome.DECISION)),
        more_information=Count(
            "entries", filter=Q(entries__outcome=ComplexCaseEntry.Outcome.MORE_INFORMATION)
        ),
    )


@dataclass
class CaseView:
    entry: ComplexCaseEntry
    children: list[ContactSubject]
    histories: dict[int, ChildHistory]
    checks: list[AgencyCheck]
    contributions: list[AgencyContribution]
    waited: timedelta
    mine: AgencyContribution | None = field(default=None)
    # Set when the contact is restricted and this user is not named on it: whom to ask.
    restricted_ask: User | None = field(default=None)


def run_get(*, user: User, run_id: int) -> ComplexCaseRun:
    try:
        return runs(user=user).select_related("chaired_by").get(pk=run_id)
    except ComplexCaseRun.DoesNotExist:
        raise Http404("No meeting found") from None


def cases(*, user: User, run: ComplexCaseRun) -> list[CaseView]:
    """The slot's cases in priority order, with what the table needs for each."""
    if not can_attend(user):
        return []
    entries = (
        run.entries.select_related("contact", "contact__source_agency", "recorded_by")
        .prefetch_related(
            Prefetch(
                "contact__subjects",
                queryset=ContactSubject.objects.filter(
                    role__in=ContactSubject.CHILD_ROLES
                ).select_related("person"),
                to_attr="child_subjects",
            ),
            Prefetch(
                "contact__agency_checks",
                queryset=AgencyCheck.objects.filter(
                    status=AgencyCheck.Status.ANSWERED
                ).select_related("agency"),
                to_attr="answered_checks",
            ),
            Prefetch(
                "contributions",
                queryset=AgencyContribution.objects.select_related("agency", "recorded_by"),
            ),
        )
        .order_by("priority")
    )
    held_at = slot_moment(run.meeting_date, run.slot)
    views = []
    for entry in entries:
        contact = entry.contact
        restriction = referral_selectors.restriction_on_contact(contact)
        if restriction is not None and not restriction.opens_for(user):
            views.append(
                CaseView(
                    entry=entry,
                    children=[],
                    histories={},
                    checks=[],
                    contributions=[],
                    waited=held_at - contact.received_at,
                    restricted_ask=restriction.ask,
                )
            )
            continue
        contributions = list(entry.contributions.all())
        views.append(
            CaseView(
                entry=entry,
                children=contact.child_subjects,
                histories=histories_of(contact=contact, subjects=contact.child_subjects),
                checks=contact.answered_checks,
                contributions=contributions,
                waited=held_at - contact.received_at,
                mine=next((c for c in contributions if c.agency_id == user.agency_id), None),
            )
        )
    return views


def eligible_attendees(*, user: User) -> QuerySet[User]:
    if not user.has_perm(Permission.APPROVE_DECISIONS.perm):
        return User.objects.none()
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(groups__permissions__codename=Permission.SCREEN_CONTACTS.value)
            | Q(groups__permissions__codename=Permission.ANSWER_AGENCY_CHECKS.value)
        )
        .select_related("agency")
        .distinct()
        .order_by("full_name")
    )


def run_for(entry_id: int, *, user: User) -> ComplexCaseEntry:
    if not can_attend(user):
        raise Http404("No case found")
    try:
        return ComplexCaseEntry.objects.select_related("run", "contact").get(pk=entry_id)
    except ComplexCaseEntry.DoesNotExist:
        raise Http404("No case found") from None


def average_waits(*, runs: list[ComplexCaseRun]) -> dict[int, timedelta]:
    """How long, on average, each meeting's cases had waited since receipt."""
    waits: dict[int, list[timedelta]] = {}
    held = {run.pk: slot_moment(run.meeting_date, run.slot) for run in runs}
    for run_id, received_at in ComplexCaseEntry.objects.filter(run_id__in=held).values_list(
        "run_id", "contact__received_at"
    ):
        waits.setdefault(run_id, []).append(held[run_id] - received_at)
    return {run_id: sum(found, timedelta()) / len(found) for run_id, found in waits.items()}
