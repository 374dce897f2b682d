"""Matching students against the newest DTKS snapshot and storing the
results (SOP step 1).

``match_part`` is the one code path of the Celery tasks, the management
command, the hook after a school's upload and the benchmark: it loads a set
of students, their possible register people and the verifiers' decisions,
runs the engine, and writes one ``Match`` per student. Writing is an upsert
on (student, snapshot) that leaves a row alone when nothing in it changed,
so matching again with the same inputs changes nothing and duplicates
nothing.

A district run is split into parts by kecamatan (``blocking.split_students``),
one Celery task per part; the job row counts the parts as they finish.
Any split gives the same results.
"""

import json
import logging
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from balangan_pintar.jobs import create_job, enqueue
from balangan_pintar.models import Job

from .. import conf
from ..blocking import RegisterFilter, split_students
from ..choices import Decision
from ..engine import MatchResult, match_students
from ..engine import Student as EngineStudent
from ..models import Match, Snapshot
from ..review import latest_snapshot
from .loading import listed_students, load_decisions, load_people, load_students

logger = logging.getLogger(__name__)

_COLUMNS = (
    "student_id",
    "snapshot_id",
    "person_id",
    "method",
    "score",
    "decision",
    "evidence",
    "candidates",
    "matched_at",
)
# The columns whose change makes a stored match out of date; matched_at
# only moves with them.
_COMPARED = ("person_id", "method", "score", "decision", "evidence", "candidates")


@dataclass
class MatchCounts:
    """How many students ended in each decision."""

    students: int = 0
    matched: int = 0
    review: int = 0
    unmatched: int = 0

    def add(self, decision: str) -> None:
        self.students += 1
        if decision == Decision.MATCHED:
            self.matched += 1
        elif decision == Decision.REVIEW:
            self.review += 1
        else:
            self.unmatched += 1

    def merge(self, other: "MatchCounts") -> "MatchCounts":
        return MatchCounts(
            self.students + other.students,
            self.matched + other.matched,
            self.review + other.review,
            self.unmatched + other.unmatched,
        )

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    def summary(self) -> str:
        return (
            _(
                "%(students)s siswa dicocokkan: %(matched)s cocok, %(review)s perlu "
                "diperiksa, %(unmatched)s tidak ditemukan."
            )
            % self.as_dict()
        )


def match_part(snapshot: Snapshot, students: Sequence[EngineStudent]) -> MatchCounts:
    """Match ``students`` against ``snapshot`` and store one Match each."""
    started = time.perf_counter()
    ids = [student.key for student in students]
    decisions = load_decisions(snapshot, ids)
    wanted = RegisterFilter.for_students(students, decisions)
    people = load_people(snapshot, wanted)
    loaded = time.perf_counter()

    results = match_students(
        students, people, conf.thresholds(), decisions, wanted=wanted
    )
    matched = time.perf_counter()

    write_matches(snapshot, results)
    counts = MatchCounts()
    for result in results:
        counts.add(result.decision)
    logger.info(
        "DTKS matching of %s students against snapshot %s: %s people loaded in "
        "%.1f s, matched in %.1f s, stored in %.1f s: %s matched, %s review, "
        "%s unmatched",
        counts.students,
        snapshot.pk,
        len(people),
        loaded - started,
        matched - loaded,
        time.perf_counter() - matched,
        counts.matched,
        counts.review,
        counts.unmatched,
    )
    return counts


def match_listed(
    school_id: int | None = None,
    *,
    snapshot: Snapshot | None = None,
    parts: int = 1,
) -> MatchCounts | None:
    """Match the listed students of one school, or of the whole district,
    here and now, in ``parts`` parts one after another. None when no
    snapshot has been imported yet."""
    snapshot = snapshot or latest_snapshot()
    if snapshot is None:
        return None
    counts = MatchCounts()
    for part in split_students(listed_students(school_id), parts, by="kecamatan"):
        counts = counts.merge(match_part(snapshot, part))
    return counts


def match_selected(
    student_ids: Iterable[int], *, snapshot: Snapshot, parts: int = 1
) -> MatchCounts:
    """Match the students with these ids, in ``parts`` parts."""
    counts = MatchCounts()
    for part in split_students(load_students(student_ids), parts, by="kecamatan"):
        counts = counts.merge(match_part(snapshot, part))
    return counts


def match_school_after_upload(school_id: int) -> None:
    """The hook run after a school's pupil list was stored: match its
    students against the newest snapshot, if there is one."""
    counts = match_listed(school_id)
    if counts is None:
        logger.info("no DTKS snapshot yet; school %s not matched", school_id)


# Writing the results.


class _Row(NamedTuple):
    student_id: int
    snapshot_id: int
    person_id: int | None
    method: str
    score: float
    decision: str
    evidence: str
    candidates: str
    matched_at: Any


def match_rows(snapshot: Snapshot, results: Iterable[MatchResult]) -> list[_Row]:
    """The results as rows of the match table, by student id."""
    now = timezone.now()
    rows = []
    for result in results:
        candidates = [
            {
                "person": candidate.person_key,
                "method": str(candidate.method),
                "score": candidate.score,
                "evidence": candidate.evidence,
            }
            for candidate in result.candidates
        ]
        rows.append(
            _Row(
                result.student_key,
                snapshot.pk,
                result.person_key,
                # The engine's choices are enums; the drivers want their
                # plain values.
                str(result.method),
                float(result.score),
                str(result.decision),
                json.dumps(result.evidence),
                json.dumps(candidates),
                now,
            )
        )
    rows.sort(key=lambda row: row.student_id)
    return rows


def write_matches(snapshot: Snapshot, results: Iterable[MatchResult]) -> None:
    """Insert or update the Match of each result, by (student, snapshot).

    Plain SQL: ``INSERT ... ON CONFLICT DO UPDATE ... WHERE`` something
    changed, so an unchanged match keeps its row and its time. On
    PostgreSQL the rows are copied into a staging table first and merged in
    one statement. Rows go in student order, so that two runs over the same
    students lock them in the same order.
    """
    rows = match_rows(snapshot, results)
    if not rows:
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            _copy_and_merge(rows)
        else:
            _insert_rows(rows)


def _copy_and_merge(rows: list[_Row]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            _sql(
                "CREATE TEMPORARY TABLE IF NOT EXISTS {staging} ON COMMIT DROP AS "
                "SELECT {columns} FROM {table} WITH NO DATA"
            )
        )
        cursor.execute(_sql("TRUNCATE {staging}"))
        with cursor.cursor.copy(_sql("COPY {staging} ({columns}) FROM STDIN")) as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(
            _sql(
                "INSERT INTO {table} ({columns}) SELECT {columns} FROM {staging} "
                "ORDER BY {student} {on_conflict}"
            )
        )


def _insert_rows(rows: list[_Row]) -> None:
    adapt = connection.ops.adapt_datetimefield_value
    params = [(*row[:-1], adapt(row.matched_at)) for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(
            _sql("INSERT INTO {table} ({columns}) VALUES ({values}) {on_conflict}"),
            params,
        )


def _sql(template: str) -> str:
    """``template`` with the match table's names, all from the model."""
    quote = connection.ops.quote_name
    table = quote(Match._meta.db_table)
    columns = [quote(column) for column in _COLUMNS]
    student, snapshot = columns[0], columns[1]
    updates = ", ".join(f"{column} = EXCLUDED.{column}" for column in columns[2:])
    distinct = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    changed = " OR ".join(
        f"{table}.{quote(column)} {distinct} EXCLUDED.{quote(column)}"
        for column in _COMPARED
    )
    return template.format(
        table=table,
        staging=quote("kbp_dtks_match_staging"),
        columns=", ".join(columns),
        student=student,
        values=", ".join(["%s"] * len(columns)),
        on_conflict=(
            f"ON CONFLICT ({student}, {snapshot}) DO UPDATE SET {updates} "
            f"WHERE {changed}"
        ),
    )


def snapshot_url(snapshot_id: int) -> str:
    """The snapshot's page, where a job's progress bar leads."""
    return reverse("dtks:snapshot-detail", args=[snapshot_id])


# The district job: one Celery task plans the parts, one task per part
# matches it, and the last part to finish closes the job.


def start_district_match(*, user: Any) -> Job:
    """Make and enqueue a job matching every listed student against the
    newest snapshot. Call inside the request's transaction."""
    from ..tasks import match_district

    job = create_job(Job.Kind.DTKS_MATCH, user=user)
    enqueue(job, match_district)
    return job


def plan_district_match(job_id: str) -> None:
    """Split the listed students into parts and send one task per part.

    Sent again (a stale job requeued), it makes a new plan; parts of the
    old one still running store their matches but no longer count.
    """
    from ..tasks import match_part as match_part_task

    job = Job.objects.filter(pk=job_id).first()
    if job is None or job.is_finished:
        logger.info("DTKS match job %s is gone or finished; not planned", job_id)
        return
    snapshot = latest_snapshot()
    if snapshot is None:
        _fail(job_id, _("Belum ada snapshot DTKS yang selesai diimpor."))
        return

    students = listed_students()
    parts = split_students(students, conf.match_parts(), by="kecamatan")
    plan = uuid.uuid4().hex
    now = timezone.now()
    Job.objects.filter(pk=job_id).update(
        state=Job.State.RUNNING,
        started_at=job.started_at or now,
        heartbeat_at=now,
        attempts=job.attempts + 1,
        done=0,
        total=len(students),
        message=_("Mencocokkan %(count)s siswa dalam %(parts)s bagian…")
        % {"count": len(students), "parts": len(parts)},
        result={
            "snapshot": snapshot.pk,
            "plan": plan,
            "parts": len(parts),
            "finished": [],
            "counts": MatchCounts().as_dict(),
        },
    )
    if not parts:
        _finish_part(job_id, plan, 0, 0, MatchCounts())
        return
    for index, part in enumerate(parts):
        ids = [student.key for student in part]
        match_part_task.delay(job_id, plan, index, ids)


def run_match_part(job_id: str, plan: str, index: int, student_ids: list[int]) -> None:
    """Match one part of a district job and count it on the job row. Safe
    to run twice: a part already counted is not counted again."""
    job = Job.objects.filter(pk=job_id).first()
    if job is None or job.is_finished or job.result.get("plan") != plan:
        logger.info("DTKS match part %s of job %s is no longer wanted", index, job_id)
        return
    if index in job.result.get("finished", []):
        return
    snapshot = Snapshot.objects.filter(
        pk=job.result.get("snapshot"), is_complete=True
    ).first()
    if snapshot is None:
        _fail(job_id, _("Snapshot DTKS yang dicocokkan telah dihapus."))
        return

    try:
        counts = match_part(snapshot, load_students(student_ids))
    except Exception:
        logger.exception("DTKS match part %s of job %s failed", index, job_id)
        _fail(job_id, _("Terjadi kesalahan pada sistem. Silakan coba lagi."))
        raise
    _finish_part(job_id, plan, index, len(student_ids), counts)


def _finish_part(
    job_id: str, plan: str, index: int, size: int, counts: MatchCounts
) -> None:
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.is_finished or job.result.get("plan") != plan:
            return
        result = dict(job.result)
        finished = list(result.get("finished", []))
        if index in finished:
            return

        finished.append(index)
        total = MatchCounts(**result.get("counts", {})).merge(counts)
        result["finished"] = finished
        result["counts"] = total.as_dict()
        job.result = result
        job.done = min(job.done + size, job.total)
        job.heartbeat_at = timezone.now()
        fields = ["result", "done", "heartbeat_at"]
        if len(finished) >= result["parts"]:
            job.state = Job.State.SUCCEEDED
            job.done = job.total
            job.message = total.summary()[:300]
            job.finished_at = timezone.now()
            job.result_url = snapshot_url(result["snapshot"])
            fields += ["state", "message", "finished_at", "result_url"]
            logger.info("DTKS match job %s finished: %s", job_id, total.as_dict())
        job.save(update_fields=fields)


def _fail(job_id: str, message: str) -> None:
    Job.objects.filter(pk=job_id).exclude(state=Job.State.SUCCEEDED).update(
        state=Job.State.FAILED, message=message[:300], finished_at=timezone.now()
    )
