"""Merging two records of one person, and undoing a merge exactly.

``person_merge`` moves every row that points at the merged record (its appearances on
contacts, relationships from either side, warnings with their reviews, restrictions,
and match candidates waiting for a screener) to the kept record, fills the kept
record's blank details from the merged one, and leaves the merged record as a
tombstone. It writes down each row it moved or ended (``PersonMergeMove``) and each
detail it changed, so ``person_unmerge`` puts back exactly those: rows added to the
kept record since stay with it, and a detail changed since keeps its new value.
``MOVED_COLUMNS`` names every foreign key to ``Person`` a merge moves; a test fails
when a new one is added without being named here (or in ``NOT_MOVED``).
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from frontdoor import events
from frontdoor.audit import audit_record
from frontdoor.limits import LIMITS
from frontdoor.models import AuditEvent, User
from referrals.merge_rules import (
    may_merge,
    merge_details,
    merge_refusal,
    unmerge_refusal,
)
from referrals.models import (
    ContactSubject,
    MatchCandidate,
    Person,
    PersonMerge,
    PersonMergeMove,
    PersonWarning,
    Relationship,
    Restriction,
)
from referrals.selectors import person_ensure_open
from referrals.services.locks import people_locked

MERGE_REASON_MIN_LENGTH = 10
What = PersonMergeMove.What

# (model, column) for every foreign key to Person, and what a merge records moving it
# as. The relationship between the two records themselves stays where it is (ended):
# moved, it would join the kept record to itself.
MOVED_COLUMNS = {
    (ContactSubject, "person"): What.APPEARANCE,
    (Relationship, "person"): What.RELATIONSHIP_PERSON,
    (Relationship, "relative"): What.RELATIONSHIP_RELATIVE,
    (PersonWarning, "person"): What.WARNING,
    (Restriction, "person"): What.RESTRICTION,
    (MatchCandidate, "person"): What.CANDIDATE,
}
# Foreign keys to Person a merge leaves alone, and why.
NOT_MOVED = {
    (Person, "merged_into"): "the tombstone's own link",
    (PersonMerge, "kept"): "the merge's own record",
    (PersonMerge, "merged"): "the merge's own record",
}


def person_column_not_moved(model, column: str, why: str) -> None:
    """A later app's foreign key to Person that a merge leaves alone, and why: declared
    in its ``AppConfig.ready`` (apps depend one way, so this app cannot name it)."""
    NOT_MOVED[(model, column)] = why


class MergeRefused(Exception):
    """The records cannot be merged, or the merge undone; the message says why."""


def _reason(value: str, noun: str) -> str:
    value = (value or "").strip()
    if "\x00" in value:
        raise MergeRefused(f"The {noun} contains a character that cannot be saved.")
    if len(value) < MERGE_REASON_MIN_LENGTH:
        raise MergeRefused(
            f"Enter the {noun} (at least {MERGE_REASON_MIN_LENGTH} characters): how you "
            "know these are the same person."
            if noun == "reason for the merge"
            else f"Enter the {noun} (at least {MERGE_REASON_MIN_LENGTH} characters)."
        )
    if len(value) > LIMITS.reason:
        raise MergeRefused(
            f"The {noun} must be {LIMITS.reason:,} characters or fewer (it has {len(value):,})."
        )
    return value


def _json(value):
    return value.isoformat() if isinstance(value, date) else value


def _unjson(field: str, value):
    if value and field in ("date_of_birth", "expected_date_of_birth"):
        return date.fromisoformat(value)
    return value


def _audit(actor: User, merge: PersonMerge, what: str) -> None:
    """One entry on each record, naming both and the merge (whose page gives the
    reason: the audit trail holds identifiers, never free text)."""
    for person_id, side in ((merge.kept_id, "kept"), (merge.merged_id, "merged")):
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CHANGE,
            record_type="person",
            record_id=person_id,
            via=f"referrals.person_{what}",
            detail={
                "merge": merge.pk,
                "kept": merge.kept_id,
                "merged": merge.merged_id,
                "side": side,
            },
        )


@transaction.atomic
def person_merge(*, actor: User, kept: Person, merged: Person, reason: str) -> PersonMerge:
    """Merge ``merged`` into ``kept``. Managers only, named on any restriction of either
    record; refused for the same record, a record already merged, and two different
    NHS numbers."""
    if not may_merge(actor):
        raise MergeRefused("Only a manager can merge person records.")
    reason = _reason(reason, "reason for the merge")
    people = people_locked([kept.pk, merged.pk])
    kept, merged = people.get(kept.pk, kept), people.get(merged.pk, merged)
    refusal = merge_refusal(kept=kept, merged=merged)
    if refusal:
        raise MergeRefused(refusal)
    for person in (kept, merged):
        person_ensure_open(user=actor, person=person)
    now = timezone.now()
    kept_new, merged_new = merge_details(kept=kept, merged=merged)
    merge = PersonMerge.objects.create(
        kept=kept,
        merged=merged,
        reason=reason,
        merged_by=actor,
        merged_at=now,
        kept_changes={f: [_json(getattr(kept, f)), _json(v)] for f, v in kept_new.items()},
        merged_changes={f: [_json(getattr(merged, f)), _json(v)] for f, v in merged_new.items()},
    )
    moves: list[PersonMergeMove] = []

    def record(what: str, ids) -> None:
        moves.extend(PersonMergeMove(merge=merge, what=what, row_id=i) for i in ids)

    # End what would otherwise break a relationship rule: the two records' relationship
    # with each other, and the merged record's current relationships the kept record
    # already has (the same kind with the same person, either way round).
    ending = Relationship.objects.current().filter(
        Q(person=merged, relative=kept) | Q(person=kept, relative=merged)
    )
    kept_pairs = {
        (rel.relative_id if rel.person_id == kept.pk else rel.person_id, rel.kind)
        for rel in Relationship.objects.current().involving([kept.pk])
    }
    ended = list(ending.values_list("pk", flat=True))
    for rel in Relationship.objects.current().involving([merged.pk]).exclude(pk__in=ended):
        other = rel.relative_id if rel.person_id == merged.pk else rel.person_id
        if (other, rel.kind) in kept_pairs:
            ended.append(rel.pk)
    Relationship.objects.filter(pk__in=ended).update(
        ended_at=now,
        ended_by=actor,
        end_reason=f"Person records {merged.pk} and {kept.pk} were merged (merge {merge.pk}).",
    )
    record(What.RELATIONSHIP_ENDED, ended)

    between = Q(person=kept) | Q(relative=kept)
    for (model, column), what in MOVED_COLUMNS.items():
        rows = model.objects.filter(**{column: merged})
        if model is Relationship:
            rows = rows.exclude(between)
        if model is MatchCandidate:
            # A contact's person already offered both records keeps the kept one's
            # candidate; the other stays on the tombstone, out of sight.
            rows = rows.exclude(
                subject__in=MatchCandidate.objects.filter(person=kept).values("subject")
            )
        ids = list(rows.values_list("pk", flat=True))
        model.objects.filter(pk__in=ids).update(**{column: kept})
        record(what, ids)
    PersonMergeMove.objects.bulk_create(moves)

    # The tombstone first: it gives up its NHS number before the kept record takes it.
    Person.objects.filter(pk=merged.pk).update(merged_into=kept, merged_at=now, **merged_new)
    if kept_new:
        Person.objects.filter(pk=kept.pk).update(**kept_new)
    _audit(actor, merge, "merge")
    events.publish(events.PERSONS_MERGED, merge=merge)
    return merge


BIRTH = {"date_of_birth", "expected_date_of_birth"}


def _restore(person_id: int, changes: dict) -> None:
    """Put back each detail still holding exactly what the merge set; one changed since
    keeps its new value. The date of birth and the expected one go back together or
    not at all (a record holds one or the other), and an NHS number another record
    holds now stays with it (one number, one record)."""
    person = Person.objects.get(pk=person_id)
    back = {
        field: _unjson(field, before)
        for field, (before, after) in changes.items()
        if _json(getattr(person, field)) == after
    }
    if BIRTH & set(changes) and not BIRTH & set(changes) <= set(back):
        back = {field: value for field, value in back.items() if field not in BIRTH}
    if (
        back.get("nhs_number")
        and Person.objects.filter(nhs_number=back["nhs_number"]).exclude(pk=person_id).exists()
    ):
        del back["nhs_number"]
    if back:
        Person.objects.filter(pk=person_id).update(**back)


@transaction.atomic
def person_unmerge(*, actor: User, merge: PersonMerge, reason: str) -> PersonMerge:
    """Undo a merge: the rows it moved that are still on the kept record go back, what
    it ended is current again, the details it filled in are blank again, and the
    tombstone is a record again. Once per merge; managers named on any restriction of
    the kept record."""
    if not may_merge(actor):
        raise MergeRefused("Only a manager can undo a merge.")
    reason = _reason(reason, "reason for undoing the merge")
    merge = PersonMerge.objects.select_for_update().get(pk=merge.pk)
    people = people_locked([merge.kept_id, merge.merged_id])
    kept, merged = people[merge.kept_id], people[merge.merged_id]
    # Under the kept record's lock, so no later merge into it is being made.
    refusal = unmerge_refusal(merge=merge, kept=kept)
    if refusal is not None:
        raise MergeRefused(refusal)
    for person in (kept, merged):
        person_ensure_open(user=actor, person=person)
    moved: dict[str, list[int]] = {}
    for what, row_id in merge.moves.values_list("what", "row_id"):
        moved.setdefault(what, []).append(row_id)
    for (model, column), what in MOVED_COLUMNS.items():
        model.objects.filter(pk__in=moved.get(what, []), **{column: kept}).update(
            **{column: merged}
        )
    # Only what is still ended by this merge: one ended again since stays ended.
    Relationship.objects.filter(
        pk__in=moved.get(What.RELATIONSHIP_ENDED, []),
        ended_at=merge.merged_at,
        ended_by=merge.merged_by,
    ).update(ended_at=None, ended_by=None, end_reason="")
    # The kept record gives the NHS number back before the tombstone takes it.
    _restore(kept.pk, merge.kept_changes)
    Person.objects.filter(pk=merged.pk).update(merged_into=None, merged_at=None)
    _restore(merged.pk, merge.merged_changes)
    merge.unmerged_at, merge.unmerged_by, merge.unmerge_reason = timezone.now(), actor, reason
    merge.save(update_fields=["unmerged_at", "unmerged_by", "unmerge_reason"])
    _audit(actor, merge, "unmerge")
    events.publish(events.PERSONS_MERGED, merge=merge)
    return merge
