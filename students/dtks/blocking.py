"""Which register people a pupil is compared with, and how work is split.

Comparing every pupil with every person is out of reach for a whole
register, so candidates come from blocks: people who share a blocking key
with the pupil. Three passes with independent keys make sure that one wrong
field does not hide the true person:

``birth_date``
    the pupil's birth date and its usual errors (day and month swapped, a
    day off, a year off) against the person's birth date;
``kecamatan_name``
    the kecamatan, a phonetic key of one distinctive word of the name and a
    birth year at most ``YEAR_WINDOW`` years off, for a birth date that is
    wrong in another way (any year for a pupil without a birth date);
``name_birth_year``
    a name key and the birth year across the whole register, for a family
    that moved to another kecamatan.

Plus the direct look-ups of the first two matching methods: the same NIK,
and everyone in the family with the same No KK.

``RegisterFilter`` gathers all the keys a set of pupils needs, so that a
worker matching one part of the pupils loads only the people that can be
candidates for them; ``split_students`` cuts the pupils into such parts.
Since every candidate of a pupil is among the people its keys select, a part
matched against its filtered register gives exactly the results it gets in
a run over everything.
"""

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from students.dtks.names import match_place, match_tokens, name_keys
from students.dtks.scoring import usable_kk, usable_nik

YEAR_WINDOW = 3


def date_variants(born: date) -> set[int]:
    """Ordinals of a birth date and of the dates it is often mistaken for:
    day and month swapped, one day either side, the same day a year either
    side."""
    variants = {born.toordinal() + shift for shift in (-1, 0, 1)}
    candidates = [(born.year, born.day, born.month)]
    candidates += [(born.year + shift, born.month, born.day) for shift in (-1, 1)]
    for year, month, day in candidates:
        try:
            variants.add(date(year, month, day).toordinal())
        except ValueError:
            continue
    return variants


@lru_cache(maxsize=65536)
def words_of_name(name: str) -> tuple[str, ...]:
    """The matching-form words of a name (cached: names repeat)."""
    return match_tokens(name)


@lru_cache(maxsize=65536)
def keys_of_words(words: tuple[str, ...]) -> tuple[str, ...]:
    return name_keys(" ".join(words))


@lru_cache(maxsize=8192)
def place_form(value: str) -> str:
    return match_place(value)


def year_window(year: int) -> range:
    """The birth years a pupil born in ``year`` is looked for in the
    ``kecamatan_name`` pass."""
    return range(year - YEAR_WINDOW, year + YEAR_WINDOW + 1)


@dataclass
class RegisterFilter:
    """Every key by which a person can be a candidate for a set of pupils.

    The sets are plain values so that a worker can turn them into a
    database query: ``birth_dates`` as dates, ``niks`` and ``kks`` as text,
    ``kecamatan_keys`` as (kecamatan in ``names.match_place`` form, name
    key, birth year), ``undated_keys`` as (kecamatan, name key) for any
    birth year, and ``year_keys`` as (name key, birth year); a name key is
    one of ``names.name_keys`` of the person's matching-form name.
    ``wants`` checks one person in memory.
    """

    birth_dates: set[date] = field(default_factory=set)
    niks: set[str] = field(default_factory=set)
    kks: set[str] = field(default_factory=set)
    kecamatan_keys: set[tuple[str, str, int]] = field(default_factory=set)
    undated_keys: set[tuple[str, str]] = field(default_factory=set)
    year_keys: set[tuple[str, int]] = field(default_factory=set)
    person_keys: set[Hashable] = field(default_factory=set)

    @classmethod
    def for_students(
        cls,
        students: Iterable[Any],
        decisions: Mapping[tuple[Hashable, Hashable], bool] | None = None,
    ) -> "RegisterFilter":
        """The keys the ``students`` need; the people of "same person"
        ``decisions`` about them are wanted too."""
        wanted = cls()
        ordinals: set[int] = set()
        own: set[Hashable] = set()
        for student in students:
            own.add(student.key)
            kk = usable_kk(student.no_kk)
            nik = usable_nik(student.nik, kk)
            if nik:
                wanted.niks.add(nik)
            if kk:
                wanted.kks.add(kk)
            if student.birth_date is not None:
                ordinals |= date_variants(student.birth_date)

            keys = keys_of_words(words_of_name(student.name or ""))
            kecamatan = place_form(student.kecamatan or "")
            born = student.birth_date
            for key in keys:
                if born is None:
                    if kecamatan:
                        wanted.undated_keys.add((kecamatan, key))
                    continue
                wanted.year_keys.add((key, born.year))
                if kecamatan:
                    wanted.kecamatan_keys.update(
                        (kecamatan, key, year) for year in year_window(born.year)
                    )

        wanted.birth_dates = {date.fromordinal(ordinal) for ordinal in ordinals}
        if decisions:
            wanted.person_keys = {
                person
                for (student, person), same in decisions.items()
                if same and student in own
            }
        return wanted

    def wants(self, person: Any) -> bool:
        """True when ``person`` can be a candidate for one of the pupils."""
        keys = keys_of_words(words_of_name(person.name or ""))
        return self.wants_with_keys(person, keys)

    def wants_with_keys(self, person: Any, keys: tuple[str, ...]) -> bool:
        """``wants`` for a person whose name keys are already known."""
        born = person.birth_date
        if born in self.birth_dates or person.key in self.person_keys:
            return True
        if person.no_kk in self.kks and usable_kk(person.no_kk):
            return True
        if person.nik in self.niks and usable_nik(person.nik, person.no_kk):
            return True
        if not keys or (born is None and not self.undated_keys):
            return False

        kecamatan = place_form(person.kecamatan or "")
        for key in keys:
            if (kecamatan, key) in self.undated_keys:
                return True
            if born is not None and (
                (key, born.year) in self.year_keys
                or (kecamatan, key, born.year) in self.kecamatan_keys
            ):
                return True
        return False


def block_of(student: Any, by: str = "kecamatan") -> str:
    """The label of the block a pupil falls in when work is split ``by``
    ``"kecamatan"`` or ``"birth_year"``; ``""`` when the field is empty."""
    if by == "kecamatan":
        return place_form(student.kecamatan or "")
    if by == "birth_year":
        return str(student.birth_date.year) if student.birth_date else ""
    raise ValueError(by)


def split_students(
    students: Sequence[Any], parts: int, by: str = "kecamatan"
) -> list[list[Any]]:
    """The pupils cut into at most ``parts`` lists by block (see
    ``block_of``), whole blocks kept together: the largest block first, each
    into the part with the fewest pupils so far. The same pupils always give
    the same parts.

    Any split gives the same results; splitting by block keeps each part's
    register (its ``RegisterFilter``) small.
    """
    if parts < 1:
        raise ValueError(parts)
    blocks: dict[str, list[Any]] = {}
    for student in students:
        blocks.setdefault(block_of(student, by), []).append(student)

    result: list[list[Any]] = [[] for _ in range(parts)]
    for label in sorted(blocks, key=lambda label: (-len(blocks[label]), label)):
        smallest = min(range(parts), key=lambda index: (len(result[index]), index))
        result[smallest].extend(blocks[label])
    return [part for part in result if part]
