"""Intake of many contacts at once: a force's file of police notifications
(docs/adr/0040). ``contacts_submit_many`` records each contact as ``contact_submit``
does, by the same rules and leaving the same rows (its reference, its people matched
and linked or given new records, the likely matches a screener confirms, the
relationships suggested, its audit row, ``CONTACT_RECEIVED``), but reads and writes
a statement per kind of row for the whole batch rather than a dozen per contact. Only
the matching of each person is still one query each: it is a search, not a write.

The caller holds the transaction (a chunk of a file); nothing here is written for a
contact refused by the checks, and any other failure fails the batch (the import then
records its rows one at a time)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from frontdoor import events
from frontdoor.audit import audit_records
from frontdoor.models import AuditEvent, User
from referrals.models import Contact, ContactSubject
from referrals.services.inputs import ContactInput, ContactRejected, ReferrerInput
from referrals.services.intake import (
    _check,
    _from_account,
    _match_find,
    _plans_locked,
    _referral_source,
    _subject_census,
    contact_row,
    next_references,
)
from referrals.services.intake_people import contact_people_write
from referrals.services.relationships import relationships_suggest_many


@dataclass(frozen=True)
class Submitted:
    contact: Contact
    subjects: list[ContactSubject]  # in the order given


def contacts_submit_many(
    *,
    actor: User,
    data: list[ContactInput],
    channel: Contact.Channel,
    referrer_account: User | None = None,
    acknowledge: bool = True,
) -> list[Submitted | ContactRejected]:
    """Record each contact in ``data`` (``contact_submit``'s rules; no partner API
    replays here); returns, in the same order, each one recorded or why it was
    refused. ``acknowledge`` false: the sender is told once for the whole batch
    (``CONTACT_RECEIVED``'s flag), not once for each."""
    results: list[Submitted | ContactRejected | None] = [None] * len(data)
    checked = []
    for index, item in enumerate(data):
        received_at = item.received_at or timezone.now()
        try:
            _check(item, channel, actor)
            census = [_subject_census(subject, received_at) for subject in item.subjects]
        except ContactRejected as rejected:
            results[index] = rejected
            continue
        checked.append((index, item, received_at, census))
    for group in _passes(checked):
        _submit(actor, group, channel, referrer_account, acknowledge, results)
    return results


def _passes(checked: list) -> list[list]:
    """The contacts in the order their people must be matched: one after another as
    ``contact_submit`` would, where someone on a later one could be matched to a record
    an earlier one is about to make (the same child twice in one file); together where
    nobody could. A contact goes in the pass after the last one holding someone it
    could be matched to, by the very tests of the matching pool: the same date of
    birth and an initial, both names sounding alike (either way round), or the same NHS
    number. One query (the names' sounds) however many."""
    names = sorted(
        {
            name.strip()
            for _, item, _, _ in checked
            for subject in item.subjects
            for name in (subject.first_name, subject.last_name)
        }
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, dmetaphone(name) FROM unnest(%s::text[]) AS name", [names])
        sound = dict(cursor.fetchall())
    reached: dict[tuple, int] = {}  # what a record made would be found by: its pass
    passes: list[list] = []
    for entry in checked:
        finds, found_by = set(), set()
        for subject in entry[1].subjects:
            first, last = subject.first_name.strip(), subject.last_name.strip()
            initials = {first[:1].lower(), last[:1].lower()}
            born = subject.date_of_birth or subject.expected_date_of_birth
            finds |= {("born", born, initial) for initial in initials} if born else set()
            finds |= {("sounds", sound[first], sound[last]), ("sounds", sound[last], sound[first])}
            if subject.date_of_birth:
                found_by |= {("born", subject.date_of_birth, initial) for initial in initials}
            found_by.add(("sounds", sound[first], sound[last]))
            if subject.nhs_number:
                finds.add(("nhs", subject.nhs_number))
                found_by.add(("nhs", subject.nhs_number))
        number = max((reached[key] + 1 for key in finds if key in reached), default=0)
        for key in found_by:
            reached[key] = max(reached.get(key, 0), number)
        if number == len(passes):
            passes.append([])
        passes[number].append(entry)
    return passes


def _submit(
    actor: User,
    group: list,
    channel: Contact.Channel,
    referrer_account: User | None,
    acknowledge: bool,
    results: list,
) -> None:
    """Match, then write, one pass of contacts (``_passes``)."""
    kept = []
    for index, item, received_at, census in group:
        referrer = item.referrer or ReferrerInput()
        if referrer_account is not None:
            referrer = _from_account(referrer, referrer_account)
        try:
            plans = _plans_locked([_match_find(s) for s in item.subjects], item.subjects)
        except ContactRejected as rejected:
            results[index] = rejected
            continue
        kept.append((index, item, received_at, referrer, census, plans))
    if not kept:
        return
    by_year = defaultdict(list)
    for entry in kept:
        by_year[timezone.localtime(entry[2]).year].append(entry)
    references = {}
    for year, entries in by_year.items():
        for entry, reference in zip(entries, next_references(year, len(entries)), strict=True):
            references[entry[0]] = reference
    contacts = Contact.objects.bulk_create(
        contact_row(
            actor=actor,
            data=item,
            channel=channel,
            referrer=referrer,
            referrer_account=referrer_account,
            referral_source=_referral_source(referrer_account=referrer_account, data=item),
            reference=references[index],
            received_at=received_at,
        )
        for index, item, received_at, referrer, _, _ in kept
    )
    people = contact_people_write(kept, contacts)
    relationships_suggest_many(actor=actor, contacts=contacts, known=people)
    audit_records(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        record_type="contact",
        records=[
            (contact.reference, f"intake:{channel}", {"subjects": len(entry[1].subjects)})
            for contact, entry in zip(contacts, kept, strict=True)
        ],
    )
    for contact, entry in zip(contacts, kept, strict=True):
        events.publish(events.CONTACT_RECEIVED, contact=contact, acknowledge=acknowledge)
        results[entry[0]] = Submitted(contact, people[contact.pk])
