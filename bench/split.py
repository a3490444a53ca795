"""Where a page's time goes (issue 25): database round trips, the ORM building SQL,
rendering templates, and the rest (middleware, views, the ORM assembling querysets and
making rows). Each moment is counted once, against whichever of these is innermost: a
query a template causes is the database's time, the ORM building it is building SQL,
the template's own work is rendering. Measured on runs of their own, as the stopwatches
cost a little."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection
from django.db.models.sql import compiler
from django.template import base as template_base

KINDS = ("database", "building SQL", "templates")

# Every compiler class that writes its own SQL (each overrides ``as_sql``).
_COMPILERS = (
    compiler.SQLCompiler,
    compiler.SQLInsertCompiler,
    compiler.SQLDeleteCompiler,
    compiler.SQLUpdateCompiler,
    compiler.SQLAggregateCompiler,
)


@dataclass(frozen=True)
class Split:
    """Median milliseconds per run of each part, and of the rest."""

    database: float
    building_sql: float
    templates: float
    rest: float

    def note(self) -> str:
        return (
            f"median {self.database:,.1f} ms in database round trips, "
            f"{self.building_sql:,.1f} ms building SQL (ORM), "
            f"{self.templates:,.1f} ms rendering templates, "
            f"{self.rest:,.1f} ms the rest (middleware, views, the ORM assembling "
            "querysets and making rows)"
        )


class _Stopwatches:
    """Exclusive time per kind: entering one pauses whichever was running."""

    def __init__(self) -> None:
        self.spent = dict.fromkeys(KINDS, 0.0)
        self._running: list[str] = []
        self._since = time.perf_counter()

    def enter(self, kind: str) -> None:
        now = time.perf_counter()
        if self._running:
            self.spent[self._running[-1]] += now - self._since
        self._running.append(kind)
        self._since = now

    def leave(self) -> None:
        now = time.perf_counter()
        self.spent[self._running.pop()] += now - self._since
        self._since = now


def _timed(watches: _Stopwatches, kind: str, function: Callable) -> Callable:
    def timed(*args, **kwargs):
        watches.enter(kind)
        try:
            return function(*args, **kwargs)
        finally:
            watches.leave()

    return timed


@contextmanager
def _watching(watches: _Stopwatches) -> Iterator[None]:
    originals = [(cls, cls.__dict__["as_sql"]) for cls in _COMPILERS]
    render = template_base.Template.render
    for cls, as_sql in originals:
        cls.as_sql = _timed(watches, "building SQL", as_sql)
    template_base.Template.render = _timed(watches, "templates", render)

    def database(execute, sql, params, many, context):
        return _timed(watches, "database", execute)(sql, params, many, context)

    try:
        with connection.execute_wrapper(database):
            yield
    finally:
        for cls, as_sql in originals:
            cls.as_sql = as_sql
        template_base.Template.render = render


def time_split(action: Callable[[], object], runs: int) -> Split:
    parts: dict[str, list[float]] = {kind: [] for kind in (*KINDS, "rest")}
    for _ in range(runs):
        watches = _Stopwatches()
        started = time.perf_counter()
        with _watching(watches):
            action()
        total = time.perf_counter() - started
        for kind in KINDS:
            parts[kind].append(watches.spent[kind] * 1000)
        parts["rest"].append((total - sum(watches.spent.values())) * 1000)
    median = {kind: statistics.median(values) for kind, values in parts.items()}
    return Split(median["database"], median["building SQL"], median["templates"], median["rest"])
