"""What changed on the today page since the browser last drew it (docs/adr/0041).

The page keeps, in a hidden field, its headline figures in the clear and a digest of
everything else it shows. A poll sends it back: the same field means nothing changed
(the server answers 204 and the page is left alone); otherwise the figures are drawn
again, and a sentence for the polite live region says which headline figures moved.
The field comes from the browser: anything that does not parse counts as "nothing
known", so the figures are drawn and nothing is said.
"""

from __future__ import annotations

import hashlib
import re

from outcomes.today.selectors import Today
from screening import selectors as screening_selectors

VERSION = "t1"
LONGEST = 1000
# The figures said aloud when they change, most pressing first.
HEADLINES = {
    "immediate": "immediate risk not taken",
    "red": "overdue",
    "breaching": "overdue within {hours}",
    "waiting": "waiting",
    "approvals": "approvals waiting",
    "checks": "on overdue checks",
    "encompass": "schools' notices overdue",
}
_PAIR = re.compile(r"([a-z]{1,20})=(\d{1,9})")


def headlines(today: Today) -> dict[str, int]:
    return {
        "immediate": today.immediate_not_taken.count,
        "red": today.clocks["red"].count,
        "breaching": today.breaching.count,
        "waiting": today.waiting.count,
        "approvals": today.approvals.count,
        "checks": sum(row.overdue.count for row in today.checks_overdue),
        "encompass": today.encompass_overdue.count,
    }


def seen_of(today: Today) -> str:
    """The page's hidden field: its headlines, and a digest of all it shows (the time it
    was counted aside, so the same figures a minute later are "nothing changed")."""
    everything = repr({**today.__dict__, "at": None}).encode()
    digest = hashlib.blake2s(everything, digest_size=8).hexdigest()
    pairs = ",".join(f"{name}={value}" for name, value in headlines(today).items())
    return f"{VERSION};{pairs};{digest}"


def parse(seen: str) -> dict[str, int] | None:
    if not isinstance(seen, str) or len(seen) > LONGEST:
        return None
    parts = seen.split(";")
    if len(parts) != 3 or parts[0] != VERSION:
        return None
    figures = {}
    for pair in parts[1].split(","):
        match = _PAIR.fullmatch(pair)
        if match is None or match.group(1) not in HEADLINES:
            return None
        figures[match.group(1)] = int(match.group(2))
    return figures


def summary(seen: dict[str, int] | None, today: Today) -> str:
    """ "2 immediate risk not taken (was 1), 14 waiting (was 13)"; empty when no headline
    moved or the browser's figures were not known."""
    if seen is None:
        return ""
    now = headlines(today)
    within = screening_selectors.breaching_within_words()
    return ", ".join(
        f"{now[name]} {label.format(hours=within)} (was {seen[name]})"
        for name, label in HEADLINES.items()
        if name in seen and seen[name] != now[name]
    )
