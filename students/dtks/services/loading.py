"""Students, register people and review decisions read from the database as
the matching engine's plain tuples.

``load_people`` reads only the part of a snapshot that can hold candidates
for the given students: a superset of what ``blocking.RegisterFilter`` asks
for, in a few indexed queries, streamed. The engine applies the exact filter
itself, so a part of the students matched against its own load gets exactly
the results of a run over the whole register, however the students are
split.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from functools import reduce
from operator import or_
from typing import Any, TypeVar

from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    F,
    IntegerField,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from students.models import Student

from ..blocking import RegisterFilter, place_form
from ..engine import Key
from ..engine import Person as EnginePerson
from ..engine import Student as EngineStudent
from ..models import Person, ReviewDecision, Snapshot
from ..reader import CHILD, HEAD, SPOUSE

# Values per IN (...) list: well under SQLite's limit on query parameters.
IN_BATCH = 2000
FETCH_SIZE = 5000

_STUDENT_FIELDS = (
    "pk",
    "nik",
    "no_kk",
    "name",
    "gender",
    "birth_date",
    "birth_place",
    "mother_name",
    "desa",
    "kecamatan",
)
_PERSON_FIELDS = (
    "pk",
    "dtks_id",
    "nik",
    "no_kk",
    "name",
    "gender",
    "birth_date",
    "birth_place",
    "relationship",
    "family_mother",
    "desa",
    "kecamatan",
    "desil",
)

T = TypeVar("T")
M = TypeVar("M", bound=Model)
Decisions = dict[tuple[Key, Key], bool]


def batches(items: Sequence[T], size: int = IN_BATCH) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def engine_student(values: Sequence[Any]) -> EngineStudent:
    """A row of ``_STUDENT_FIELDS`` as the engine's pupil."""
    pk, nik, no_kk, name, gender, born, place, mother, desa, kecamatan = values
    return EngineStudent(
        pk,
        nik or None,
        no_kk or None,
        name,
        gender or None,
        born,
        place,
        mother,
        desa,
        kecamatan,
    )


def load_students(student_ids: Iterable[int]) -> list[EngineStudent]:
    """The students with these ids, in id order."""
    found: list[EngineStudent] = []
    for students in where_in(Student.objects.all(), "id", sorted(set(student_ids))):
        rows = students.values_list(*_STUDENT_FIELDS)
        found.extend(engine_student(row) for row in rows)
    found.sort(key=lambda student: student.key)
    return found


def listed_students(school_id: int | None = None) -> list[EngineStudent]:
    """The students of the latest uploads (one school's, or everyone's), in
    id order. Students no longer listed keep their old matches."""
    students = Student.objects.filter(is_listed=True)
    if school_id is not None:
        students = students.filter(school_id=school_id)
    rows = students.order_by("pk").values_list(*_STUDENT_FIELDS)
    return [engine_student(row) for row in rows.iterator(chunk_size=FETCH_SIZE)]


def load_decisions(snapshot: Snapshot, student_ids: Iterable[int]) -> Decisions:
    """The verifiers' decisions on these students as the engine's
    ``decisions``: (student id, person id) to True for "same person" and
    False for "not this person".

    A decision names the person by the register's id (by the NIK when the
    register gave no id), so that it holds for every snapshot. When a
    snapshot lists that id twice, "same person" points at its first row
    only, and "not this person" at every row.
    """
    reviews: list[tuple[int, str, bool]] = []
    ids = sorted(set(student_ids))
    for found in where_in(ReviewDecision.objects.all(), "student_id", ids):
        reviews += found.values_list("student_id", "dtks_id", "same_person")
    if not reviews:
        return {}

    keys = sorted({dtks_id for _student, dtks_id, _same in reviews})
    rows: dict[str, list[int]] = defaultdict(list)
    for part in batches(keys):
        people = Person.objects.filter(snapshot=snapshot).filter(
            Q(dtks_id__in=part) | Q(dtks_id="", nik__in=part)
        )
        for pk, dtks_id, nik in people.values_list("pk", "dtks_id", "nik"):
            rows[dtks_id or nik].append(pk)

    decisions: Decisions = {}
    for student_id, dtks_id, same in reviews:
        pks = sorted(rows.get(dtks_id, ()))
        for pk in pks[:1] if same else pks:
            decisions[(student_id, pk)] = same
    return decisions


def load_people(snapshot: Snapshot, wanted: RegisterFilter) -> list[EnginePerson]:
    """The snapshot's people that ``wanted`` (the ``RegisterFilter`` of the
    students to match) can select, and some more, in id order; each child
    without a mother's name is given the woman of its family (see
    ``engine.with_family_mothers``)."""
    people = _people_of(snapshot)
    found: dict[int, EnginePerson] = {}
    lookups: list[tuple[str, list[Any]]] = [
        ("nik", sorted(wanted.niks)),
        ("no_kk", sorted(wanted.kks)),
        ("id", sorted(wanted.person_keys)),
    ]
    condition = _blocking_condition(snapshot, wanted)

    if connection.vendor == "postgresql":
        # One query, each list of values one array parameter. In a
        # transaction the cursor streams instead of holding the whole
        # result first.
        for column, values in lookups:
            if values:
                term = _any(Person, column, values)
                condition = term if condition is None else condition | term
        if condition is not None:
            with transaction.atomic(), connection.cursor() as cursor:
                # The estimate of the family look-ups makes the query look
                # costly enough for JIT compilation, which then takes longer
                # than the whole query.
                cursor.execute("SET LOCAL jit = off")
                _collect(people.filter(condition), found)
    else:
        if condition is not None:
            _collect(people.filter(condition), found)
        for column, values in lookups:
            for part in batches(values):
                _collect(people.filter(**{f"{column}__in": part}), found)
    return [found[pk] for pk in sorted(found)]


def where_in(
    queryset: QuerySet[M], column: str, values: list[Any]
) -> Iterator[QuerySet[M]]:
    """``queryset`` narrowed to rows whose ``column`` is one of ``values``:
    one query on PostgreSQL, a query per batch elsewhere."""
    if not values:
        return
    if connection.vendor == "postgresql":
        yield queryset.filter(_any(queryset.model, column, values))
        return
    for part in batches(values):
        yield queryset.filter(**{f"{column}__in": part})


def _any(model: type[Model], column: str, values: list[Any]) -> Q:
    """``column = ANY(values)`` on PostgreSQL, the values one array
    parameter: tens of thousands of IN parameters cost more to send than
    the query takes."""
    quote = connection.ops.quote_name
    sql = f"{quote(model._meta.db_table)}.{quote(column)} = ANY(%s)"
    # The names come from the model, the values go as a parameter.
    return Q(RawSQL(sql, (values,), output_field=BooleanField()))  # noqa: S611


def _people_of(snapshot: Snapshot) -> Any:
    """The snapshot's people with ``family_mother``: the register's mother's
    name, or for a child without one, the family's woman by No KK (the
    last wife listed, else the first woman head), as
    ``engine.with_family_mothers`` does in memory."""
    is_wife = Case(
        When(relationship=SPOUSE, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    order = Case(
        When(relationship=SPOUSE, then=-F("row_number")),
        default=F("row_number"),
        output_field=IntegerField(),
    )
    mother = (
        Person.objects.filter(
            snapshot_id=OuterRef("snapshot_id"),
            no_kk=OuterRef("no_kk"),
            gender="P",
            relationship__in=[SPOUSE, HEAD],
        )
        .annotate(is_wife=is_wife, family_order=order)
        .order_by("is_wife", "family_order")
        .values("name")[:1]
    )
    return Person.objects.filter(snapshot=snapshot).annotate(
        family_mother=Case(
            When(
                Q(relationship=CHILD, mother_name="") & ~Q(no_kk=""),
                then=Coalesce(Subquery(mother), Value("")),
            ),
            default=F("mother_name"),
        )
    )


def _collect(people: Any, found: dict[int, EnginePerson]) -> None:
    rows = people.order_by().values_list(*_PERSON_FIELDS)
    for row in rows.iterator(chunk_size=FETCH_SIZE):
        pk = row[0]
        if pk in found:
            continue
        _pk, dtks_id, nik, no_kk, name, gender, born, *rest = row
        place, relationship, mother, desa, kecamatan, desil = rest
        found[pk] = EnginePerson(
            pk,
            dtks_id,
            nik or None,
            no_kk or None,
            name,
            gender or None,
            born,
            place,
            relationship,
            mother or "",
            desa,
            kecamatan,
            desil,
        )


def _blocking_condition(snapshot: Snapshot, wanted: RegisterFilter) -> Q | None:
    """A condition on the snapshot's people true for everyone the birth date
    and name passes of ``wanted`` can select: born in a year those passes
    look at, anywhere, or within the wider years of the kecamatan pass in
    that kecamatan. The name keys are left to the engine."""
    terms: list[Q] = []
    years = {born.year for born in wanted.birth_dates}
    years |= {year for _key, year in wanted.year_keys}
    if years:
        terms.append(_born_in(years))

    by_kecamatan: dict[str, set[int]] = defaultdict(set)
    for kecamatan, _key, year in wanted.kecamatan_keys:
        by_kecamatan[kecamatan].add(year)
    undated = {kecamatan for kecamatan, _key in wanted.undated_keys}
    if by_kecamatan or undated:
        spellings = _kecamatan_spellings(snapshot)
        groups: dict[tuple[tuple[int, int], ...], list[str]] = defaultdict(list)
        for kecamatan, kecamatan_years in by_kecamatan.items():
            groups[tuple(_spans(kecamatan_years))] += spellings.get(kecamatan, [])
        for spans, values in sorted(groups.items()):
            if values:
                terms.append(Q(kecamatan__in=sorted(values)) & _born_in_spans(spans))
        values = sorted(value for form in undated for value in spellings.get(form, []))
        if values:
            terms.append(Q(kecamatan__in=values))
    return reduce(or_, terms) if terms else None


def _kecamatan_spellings(snapshot: Snapshot) -> dict[str, list[str]]:
    """The snapshot's kecamatan as written, by their matching form."""
    written = (
        Person.objects.filter(snapshot=snapshot)
        .order_by()
        .values_list("kecamatan", flat=True)
        .distinct()
    )
    spellings: dict[str, list[str]] = defaultdict(list)
    for value in written:
        form = place_form(value)
        if form:
            spellings[form].append(value)
    return spellings


def _spans(years: Iterable[int]) -> list[tuple[int, int]]:
    """Runs of consecutive years as (first, last)."""
    spans: list[tuple[int, int]] = []
    for year in sorted(years):
        if spans and year == spans[-1][1] + 1:
            spans[-1] = (spans[-1][0], year)
        else:
            spans.append((year, year))
    return spans


def _born_in(years: Iterable[int]) -> Q:
    return _born_in_spans(_spans(years))


def _born_in_spans(spans: Iterable[tuple[int, int]]) -> Q:
    return reduce(
        or_,
        (
            Q(
                birth_date__range=(
                    date(max(first, date.min.year), 1, 1),
                    date(min(last, date.max.year), 12, 31),
                )
            )
            for first, last in spans
        ),
    )
