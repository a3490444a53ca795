"""The rules of merging two person records, read by the pages before anything is
typed and asked again by ``referrals.services.merges`` under lock: who may merge,
which pairs cannot be merged, what the kept record will hold, and when a merge can
no longer be undone. Reads only."""

from __future__ import annotations

from frontdoor.models import User
from frontdoor.roles import Permission
from referrals.models import Person, PersonMerge, Sex
from referrals.models.people import alias_of

# The details a merge fills on the kept record when it has none and the merged record
# has one ("not known" is blank, an unknown sex, no disabilities recorded).
FILLED = (
    "date_of_birth",
    "expected_date_of_birth",
    "nhs_number",
    "unique_pupil_number",
    "ethnicity",
    "disabilities",
    "address",
    "postcode",
    "sex",
)


def may_merge(user: User) -> bool:
    """Managers: a wrong merge mixes two people's histories, so it is a manager's call."""
    return user.is_authenticated and user.has_perm(Permission.APPROVE_DECISIONS.perm)


def merge_refusal(*, kept: Person, merged: Person) -> str | None:
    """Why these two records cannot be merged, in words, or None: the comparison page
    says it before anyone types a reason, and ``person_merge`` asks again under lock."""
    if kept.pk == merged.pk:
        return "These are the same record: choose a different record to merge with."
    for person in (kept, merged):
        if person.merged_into_id is not None:
            return (
                f"Person record {person.pk} has already been merged into record "
                f"{person.merged_into_id}. Open that record instead."
            )
    if kept.nhs_number and merged.nhs_number and kept.nhs_number != merged.nhs_number:
        return (
            "These records have different NHS numbers, so they are records of two "
            "different people and cannot be merged. If one NHS number is wrong, it must "
            "be corrected first."
        )
    return None


def _is_blank(field: str, value) -> bool:
    return value in (None, "", []) or (field == "sex" and value == Sex.UNKNOWN)


def merge_details(*, kept: Person, merged: Person) -> tuple[dict, dict]:
    """What the kept record will hold after the merge, and what the merged record
    gives up: ``{field: new value}`` each, only for what changes."""
    kept_new, merged_new = {}, {}
    for field in FILLED:
        ours, theirs = getattr(kept, field), getattr(merged, field)
        if _is_blank(field, ours) and not _is_blank(field, theirs):
            kept_new[field] = theirs
    # Born since the unborn record was made: a date of birth replaces the expected one
    # (a record holds one or the other).
    born = kept_new.get("date_of_birth", kept.date_of_birth)
    if born and kept_new.get("expected_date_of_birth", kept.expected_date_of_birth):
        if "expected_date_of_birth" in kept_new:
            del kept_new["expected_date_of_birth"]
        else:
            kept_new["expected_date_of_birth"] = None
    # An NHS number belongs to one record (a unique constraint): it moves.
    if "nhs_number" in kept_new:
        merged_new["nhs_number"] = ""
    seen = {kept.full_name.casefold(), *(alias.casefold() for alias in kept.aliases)}
    aliases = list(kept.aliases)
    for name in (alias_of(merged.full_name), *merged.aliases):
        if name.strip() and name.casefold() not in seen:
            aliases.append(name)
            seen.add(name.casefold())
    if aliases != kept.aliases:
        kept_new["aliases"] = aliases
    return kept_new, merged_new


def merge_preview(*, kept: Person, merged: Person) -> dict:
    """The kept record's details after a merge, for the comparison page."""
    return merge_details(kept=kept, merged=merged)[0]


def unmerge_refusal(*, merge: PersonMerge, kept: Person) -> str | None:
    """Why ``merge`` cannot be undone now, or None: the one rule for the merge's page
    (which then offers no form) and for ``person_unmerge``."""
    if not merge.is_standing:
        return "This merge has already been undone."
    if merge.erased_at is not None:
        return (
            "This merge cannot be undone: the personal details of one of its records were "
            "erased under the retention policy, so what each record held before the merge "
            "is no longer known."
        )
    # A later merge moved and ended rows, and filled details, on top of this one's:
    # undone out of turn, each would put back rows and details the other still counts on.
    later = (
        PersonMerge.objects.filter(kept_id=kept.pk, unmerged_at__isnull=True, pk__gt=merge.pk)
        .order_by("-pk")
        .first()
    )
    if later is not None:
        return (
            f"Undo the later merge of record {later.merged_id} into record {kept.pk} "
            f"(merge {later.pk}) first: merges into one record are undone newest first."
        )
    if kept.merged_into_id is not None:
        return (
            f"Person record {kept.pk} has since been merged into record "
            f"{kept.merged_into_id}: undo that merge first."
        )
    return None
