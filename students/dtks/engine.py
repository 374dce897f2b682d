"""Matching pupils to the DTKS register, in memory.

``match_students`` takes pupils and register people as plain tuples and
returns one ``MatchResult`` per pupil: the person it is (or none), how that
was found, the score with its evidence per field, and the decision: matched
(automatic), review (a verifier decides between the candidates) or
unmatched. The methods, in order:

1. ``nik``: the same usable NIK. Matched when the name and birth date
   confirm it; an exact NIK under a name that strongly disagrees goes to
   review whatever else is found, since a mistyped NIK can be someone
   else's.
2. ``kk``: the same No KK, and among that family a person who matches.
3. ``fuzzy``: candidates from the blocking passes of ``blocking``, names
   compared with rapidfuzz block by block, then every field scored.

Prior decisions of verifiers come first: a pair marked "same person" is the
result (method ``manual``); a pair marked "not this person" is never
proposed again.

A pupil's result depends only on that pupil, the people that can be its
candidates, the decisions and the thresholds. The order of the inputs, and
how the pupils are split between workers (see ``blocking.split_students``
and ``blocking.RegisterFilter``), change nothing.
"""

import logging
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple, TypeAlias

import numpy as np
from numpy.typing import NDArray
from rapidfuzz import fuzz, process

from students.dtks.blocking import (
    RegisterFilter,
    date_variants,
    keys_of_words,
    words_of_name,
    year_window,
)
from students.dtks.choices import Decision, Method
from students.dtks.reader import CHILD, HEAD, SPOUSE
from students.dtks.scoring import (
    DEFAULT_WEIGHTS,
    PlaceCodes,
    Scores,
    Weights,
    evidence,
    prepare,
    score_pairs,
    upper_bound,
)

logger = logging.getLogger(__name__)

# A pupil's or a person's key: any hashable value, all of one orderable type
# (ints or strings), since ties between candidates are broken by key.
Key: TypeAlias = Any

# How alike two names must be (fuzz.ratio of their distinctive words, 0-100)
# for a blocked pair to be scored at all. Pairs from the birth date pass
# have the date in their favour; the name passes are there for a wrong
# birth date, and without the date's weight only a strongly agreeing name
# (a name weight above zero, see scoring.Weights) can reach a review.
NAME_FLOOR = 50
NAME_FLOOR_WITHOUT_DATE = 80
# Largest block compared in one cdist call, in pairs; bigger blocks are cut
# by pupils, which changes nothing in the results.
BLOCK_CELLS = 2_000_000
NAME_CACHE = 200_000


class Student(NamedTuple):
    """A pupil as the matcher sees it; text fields may be empty."""

    key: Key
    nik: str | None
    no_kk: str | None
    name: str
    gender: str | None
    birth_date: date | None
    birth_place: str
    mother_name: str
    desa: str
    kecamatan: str


class Person(NamedTuple):
    """A person of a register snapshot. ``mother_name`` is the mother in the
    family: the register's NAMA_IBU_KANDUNG, else see
    ``with_family_mothers``."""

    key: Key
    dtks_id: str
    nik: str | None
    no_kk: str | None
    name: str
    gender: str | None
    birth_date: date | None
    birth_place: str
    relationship: str
    mother_name: str
    desa: str
    kecamatan: str
    desil: int | None


@dataclass(frozen=True)
class Thresholds:
    """When a score is a match. ``match``: lowest score of an automatic
    match; ``margin``: how far it must be ahead of the next different
    person; ``review``: lowest score worth a verifier's look;
    ``name_veto``: name similarity (0-100) under which an exact NIK is
    doubted; ``candidates``: most candidates shown in review;
    ``corroboration``: the weight the mother's name or the desa must add
    for a match found by name and birth date alone (see ``_corroborated``).
    """

    match: float = 15.0
    review: float = 9.0
    margin: float = 4.0
    name_veto: int = 60
    candidates: int = 5
    corroboration: float = 2.0


class Candidate(NamedTuple):
    person_key: Key
    method: str
    score: float
    evidence: dict[str, dict[str, Any]]


class MatchResult(NamedTuple):
    """The outcome for one pupil.

    ``person_key`` is set for a match only; for review, ``candidates`` are
    the people to choose from, best first, and ``method``, ``score`` and
    ``evidence`` describe the first. An unmatched pupil has neither.
    """

    student_key: Key
    person_key: Key | None
    method: str
    score: float
    decision: str
    evidence: dict[str, dict[str, Any]]
    candidates: tuple[Candidate, ...] = ()


def with_family_mothers(people: Iterable[Person]) -> list[Person]:
    """The people, each child without a mother's name given the name of the
    woman of its family (the wife, or the head when a woman), found by No
    KK. Other members keep what they have."""
    people = list(people)
    mothers: dict[str, str] = {}
    for person in people:
        if not person.no_kk or person.gender != "P":
            continue
        if person.relationship == SPOUSE or (
            person.relationship == HEAD and person.no_kk not in mothers
        ):
            mothers[person.no_kk] = person.name
    return [
        person._replace(mother_name=mothers[person.no_kk])
        if person.relationship == CHILD
        and not person.mother_name
        and person.no_kk in mothers
        else person
        for person in people
    ]


def match_students(
    students: Iterable[Student],
    people: Iterable[Person],
    thresholds: Thresholds | None = None,
    decisions: Mapping[tuple[Key, Key], bool] | None = None,
    weights: Weights = DEFAULT_WEIGHTS,
    wanted: RegisterFilter | None = None,
) -> list[MatchResult]:
    """Match each pupil against the register, in the pupils' order.

    ``decisions`` maps (pupil key, person key) to True for "same person"
    and False for "not this person". Person keys must be comparable with
    one another (all ints or all strings): ties are broken by key.
    ``wanted`` is ``RegisterFilter.for_students(students, decisions)`` when
    the caller made it already to load the register.
    """
    started = time.monotonic()
    run = _Run(
        list(students), thresholds or Thresholds(), decisions or {}, weights, wanted
    )
    run.load(people)
    results = run.results()

    counts: dict[str, int] = defaultdict(int)
    for result in results:
        counts[result.decision] += 1
    logger.info(
        "matched %s pupils against %s register people in %.1f s: "
        "%s matched, %s review, %s unmatched",
        len(results),
        run.people_seen,
        time.monotonic() - started,
        counts[Decision.MATCHED],
        counts[Decision.REVIEW],
        counts[Decision.UNMATCHED],
    )
    return results


def _unique(codes: NDArray[np.int64]) -> NDArray[np.int64]:
    # np.unique's hashing path is slow on millions of int64 codes.
    codes = np.sort(codes)
    if len(codes) < 2:
        return codes
    return codes[np.concatenate(([True], codes[1:] != codes[:-1]))]


class _Run:
    """One matching run; see ``match_students``."""

    def __init__(
        self,
        students: list[Student],
        thresholds: Thresholds,
        decisions: Mapping[tuple[Key, Key], bool],
        weights: Weights,
        wanted: RegisterFilter | None = None,
    ) -> None:
        self.thresholds = thresholds
        self.weights = weights
        self.places = PlaceCodes()
        self.students = students
        self.student_words = [words_of_name(s.name or "") for s in students]
        self.side = prepare(students, self.places, self.student_words)
        if wanted is None:
            wanted = RegisterFilter.for_students(students, decisions)
        self.wanted = wanted
        self.people_seen = 0

        own = {student.key for student in students}
        self.same: dict[Key, list[Key]] = defaultdict(list)
        self.rejected: set[tuple[Key, Key]] = set()
        for (student_key, person_key), same in sorted(
            decisions.items(), key=lambda item: repr(item[0])
        ):
            if student_key not in own:
                continue
            if same:
                self.same[student_key].append(person_key)
            else:
                self.rejected.add((student_key, person_key))

    def load(self, people: Iterable[Person]) -> None:
        """Keep the people that can be candidates, and index them."""
        kept: list[Person] = []
        kept_words: list[tuple[str, ...]] = []
        kept_keys: list[tuple[str, ...]] = []
        wants = self.wanted.wants_with_keys
        # Names repeat across a register; the cache is cleared now and then
        # so that a register of unique names cannot grow it without end.
        names: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
        for person in people:
            self.people_seen += 1
            forms = names.get(person.name)
            if forms is None:
                words = words_of_name(person.name or "")
                forms = (words, keys_of_words(words))
                if len(names) >= NAME_CACHE:
                    names.clear()
                names[person.name] = forms
            if wants(person, forms[1]):
                kept.append(person)
                kept_words.append(forms[0])
                kept_keys.append(forms[1])

        self.people = prepare(kept, self.places, kept_words)
        self.key_index = {person.key: index for index, person in enumerate(kept)}
        self._index(kept_keys)

    def _index(self, person_keys: list[tuple[str, ...]]) -> None:
        people = self.people
        wanted = self.wanted
        self.by_nik: dict[bytes, list[int]] = defaultdict(list)
        self.by_kk: dict[bytes, list[int]] = defaultdict(list)
        self.by_date: dict[int, list[int]] = defaultdict(list)
        self.by_kecamatan_key: dict[tuple[int, str, int], list[int]] = defaultdict(list)
        self.by_undated_key: dict[tuple[int, str], list[int]] = defaultdict(list)
        self.by_year_key: dict[tuple[str, int], list[int]] = defaultdict(list)
        wanted_dates = {born.toordinal() for born in wanted.birth_dates}
        code = self.places.kecamatan
        wanted_kecamatan_keys = {
            (code(kecamatan), key, year)
            for kecamatan, key, year in wanted.kecamatan_keys
        }
        wanted_undated_keys = {
            (code(kecamatan), key) for kecamatan, key in wanted.undated_keys
        }
        columns = zip(
            person_keys,
            people.nik.tolist(),
            people.kk.tolist(),
            people.ordinal.tolist(),
            people.kecamatan.tolist(),
            people.year.tolist(),
            strict=True,
        )
        for index, (keys, nik, kk, ordinal, kecamatan, year) in enumerate(columns):
            if nik:
                self.by_nik[nik].append(index)
            if kk:
                self.by_kk[kk].append(index)
            if ordinal in wanted_dates:
                self.by_date[ordinal].append(index)
            for key in keys:
                if (kecamatan, key) in wanted_undated_keys:
                    self.by_undated_key[(kecamatan, key)].append(index)
                if not year:
                    continue
                if (kecamatan, key, year) in wanted_kecamatan_keys:
                    self.by_kecamatan_key[(kecamatan, key, year)].append(index)
                if (key, year) in wanted.year_keys:
                    self.by_year_key[(key, year)].append(index)

    def results(self) -> list[MatchResult]:
        results: dict[int, MatchResult] = {}

        manual = self._manual()
        results.update(manual)

        # Methods 1 and 2: direct look-ups by NIK and No KK.
        direct = [s for s in range(len(self.students)) if s not in results]
        pairs = self._direct_pairs(direct)
        for student, result in self._decide(direct, pairs, final=False).items():
            results[student] = result

        # Method 3, for everyone not settled yet, with the direct
        # candidates still in the running.
        rest = [s for s in range(len(self.students)) if s not in results]
        fuzzy = np.concatenate([self._direct_pairs(rest), self._blocked_pairs(rest)])
        results.update(self._decide(rest, _unique(fuzzy), final=True))
        return [results[index] for index in range(len(self.students))]

    def _manual(self) -> dict[int, MatchResult]:
        results = {}
        for student, record in enumerate(self.students):
            known = [
                self.key_index[key]
                for key in self.same.get(record.key, ())
                if key in self.key_index
            ]
            if len(known) != 1:
                # Two "same person" decisions contradict each other: the
                # pupil goes through matching and then to review.
                continue
            i = np.array([student], np.intp)
            j = np.array(known, np.intp)
            scores = score_pairs(self.side, self.people, i, j, self.weights)
            results[student] = MatchResult(
                record.key,
                self.people.keys[known[0]],
                Method.MANUAL,
                float(scores.total[0]),
                Decision.MATCHED,
                evidence(scores, 0, self.weights),
            )
        return results

    def _direct_pairs(self, students: list[int]) -> NDArray[np.int64]:
        codes: list[int] = []
        width = len(self.people)
        for student in students:
            nik, kk = self.side.nik[student], self.side.kk[student]
            for person in self.by_nik.get(nik, ()) if nik else ():
                codes.append(student * width + person)
            for person in self.by_kk.get(kk, ()) if kk else ():
                codes.append(student * width + person)
        return _unique(np.array(codes, np.int64))

    def _blocked_pairs(self, students: list[int]) -> NDArray[np.int64]:
        """Pairs from the blocking passes whose names are alike enough."""
        side = self.side
        by_date: dict[int, list[int]] = defaultdict(list)
        by_kecamatan_key: dict[tuple[int, str, int], list[int]] = defaultdict(list)
        by_undated_key: dict[tuple[int, str], list[int]] = defaultdict(list)
        by_year_key: dict[tuple[str, int], list[int]] = defaultdict(list)
        for student in students:
            ordinal = int(side.ordinal[student])
            kecamatan = int(side.kecamatan[student])
            year = int(side.year[student])
            keys = keys_of_words(self.student_words[student])
            if ordinal:
                by_date[ordinal].append(student)
            for key in keys:
                if not year:
                    if kecamatan:
                        by_undated_key[(kecamatan, key)].append(student)
                    continue
                by_year_key[(key, year)].append(student)
                if kecamatan:
                    by_kecamatan_key[(kecamatan, key, year)].append(student)

        found: list[NDArray[np.int64]] = []
        for ordinal, members in by_date.items():
            people: list[int] = []
            for variant in sorted(date_variants(date.fromordinal(ordinal))):
                people.extend(self.by_date.get(variant, ()))
            found.append(self._compare_block(members, people, strict=False))
        # A pupil without a birth date has only the kecamatan and the name.
        for place_key, members in by_undated_key.items():
            people = self.by_undated_key.get(place_key, [])
            found.append(self._compare_block(members, people, strict=False))
        for (kecamatan, key, year), members in by_kecamatan_key.items():
            people = []
            for other in year_window(year):
                people.extend(self.by_kecamatan_key.get((kecamatan, key, other), ()))
            found.append(self._compare_block(members, people, strict=True))
        for year_key, members in by_year_key.items():
            people = self.by_year_key.get(year_key, [])
            found.append(self._compare_block(members, people, strict=True))
        if not found:
            return np.zeros(0, np.int64)
        return np.concatenate(found)

    def _compare_block(
        self, students: list[int], people: list[int], strict: bool
    ) -> NDArray[np.int64]:
        """Pairs of a block whose names are alike enough; ``strict`` for the
        passes that do not agree on the birth date."""
        if not students or not people:
            return np.zeros(0, np.int64)
        person_index = np.array(people, np.int64)
        choices = list(self.people.distinct[person_index])
        step = max(1, BLOCK_CELLS // len(people))
        found = []
        for start in range(0, len(students), step):
            part = np.array(students[start : start + step], np.int64)
            similar = process.cdist(
                list(self.side.distinct[part]),
                choices,
                scorer=fuzz.ratio,
                score_cutoff=NAME_FLOOR_WITHOUT_DATE if strict else NAME_FLOOR,
                dtype=np.uint8,
            )
            rows, columns = np.nonzero(similar)
            found.append(part[rows] * len(self.people) + person_index[columns])
        return np.concatenate(found)

    def _decide(
        self, students: list[int], codes: NDArray[np.int64], final: bool
    ) -> dict[int, MatchResult]:
        """Results of the ``students`` from the candidate pairs ``codes``.

        Not ``final``: only pupils matched outright get a result.
        """
        width = max(len(self.people), 1)
        if self.rejected:
            codes = codes[~np.isin(codes, self._rejected_codes())]
        i = (codes // width).astype(np.intp)
        j = (codes % width).astype(np.intp)

        # Pairs that cannot reach the lowest score that counts (a review
        # candidate, or a runner-up close enough to block a match) need no
        # string comparisons; an exact NIK is always kept for its veto.
        floor = min(
            self.thresholds.review, self.thresholds.match - self.thresholds.margin
        )
        bound = upper_bound(self.side, self.people, i, j, self.weights)
        keep = (bound >= floor) | (
            (self.side.nik[i] == self.people.nik[j]) & (self.side.nik[i] != b"")
        )
        i, j = i[keep], j[keep]
        scores = score_pairs(self.side, self.people, i, j, self.weights)

        order = np.argsort(i, kind="stable")
        starts = np.searchsorted(i[order], np.arange(len(self.students) + 1))
        results = {}
        for student in students:
            pairs = order[starts[student] : starts[student + 1]]
            result = self._outcome(student, pairs, scores, j)
            if final or result.decision == Decision.MATCHED:
                results[student] = result
        return results

    def _rejected_codes(self) -> NDArray[np.int64]:
        width = len(self.people)
        positions: dict[Key, list[int]] = defaultdict(list)
        for index, student in enumerate(self.students):
            positions[student.key].append(index)
        codes = [
            student * width + self.key_index[person_key]
            for student_key, person_key in self.rejected
            if person_key in self.key_index
            for student in positions[student_key]
        ]
        return np.array(codes, np.int64)

    def _outcome(
        self,
        student: int,
        pairs: NDArray[np.intp],
        scores: Scores,
        j_of: NDArray[np.intp],
    ) -> MatchResult:
        thresholds = self.thresholds
        key = self.students[student].key
        total = scores.total
        ranked = sorted(
            pairs.tolist(),
            key=lambda pair: (-total[pair], self.people.keys[j_of[pair]]),
        )
        if not ranked:
            return MatchResult(key, None, "", 0.0, Decision.UNMATCHED, {})

        vetoed = [
            pair
            for pair in ranked
            if scores.levels["nik"][pair] == 1
            and scores.similarity["name"][pair] < thresholds.name_veto
        ]
        best = ranked[0]
        runner_up = next(
            (pair for pair in ranked[1:] if not self._same_nik(best, pair, j_of)),
            None,
        )
        margin = total[best] - total[runner_up] if runner_up is not None else None
        if (
            not vetoed
            and len(self.same.get(key, ())) < 2
            and total[best] >= thresholds.match
            and (margin is None or margin >= thresholds.margin)
            and self._corroborated(best, scores)
        ):
            return MatchResult(
                key,
                self.people.keys[j_of[best]],
                self._method(best, scores),
                float(total[best]),
                Decision.MATCHED,
                evidence(scores, best, self.weights),
            )

        shown = [pair for pair in ranked if total[pair] >= thresholds.review]
        shown = shown[: thresholds.candidates]
        shown += [pair for pair in vetoed if pair not in shown]
        if not shown:
            return MatchResult(key, None, "", 0.0, Decision.UNMATCHED, {})
        candidates = tuple(
            Candidate(
                self.people.keys[j_of[pair]],
                self._method(pair, scores),
                float(total[pair]),
                evidence(scores, pair, self.weights),
            )
            for pair in shown
        )
        first = candidates[0]
        return MatchResult(
            key,
            None,
            first.method,
            first.score,
            Decision.REVIEW,
            first.evidence,
            candidates,
        )

    def _corroborated(self, pair: int, scores: Scores) -> bool:
        """Whether a pair agrees on more than a name and a birth date.

        A common name and a birth date are shared by chance in a register of
        a hundred thousand people; an automatic match also needs the NIK,
        the No KK, the mother's name or the desa to agree.
        """
        if scores.levels["nik"][pair] == 1 or scores.levels["no_kk"][pair] == 1:
            return True
        family = scores.weight["mother_name"][pair] + scores.weight["desa"][pair]
        return bool(family >= self.thresholds.corroboration)

    def _method(self, pair: int, scores: Scores) -> str:
        if scores.levels["nik"][pair] == 1:
            return Method.NIK
        if scores.levels["no_kk"][pair] == 1:
            return Method.KK
        return Method.FUZZY

    def _same_nik(self, first: int, second: int, j_of: NDArray[np.intp]) -> bool:
        # The register lists some people twice; two rows with one NIK are
        # one person, not a rival candidate.
        nik = self.people.nik[j_of[first]]
        return bool(nik) and nik == self.people.nik[j_of[second]]
