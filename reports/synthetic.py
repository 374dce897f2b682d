"""Invented schools, students, candidates and stage events in bulk, for
measuring the dashboard and the reports at the size of a large programme.

Nothing here goes through the pipeline services: those move candidates one
transaction at a time, and 100,000 candidates with their histories would take
far too long. The generator instead walks each candidate through the allowed
transitions in memory and inserts the resulting rows with ``bulk_create``, so
the data obeys the same state machine without its cost.
"""

import logging
import random
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max, Model
from django.utils import timezone

from balangan_pintar.models import Jenjang, Period
from students.models import (
    STATUS_BITS,
    TRANSITIONS,
    Candidate,
    Kecamatan,
    School,
    StageEvent,
    Status,
    Student,
)

logger = logging.getLogger(__name__)

BATCH = 5000

JENJANG_SHARE = [
    (Jenjang.SD, 60),
    (Jenjang.MI, 10),
    (Jenjang.SMP, 18),
    (Jenjang.MTS, 7),
    (Jenjang.SMA, 3),
    (Jenjang.SMK, 2),
]

FIRST_NAMES = [
    "Ahmad",
    "Muhammad",
    "Siti",
    "Nur",
    "Rizky",
    "Aulia",
    "Fitri",
    "Rahmat",
    "Dewi",
    "Putri",
    "Hasan",
    "Zainal",
    "Rina",
    "Salsabila",
    "Fauzan",
    "Noor",
]
LAST_NAMES = [
    "Rahman",
    "Hidayat",
    "Aminah",
    "Saputra",
    "Lestari",
    "Fadillah",
    "Ramadhani",
    "Maulana",
    "Anwar",
    "Hairani",
    "Rusdiansyah",
    "Mahmudah",
]

# Where a candidate goes next from each status, with weights; a status
# missing here, or the weight left over to 100, means it stays there.
NEXT: dict[str, list[tuple[str, int]]] = {
    Status.LISTED: [(Status.DRAFT, 97)],
    Status.DRAFT: [(Status.SUBMITTED, 92), (Status.WITHDRAWN, 5)],
    Status.WITHDRAWN: [(Status.DRAFT, 30)],
    Status.SUBMITTED: [
        (Status.APPROVED, 85),
        (Status.RETURNED, 8),
        (Status.REJECTED, 7),
    ],
    Status.RETURNED: [(Status.SUBMITTED, 85), (Status.WITHDRAWN, 10)],
    Status.APPROVED: [(Status.SENT_TO_BANK, 100)],
    Status.SENT_TO_BANK: [(Status.ACCOUNT_OPENED, 96), (Status.BANK_REJECTED, 4)],
    Status.BANK_REJECTED: [(Status.APPROVED, 70), (Status.REJECTED, 30)],
    Status.ACCOUNT_OPENED: [(Status.CARD_PRINTED, 100)],
    Status.CARD_PRINTED: [(Status.DELIVERED, 92), (Status.UNDELIVERED, 8)],
    Status.UNDELIVERED: [(Status.DELIVERED, 60)],
}

# Typical days until the next move, by the status moved from: the batches of
# the Dinas and the bank make their steps the slow ones.
MEAN_DAYS: dict[str, float] = {
    Status.LISTED: 2,
    Status.DRAFT: 3,
    Status.WITHDRAWN: 5,
    Status.SUBMITTED: 4,
    Status.RETURNED: 3,
    Status.APPROVED: 6,
    Status.SENT_TO_BANK: 5,
    Status.BANK_REJECTED: 4,
    Status.ACCOUNT_OPENED: 5,
    Status.CARD_PRINTED: 6,
    Status.UNDELIVERED: 7,
}


@dataclass(frozen=True)
class Generated:
    schools: int
    students: int
    candidates: int
    events: int
    seconds: float


def pick(rng: random.Random, choices: list[tuple[str, int]]) -> str | None:
    roll = rng.uniform(0, 100)
    for status, weight in choices:
        if roll < weight:
            return status
        roll -= weight
    return None


def delay(rng: random.Random, status: str) -> timedelta:
    """A wait before the next move: most quick, some of them within the
    SOP's minutes, and a long tail of days."""
    if rng.random() < 0.35:
        return timedelta(minutes=rng.uniform(1, 40))
    return timedelta(days=rng.expovariate(1 / MEAN_DAYS[status]))


def history(
    rng: random.Random, listed_at: datetime, now: datetime
) -> list[tuple[str, str, datetime]]:
    """(from, to, at) moves of one candidate, starting with its listing and
    stopping where the next move would lie in the future."""
    moves = [("", Status.LISTED.value, listed_at)]
    status, at = Status.LISTED.value, listed_at
    while (following := NEXT.get(status)) is not None:
        target = pick(rng, following)
        if target is None:
            break
        at = at + delay(rng, status)
        if at >= now:
            break
        moves.append((status, target, at))
        status = target
    return moves


def make_schools(rng: random.Random, count: int) -> list[School]:
    kecamatan = list(Kecamatan.objects.order_by("code"))
    jenjang = [j for j, weight in JENJANG_SHARE for _ in range(weight)]
    taken = set(School.objects.values_list("npsn", flat=True))
    schools: list[School] = []
    number = 0
    while len(schools) < count:
        number += 1
        npsn = f"99{number:06d}"
        if npsn in taken:
            continue
        kind = rng.choice(jenjang)
        kec = kecamatan[number % len(kecamatan)]
        schools.append(
            School(
                npsn=npsn,
                name=f"{kind.label} Uji {number} {kec.name}",
                jenjang=kind,
                status=rng.choice(list(School.Status)),
                kecamatan=kec,
            )
        )
    return School.objects.bulk_create(schools)


STUDENT_FIELDS = (
    "id",
    "school_id",
    "nisn",
    "name",
    "name_original",
    "gender",
    "birth_date",
    "is_listed",
    "listed_at",
)
CANDIDATE_FIELDS = (
    "id",
    "student_id",
    "period_id",
    "school_id",
    "status",
    "status_changed_at",
    "reached",
    "created_at",
)
EVENT_FIELDS = (
    "candidate_id",
    "period_id",
    "step",
    "from_status",
    "to_status",
    "at",
    "ready_at",
)

Row = tuple[Any, ...]


def make_rows(
    rng: random.Random,
    school_ids: list[int],
    period: Period,
    candidates: int,
    since: datetime,
    now: datetime,
) -> tuple[list[Row], list[Row], list[Row]]:
    """Rows of students, candidates and events, in the field orders above.

    Students are listed over the whole span, most of them early, so that at
    the end some candidates wait at every step of the SOP.
    """
    students = []
    first_student = next_pk(Student)
    for number in range(candidates * 6 // 5):
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        students.append(
            (
                first_student + number,
                school_ids[number % len(school_ids)],
                f"{number:010d}",
                name,
                name.upper(),
                rng.choice("LP"),
                date(2010, 1, 1) + timedelta(days=rng.randrange(3000)),
                rng.random() < 0.95,
                since + (now - since) * rng.random() ** 1.5,
            )
        )

    candidate_rows = []
    events: list[Row] = []
    first_candidate = next_pk(Candidate)
    for number, student in enumerate(students[:candidates]):
        candidate_id = first_candidate + number
        listed_at = student[-1]
        moves = history(rng, listed_at, now)
        status, changed_at = moves[-1][1:]
        reached = STATUS_BITS[Status.LISTED]
        for _source, target, _at in moves:
            reached |= STATUS_BITS[target]
        candidate_rows.append(
            (
                candidate_id,
                student[0],
                period.pk,
                student[1],
                status,
                changed_at,
                reached,
                listed_at,
            )
        )
        ready_at = None
        for source, target, at in moves:
            step = TRANSITIONS.get((source, target))
            events.append((candidate_id, period.pk, step, source, target, at, ready_at))
            ready_at = at
    return students, candidate_rows, events


def next_pk(model: type[Model]) -> int:
    return int(model._default_manager.aggregate(top=Max("pk"))["top"] or 0) + 1


def insert_rows(
    model: type[Model], names: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Insert plain rows (values of the fields ``names``, the primary key
    among them); every other field gets its default.

    Rows rather than model instances, because building 700,000 instances
    costs more than inserting them. On PostgreSQL the rows go in by COPY,
    several times faster than ``bulk_create`` (measured: 710,000 events in
    about 10 s against 40 s); elsewhere by ``bulk_create``.
    """
    if connection.vendor != "postgresql":
        objects = [model(**dict(zip(names, row, strict=True))) for row in rows]
        model._default_manager.bulk_create(objects, batch_size=BATCH)
        return

    now = timezone.now()
    # A primary key left out is the sequence's to number.
    fields = [
        f
        for f in model._meta.concrete_fields
        if f.attname in names or not f.primary_key
    ]
    position = {name: index for index, name in enumerate(names)}
    defaults = {
        f.attname: now if getattr(f, "auto_now", False) else f.get_default()
        for f in fields
        if f.attname not in position
    }
    columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
    copy_sql = f"COPY {model._meta.db_table} ({columns}) FROM STDIN"
    with connection.cursor() as cursor:
        with cursor.cursor.copy(copy_sql) as copy:
            for row in rows:
                copy.write_row(
                    [
                        row[position[f.attname]]
                        if f.attname in position
                        else defaults[f.attname]
                        for f in fields
                    ]
                )
        for sql in connection.ops.sequence_reset_sql(no_style(), [model]):
            cursor.execute(sql)


@contextmanager
def bulk_load(*models: type[Model]) -> Iterator[None]:
    """Lift the tables' foreign keys and secondary indexes for a load and
    put them back after it, on PostgreSQL.

    Building an index once and checking a foreign key by one join is far
    faster than doing both for each of 700,000 rows (the deferred checks
    alone took 17 s at commit). DDL is transactional in PostgreSQL: should
    the load fail, the rollback restores the constraints and indexes.
    Pending deferred checks block ALTER TABLE, hence SET CONSTRAINTS first.
    """
    if connection.vendor != "postgresql":
        yield
        return

    quote = connection.ops.quote_name
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype = 'f' "
            "AND conrelid = ANY(%s::regclass[])",
            [tables],
        )
        foreign_keys = cursor.fetchall()
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) "
            "FROM pg_index i WHERE indrelid = ANY(%s::regclass[]) "
            "AND NOT indisprimary AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
            [tables],
        )
        indexes = cursor.fetchall()
        for table, name, _ in foreign_keys:
            cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {quote(name)}")

    yield

    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for _, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in foreign_keys:
            cursor.execute(
                f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}"
            )


def settle() -> None:
    """After a bulk load on PostgreSQL, outside a transaction: fresh
    statistics, or the planner guesses a few hundred rows; and the
    visibility map that autovacuum would have written by the time anyone
    reads a report, without which every index-only scan reads the table
    too. VACUUM cannot run in a transaction (a test's): there, only the
    statistics."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")


@transaction.atomic
def generate(
    period: Period,
    *,
    candidates: int,
    schools: int,
    weeks: int = 20,
    seed: int = 2026,
    now: datetime | None = None,
) -> Generated:
    """Make ``schools`` schools, 20 % more students than ``candidates``,
    and the candidates' histories over the last ``weeks`` weeks."""
    started = time.monotonic()
    rng = random.Random(seed)
    now = now or timezone.now()
    since = now - timedelta(weeks=weeks)
    school_ids = [school.pk for school in make_schools(rng, schools)]
    students, candidate_rows, events = make_rows(
        rng, school_ids, period, candidates, since, now
    )
    with bulk_load(Student, Candidate, StageEvent):
        insert_rows(Student, STUDENT_FIELDS, students)
        insert_rows(Candidate, CANDIDATE_FIELDS, candidate_rows)
        insert_rows(StageEvent, EVENT_FIELDS, events)

    seconds = time.monotonic() - started
    logger.info(
        "generated %s schools, %s students, %s candidates, %s events in %.1f s",
        len(school_ids),
        len(students),
        len(candidate_rows),
        len(events),
        seconds,
    )
    return Generated(
        len(school_ids), len(students), len(candidate_rows), len(events), seconds
    )
