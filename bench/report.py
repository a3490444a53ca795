"""Figures, the targets they are held to (issue 9), and the tables they are shown in."""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from pathlib import Path

# What each figure is held to at 1,000,000 contacts on a 2-core machine.
TARGETS: dict[str, tuple[str, object]] = {
    "queue_page": ("p95 < 100 ms, ≤ 3x floor", lambda r: r.p95 < 100 and r.floor_ratio <= 3),
    "contact_page": ("p95 < 100 ms, ≤ 3x floor", lambda r: r.p95 < 100 and r.floor_ratio <= 3),
    "matching": ("p95 < 50 ms", lambda r: r.p95 < 50),
    # Issue 19: the search page, whatever it is asked (name, NHS number, postcode,
    # reference, agency and month, words in the concern).
    "search": ("p95 < 200 ms", lambda r: r.p95 < 200),
    # Issue 19: the contact page with the family panel, whatever the family's size,
    # and a long chronology.
    "family_small": ("p95 < 100 ms", lambda r: r.p95 < 100),
    "family_large": (
        "p95 < 100 ms, panel queries as for 2",
        lambda r: r.p95 < 100 and r.panel_queries == r.baseline_queries,
    ),
    "chronology": ("p95 < 150 ms", lambda r: r.p95 < 150),
    "intake_api": ("≥ 200/s, p95 < 100 ms", lambda r: r.rate >= 200 and r.p95 < 100),
    "notices": ("≥ 100/s per worker process", lambda r: r.rate >= 100),
    # Issue 21: the pull feed, and signed webhooks to a local receiver.
    "events_feed": ("p95 < 50 ms", lambda r: r.p95 < 50),
    "events_delivered": ("≥ 200/s per worker process", lambda r: (r.rate or 0) >= 200),
    "complex_queue": ("< 5 s", lambda r: r.p95 < 5000),
    # Issue 22: bulk triage of 50 police notifications, and a force's file of 5,000.
    "police_bulk_triage": ("p95 < 2 s", lambda r: r.p95 < 2000),
    "police_import": ("< 60 s", lambda r: r.p95 < 60000),
    "scorecard_year": ("< 500 ms", lambda r: r.p95 < 500),
    # Issue 25: a year recounted from kept months, this year so far, and a drill-down.
    "scorecard_recount": ("< 2 s", lambda r: r.p95 < 2000),
    "scorecard_this_year": ("< 2 s", lambda r: r.p95 < 2000),
    "scorecard_drill_down": ("< 2 s", lambda r: r.p95 < 2000),
    # Issue 23: the today page, and one update cycle of a page that keeps itself current.
    "today_page": ("p95 < 100 ms", lambda r: r.p95 < 100),
    "today_page_screener": ("p95 < 100 ms", lambda r: r.p95 < 100),
    "queue_poll": ("p95 < 20 ms per poll", lambda r: r.p95 < 20),
    "queue_poll_clocks": ("p95 < 20 ms per poll", lambda r: r.p95 < 20),
    "today_poll": ("p95 < 20 ms per poll", lambda r: r.p95 < 20),
}
# Grows by less than this from the smallest to the largest size (issue 9).
GROWTH_LIMIT = 1.5
GROWTH_CHECKED = ("queue_page", "contact_page", "matching", "today_page", "queue_poll")


def percentile(samples: list[float], share: float) -> float:
    """Nearest-rank percentile: a value that was actually observed."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


@dataclass
class Result:
    key: str
    label: str
    samples_ms: list[float]
    queries: int | None = None
    rate: float | None = None  # things per second, for throughput figures
    floor_ratio: float | None = None
    # The family panel's own queries, and those of the figure it must equal.
    panel_queries: int | None = None
    baseline_queries: int | None = None
    notes: list[str] = field(default_factory=list)
    # Why the measure could not finish; its row says so and the run goes on.
    failure: str | None = None

    @classmethod
    def failed(cls, key: str, label: str, reason: str) -> Result:
        return cls(key, label, [], failure=reason or "failed without saying why")

    @property
    def median(self) -> float:
        return statistics.median(self.samples_ms) if self.samples_ms else math.nan

    @property
    def p95(self) -> float:
        return percentile(self.samples_ms, 0.95) if self.samples_ms else math.nan

    @property
    def target(self) -> str:
        return TARGETS[self.key][0] if self.key in TARGETS else ""

    @property
    def met(self) -> bool | None:
        if self.failure:
            return False
        if self.key not in TARGETS:
            return None
        return bool(TARGETS[self.key][1](self))


def _ms(value: float) -> str:
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def _row(result: Result) -> list[str]:
    if result.failure:
        return [result.label, "", "", "", "", "", result.target, "FAILED"]
    met = {None: "", True: "met", False: "MISSED"}[result.met]
    return [
        result.label,
        _ms(result.median),
        _ms(result.p95),
        "" if result.queries is None else str(result.queries),
        "" if result.floor_ratio is None else f"{result.floor_ratio:.1f}x",
        "" if result.rate is None else f"{result.rate:,.0f}/s",
        result.target,
        met,
    ]


HEADINGS = ["measure", "median ms", "p95 ms", "queries", "x floor", "rate", "target", ""]


def _text_table(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )


def _notes(result: Result) -> list[str]:
    failure = [f"FAILED: {result.failure}"] if result.failure else []
    return failure + result.notes


def results_table(results: list[Result], facts: dict) -> str:
    lines = [_text_table([HEADINGS, *(_row(r) for r in results)])]
    for result in results:
        lines += [f"  {result.label}: {note}" for note in _notes(result)]
    return "\n".join(lines)


def _size(contacts: int) -> str:
    for step, unit in ((1_000_000, "M"), (1_000, "k")):
        if contacts >= step:
            return f"{contacts / step:,.3g}{unit}"
    return str(contacts)


def _growth_rows(runs) -> list[list[str]]:
    """One row per checked measure: its median at each size in turn, and whether it
    grew by less than GROWTH_LIMIT, with the same queries, from the smallest to the
    largest."""
    by_size = [{r.key: r for r in results if not r.failure} for _, results, _ in runs]
    rows = []
    for key in GROWTH_CHECKED:
        measured = [results.get(key) for results in by_size]
        if any(result is None for result in measured):
            continue
        first, last = measured[0], measured[-1]
        growth = last.median / first.median
        met = growth < GROWTH_LIMIT and len({r.queries for r in measured}) == 1
        rows.append(
            [
                last.label,
                *(_ms(result.median) for result in measured),
                f"{growth:.2f}x",
                " → ".join(str(result.queries) for result in measured),
                "met" if met else "MISSED",
            ]
        )
    return rows


def _growth_headings(runs) -> list[str]:
    sizes = [f"median ms ({_size(facts['contacts'])})" for _, _, facts in runs]
    return ["measure", *sizes, "growth", "queries", ""]


def _growth_title(runs) -> str:
    sizes = " → ".join(f"{facts['contacts']:,}" for _, _, facts in runs)
    return f"Growth from {sizes} contacts"


def growth_table(runs) -> str:
    title = f"\n{_growth_title(runs)} (target < {GROWTH_LIMIT}x, same query count)"
    return title + "\n" + _text_table([_growth_headings(runs), *_growth_rows(runs)])


def _markdown_table(headings: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(headings) + " |", "|" + "---|" * len(headings)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def results_markdown(runs, machine: dict) -> str:
    parts = [
        f"# Benchmarks, {machine['date']}" + (f", {machine['time']}" if "time" in machine else ""),
        "",
        f"Machine: {machine['cpus']} CPUs, {machine['platform']}, Python {machine['python']}. "
        f"Made by `make bench` (`bench/run.py`); pages {machine['repeats']} runs each after "
        "warm-up, server time in-process through the full middleware stack.",
    ]
    for _, results, facts in runs:
        parts += [
            "",
            f"## {facts['contacts']:,} contacts",
            "",
            f"{facts['postgres']}."
            + (
                f" Data generated in {facts['generated_in']:.0f} s by `generate_synthetic`."
                if facts["generated_in"]
                else ""
            ),
            "",
            _markdown_table(HEADINGS, [_row(r) for r in results]),
            "",
        ]
        parts += [f"- {r.label}: {note}" for r in results for note in _notes(r)]
    if len(runs) > 1:
        parts += [
            "",
            f"## {_growth_title(runs)}",
            "",
            f"Target: less than {GROWTH_LIMIT}x and the same number of queries.",
            "",
            _markdown_table(_growth_headings(runs), _growth_rows(runs)),
        ]
    return "\n".join(parts) + "\n"


def results_write(out: Path, text: str) -> None:
    """A day's file gains each run in turn: a second run the same day is added after
    the first, never written over it."""
    out.parent.mkdir(exist_ok=True)
    if out.exists():
        text = out.read_text().rstrip("\n") + "\n\n" + text
    out.write_text(text)
