"""The generator: turns received times into COPY rows, a chunk at a time."""

from __future__ import annotations

import random
from array import array
from dataclasses import dataclass, field

from faker.providers.person.en_GB import Provider as NameProvider

from demo.common import (
    DISABILITIES,
    DISABLED_SHARE,
    ETHNICITIES,
    FACTORS,
    OTHER_FACTORS,
    PRIMARY_NEEDS,
)
from demo.screening import RATIONALES
from demo.synthetic.calendar import Calendar
from demo.synthetic.contacts import ContactMixin
from demo.synthetic.decisions import DecisionMixin
from demo.synthetic.names import NamesMixin
from demo.synthetic.notices import NoticeMixin
from demo.synthetic.people import Family, Member, PeopleMixin
from demo.synthetic.relations import RelationsMixin
from demo.synthetic.tables import (
    ASSESSMENT_OUTCOMES,
    CATEGORY_WEIGHTS,
    CHILDREN_WEIGHTS,
    FORGET_FAMILY_AFTER,
    HOUR,
    INWARD_LETTERS,
    LOOKED_AFTER_CLOSURES,
    MORE_RATIONALES,
    POSTCODE_AREAS,
    PUBLIC_SHARE,
    PUBLIC_SOURCES,
    ROUTE_WEIGHTS,
    S47_OUTCOMES,
    STREET_KINDS,
    TABLES,
    URGENCY_WEIGHTS,
    _cumulative,
)
from demo.synthetic.world import World
from referrals.models import Contact
from screening.models import Route


@dataclass
class _Chunk:
    rows: dict[str, list[str]]
    contacts: int
    late_aliases: list[tuple[int, str, int]] = field(default_factory=list)


class Generator(ContactMixin, PeopleMixin, NamesMixin, RelationsMixin, DecisionMixin, NoticeMixin):
    """Turns received times into COPY rows. Pure Python, touching no database, so
    it runs in its own thread while the main thread feeds PostgreSQL."""

    def __init__(
        self,
        *,
        world: World,
        calendar: Calendar,
        rng: random.Random,
        next_ids: dict[str, int],
        references: dict[int, list[int]],
        existing_nhs: set[str],
        nhs_start: int,
        existing_upns: set[str],
        window: tuple[int, int],
        recent_from: int,
    ) -> None:
        self.world, self.cal, self.rng = world, calendar, rng
        self.next_ids = dict(next_ids)
        # year -> the numbers still to issue, in order
        self.references = {year: iter(numbers) for year, numbers in references.items()}
        self.existing_nhs, self.nhs_counter = existing_nhs, nhs_start
        self.existing_upns = existing_upns
        self.upn_counters: dict[int, int] = {}
        self.start, self.end = window
        self.recent_from = recent_from
        self.end_day = calendar.day_of(self.end)
        self.routes = _cumulative(ROUTE_WEIGHTS)
        self.children_count = _cumulative(CHILDREN_WEIGHTS)
        self.source_groups = _cumulative(
            [(members, weight) for weight, members in world.source_groups] + [(None, PUBLIC_SHARE)]
        )
        self.public_sources = _cumulative(PUBLIC_SOURCES)
        self.assessment_outcomes = _cumulative(ASSESSMENT_OUTCOMES)
        self.s47_outcomes = _cumulative(S47_OUTCOMES)
        self.urgencies = {
            route: _cumulative(list(zip(list(Contact.Urgency), weights, strict=True)))
            for route, weights in URGENCY_WEIGHTS.items()
        }
        self.categories = {
            route: list(weights.items()) for route, weights in CATEGORY_WEIGHTS.items()
        }
        self.rationales = {route: [RATIONALES[route], MORE_RATIONALES[route]] for route in Route}
        self._census_tables()
        self._name_pools()
        # When each family was on a contact, to pick known children from (times ascend).
        self.seen_at, self.seen_family = array("q"), array("q")
        self.referred_at, self.referred_family = array("q"), array("q")
        self.families: dict[int, Family] = {}
        self.frequent_key = 0  # the family of the child who comes back again and again
        # Relationships, warnings and children's voices draw from a stream of their
        # own, so adding them left every other share as it was (hashing ints is stable).
        self.side = random.Random(hash(rng.getstate()))
        self.forgotten_up_to = 0
        self.new_people: list[tuple[Member, int]] = []
        self.late_aliases: list[tuple[int, str, int]] = []
        self.rows: dict[str, list[str]] = {}
        bits = rng.getrandbits(64)
        # Notice references: a random version-4-shaped prefix per run and the notice
        # id, so they are unique without remembering them.
        self.uuid_prefix = (
            f"{bits >> 32:08x}-{bits >> 16 & 0xFFFF:04x}-4{bits >> 4 & 0xFFF:03x}-"
            f"{0x8000 | bits & 0x3FFF:04x}-"
        )

    def _census_tables(self) -> None:
        """The weighted CIN census codes, each checked against the code lists on record
        so a code the DfE has retired (or a list not loaded) fails here, not in a return."""
        world = self.world
        known = {
            (code_list, code) for code_list, codes in world.census_codes.items() for code in codes
        }
        used = [("ethnicity", code) for code, _ in ETHNICITIES if code]
        used += [("disability", code) for code, _ in DISABILITIES]
        used += [
            ("primary_need", code) for weights in PRIMARY_NEEDS.values() for code, _ in weights
        ]
        used += [("reason_for_closure", code) for code, _ in LOOKED_AFTER_CLOSURES]
        used += [("reason_for_closure", code) for code in ("RC5", "RC7", "RC8", "RC9")]
        used += [
            ("assessment_factor", code)
            for weights in [*FACTORS.values(), OTHER_FACTORS]
            for code, _ in weights
        ]
        used += [("assessment_factor", code) for code in ("20", "21")]
        missing = ", ".join(sorted(f"{code_list} {code}" for code_list, code in set(used) - known))
        if missing:
            raise ValueError(f"The CIN census code lists lack {missing}: run migrate to load them.")
        self.ethnicities = _cumulative(ETHNICITIES)
        self.disability_codes = _cumulative(DISABILITIES)
        self.disabled_share = DISABLED_SHARE
        self.disability_order = {code: i for i, code in enumerate(world.census_codes["disability"])}
        self.primary_needs = {category: _cumulative(w) for category, w in PRIMARY_NEEDS.items()}
        self.looked_after_closures = _cumulative(LOOKED_AFTER_CLOSURES)
        self._factor_years: dict[int, dict[str, tuple[list, list[float]]]] = {}

    def _factor_table(self, year: int) -> dict[str, tuple[list, list[float]]]:
        """Factors by concern for one return year, without the codes not valid in it."""
        table = self._factor_years.get(year)
        if table is None:
            valid = self.world.census_valid
            table = {
                key: _cumulative(
                    [(code, w) for code, w in weights if valid("assessment_factor", code, year)]
                    or [("20", 1)]
                )
                for key, weights in [*FACTORS.items(), ("", OTHER_FACTORS)]
            }
            self._factor_years[year] = table
        return table

    def _name_pools(self) -> None:
        def clean(text: str) -> str:
            # COPY's text format would need a tab, newline or backslash escaped.
            return " ".join(text.replace("\\", " ").split())

        rng = self.rng
        self.female = [clean(name) for name in NameProvider.first_names_female]
        self.male = [clean(name) for name in NameProvider.first_names_male]
        names, weights = zip(*NameProvider.last_names.items(), strict=True)
        self.surnames = [clean(name) for name in rng.choices(names, weights=weights, k=5000)]
        self.streets = [
            f"{self._one(self.surnames)} {self._one(STREET_KINDS)}" for _ in range(3000)
        ]
        # Valid in form (GBPostcodeField accepts them) though not real addresses.
        self.postcodes = [
            f"{self._one(POSTCODE_AREAS)}{1 + int(rng.random() * 20)} "
            f"{int(rng.random() * 10)}{self._one(INWARD_LETTERS)}{self._one(INWARD_LETTERS)}"
            for _ in range(5000)
        ]

    # -- small helpers ---------------------------------------------------------------

    def _id(self, table: str) -> int:
        value = self.next_ids[table]
        self.next_ids[table] = value + 1
        return value

    def _one(self, values):
        return values[int(self.rng.random() * len(values))]

    def _between(self, low: float, high: float) -> int:
        return int(low + (high - low) * self.rng.random())

    def _working(self, start: int, low_hours: float, high_hours: float) -> int:
        return self.cal.add_working(start, self._between(low_hours * HOUR, high_hours * HOUR))

    # -- chunks ----------------------------------------------------------------------

    def chunk(self, days: list[tuple[int, int]]) -> _Chunk:
        """Every row for the contacts received on these (day, how many) pairs."""
        self.rows = {table: [] for table in TABLES}
        self._forget(self.cal.midnights[days[0][0]] - FORGET_FAMILY_AFTER)
        made = 0
        for day, count in days:
            for received in sorted(self._received_times(day, count)):
                self._contact(received)
                made += 1
        self._flush_people()
        rows, self.rows = self.rows, {}
        return _Chunk(rows=rows, contacts=made)

    def finish(self) -> _Chunk:
        """Aliases learnt for people whose rows were already written."""
        return _Chunk(rows={}, contacts=0, late_aliases=self.late_aliases)
