"""Finding the person records a subject on a contact may be.

Each candidate is scored on name likeness, date of birth and postcode, with the
reasons a screener will see; only a score of CANDIDATE_THRESHOLD is offered. The
scoring decides what the search must find, which keeps it to B-tree look-ups that
stay fast with millions of people (docs/adr/0010-matching-at-national-scale.md):

- the same date of birth: any name resemblance can reach the threshold, so every
  person born that day whose first or last name starts with either given initial
  is scored (both initials mistyped as well as the names being alike is too rare
  to pay for reading everyone born that day);
- otherwise the names must be nearly the same (a date one typing slip away scores
  0.1, a missing date 0, a different date -0.3, so the names carry the rest), and
  names that nearly match sound alike: both names' Double Metaphone codes, either
  way round.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace

from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection
from django.db.models import Case, Q, QuerySet, Value, When
from django.db.models.functions import Greatest, Left, Lower
from django.db.models.lookups import GreaterThanOrEqual

from referrals.models import DoubleMetaphone, Person

# pg_trgm's similarity threshold for the % operator (pg_trgm.similarity_threshold),
# which the app leaves at its default; the name search tests it without the operator too.
SIMILAR = 0.3
CANDIDATE_THRESHOLD = 0.5
CANDIDATE_LIMIT = 5
CANDIDATE_POOL = 50
SOUNDS_ALIKE_BONUS = 0.15


@dataclass(frozen=True)
class Candidate:
    person_id: int
    score: float
    reasons: list[str]


def _date_points(given: date | None, recorded: date | None) -> tuple[float, str | None]:
    if given is None or recorded is None:
        return 0.0, None
    if given == recorded:
        return 0.35, "Same date of birth"
    transposed = given.year == recorded.year and (given.day, given.month) == (
        recorded.month,
        recorded.day,
    )
    one_off = (
        sum([given.year != recorded.year, given.month != recorded.month, given.day != recorded.day])
        == 1
    )
    if transposed or one_off:
        return 0.1, "Date of birth differs in one part (possible typing error)"
    return -0.3, "Different date of birth"


def _with_names(people: QuerySet[Person]) -> QuerySet[Person]:
    """The forms of each name that the indexes on Person hold: lower case (trigram
    indexes) and Double Metaphone codes (the sound-alike index)."""
    return people.annotate(
        first_lower=Lower("first_name"),
        last_lower=Lower("last_name"),
        last_sound=DoubleMetaphone("last_name"),
        first_sound=DoubleMetaphone("first_name"),
    )


def _sounds_alike(first_name: str, last_name: str) -> Q:
    """Both names sound like those given, either way round (on ``_with_names``)."""
    first_sound, last_sound = DoubleMetaphone(Value(first_name)), DoubleMetaphone(Value(last_name))
    return (Q(last_sound=last_sound) & Q(first_sound=first_sound)) | (
        Q(last_sound=first_sound) & Q(first_sound=last_sound)
    )


def _likeness(first: str, last: str) -> Greatest:
    """How alike the names are, 0 to 2: trigram similarity of each name, either way
    round, whichever is closer (on ``_with_names``; ``first`` and ``last`` lower case)."""
    return Greatest(
        TrigramSimilarity("first_lower", first) + TrigramSimilarity("last_lower", last),
        TrigramSimilarity("first_lower", last) + TrigramSimilarity("last_lower", first),
    )


def _similar(column: str, word: str, *, by_index: bool) -> Q:
    """``column`` (on ``_with_names``) trigram-similar to ``word``: pg_trgm's ``%``, which
    the trigram index serves, or (``by_index=False``) the very same test written as
    ``similarity() >= SIMILAR``, which no index serves, for rows another index has
    already narrowed to a few."""
    if by_index:
        return Q(**{f"{column}__trigram_similar": word})
    return Q(GreaterThanOrEqual(TrigramSimilarity(column, word), Value(SIMILAR)))


def people_named_like(name: str, *, among_few: bool = False) -> QuerySet[Person]:
    """People whose name is like ``name`` (as typed into a search: one name, or first
    and last in either order), annotated ``likeness`` to order them by: the same
    measures as ``likely_matches``, with no date to lean on, so the name must carry
    it. Two or more words: both names trigram-similar (pg_trgm's ``%``, either way
    round) or both sounding alike. One word: either name like it, or the surname
    sounding like it.

    Alone, the names are found from their indexes: both names in one scan of
    ``person_names_trgm``, the sounds from ``person_name_sounds_idx``. ``among_few``:
    the caller narrows the people by something more selective (a date of birth), so
    the names are checked on those rows only, by the same tests in a form no index
    serves: PostgreSQL then starts from the caller's index, never from the names (a
    common first name is thousands of rows). Either way the same people are found."""
    words = name.lower().split()
    if not words:
        return Person.objects.none()
    first, last = words[0], words[-1]
    by_index = not among_few
    if len(words) == 1:
        like = (
            _similar("last_lower", first, by_index=by_index)
            | _similar("first_lower", first, by_index=by_index)
            | Q(last_sound=DoubleMetaphone(Value(first)))
        )
    else:
        like = (
            (
                _similar("first_lower", first, by_index=by_index)
                & _similar("last_lower", last, by_index=by_index)
            )
            | (
                _similar("first_lower", last, by_index=by_index)
                & _similar("last_lower", first, by_index=by_index)
            )
            | _sounds_alike(first, last)
        )
    return (
        _with_names(Person.objects.current()).filter(like).annotate(likeness=_likeness(first, last))
    )


def _people_alike(
    *, first: str, last: str, first_name: str, last_name: str, date_of_birth, initials
) -> QuerySet[Person]:
    """The pool ``likely_matches`` scores, best CANDIDATE_POOL first, with the measures
    its reasons use (``first``/``last`` lower case; ``initials`` both names' first
    letters). With many look-alikes, they are ranked in SQL first so the best are never
    cut off; only the ranking's own measures are worked out for everyone in the pool
    (many born that day may share an initial), the reasons' for the best only."""
    sounds_alike = _sounds_alike(first_name, last_name)
    born_that_day = (
        Q(date_of_birth=date_of_birth)
        & (Q(first_initial__in=initials) | Q(last_initial__in=initials))
        if date_of_birth
        else Q(pk__in=[])
    )
    likeness = _likeness(first, last) + Case(
        When(date_of_birth=date_of_birth, then=Value(1.0)), default=Value(0.0)
    )
    pool = (
        _with_names(Person.objects.current())
        .annotate(
            first_initial=Left(Lower("first_name"), 1), last_initial=Left(Lower("last_name"), 1)
        )
        .filter(born_that_day | sounds_alike)
        .annotate(likeness=likeness)
        .order_by("-likeness", "pk")
        .values("pk")[:CANDIDATE_POOL]
    )
    return (
        _with_names(Person.objects.filter(pk__in=pool))
        .annotate(
            first_similarity=TrigramSimilarity("first_lower", first),
            last_similarity=TrigramSimilarity("last_lower", last),
            swapped_first_similarity=TrigramSimilarity("first_lower", last),
            swapped_last_similarity=TrigramSimilarity("last_lower", first),
            given_first_sound=DoubleMetaphone(Value(first_name)),
            given_last_sound=DoubleMetaphone(Value(last_name)),
            likeness=likeness,
        )
        .order_by("-likeness", "pk")
        .values(
            "id",
            "date_of_birth",
            "expected_date_of_birth",
            "postcode",
            "first_sound",
            "last_sound",
            "first_similarity",
            "last_similarity",
            "swapped_first_similarity",
            "swapped_last_similarity",
            "given_first_sound",
            "given_last_sound",
        )
    )


# Stand-ins for what is looked up, distinct from any value the query holds of itself:
# the query is compiled once per shape with these, then run with the real values in
# their places (building it through the ORM took longer than running it: intake
# matches every person on every contact, and a force's file thousands at a time).
_GIVEN = {
    "first": "\x01first",
    "last": "\x01last",
    "first_name": "\x01First",
    "last_name": "\x01Last",
    "date_of_birth": date(1, 1, 2),
}
_INITIALS = ("\x01i", "\x01j")
_compiled: dict[tuple[bool, int], tuple[str, tuple]] = {}


def _people_alike_rows(*, date_of_birth: date | None, initials: list[str], **given) -> list:
    # Without a date of birth, the initials are not looked at.
    shape = (date_of_birth is not None, len(initials) if date_of_birth else 0)
    if shape not in _compiled:
        stand_ins = _INITIALS[: shape[1]]
        query = _people_alike(
            **{name: _GIVEN[name] for name in given},
            date_of_birth=_GIVEN["date_of_birth"] if date_of_birth else None,
            initials=list(stand_ins),
        ).query
        sql, params = query.sql_with_params()
        wanted = {*(_GIVEN[name] for name in given), *stand_ins}
        if date_of_birth:
            wanted.add(_GIVEN["date_of_birth"])
        if not wanted <= {param for param in params if isinstance(param, str | date)}:
            # Every stand-in must be a parameter, never written into the SQL itself.
            raise RuntimeError("Matching's query no longer takes what it looks up as parameters")
        _compiled[shape] = (sql, params)
    sql, template = _compiled[shape]
    values = {
        **{_GIVEN[name]: value for name, value in given.items()},
        _GIVEN["date_of_birth"]: date_of_birth,
        **dict(zip(_INITIALS, initials, strict=False)),
    }
    params = [
        values.get(param, param) if isinstance(param, str | date) else param for param in template
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = [column.name for column in cursor.description]
        return [
            SimpleNamespace(**dict(zip(columns, row, strict=True))) for row in cursor.fetchall()
        ]


def likely_matches(
    *,
    first_name: str,
    last_name: str,
    date_of_birth: date | None,
    postcode: str = "",
    limit: int = CANDIDATE_LIMIT,
) -> list[Candidate]:
    first, last = first_name.strip().lower(), last_name.strip().lower()
    if not first and not last:
        return []
    people = _people_alike_rows(
        first=first,
        last=last,
        first_name=first_name,
        last_name=last_name,
        date_of_birth=date_of_birth,
        initials=sorted({first[:1], last[:1]}),
    )
    candidates = []
    for person in people:
        reasons = []
        direct = (person.first_similarity + person.last_similarity) / 2
        swapped = (person.swapped_first_similarity + person.swapped_last_similarity) / 2
        name_score = max(direct, swapped)
        if swapped > direct and swapped > 0.6:
            reasons.append("First and last names swapped")
        elif direct == 1:
            reasons.append("Same name")
        else:
            reasons.append(f"Similar name ({direct:.0%} alike)")
        if person.last_sound == person.given_last_sound and person.last_sound:
            name_score += SOUNDS_ALIKE_BONUS / 2
            if person.first_sound == person.given_first_sound and direct < 1:
                name_score += SOUNDS_ALIKE_BONUS / 2
                reasons.append("Names sound alike")
        points, date_reason = _date_points(
            date_of_birth, person.date_of_birth or person.expected_date_of_birth
        )
        if date_reason:
            reasons.append(date_reason)
        score = min(name_score, 1.0) * 0.65 + points
        if (
            postcode
            and person.postcode
            and postcode.replace(" ", "").upper() == (person.postcode.replace(" ", "").upper())
        ):
            score += 0.1
            reasons.append("Same postcode")
        if score >= CANDIDATE_THRESHOLD:
            candidates.append(Candidate(person.id, round(score, 3), reasons))
    candidates.sort(key=lambda candidate: candidate.score, reverse=True)
    return candidates[:limit]
