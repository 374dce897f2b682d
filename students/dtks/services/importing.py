"""Importing a DTKS/DTSEN register extract as a dated snapshot (SOP step 1).

``receive_register`` keeps the file under a server-chosen name and makes the
Snapshot and its Job; ``import_register`` checks and reads the file and
stores its people and problems, and is the one code path of the Celery task,
the management command and the benchmark. The rows stream from the reader
into the database a batch at a time, by COPY on PostgreSQL, so memory stays
flat whatever the file's size.

A snapshot is marked complete only once every row is stored; until then no
page or match uses it, and a failed import removes what it had stored.
"""

import csv
import hashlib
import logging
import operator
import os
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from balangan_pintar import audit
from balangan_pintar.jobs import JobFailed, Progress, create_job
from balangan_pintar.models import Job
from students.dapodik import FileKind, RefusalCode, UploadRefused
from students.dapodik.safety import inspect_upload

from .. import conf
from ..models import Match, Person, Snapshot, SnapshotProblem
from ..reader import PersonRow, RegisterFormatError, RowProblem, open_register

logger = logging.getLogger(__name__)

# Where received extracts wait for their import, under MEDIA_ROOT, which the
# web server never serves.
REGISTER_DIRECTORY = "dtks"
# Rows per batch: per COPY on PostgreSQL, per bulk_create on SQLite.
BATCH_SIZE = 20_000
SCAN_BYTES = 1024 * 1024
_PERSON_COLUMNS = (
    "snapshot_id",
    "row_number",
    "dtks_id",
    "nik",
    "no_kk",
    "name",
    "gender",
    "birth_place",
    "birth_date",
    "relationship",
    "mother_name",
    "address",
    "dusun",
    "rt",
    "rw",
    "desa",
    "kecamatan",
    "kabupaten",
    "desil",
)
_PROBLEM_COLUMNS = ("snapshot_id", "row_number", "column", "value", "message")
# The text fields of a PersonRow that the table holds in a limited width,
# with their limits, checked on every row in one pass.
_LIMITED: tuple[str, ...] = (
    "dtks_id",
    "name",
    "birth_place",
    "mother_name",
    "address",
    "dusun",
    "rt",
    "rw",
    "desa",
    "kecamatan",
    "kabupaten",
)
_LIMITS = tuple(
    getattr(Person._meta.get_field(name), "max_length", 0) for name in _LIMITED
)
_limited_values = operator.attrgetter(*_LIMITED)


class RegisterRefused(Exception):
    """The file cannot be imported as a register; the message says why."""


@dataclass
class ImportCounts:
    rows: int = 0
    problems: int = 0


def default_label() -> str:
    return _("DTKS %(date)s") % {"date": timezone.localdate().strftime("%d-%m-%Y")}


def receive_register(
    chunks: Iterable[bytes], original_name: str, *, user: Any, label: str = ""
) -> Snapshot:
    """Keep an extract and make its (incomplete) Snapshot and queued Job.

    The file is written under MEDIA_ROOT with a random name and private
    permissions; its content is only trusted after ``import_register``
    checked it. The caller enqueues the job.
    """
    directory = Path(settings.MEDIA_ROOT) / REGISTER_DIRECTORY
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    stored = directory / f"{uuid.uuid4().hex}.upload"
    digest = hashlib.sha256()
    descriptor = os.open(stored, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        for chunk in chunks:
            digest.update(chunk)
            out.write(chunk)

    job = create_job(Job.Kind.DTKS_IMPORT, user=user)
    return Snapshot.objects.create(
        label=(label.strip() or default_label())[:150],
        file_name=Path(original_name).name[:255] or "dtks",
        stored_name=str(stored.relative_to(settings.MEDIA_ROOT)),
        sha256=digest.hexdigest(),
        imported_by=user,
        job=job,
    )


def stored_path(snapshot: Snapshot) -> Path | None:
    if not snapshot.stored_name:
        return None
    return Path(settings.MEDIA_ROOT) / snapshot.stored_name


def run_import_job(job: Job, progress: Progress) -> dict[str, Any]:
    """The work of a DTKS_IMPORT job, for ``run_job``: import the extract,
    then start matching the whole district against it."""
    from .matching import snapshot_url, start_district_match

    snapshot = Snapshot.objects.get(job=job)
    try:
        counts = import_register(snapshot, progress)
    except RegisterRefused as refusal:
        raise JobFailed(str(refusal)) from refusal

    match_job = start_district_match(user=job.created_by)
    return {
        "snapshot": snapshot.pk,
        "rows": counts.rows,
        "problems": counts.problems,
        "match_job": str(match_job.pk),
        "message": summary_line(snapshot),
        "url": snapshot_url(snapshot.pk),
    }


def import_register(
    snapshot: Snapshot, progress: Progress | None = None
) -> ImportCounts:
    """Check, read and store the snapshot's extract, then mark it complete.

    Raises ``RegisterRefused`` when the file cannot be read as a register;
    nothing of it is stored then. Run again on a complete snapshot it does
    nothing; on an incomplete one it starts over.
    """
    if snapshot.is_complete:
        return ImportCounts(snapshot.row_count, snapshot.problem_count)
    progress = progress or _no_progress
    path = stored_path(snapshot)
    if path is None or not path.exists():
        raise RegisterRefused(_("Berkas DTKS tidak ditemukan lagi; impor ulang."))

    started = time.perf_counter()
    progress(0, 0, _("Membaca dan menyimpan data DTKS…"))
    clear_snapshot_rows(snapshot)
    try:
        check_file(path, snapshot.file_name)
        counts = _store(snapshot, path, progress)
    except (RegisterRefused, RegisterFormatError, csv.Error) as error:
        clear_snapshot_rows(snapshot)
        _forget_file(snapshot, path)
        if isinstance(error, RegisterRefused):
            raise
        if isinstance(error, csv.Error):
            message = _("Berkas CSV rusak dan tidak dapat dibaca: %(error)s") % {
                "error": error
            }
            raise RegisterRefused(message) from error
        raise RegisterRefused(str(error)) from error
    except BaseException:
        # Kept with its file: the job may be run again.
        clear_snapshot_rows(snapshot)
        raise

    Snapshot.objects.filter(pk=snapshot.pk).update(
        is_complete=True, row_count=counts.rows, problem_count=counts.problems
    )
    _analyze()
    _forget_file(snapshot, path)
    snapshot.refresh_from_db()
    audit.record(
        snapshot.imported_by,
        "dtks.import",
        snapshot,
        rows=counts.rows,
        problems=counts.problems,
    )
    logger.info(
        "DTKS snapshot %s imported in %.1f s: %s people, %s problems",
        snapshot.pk,
        time.perf_counter() - started,
        counts.rows,
        counts.problems,
    )
    return counts


def _forget_file(snapshot: Snapshot, path: Path) -> None:
    # The extract holds a whole register's personal data: once its rows are
    # stored, or it was refused, there is no reason to keep it.
    Snapshot.objects.filter(pk=snapshot.pk).update(stored_name="")
    snapshot.stored_name = ""
    path.unlink(missing_ok=True)


def check_file(path: Path, original_name: str) -> None:
    """Refuse a file that is not a plain .csv or .xlsx register, as the
    school upload does (type by content, zip bombs, macros, encryption)."""
    try:
        kind = inspect_upload(path, original_name, conf.upload_max_bytes())
    except UploadRefused as refusal:
        if refusal.code == RefusalCode.SHEET_TOO_LARGE:
            raise RegisterRefused(
                _(
                    "Lembar kerja XLSX ini terlalu besar (lebih dari 99.999 "
                    "baris, atau lebih dari 32.767 baris dengan isi sampai "
                    "kanan kolom AN). Simpan register sebagai CSV lalu impor "
                    "ulang."
                )
            ) from refusal
        if refusal.code == RefusalCode.NOT_SPREADSHEET:
            raise RegisterRefused(_not_a_register()) from refusal
        raise RegisterRefused(refusal.message) from refusal
    if kind not in (FileKind.CSV, FileKind.XLSX):
        raise RegisterRefused(_not_a_register())
    if kind == FileKind.CSV and _has_nul(path):
        raise RegisterRefused(str(RefusalCode.BAD_TEXT.label))


def _not_a_register() -> str:
    return _(
        "Berkas ini bukan register DTKS/DTSEN yang dapat dibaca. Impor "
        "berkas .csv (dipisah koma, titik koma atau garis tegak) atau .xlsx."
    )


def _has_nul(path: Path) -> bool:
    # A NUL byte cannot be stored in PostgreSQL text; the safety check only
    # looks at the start of the file.
    with path.open("rb") as handle:
        while block := handle.read(SCAN_BYTES):
            if b"\x00" in block:
                return True
    return False


def _store(snapshot: Snapshot, path: Path, progress: Progress) -> ImportCounts:
    counts = ImportCounts()
    write = _copy if connection.vendor == "postgresql" else _bulk_create
    with open_register(path) as reader:
        for chunk in reader.chunks(BATCH_SIZE):
            problems = list(chunk.problems)
            people = list(
                _person_values(snapshot.pk, chunk.rows, problems, reader.headers)
            )
            with transaction.atomic():
                _no_flush_wait()
                write(Person, _PERSON_COLUMNS, people)
                write(
                    SnapshotProblem,
                    _PROBLEM_COLUMNS,
                    _problem_values(snapshot.pk, problems),
                )
            counts.rows += len(people)
            counts.problems += len(problems)
            # The file's share read so far gives the number of rows to come.
            expected = round(chunk.rows_read / chunk.progress) if chunk.progress else 0
            progress(
                chunk.rows_read,
                max(expected, chunk.rows_read + 1),
                _("%(rows)s baris tersimpan, %(problems)s masalah")
                % {"rows": counts.rows, "problems": counts.problems},
            )
    return counts


def _no_flush_wait() -> None:
    # A batch need not wait for its commit to reach the disk: the snapshot
    # is only used once the final, ordinary commit marks it complete, and
    # that commit flushes everything written before it.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")


def _analyze() -> None:
    # Fresh statistics, so that the planner sees a snapshot's size at once
    # and looks families up by No KK instead of scanning the snapshot.
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in (Person, SnapshotProblem):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def _person_values(
    snapshot_id: int,
    rows: list[PersonRow],
    problems: list[RowProblem],
    headers: dict[str, str],
) -> Iterator[tuple[Any, ...]]:
    """The rows as values of ``_PERSON_COLUMNS``; a text longer than its
    column is cut, and a problem says so."""
    limits = _LIMITS
    for row in rows:
        if any(map(operator.gt, map(len, _limited_values(row)), limits)):
            row = _cut(row, problems, headers)
        yield (
            snapshot_id,
            row.row,
            row.dtks_id,
            row.nik or "",
            row.no_kk or "",
            row.name,
            row.gender or "",
            row.birth_place,
            row.birth_date,
            row.relationship,
            row.mother_name,
            row.address,
            row.dusun,
            row.rt,
            row.rw,
            row.desa,
            row.kecamatan,
            row.kabupaten,
            row.desil,
        )


def _cut(
    row: PersonRow, problems: list[RowProblem], headers: dict[str, str]
) -> PersonRow:
    changes = {}
    for name, limit in zip(_LIMITED, _LIMITS, strict=True):
        value = getattr(row, name)
        if len(value) > limit:
            changes[name] = value[:limit]
            problems.append(
                RowProblem(
                    row.row,
                    headers.get(name, name),
                    value,
                    _("Isi lebih dari %(limit)s karakter; dipotong") % {"limit": limit},
                )
            )
    return row._replace(**changes)


def _problem_values(
    snapshot_id: int, problems: list[RowProblem]
) -> list[tuple[Any, ...]]:
    return [
        (
            snapshot_id,
            problem.row,
            problem.column[:60],
            problem.value[:200],
            problem.message[:300],
        )
        for problem in problems
    ]


def _copy(
    model: Any, columns: tuple[str, ...], rows: Iterable[tuple[Any, ...]]
) -> None:
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    statement = f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


def _bulk_create(
    model: Any, columns: tuple[str, ...], rows: Iterable[tuple[Any, ...]]
) -> None:
    objects = [model(**dict(zip(columns, row, strict=True))) for row in rows]
    model.objects.bulk_create(objects, batch_size=1000)


def clear_snapshot_rows(snapshot: Snapshot) -> None:
    """Remove the snapshot's people, problems and matches, in plain DELETE
    statements: the ORM would first load a million rows to cascade them."""
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        for model in (Match, SnapshotProblem, Person):
            # The names come from the models, the id goes as a parameter.
            table = quote(model._meta.db_table)
            cursor.execute(
                f"DELETE FROM {table} WHERE {quote('snapshot_id')} = %s",  # noqa: S608
                [snapshot.pk],
            )


def delete_snapshot(snapshot: Snapshot, *, user: Any) -> None:
    """Remove a snapshot with everything made from it: its people, problems
    and matches. The verifiers' decisions stay; they name people by the
    register's id and hold for other snapshots."""
    path = stored_path(snapshot)
    with transaction.atomic():
        clear_snapshot_rows(snapshot)
        audit.record(
            user,
            "dtks.delete",
            snapshot,
            label=snapshot.label,
            rows=snapshot.row_count,
        )
        snapshot.delete()
    if path is not None:
        path.unlink(missing_ok=True)


def can_delete(snapshot: Snapshot) -> bool:
    """A snapshot being imported cannot be removed under its job's feet."""
    job = snapshot.job
    return snapshot.is_complete or job is None or job.is_finished


def summary_line(snapshot: Snapshot) -> str:
    return _(
        "%(rows)s orang disimpan dalam snapshot %(label)s, %(problems)s masalah."
    ) % {
        "rows": snapshot.row_count,
        "label": snapshot.label,
        "problems": snapshot.problem_count,
    }


def _no_progress(done: int, total: int | None = None, message: str = "") -> None:
    return None
