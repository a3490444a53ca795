"""Reads for the complex-case meeting, for the people at its table.

Screening staff (screeners, managers) see every meeting and every case in it, but
for restricted records not open to them. A partner-agency member sees a meeting
only if they attend it: recorded as present by the chair, or their agency was
asked a check about (or has contributed to) a case in it. Within it they see in
full only those cases, and of them what their agency needs to contribute: why the
case is there, who the children are, and their own agency's answers. Not the
referrer's account, the children's histories, or another agency's answers. Other
cases show only that they are there (docs/adr/0012-restricted-records-who-sees-and-who-lifts.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import (
    Count,
    DateTimeField,
    Exists,
    F,
    Func,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from frontdoor.models import User
from frontdoor.roles import Permission
from referrals import selectors as referral_selectors
from referrals import selectors_warnings as referral_selectors_warnings
from referrals.models import ContactSubject
from screening import selectors as screening_selectors
from screening.meetings.slots import slot_moment
from screening.models import (
    AgencyCheck,
    AgencyContribution,
    ComplexCaseEntry,
    ComplexCaseRun,
    Decision,
    MeetingAction,
)
from screening.selectors import ChildHistory, histories_of


def can_attend(user: User) -> bool:
    return user.is_authenticated and (
        user.has_perm(Permission.SCREEN_CONTACTS.perm)
        or user.has_perm(Permission.ANSWER_AGENCY_CHECKS.perm)
    )


def _sees_every_case(user: User) -> bool:
    return user.has_perm(Permission.SCREEN_CONTACTS.perm)


def _agency_involved(user: User, entry_ref: str = "pk") -> Exists:
    """Subquery on entries: the user's agency was sent a check about the case's
    contact, or has added its information to the case."""
    return Exists(
        ComplexCaseEntry.objects.filter(pk=OuterRef(entry_ref)).filter(
            # A check held for a manager (or refused) was never sent: it opens nothing.
            Q(
                contact__agency_checks__agency_id=user.agency_id,
                contact__agency_checks__sent_at__isnull=False,
            )
            | Q(contributions__agency_id=user.agency_id)
        )
    )


def _attends(user: User) -> Q:
    """A partner member's meetings: present, or their agency has a case in it."""
    present = Exists(ComplexCaseRun.objects.filter(pk=OuterRef("pk"), attendees=user))
    if not user.agency_id:
        return Q(present)
    involved = Exists(
        ComplexCaseEntry.objects.filter(run=OuterRef("pk")).filter(_agency_involved(user))
    )
    return Q(present) | Q(involved)


class _MeetingStart(Func):
    """The entry's meeting as a moment: its London date and slot time."""

    template = "((%(expressions)s) AT TIME ZONE 'Europe/London')"
    arg_joiner = " + "
    output_field = DateTimeField()


def _decision_stands() -> Exists:
    """Subquery on entries: a decision made at or after the meeting stands for the
    case's contact. Until then a case the chair marked decided still waits for its
    screening decision (an earlier decision is what brought it to the table)."""
    return Exists(
        Decision.objects.standing().filter(
            contact=OuterRef("contact_id"),
            decided_at__gte=_MeetingStart(OuterRef("run__meeting_date"), OuterRef("run__slot")),
        )
    )


def runs(*, user: User) -> QuerySet[ComplexCaseRun]:
    if not can_attend(user):
        return ComplexCaseRun.objects.none()
    meetings = ComplexCaseRun.objects.all()
    if not _sees_every_case(user):
        meetings = meetings.filter(_attends(user))
    # Meta.ordering is not applied to aggregated queries.
    return meetings.order_by("-meeting_date", "-slot").annotate(
        cases=Count("entries"),
        decided=Coalesce(
            Subquery(
                ComplexCaseEntry.objects.filter(
                    run=OuterRef("pk"), outcome=ComplexCaseEntry.Outcome.DECISION
                )
                .filter(_decision_stands())
                .values("run")
                .annotate(n=Count("pk"))
                .values("n")
            ),
            0,
        ),
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
    # Everything (screening staff), or a partner's share of a case their agency is in.
    full: bool = True
    # A partner member's agency has no part in this case: only that it is there.
    not_asked: bool = False
    # The people on the contact with active warnings (screening staff only).
    warnings: list = field(default_factory=list)

    @property
    def shown(self) -> bool:
        return self.restricted_ask is None and not self.not_asked

    @property
    def awaiting_decision(self) -> bool:
        """The chair marked it decided, but no decision stands yet."""
        return (
            self.entry.outcome == ComplexCaseEntry.Outcome.DECISION
            and not self.entry.decision_stands
        )

    @property
    def outcome_label(self) -> str:
        if self.awaiting_decision:
            return "Decision to be recorded"
        return self.entry.get_outcome_display()

    @property
    def outcome_colour(self) -> str:
        """The GOV.UK tag colour for the outcome."""
        if self.awaiting_decision:
            return "blue"
        return {
            ComplexCaseEntry.Outcome.PENDING: "grey",
            ComplexCaseEntry.Outcome.DECISION: "green",
        }.get(self.entry.outcome, "yellow")


def run_get(*, user: User, run_id: int) -> ComplexCaseRun:
    try:
        return (
            runs(user=user)
            .select_related("chaired_by")
            .prefetch_related("guests__agency")
            .get(pk=run_id)
        )
    except ComplexCaseRun.DoesNotExist:
        raise Http404("No meeting found") from None


def cases(*, user: User, run: ComplexCaseRun) -> list[CaseView]:
    """The slot's cases in priority order, with what the table needs for each (for
    ``user``: see the module's docstring)."""
    if not can_attend(user):
        return []
    everything = _sees_every_case(user)
    entries = (
        run.entries.select_related(
            "contact", "contact__source_agency", "recorded_by", "agreed_threshold"
        )
        .annotate(
            closed=referral_selectors.closed_to(user, "contact_id"),
            involved=_agency_involved(user) if user.agency_id else Value(False),
            decision_stands=_decision_stands(),
        )
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
            Prefetch(
                "action_items",
                queryset=MeetingAction.objects.select_related("owner__agency", "done_by"),
            ),
        )
        .order_by("priority")
    )
    held_at = slot_moment(run.meeting_date, run.slot)
    asks = screening_selectors.restricted_asks(
        user=user, rows=[entry for entry in entries if entry.closed]
    )
    views = []
    for entry in entries:
        contact = entry.contact
        waited = held_at - contact.received_at
        if entry.closed or not (everything or entry.involved):
            views.append(
                CaseView(
                    entry=entry,
                    children=[],
                    histories={},
                    checks=[],
                    contributions=[],
                    waited=waited,
                    restricted_ask=asks.get(contact.pk) if entry.closed else None,
                    not_asked=not entry.closed,
                )
            )
            continue
        contributions = list(entry.contributions.all())
        mine = next((c for c in contributions if c.agency_id == user.agency_id), None)
        if everything:
            views.append(
                CaseView(
                    entry=entry,
                    children=contact.child_subjects,
                    histories=histories_of(contact=contact, subjects=contact.child_subjects),
                    checks=contact.answered_checks,
                    contributions=contributions,
                    waited=waited,
                    mine=mine,
                )
            )
            continue
        views.append(
            CaseView(
                entry=entry,
                children=contact.child_subjects,
                histories={},
                checks=[c for c in contact.answered_checks if c.agency_id == user.agency_id],
                contributions=[mine] if mine else [],
                waited=waited,
                mine=mine,
                full=False,
            )
        )
    # Warnings of everyone on the shown cases, in one query for the whole meeting.
    warnings = referral_selectors_warnings.warnings_on_contacts(
        user=user, contact_ids=[view.entry.contact_id for view in views if view.shown]
    )
    for view in views:
        if view.shown:
            view.warnings = warnings.get(view.entry.contact_id, [])
    return views


def _mast_people() -> QuerySet[User]:
    """Active screening staff, managers and partner agencies' MAST members: who
    attends the meeting and who may be given its actions."""
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(groups__permissions__codename=Permission.SCREEN_CONTACTS.value)
            | Q(groups__permissions__codename=Permission.APPROVE_DECISIONS.value)
            | Q(groups__permissions__codename=Permission.ANSWER_AGENCY_CHECKS.value)
        )
        .select_related("agency")
        .distinct()
        .order_by("full_name")
    )


def eligible_attendees(*, user: User) -> QuerySet[User]:
    if not user.has_perm(Permission.APPROVE_DECISIONS.perm):
        return User.objects.none()
    return _mast_people()


def action_owners() -> QuerySet[User]:
    """Whom the meeting may give an action: the people who may attend it."""
    return _mast_people()


def may_own_actions(person: User) -> bool:
    return _mast_people().filter(pk=person.pk).exists()


def entry_get(*, user: User, entry_id: int) -> ComplexCaseEntry:
    """One case of a meeting, to record its outcome or add to it: any case for
    screening staff; for a partner member, a case of a meeting they attend that their
    agency is part of (404 otherwise, as for one that does not exist). Then, for
    everyone, the restricted-record refusal when its contact is not open to them."""
    if not can_attend(user):
        raise Http404("No case found")
    entries = ComplexCaseEntry.objects.select_related("run", "contact")
    if not _sees_every_case(user):
        if not user.agency_id:
            raise Http404("No case found")
        entries = entries.filter(_agency_involved(user))
    try:
        entry = entries.get(pk=entry_id)
    except ComplexCaseEntry.DoesNotExist:
        raise Http404("No case found") from None
    referral_selectors.contact_ensure_open(user=user, contact=entry.contact)
    return entry


def average_waits(*, runs: list[ComplexCaseRun]) -> dict[int, timedelta]:
    """How long, on average, each meeting's cases had waited since receipt."""
    waits: dict[int, list[timedelta]] = {}
    held = {run.pk: slot_moment(run.meeting_date, run.slot) for run in runs}
    for run_id, received_at in ComplexCaseEntry.objects.filter(run_id__in=held).values_list(
        "run_id", "contact__received_at"
    ):
        waits.setdefault(run_id, []).append(held[run_id] - received_at)
    return {run_id: sum(found, timedelta()) / len(found) for run_id, found in waits.items()}


@dataclass(frozen=True)
class OwnedAction:
    action: MeetingAction
    reference: str
    # The contact is restricted and the restriction does not name the owner: they see
    # that the action exists and its reference, not what it says.
    restricted: bool
    overdue: bool


def actions_owned(*, user: User) -> list[OwnedAction]:
    """The open actions complex-case meetings gave ``user``, soonest due first, for
    their home page. One query."""
    if not can_attend(user):
        return []
    today = timezone.localdate()
    rows = (
        MeetingAction.objects.filter(owner=user, done_at__isnull=True)
        .select_related("entry__run")
        .annotate(
            reference=F("entry__contact__reference"),
            restricted=referral_selectors.closed_to(user, "entry__contact_id"),
        )
        .order_by("due_on", "pk")
    )
    return [OwnedAction(row, row.reference, row.restricted, row.due_on < today) for row in rows]


def owned_action_get(*, user: User, action_id: int) -> MeetingAction:
    """An action, for its owner or a manager (404 for anyone else, as for one that
    does not exist); then the restricted-record refusal when its contact is not open
    to them."""
    actions = MeetingAction.objects.select_related("entry__contact", "entry__run", "owner")
    if not user.has_perm(Permission.APPROVE_DECISIONS.perm):
        actions = actions.filter(owner_id=user.pk)
    try:
        action = actions.get(pk=action_id)
    except MeetingAction.DoesNotExist:
        raise Http404("No action found") from None
    referral_selectors.contact_ensure_open(user=user, contact=action.entry.contact)
    return action


def agreed_at_meeting(*, contact) -> ComplexCaseEntry | None:
    """The latest complex-case meeting decision on ``contact`` recorded since its
    latest screening decision (or ever, with none): what the decision form starts
    from."""
    agreed = (
        ComplexCaseEntry.objects.filter(contact=contact, outcome=ComplexCaseEntry.Outcome.DECISION)
        .exclude(agreed_route="")
        .select_related("run", "recorded_by", "agreed_threshold")
        .order_by("-recorded_at", "-pk")
        .first()
    )
    if agreed is None:
        return None
    latest = contact.decisions.order_by("-decided_at").values_list("decided_at", flat=True)[:1]
    if latest and latest[0] >= agreed.recorded_at:
        return None
    return agreed
