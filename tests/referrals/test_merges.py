"""Merging duplicate person records and undoing a merge, through the services: what
moves, what is refused, and that an unmerge leaves every row as it was."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.apps import apps
from django.db import ProgrammingError, connection, transaction
from django.utils import timezone

from frontdoor.errors import RecordRestricted
from frontdoor.models import AuditEvent
from frontdoor.roles import Role
from referrals import matching, services
from referrals.models import (
    ContactSubject,
    MatchCandidate,
    Person,
    PersonMerge,
    PersonMergeMove,
    PersonWarning,
    Relationship,
    Restriction,
    WarningKind,
)
from referrals.services.merges import MOVED_COLUMNS, NOT_MOVED
from tests.factories import UserFactory, child_input, submit_contact
from tests.support.merges import NHS_B, NHS_OTHER, duplicates, every_row, merge, moved
from tests.support.waiting import wait_until

pytestmark = pytest.mark.django_db
What = PersonMergeMove.What


@pytest.fixture
def dup(referrer, screener, manager):
    return duplicates(referrer=referrer, screener=screener, manager=manager)


def test_every_foreign_key_to_a_person_is_moved_by_a_merge_or_said_why_not():
    import pghistory.models

    columns = {
        (model, field.name)
        for model in apps.get_models()
        if not issubclass(model, pghistory.models.Event)
        for field in model._meta.get_fields()
        if field.concrete and getattr(field, "related_model", None) is Person
    }
    assert columns == set(MOVED_COLUMNS) | set(NOT_MOVED)


def test_a_merge_moves_everything_to_the_kept_record_and_leaves_a_tombstone(dup, manager):
    a, b = dup.a, dup.b
    b_appearances = set(ContactSubject.objects.filter(person=b).values_list("pk", flat=True))
    done = merge(manager, kept=a, merged=b)

    assert not ContactSubject.objects.filter(person=b).exists()
    assert b_appearances <= set(
        ContactSubject.objects.filter(person=a).values_list("pk", flat=True)
    )
    assert moved(done, What.APPEARANCE) == b_appearances
    # The warning (with its review) and the restriction: the kept record carries both.
    assert PersonWarning.objects.get(pk=dup.warning.pk).person_id == a.pk
    assert dup.warning.reviews.count() == 1
    assert Restriction.objects.get(pk=dup.restriction.pk).person_id == a.pk
    # The lodger's relationship moved; the mother's duplicate was ended then moved (the
    # kept record has its own); A and B's own was ended and stays on the tombstone.
    lodger = Relationship.objects.involving([dup.lodger.pk]).get()
    assert {lodger.person_id, lodger.relative_id} == {dup.lodger.pk, a.pk}
    assert lodger.is_current
    mothers = Relationship.objects.filter(person=dup.mother, relative=a)
    assert mothers.count() == 2
    assert mothers.current().count() == 1
    between = Relationship.objects.get(pk=dup.between.pk)
    assert (between.person_id, between.relative_id) == (a.pk, b.pk)
    assert between.ended_at == done.merged_at
    assert "merged" in between.end_reason
    assert not Relationship.objects.filter(person=b).exclude(pk=dup.between.pk).exists()
    # The third contact's child was offered both: only A's candidate remains offered.
    third = dup.contacts[2].subjects.get()
    assert set(third.match_candidates.values_list("person_id", flat=True)) == {a.pk, b.pk}
    assert MatchCandidate.objects.filter(person=b).count() == 1
    # Details: the NHS number moves; B's name becomes one of A's other names.
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.nhs_number, b.nhs_number) == (NHS_B, "")
    assert "Amelia Harrisson" in a.aliases
    assert (b.merged_into_id, b.merged_at) == (a.pk, done.merged_at)


def test_a_merge_then_an_unmerge_leaves_every_row_as_it_was(dup, manager):
    before = every_row()
    done = merge(manager, kept=dup.a, merged=dup.b)
    assert every_row() != before
    services.person_unmerge(actor=manager, merge=done, reason="Twins, not one child: checked.")
    after = every_row()
    for table, rows in before.items():
        assert after[table] == rows, table
    done.refresh_from_db()
    assert done.unmerged_by == manager
    assert not done.is_standing


def test_an_unmerge_after_later_changes_moves_back_only_what_the_merge_moved(
    dup, referrer, screener, manager
):
    done = merge(manager, kept=dup.a, merged=dup.b)
    # Since the merge: a new contact links to A by the NHS number it took from B; a new
    # warning on A; the moved warning ended; A's UPN recorded.
    later = submit_contact(referrer, subjects=[child_input(nhs_number=NHS_B)])
    assert later.subjects.get().person_id == dup.a.pk
    new_warning = services.warning_set(
        actor=screener,
        person=dup.a,
        kind=WarningKind.RISK_TO_STAFF,
        evidence="Threatened the school nurse on 2 May.",
        review_due=timezone.localdate() + timedelta(days=20),
    )
    services.warning_end(actor=screener, warning=dup.warning, reason="MARAC closed the case.")

    services.person_unmerge(actor=manager, merge=done, reason="Two children after all.")
    assert later.subjects.get().person_id == dup.a.pk
    assert PersonWarning.objects.get(pk=new_warning.pk).person_id == dup.a.pk
    moved_back = PersonWarning.objects.get(pk=dup.warning.pk)
    assert moved_back.person_id == dup.b.pk
    assert moved_back.ended_at is not None
    a, b = Person.objects.get(pk=dup.a.pk), Person.objects.get(pk=dup.b.pk)
    assert (a.nhs_number, b.nhs_number, b.merged_into_id) == ("", NHS_B, None)
    assert Restriction.objects.get(pk=dup.restriction.pk).person_id == b.pk
    assert Relationship.objects.get(pk=dup.between.pk).is_current


def test_refusals(dup, screener, manager, referrer):
    with pytest.raises(services.MergeRefused, match="Only a manager"):
        merge(screener, kept=dup.a, merged=dup.b)
    with pytest.raises(services.MergeRefused, match="same record"):
        merge(manager, kept=dup.a, merged=dup.a)
    for reason in ("", "   ", "too short", "nul \x00 in a long enough reason", "x" * 10_000):
        with pytest.raises(services.MergeRefused):
            services.person_merge(actor=manager, kept=dup.a, merged=dup.b, reason=reason)
    other = Person.objects.create(first_name="Amelia", last_name="Harrison", nhs_number=NHS_OTHER)
    with pytest.raises(services.MergeRefused, match="different NHS numbers"):
        merge(manager, kept=other, merged=dup.b)
    assert not PersonMerge.objects.exists()

    stale_b = Person.objects.get(pk=dup.b.pk)
    merge(manager, kept=dup.a, merged=dup.b)
    # Read before the merge, the record still looks standing: the lock reads it again.
    with pytest.raises(services.MergeRefused, match="already been merged"):
        merge(manager, kept=dup.mother, merged=stale_b)
    with pytest.raises(services.MergeRefused, match="already been merged"):
        merge(manager, kept=stale_b, merged=dup.mother)


def test_a_manager_not_named_on_a_restriction_cannot_merge_or_unmerge_the_record(dup, manager):
    outsider = UserFactory(roles=[Role.MANAGER])
    with pytest.raises(RecordRestricted):
        merge(outsider, kept=dup.a, merged=dup.b)
    done = merge(manager, kept=dup.a, merged=dup.b)
    with pytest.raises(RecordRestricted):
        services.person_unmerge(actor=outsider, merge=done, reason="Not the same child at all.")


def test_a_merge_is_undone_once_and_a_kept_record_merged_again_waits(dup, manager):
    done = merge(manager, kept=dup.a, merged=dup.b)
    onward = merge(manager, kept=dup.mother, merged=dup.a, reason="A test of the chain rule.")
    with pytest.raises(services.MergeRefused, match="undo that merge first"):
        services.person_unmerge(actor=manager, merge=done, reason="Two children after all.")
    services.person_unmerge(actor=manager, merge=onward, reason="Mother and child, not one.")
    services.person_unmerge(actor=manager, merge=done, reason="Two children after all.")
    with pytest.raises(services.MergeRefused, match="already been undone"):
        services.person_unmerge(actor=manager, merge=done, reason="Two children after all.")


def test_a_merge_and_the_rows_it_moved_are_never_deleted_nor_the_moves_edited(dup, manager):
    done = merge(manager, kept=dup.a, merged=dup.b)
    move = done.moves.first()
    with pytest.raises(ProgrammingError, match="never deleted"), transaction.atomic():
        PersonMergeMove.objects.filter(pk=move.pk).delete()
    # (Django's PROTECT would refuse first: the database must refuse whoever asks.)
    with (
        pytest.raises(ProgrammingError, match="never deleted"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM referrals_personmerge WHERE id = %s", [done.pk])
    with pytest.raises(ProgrammingError, match="never edited"), transaction.atomic():
        PersonMergeMove.objects.filter(pk=move.pk).update(row_id=move.row_id + 1)
    # Undone, the merge keeps its record of what it moved.
    moved_rows = set(done.moves.values_list("what", "row_id"))
    assert moved_rows
    services.person_unmerge(actor=manager, merge=done, reason="Two children after all.")
    assert set(done.moves.values_list("what", "row_id")) == moved_rows


def test_each_merge_and_unmerge_is_audited_on_both_records(dup, manager):
    done = merge(manager, kept=dup.a, merged=dup.b)
    services.person_unmerge(actor=manager, merge=done, reason="Two children after all.")
    for via in ("referrals.person_merge", "referrals.person_unmerge"):
        events = AuditEvent.objects.filter(via=via, actor=manager, action="change")
        assert sorted(e.record_id for e in events) == sorted([str(dup.a.pk), str(dup.b.pk)])
        for event in events:
            assert event.detail | {"side": ""} == {
                "merge": done.pk,
                "kept": dup.a.pk,
                "merged": dup.b.pk,
                "side": "",
            }


def test_a_tombstone_drops_out_of_matching_and_linking_by_nhs_number(dup, manager, referrer):
    merge(manager, kept=dup.a, merged=dup.b)
    found = matching.likely_matches(
        first_name="Amelia", last_name="Harrisson", date_of_birth=dup.a.date_of_birth
    )
    assert dup.b.pk not in {c.person_id for c in found}
    assert dup.a.pk in {c.person_id for c in found}
    assert dup.b.pk not in set(
        matching.people_named_like("Amelia Harrisson").values_list("pk", flat=True)
    )
    # A new contact naming the child finds the kept record only.
    new = submit_contact(referrer, subjects=[child_input(last_name="Harrisson")])
    offered = set(new.subjects.get().match_candidates.values_list("person_id", flat=True))
    assert dup.b.pk not in offered


def test_a_candidate_left_on_a_tombstone_cannot_be_confirmed(dup, manager, screener):
    merge(manager, kept=dup.a, merged=dup.b)
    left = MatchCandidate.objects.get(person=dup.b)
    with pytest.raises(services.ContactRejected, match="merged into another"):
        services.match_confirm(actor=screener, candidate=left)


def _locks_waited_on() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND datname = current_database()"
        )
        return cursor.fetchone()[0]


def _while_merging(dup, manager, write) -> list[object]:
    """Run ``write`` while a merge of B into A is done but not yet committed; return
    what it gave (or the refusal's words) once it waited for the merge."""
    merged, release = threading.Event(), threading.Event()
    outcome: list[object] = []

    def merging() -> None:
        try:
            with transaction.atomic():
                merge(manager, kept=dup.a, merged=dup.b)
                merged.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    def writing() -> None:
        try:
            outcome.append(write())
        except services.ContactRejected as refused:
            outcome.append(str(refused))
        finally:
            connection.close()

    first = threading.Thread(target=merging)
    first.start()
    wait_until(merged.is_set, 30, "the merge did not run")
    second = threading.Thread(target=writing)
    second.start()
    wait_until(lambda: _locks_waited_on() >= 1, 30, "the write did not wait for the merge")
    release.set()
    first.join(timeout=30)
    second.join(timeout=30)
    return outcome


@pytest.mark.django_db(transaction=True)
def test_a_match_confirmed_while_the_record_is_being_merged_waits_and_is_refused(
    referrer, screener, manager
):
    """A screener confirms a contact's child as record B while a manager's merge of B
    into A is not yet committed: the confirmation waits for the merge, then is refused
    (never linking the child to the tombstone)."""
    dup = duplicates(referrer=referrer, screener=screener, manager=manager)
    third = dup.contacts[2].subjects.get()
    candidate = third.match_candidates.get(person=dup.b)
    outcome = _while_merging(
        dup, manager, lambda: services.match_confirm(actor=screener, candidate=candidate)
    )
    third.refresh_from_db()
    assert third.person_id != dup.b.pk
    [refusal] = outcome
    assert "merged into another" in refusal


@pytest.mark.django_db(transaction=True)
def test_a_contact_linked_by_nhs_number_while_the_record_is_being_merged_gets_the_kept_one(
    referrer, screener, manager
):
    dup = duplicates(referrer=referrer, screener=screener, manager=manager)
    [contact] = _while_merging(
        dup,
        manager,
        lambda: submit_contact(referrer, subjects=[child_input(nhs_number=NHS_B)]),
    )
    assert contact.subjects.get().person_id == dup.a.pk
    assert not Relationship.objects.filter(person=dup.b, ended_at__isnull=True).exists()


def test_an_unmerge_puts_the_dates_of_birth_back_together_or_not_at_all(dup, manager):
    """An unborn baby's record merged with the record made at birth: the kept record
    takes the date of birth and gives up the expected one. Corrected since, the date
    of birth stays, and so does the blank expected date (never both at once)."""
    expected = timezone.localdate() + timedelta(days=30)
    unborn = Person.objects.create(
        first_name="Baby", last_name="Harrison", expected_date_of_birth=expected
    )
    born = Person.objects.create(
        first_name="Ruby", last_name="Harrison", date_of_birth=timezone.localdate()
    )
    done = merge(manager, kept=unborn, merged=born)
    unborn.refresh_from_db()
    assert (unborn.date_of_birth, unborn.expected_date_of_birth) == (timezone.localdate(), None)
    corrected = timezone.localdate() - timedelta(days=1)
    Person.objects.filter(pk=unborn.pk).update(date_of_birth=corrected)

    services.person_unmerge(actor=manager, merge=done, reason="Two babies: twins after all.")
    unborn.refresh_from_db()
    assert (unborn.date_of_birth, unborn.expected_date_of_birth) == (corrected, None)


def test_an_unmerge_leaves_an_nhs_number_with_the_record_holding_it_now(dup, manager):
    done = merge(manager, kept=dup.a, merged=dup.b)
    # Since the merge, the kept record's number was corrected and B's number given to
    # the record it belongs to.
    Person.objects.filter(pk=dup.a.pk).update(nhs_number=NHS_OTHER)
    Person.objects.filter(pk=dup.lodger.pk).update(nhs_number=NHS_B)
    services.person_unmerge(actor=manager, merge=done, reason="Twins, not one child: checked.")
    assert Person.objects.get(pk=dup.b.pk).nhs_number == ""
    assert Person.objects.get(pk=dup.lodger.pk).nhs_number == NHS_B


def test_merges_into_one_record_are_undone_newest_first(dup, manager, screener):
    """B then C merged into K (A here): undoing B's merge while C's stands would put
    back what C's merge counts on, so it waits; undone newest first, every row is as it
    was."""
    c = Person.objects.create(
        first_name="Amelia", last_name="Harison", date_of_birth=dup.a.date_of_birth
    )
    # C has its own relationship with the mother, which the kept record also has by then.
    Relationship.objects.create(
        person=dup.mother,
        relative=c,
        kind=Relationship.Kind.PARENT,
        basis=Relationship.Basis.SUGGESTED,
        recorded_by=screener,
        recorded_at=timezone.now(),
    )
    before = every_row()
    first = merge(manager, kept=dup.a, merged=dup.b)
    second = merge(manager, kept=dup.a, merged=c, reason="Same child: a third spelling.")
    with pytest.raises(services.MergeRefused, match=f"Undo the later merge of record {c.pk}"):
        services.person_unmerge(actor=manager, merge=first, reason="Two children after all.")
    assert PersonMerge.objects.get(pk=first.pk).is_standing
    services.person_unmerge(actor=manager, merge=second, reason="C is the cousin, not her.")
    services.person_unmerge(actor=manager, merge=first, reason="Two children after all.")
    after = every_row()
    for table, rows in before.items():
        assert after[table] == rows, table


def test_a_merge_of_records_with_the_longest_names_keeps_the_name_as_an_alias(dup, manager):
    long_first, long_last = "A" * 100, "B" * 100
    kept = Person.objects.create(first_name="Ann", last_name="Longname")
    merged = Person.objects.create(first_name=long_first, last_name=long_last)
    merge(manager, kept=kept, merged=merged)
    kept.refresh_from_db()
    [alias] = kept.aliases
    assert len(alias) == 200
    assert alias.startswith(f"{long_first} B")
    assert alias.endswith("…")
