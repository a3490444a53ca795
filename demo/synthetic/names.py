"""Names as another referrer writes them, and the likely matches a screener has yet
to settle: what person matching meets in the synthetic data."""

from __future__ import annotations

from demo.synthetic.people import Member
from demo.synthetic.tables import NICKNAMES, NULL


class NamesMixin:
    """The Generator's name variants and pending match candidates."""

    def _variant(self, first: str, last: str) -> tuple[str, str, bool]:
        """The name as another referrer might write it: a nickname, first and last
        swapped, a typing slip, or the date of birth left off (the True)."""
        roll = self.rng.random()
        if roll < 0.2 and first in NICKNAMES:
            return NICKNAMES[first], last, False
        if roll < 0.35:
            return last, first, False
        if roll < 0.55:
            return first, last, True
        name = last if roll < 0.85 else first
        if len(name) >= 4:
            i = 1 + int(self.rng.random() * (len(name) - 2))
            slip = self.rng.random()
            if slip < 0.5:
                name = name[:i] + name[i + 1] + name[i] + name[i + 2 :]  # swapped letters
            elif slip < 0.8:
                name = name[:i] + name[i + 1 :]  # a letter missed
            else:
                name = name[:i] + name[i] + name[i:]  # a letter doubled
        return (first, name, False) if roll < 0.85 else (name, last, False)

    def _candidate(self, subject_id: int, member: Member, first: str, last: str, born) -> None:
        if (first, last) == (member.last, member.first):
            reasons = ["First and last names swapped"]
        elif (first, last) == (member.first, member.last):
            reasons = ["Same name"]
        else:
            reasons = [f"Similar name ({self._between(55, 95)}% alike)"]
        if born is not None and born == member.born:
            reasons.append("Same date of birth")
        if member.postcode:
            reasons.append("Same postcode")
        score = 0.5 + 0.1 * len(reasons) + 0.15 * self.rng.random()
        values = ",".join(f'"{reason}"' for reason in reasons)
        row = (
            str(self._id("referrals_matchcandidate")),
            f"{score:.3f}",
            f"{{{values}}}",
            "pending",
            NULL,
            NULL,
            str(subject_id),
            str(member.pid),
        )
        self.rows["referrals_matchcandidate"].append("\t".join(row))
