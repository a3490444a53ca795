"""A referrer's unfinished contact form, kept as typed."""

from __future__ import annotations

from frontdoor.models import User
from referrals.models import ReferralDraft


def draft_save(*, owner: User, kind: str, data: dict[str, list[str]]) -> ReferralDraft:
    """Keep the answers as typed, less any null character: PostgreSQL's JSON cannot hold
    one, and no keyboard types one (it comes from pasting from a damaged file). The form
    that carried it says so on the field (Django's CharField refuses NUL)."""
    data = {
        key.replace("\x00", ""): [str(value).replace("\x00", "") for value in values]
        for key, values in data.items()
    }
    draft, _ = ReferralDraft.objects.update_or_create(
        owner=owner, kind=kind, defaults={"data": data}
    )
    return draft


def draft_discard(*, owner: User, kind: str) -> None:
    ReferralDraft.objects.filter(owner=owner, kind=kind).delete()
