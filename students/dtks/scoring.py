"""Field-by-field comparison of pupils with register people, in bulk.

Each field of a (pupil, person) pair gets a level (agree, close, disagree or
missing) and a weight, Fellegi–Sunter style: a positive weight for agreement
that is rare between different people, a negative one for disagreement that
is rare between records of the same person, zero when either side is empty.
The pair's score is the sum. The weights are round numbers calibrated on the
synthetic districts of ``synthetic`` (the quality report shows the effect of
a change); they are exact in binary floating point, so a sum never depends on
the order or the batch it was computed in.

Everything here works on whole arrays of pairs: ``score_pairs`` compares the
pupils ``i[k]`` with the people ``j[k]`` for every ``k`` at once, and the
evidence of one pair is read from the result afterwards.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray
from rapidfuzz import fuzz, process

from students.dtks.names import COMMON_WORDS, match_place, match_tokens

AGREE = "agree"
CLOSE = "close"
DISAGREE = "disagree"
MISSING = "missing"

NIK_LENGTH = 16
_ZEROS = "0" * NIK_LENGTH
# token_set_ratio says 100 when one name's words are all in the other's. A
# dropped word still makes names less alike than a full agreement, and a
# dropped distinctive word (Rizki Pratama against Rizki) much less.
SUBSET_PENALTY = 8
DISTINCT_SUBSET_PENALTY = 20
FORM_CACHE = 200_000


@dataclass(frozen=True)
class Weights:
    """The weight of each level of each field. Levels of the similarity
    fields are (lowest similarity, weight, evidence level), highest first;
    below the last one the ``*_disagree`` weight applies."""

    nik_same: float = 12.0
    # People born on one day in one kecamatan have NIKs one serial digit
    # apart, so a NIK one digit off says little on its own.
    nik_typo: float = 1.0
    nik_differ: float = -8.0
    kk_same: float = 4.0
    kk_differ: float = -1.0
    name: tuple[tuple[int, float, str], ...] = (
        (95, 9.0, AGREE),
        (88, 6.0, CLOSE),
        (80, 3.0, CLOSE),
        (70, -2.0, CLOSE),
    )
    name_disagree: float = -8.0
    birth_date_same: float = 7.0
    birth_date_swapped: float = 3.5
    birth_date_one_day: float = 3.5
    birth_date_one_year: float = 3.0
    birth_date_few_days: float = -3.0
    birth_date_differ: float = -6.0
    gender_same: float = 0.5
    gender_differ: float = -4.0
    mother: tuple[tuple[int, float, str], ...] = (
        (92, 4.0, AGREE),
        (80, 2.5, CLOSE),
        (65, 0.5, CLOSE),
    )
    mother_disagree: float = -3.0
    birth_place: tuple[tuple[int, float, str], ...] = (
        (90, 1.0, AGREE),
        (75, 0.5, CLOSE),
    )
    birth_place_disagree: float = -1.0
    desa_same: float = 2.0
    desa_differ: float = -1.5
    kecamatan_same: float = 1.0
    kecamatan_differ: float = -1.5


DEFAULT_WEIGHTS = Weights()

# Detail codes of the birth date and NIK comparisons, in evidence.
DATE_DETAILS = (
    "missing",
    "same",
    "day_month_swapped",
    "one_day",
    "one_year",
    "few_days",
    "different",
)
NIK_DETAILS = ("missing", "same", "typo", "different")
EQUALITY_DETAILS = ("missing", "same", "different")
FIELDS = (
    "nik",
    "no_kk",
    "name",
    "birth_date",
    "gender",
    "mother_name",
    "birth_place",
    "desa",
    "kecamatan",
)


def usable_nik(value: object, no_kk: object = None) -> str | None:
    """The NIK when it can identify a person: sixteen digits, not a run of
    zeros, and not the family's No KK typed into the NIK column."""
    text = usable_kk(value)
    return None if text is None or text == no_kk else text


def usable_kk(value: object) -> str | None:
    """A No KK (or NIK) of sixteen digits that is not a run of zeros."""
    if type(value) is not str:
        return None
    if len(value) != NIK_LENGTH:
        value = value.strip()
        if len(value) != NIK_LENGTH:
            return None
    if not value.isdigit() or not value.isascii() or value == _ZEROS:
        return None
    return value


def distinctive(words: Sequence[str]) -> tuple[str, ...]:
    """The words of a matching-form name that tell people apart, sorted;
    all of them when every word is a common one."""
    kept = [word for word in words if word not in COMMON_WORDS]
    return tuple(sorted(kept or words))


class PlaceCodes:
    """Small integers for desa and kecamatan names, shared by both sides of
    a match so that places compare as numbers. 0 is "unknown"."""

    def __init__(self) -> None:
        self._codes: dict[str, int] = {"": 0}
        self._forms: dict[str, str] = {}
        self._kecamatan: dict[Any, int] = {}
        self._desa: dict[tuple[Any, Any], int] = {}

    def form(self, value: str) -> str:
        form = self._forms.get(value)
        if form is None:
            form = match_place(value)
            self._forms[value] = form
        return form

    def code(self, form: str) -> int:
        code = self._codes.get(form)
        if code is None:
            code = len(self._codes)
            self._codes[form] = code
        return code

    def kecamatan(self, value: str) -> int:
        code = self._kecamatan.get(value)
        if code is None:
            code = self._kecamatan[value] = self.code(self.form(value or ""))
        return code

    def desa(self, kecamatan: str, desa: str) -> int:
        code = self._desa.get((kecamatan, desa))
        if code is None:
            # Desa names repeat across kecamatan: a desa is known by both.
            form = self.form(desa or "")
            code = self.code(self.form(kecamatan or "") + "/" + form) if form else 0
            self._desa[(kecamatan, desa)] = code
        return code


@dataclass
class Side:
    """One side of a match (pupils or people) as arrays, one entry a record.

    Built by ``prepare``; the names are in matching form (see ``names``).
    """

    keys: list[Any]
    name: NDArray[np.object_]
    name_sorted: NDArray[np.object_]
    distinct: NDArray[np.object_]
    mother: NDArray[np.object_]
    mother_sorted: NDArray[np.object_]
    place: NDArray[np.object_]
    ordinal: NDArray[np.int32]
    year: NDArray[np.int16]
    month: NDArray[np.int8]
    day: NDArray[np.int8]
    gender: NDArray[np.int8]
    desa: NDArray[np.int32]
    kecamatan: NDArray[np.int32]
    nik: NDArray[np.bytes_]
    kk: NDArray[np.bytes_]
    words: list[tuple[str, ...]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.keys)


_GENDER_CODES = {"L": 1, "P": 2}


def prepare(
    records: Sequence[Any], places: PlaceCodes, words: Sequence[tuple[str, ...]]
) -> Side:
    """Arrays of a sequence of pupils or people (anything with the fields of
    ``engine.Student``), whose names' matching-form words are ``words``."""
    ordinals = []
    genders = []
    kecamatans = []
    desas = []
    niks = []
    kks = []
    mothers = []
    mothers_sorted = []
    place_forms = []
    # Siblings share a mother and neighbours a birthplace: each distinct
    # text is normalised once.
    mother_forms: dict[str, tuple[str, str]] = {}
    kecamatan_code = places.kecamatan
    desa_code = places.desa
    place_form = places.form
    for record in records:
        born: date | None = record.birth_date
        ordinals.append(born.toordinal() if born is not None else 0)
        genders.append(_GENDER_CODES.get(record.gender, 0))
        kecamatans.append(kecamatan_code(record.kecamatan))
        desas.append(desa_code(record.kecamatan, record.desa))
        kk = usable_kk(record.no_kk)
        niks.append(usable_nik(record.nik, kk) or "")
        kks.append(kk or "")
        raw_mother = record.mother_name or ""
        forms = mother_forms.get(raw_mother)
        if forms is None:
            mother = match_tokens(raw_mother)
            forms = (" ".join(mother), " ".join(sorted(mother)))
            if len(mother_forms) < FORM_CACHE:
                mother_forms[raw_mother] = forms
        mothers.append(forms[0])
        mothers_sorted.append(forms[1])
        place_forms.append(place_form(record.birth_place or ""))

    names, names_sorted, distinct = _name_forms(words)
    ordinal = np.array(ordinals, np.int32)
    year, month, day = _calendar(ordinal)
    return Side(
        keys=[record.key for record in records],
        name=names,
        name_sorted=names_sorted,
        distinct=distinct,
        mother=_objects(mothers),
        mother_sorted=_objects(mothers_sorted),
        place=_objects(place_forms),
        ordinal=ordinal,
        year=year,
        month=month,
        day=day,
        gender=np.array(genders, np.int8),
        desa=np.array(desas, np.int32),
        kecamatan=np.array(kecamatans, np.int32),
        nik=np.array(niks, dtype=f"S{NIK_LENGTH}"),
        kk=np.array(kks, dtype=f"S{NIK_LENGTH}"),
        words=list(words),
    )


def _name_forms(
    words: Sequence[tuple[str, ...]],
) -> tuple[NDArray[np.object_], NDArray[np.object_], NDArray[np.object_]]:
    """The whole, sorted and distinctive forms of each name."""
    cache: dict[tuple[str, ...], tuple[str, str, str]] = {}
    whole, ordered, distinct = [], [], []
    for name in words:
        forms = cache.get(name)
        if forms is None:
            forms = (
                " ".join(name),
                " ".join(sorted(name)),
                " ".join(distinctive(name)),
            )
            if len(cache) < FORM_CACHE:
                cache[name] = forms
        whole.append(forms[0])
        ordered.append(forms[1])
        distinct.append(forms[2])
    return _objects(whole), _objects(ordered), _objects(distinct)


# Ordinal of 1 January 1970, day 0 of numpy's datetime64.
_EPOCH = date(1970, 1, 1).toordinal()


def _calendar(
    ordinal: NDArray[np.int32],
) -> tuple[NDArray[np.int16], NDArray[np.int8], NDArray[np.int8]]:
    """Year, month and day of each date ordinal; zeros where it is 0."""
    days = (ordinal.astype(np.int64) - _EPOCH).astype("datetime64[D]")
    years = days.astype("datetime64[Y]")
    months = days.astype("datetime64[M]")
    year = years.astype(np.int64) + 1970
    month = (months - years.astype("datetime64[M]")).astype(np.int64) + 1
    day = (days - months.astype("datetime64[D]")).astype(np.int64) + 1
    missing = ordinal == 0
    year[missing] = month[missing] = day[missing] = 0
    return year.astype(np.int16), month.astype(np.int8), day.astype(np.int8)


def _objects(values: Any) -> NDArray[np.object_]:
    items = list(values)
    array = np.empty(len(items), dtype=object)
    array[:] = items
    return array


class Scores(NamedTuple):
    """The comparison of pairs ``(i[k], j[k])``: total score, and per field a
    level index into that field's levels and a similarity (0–100) where
    the field has one."""

    total: NDArray[np.float64]
    levels: dict[str, NDArray[np.int8]]
    similarity: dict[str, NDArray[np.uint8]]
    weight: dict[str, NDArray[np.float64]]


def score_pairs(
    students: Side,
    people: Side,
    i: NDArray[np.intp],
    j: NDArray[np.intp],
    weights: Weights = DEFAULT_WEIGHTS,
) -> Scores:
    """Compare pupil ``i[k]`` with person ``j[k]`` for every ``k``."""
    levels: dict[str, NDArray[np.int8]] = {}
    similarity: dict[str, NDArray[np.uint8]] = {}
    weight: dict[str, NDArray[np.float64]] = {}

    levels["nik"], weight["nik"] = _nik(students.nik[i], people.nik[j], weights)
    levels["no_kk"], weight["no_kk"] = _equal(
        students.kk[i] != b"",
        people.kk[j] != b"",
        students.kk[i] == people.kk[j],
        weights.kk_same,
        weights.kk_differ,
    )

    name = name_similarity(students, people, i, j)
    similarity["name"] = name
    levels["name"], weight["name"] = _banded(
        name, np.ones(len(i), bool), weights.name, weights.name_disagree
    )

    levels["birth_date"], weight["birth_date"] = _birth_date(
        students, people, i, j, weights
    )

    levels["gender"], weight["gender"] = _equal(
        students.gender[i] != 0,
        people.gender[j] != 0,
        students.gender[i] == people.gender[j],
        weights.gender_same,
        weights.gender_differ,
    )

    mother_s, mother_p = students.mother[i], people.mother[j]
    mother = _similar(
        mother_s,
        mother_p,
        students.mother_sorted[i],
        people.mother_sorted[j],
    )
    similarity["mother_name"] = mother
    present = (mother_s != "") & (mother_p != "")
    levels["mother_name"], weight["mother_name"] = _banded(
        mother, present, weights.mother, weights.mother_disagree
    )

    place_s, place_p = students.place[i], people.place[j]
    place = _cpdist(place_s, place_p, fuzz.ratio)
    similarity["birth_place"] = place
    present = (place_s != "") & (place_p != "")
    levels["birth_place"], weight["birth_place"] = _banded(
        place, present, weights.birth_place, weights.birth_place_disagree
    )

    levels["desa"], weight["desa"] = _equal(
        students.desa[i] != 0,
        people.desa[j] != 0,
        students.desa[i] == people.desa[j],
        weights.desa_same,
        weights.desa_differ,
    )
    levels["kecamatan"], weight["kecamatan"] = _equal(
        students.kecamatan[i] != 0,
        people.kecamatan[j] != 0,
        students.kecamatan[i] == people.kecamatan[j],
        weights.kecamatan_same,
        weights.kecamatan_differ,
    )

    total = np.zeros(len(i), np.float64)
    for name_of_field in FIELDS:
        total += weight[name_of_field]
    return Scores(total, levels, similarity, weight)


def upper_bound(
    students: Side,
    people: Side,
    i: NDArray[np.intp],
    j: NDArray[np.intp],
    weights: Weights = DEFAULT_WEIGHTS,
) -> NDArray[np.float64]:
    """The highest score each pair can reach: its exact weights for the
    fields that compare as numbers, the best possible weight for names,
    mothers and birthplaces. Pairs below the lowest score that can matter
    need no string comparison."""
    total = _nik(students.nik[i], people.nik[j], weights)[1]
    total += _equal(
        students.kk[i] != b"",
        people.kk[j] != b"",
        students.kk[i] == people.kk[j],
        weights.kk_same,
        weights.kk_differ,
    )[1]
    total += _birth_date(students, people, i, j, weights)[1]
    total += _equal(
        students.gender[i] != 0,
        people.gender[j] != 0,
        students.gender[i] == people.gender[j],
        weights.gender_same,
        weights.gender_differ,
    )[1]
    total += _equal(
        students.desa[i] != 0,
        people.desa[j] != 0,
        students.desa[i] == people.desa[j],
        weights.desa_same,
        weights.desa_differ,
    )[1]
    total += _equal(
        students.kecamatan[i] != 0,
        people.kecamatan[j] != 0,
        students.kecamatan[i] == people.kecamatan[j],
        weights.kecamatan_same,
        weights.kecamatan_differ,
    )[1]
    best = weights.name[0][1] + weights.mother[0][1] + weights.birth_place[0][1]
    return total + best


def name_similarity(
    students: Side, people: Side, i: NDArray[np.intp], j: NDArray[np.intp]
) -> NDArray[np.uint8]:
    """How alike two names are, 0–100, after normalisation.

    The lower of two similarities: of the whole names, and of their
    distinctive words only, so that a shared Muhammad or Siti does not make
    Muhammad Rizki look like Muhammad Fauzi. Each is word-order blind and
    treats a dropped word (Muhammad Rizki against Rizki) as close.
    """
    whole = _similar(
        students.name[i], people.name[j], students.name_sorted[i], people.name_sorted[j]
    )
    distinct_s, distinct_p = students.distinct[i], people.distinct[j]
    words = _similar(
        distinct_s, distinct_p, distinct_s, distinct_p, DISTINCT_SUBSET_PENALTY
    )
    return np.minimum(whole, words)


def _similar(
    first: NDArray[np.object_],
    second: NDArray[np.object_],
    first_sorted: NDArray[np.object_],
    second_sorted: NDArray[np.object_],
    penalty: int = SUBSET_PENALTY,
) -> NDArray[np.uint8]:
    ordered = _cpdist(first_sorted, second_sorted, fuzz.ratio)
    subset = _cpdist(first, second, fuzz.token_set_ratio).astype(np.int16)
    subset = np.clip(subset - penalty, 0, 100).astype(np.uint8)
    return np.maximum(ordered, subset)


def _cpdist(
    first: NDArray[np.object_], second: NDArray[np.object_], scorer: Any
) -> NDArray[np.uint8]:
    if len(first) == 0:
        return np.zeros(0, np.uint8)
    result = process.cpdist(list(first), list(second), scorer=scorer, dtype=np.uint8)
    return np.asarray(result, dtype=np.uint8)


def _banded(
    similarity: NDArray[np.uint8],
    present: NDArray[np.bool_],
    bands: tuple[tuple[int, float, str], ...],
    disagree: float,
) -> tuple[NDArray[np.int8], NDArray[np.float64]]:
    # Level 0 is "missing", 1.. the bands from the highest, then disagree.
    level = np.full(len(similarity), len(bands) + 1, np.int8)
    weight = np.full(len(similarity), disagree, np.float64)
    for index in range(len(bands) - 1, -1, -1):
        lowest, value, _evidence = bands[index]
        hit = similarity >= lowest
        level[hit] = index + 1
        weight[hit] = value
    level[~present] = 0
    weight[~present] = 0.0
    return level, weight


def _equal(
    first_present: NDArray[np.bool_],
    second_present: NDArray[np.bool_],
    same: NDArray[np.bool_],
    agree: float,
    disagree: float,
) -> tuple[NDArray[np.int8], NDArray[np.float64]]:
    present = first_present & second_present
    level = np.where(present, np.where(same, 1, 2), 0).astype(np.int8)
    weight = np.where(present, np.where(same, agree, disagree), 0.0)
    return level, weight.astype(np.float64)


def _nik(
    first: NDArray[np.bytes_], second: NDArray[np.bytes_], weights: Weights
) -> tuple[NDArray[np.int8], NDArray[np.float64]]:
    present = (first != b"") & (second != b"")
    level = np.zeros(len(first), np.int8)
    weight = np.zeros(len(first), np.float64)
    if not present.any():
        return level, weight

    digits_a = first.view(np.uint8).reshape(-1, NIK_LENGTH)
    digits_b = second.view(np.uint8).reshape(-1, NIK_LENGTH)
    differs = digits_a != digits_b
    distance = differs.sum(axis=1)
    typo = present & (distance == 1)

    # Two digits swapped anywhere in the number.
    two = np.flatnonzero(present & (distance == 2))
    if len(two):
        positions = np.nonzero(differs[two])[1].reshape(-1, 2)
        rows_a, rows_b = digits_a[two], digits_b[two]
        first_pos, second_pos = positions[:, 0], positions[:, 1]
        span = np.arange(len(two))
        swapped = (rows_a[span, first_pos] == rows_b[span, second_pos]) & (
            rows_a[span, second_pos] == rows_b[span, first_pos]
        )
        typo[two[swapped]] = True

    same = present & (distance == 0)
    level[present] = 3
    weight[present] = weights.nik_differ
    level[typo] = 2
    weight[typo] = weights.nik_typo
    level[same] = 1
    weight[same] = weights.nik_same
    return level, weight


def _birth_date(
    students: Side,
    people: Side,
    i: NDArray[np.intp],
    j: NDArray[np.intp],
    weights: Weights,
) -> tuple[NDArray[np.int8], NDArray[np.float64]]:
    first, second = students.ordinal[i], people.ordinal[j]
    present = (first != 0) & (second != 0)
    gap = np.abs(first.astype(np.int64) - second)
    year_a, year_b = students.year[i], people.year[j]
    month_a, month_b = students.month[i], people.month[j]
    day_a, day_b = students.day[i], people.day[j]

    swapped = (year_a == year_b) & (month_a == day_b) & (day_a == month_b)
    one_year = (month_a == month_b) & (day_a == day_b) & (np.abs(year_a - year_b) == 1)

    # Checked from the weakest to the strongest so that the strongest wins.
    level = np.full(len(i), 6, np.int8)
    weight = np.full(len(i), weights.birth_date_differ, np.float64)
    for hit, code, value in (
        (gap <= 7, 5, weights.birth_date_few_days),
        (one_year, 4, weights.birth_date_one_year),
        (gap == 1, 3, weights.birth_date_one_day),
        (swapped, 2, weights.birth_date_swapped),
        (gap == 0, 1, weights.birth_date_same),
    ):
        level[hit] = code
        weight[hit] = value
    level[~present] = 0
    weight[~present] = 0.0
    return level, weight


def evidence(scores: Scores, index: int, weights: Weights = DEFAULT_WEIGHTS) -> dict:
    """The evidence of pair ``index`` of ``scores``: for each field its level
    (agree, close, disagree, missing), its weight, and a detail code or a
    similarity where the field has one. JSON-serialisable."""
    result: dict[str, dict[str, Any]] = {}
    for name in FIELDS:
        level = int(scores.levels[name][index])
        entry: dict[str, Any] = {
            "level": _evidence_level(name, level, weights),
            "weight": float(scores.weight[name][index]),
        }
        if name in scores.similarity:
            entry["similarity"] = int(scores.similarity[name][index])
        elif name == "nik":
            entry["detail"] = NIK_DETAILS[level]
        elif name == "birth_date":
            entry["detail"] = DATE_DETAILS[level]
        else:
            entry["detail"] = EQUALITY_DETAILS[level]
        result[name] = entry
    return result


def _evidence_level(name: str, level: int, weights: Weights) -> str:
    if level == 0:
        return MISSING
    bands = {
        "name": weights.name,
        "mother_name": weights.mother,
        "birth_place": weights.birth_place,
    }.get(name)
    if bands is not None:
        return bands[level - 1][2] if level <= len(bands) else DISAGREE
    if name == "nik":
        return (AGREE, CLOSE, DISAGREE)[level - 1]
    if name == "birth_date":
        return (AGREE, CLOSE, CLOSE, CLOSE, DISAGREE, DISAGREE)[level - 1]
    return AGREE if level == 1 else DISAGREE
