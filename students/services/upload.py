"""A school's pupil list, from the uploaded file to the stored students
(SOP step 1).

``receive_upload`` keeps the file under a server-chosen name and makes the
Upload and its Job; ``import_upload`` reads, validates and stores it and is
the one code path of the Celery task, the management command and the
benchmark. Storing is idempotent: students are updated by NISN within the
school, those missing from the file are marked as no longer listed, never
deleted, and an unchanged row is not written at all.
"""

import hashlib
import logging
import operator
import os
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, cast

from django.conf import settings
from django.db import connection, transaction
from django.db.models import CharField, Field
from django.utils import timezone
from django.utils.translation import gettext as _

from balangan_pintar import audit
from balangan_pintar.jobs import JobFailed, Progress, create_job
from balangan_pintar.models import Job
from students.dapodik import (
    ReadResult,
    StudentRow,
    UploadRefused,
    read_students,
    write_annotated_workbook,
)

from ..models import School, Student, Upload
from ..models.uploads import UPLOAD_DIRECTORY

logger = logging.getLogger(__name__)

# Called with the school's id after its students were stored; the DTKS
# matching registers itself here so that this module does not depend on it.
after_import_hooks: list[Callable[[int], None]] = []

# The page lists this many issues; the annotated workbook has them all.
MAX_STORED_ISSUES = 10_000
# Students written per round trip to the database.
BATCH_SIZE = 1000
# The job's progress bar: reading, storing, writing the annotated file.
STAGES = 3

# The fields of a Student that the file decides, in one order for both the
# comparison with what is stored and the writing.
STORED_FIELDS = (
    "nik",
    "no_kk",
    "name",
    "name_original",
    "gender",
    "birth_place",
    "birth_date",
    "religion",
    "address",
    "rt",
    "rw",
    "dusun",
    "desa",
    "kecamatan",
    "postal_code",
    "mother_name",
    "mother_nik",
    "father_name",
    "father_nik",
    "guardian_name",
    "rombel",
    "kip_recipient",
    "kip_number",
    "kks_number",
    "pip_eligible",
)
_OPTIONAL_FIELDS = ("nik", "no_kk", "mother_nik", "father_nik")
_TEXT_LIMITS: dict[str, int] = {
    field.name: field.max_length
    for field in Student._meta.concrete_fields
    if field.name in STORED_FIELDS and isinstance(field, CharField) and field.max_length
}

Values = tuple[Any, ...]


@dataclass
class StoreCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    unlisted: int = 0

    @property
    def stored(self) -> int:
        return self.created + self.updated + self.unchanged


def receive_upload(
    school: School,
    chunks: Iterable[bytes],
    original_name: str,
    *,
    user: Any,
) -> Upload:
    """Keep an uploaded file and make its Upload and queued Job.

    The file is written under MEDIA_ROOT with a random name and private
    permissions; its content is only trusted after ``read_students``
    checked it. The caller enqueues the job.
    """
    directory = Path(settings.MEDIA_ROOT) / UPLOAD_DIRECTORY / str(school.pk)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    stored = directory / f"{uuid.uuid4().hex}.upload"
    digest = hashlib.sha256()
    size = 0
    descriptor = os.open(stored, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        for chunk in chunks:
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)

    with transaction.atomic():
        job = create_job(Job.Kind.DAPODIK_UPLOAD, user=user)
        return Upload.objects.create(
            school=school,
            uploaded_by=user,
            original_name=Path(original_name).name[:255] or "berkas",
            stored_name=str(stored.relative_to(settings.MEDIA_ROOT)),
            size=size,
            sha256=digest.hexdigest(),
            job=job,
        )


def run_upload_job(job: Job, progress: Progress) -> dict[str, Any]:
    """The work of a DAPODIK_UPLOAD job, for ``run_job``.

    A refused file fails the job with the refusal as its message. The
    result holds counts only; the issues stay on the Upload.
    """
    upload = Upload.objects.select_related("school").get(job=job)
    try:
        import_upload(upload, progress)
    except UploadRefused as refusal:
        raise JobFailed(refusal.message) from refusal

    return {
        "upload": upload.pk,
        "rows_read": upload.rows_read,
        "stored": upload.stored,
        "error_rows": upload.error_rows,
        "warnings": upload.warnings,
        "message": summary_line(upload),
        "url": upload.get_absolute_url(),
    }


def import_upload(upload: Upload, progress: Progress | None = None) -> Upload:
    """Read, validate and store one upload, then start the DTKS matching.

    Raises :class:`UploadRefused` when the file cannot be read as a whole;
    the refusal is recorded on the upload and no student is touched.
    Raises ``JobFailed`` when a later upload of the school was stored
    meanwhile. Run again on the same upload, the students are not stored a
    second time.
    """
    progress = progress or _no_progress
    started = time.perf_counter()
    progress(0, STAGES, _("Membaca dan memeriksa berkas…"))
    try:
        result = read_students(upload.path, upload.original_name)
    except UploadRefused as refusal:
        upload.refusal_code = refusal.code
        upload.refusal_params = dict(refusal.params)
        upload.save(update_fields=["refusal_code", "refusal_params"])
        raise

    if upload.imported_at is None:
        progress(1, STAGES, _("Menyimpan data siswa…"))
        _record_result(upload, result)
    if result.issues and not upload.annotated_name:
        progress(2, STAGES, _("Menyiapkan berkas dengan kolom Keterangan…"))
        _write_annotated(upload, result)

    logger.info(
        "import of upload %s for school %s took %.2f s: %s rows, %s new, "
        "%s updated, %s unlisted, %s rows with errors",
        upload.pk,
        upload.school_id,
        time.perf_counter() - started,
        upload.rows_read,
        upload.created,
        upload.updated,
        upload.unlisted,
        upload.error_rows,
    )
    _run_hooks(upload.school_id)
    return upload


def _record_result(upload: Upload, result: ReadResult) -> None:
    with transaction.atomic():
        # One import per school at a time: the comparison with the stored
        # students must not race another upload of the same school.
        School.objects.select_for_update().filter(pk=upload.school_id).first()
        if _superseded(upload):
            raise JobFailed(
                _(
                    "Unggahan yang lebih baru dari sekolah ini sudah disimpan; "
                    "berkas ini tidak disimpan agar data tidak mundur."
                )
            )
        counts = store_students(
            upload.school_id,
            result.rows,
            keep_listed=result.nisns_with_errors,
            at=upload.uploaded_at,
        )

        upload.kind = result.kind
        upload.rows_read = result.counts.rows_read
        upload.stored = counts.stored
        upload.created = counts.created
        upload.updated = counts.updated
        upload.unlisted = counts.unlisted
        upload.error_rows = result.counts.error_rows
        upload.errors = result.counts.errors
        upload.warnings = result.counts.warnings
        upload.set_issues(result.issues, MAX_STORED_ISSUES)
        upload.imported_at = timezone.now()
        upload.save()
        audit.record(
            upload.uploaded_by,
            "students.import",
            upload,
            rows=upload.rows_read,
            created=counts.created,
            updated=counts.updated,
            unlisted=counts.unlisted,
            error_rows=upload.error_rows,
        )


def _superseded(upload: Upload) -> bool:
    # A job delayed behind a later upload of the same school (a retry, a
    # second worker) must not put older data back.
    later = Upload.objects.filter(
        school_id=upload.school_id,
        imported_at__isnull=False,
        uploaded_at__gt=upload.uploaded_at,
    )
    return later.exists()


def store_students(
    school_id: int,
    rows: Sequence[StudentRow],
    *,
    keep_listed: Iterable[str] = (),
    at: datetime | None = None,
) -> StoreCounts:
    """Make the school's students agree with the valid rows of a file.

    New NISNs are created, changed ones updated (and listed again), and
    listed students whose NISN is neither in ``rows`` nor in
    ``keep_listed`` (rows kept out by errors) are marked as no longer
    listed. ``listed_at`` becomes ``at`` on every student written. Call it
    inside a transaction.
    """
    at = at or timezone.now()
    existing = _stored_values(school_id)
    counts = StoreCounts()
    changed: list[tuple[str, Values]] = []
    seen = set(keep_listed)
    for row in rows:
        if row.nisn is None:
            continue
        seen.add(row.nisn)
        values = _row_values(row)
        known = existing.get(row.nisn)
        if known is not None and known[1] and known[2] == values:
            counts.unchanged += 1
            continue
        if known is None:
            counts.created += 1
        else:
            counts.updated += 1
        changed.append((row.nisn, values))

    for batch in _batches(changed, BATCH_SIZE):
        _upsert(school_id, batch, at)

    gone = [
        pk
        for nisn, (pk, is_listed, _values) in existing.items()
        if is_listed and nisn not in seen
    ]
    for batch_ids in _batches(gone, BATCH_SIZE):
        Student.objects.filter(pk__in=batch_ids).update(
            is_listed=False, updated_at=timezone.now()
        )
    counts.unlisted = len(gone)
    return counts


def _stored_values(school_id: int) -> dict[str, tuple[int, bool, Values]]:
    """The school's students as the database holds them, by NISN.

    Read with plain SQL: the ORM's handling of every value of a large school
    took longer than the query. The drivers give dates and booleans back as
    Python values, as the rows hold them.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            _sql(
                "SELECT {nisn}, {pk}, {is_listed}, {stored} FROM {table} "
                "WHERE {school} = %s"
            ),
            [school_id],
        )
        return {
            nisn: (pk, bool(is_listed), tuple(values))
            for nisn, pk, is_listed, *values in cursor
        }


_get_stored = operator.attrgetter(*STORED_FIELDS)
# Identifiers a row may lack (None) and the model keeps as "".
_OPTIONAL = [STORED_FIELDS.index(name) for name in _OPTIONAL_FIELDS]
_LIMITS = [(STORED_FIELDS.index(name), limit) for name, limit in _TEXT_LIMITS.items()]
_BIRTH_DATE = STORED_FIELDS.index("birth_date")


def _row_values(row: StudentRow) -> Values:
    """The row's stored fields as the database driver gives them back: text
    cut to its column and "" rather than None."""
    values = list(_get_stored(row))
    for index in _OPTIONAL:
        if values[index] is None:
            values[index] = ""
    for index, limit in _LIMITS:
        if len(values[index]) > limit:
            values[index] = values[index][:limit]
    return tuple(values)


def _upsert(school_id: int, batch: list[tuple[str, Values]], at: datetime) -> None:
    """Insert or update students by (school, NISN).

    Plain SQL: building 30 fields of thousands of model instances through
    the ORM took several times longer than the database itself. On
    PostgreSQL the rows are copied into a temporary table and merged in one
    statement, because one INSERT per row spent its time in planning; on
    SQLite one short INSERT per row runs through executemany at C speed.
    Both use ``INSERT ... ON CONFLICT DO UPDATE``.
    """
    now = timezone.now()
    if connection.vendor == "postgresql":
        rows = [(school_id, nisn, *values, True, at, now) for nisn, values in batch]
        _copy_and_merge(rows)
        return

    ops = connection.ops
    listed_at = ops.adapt_datetimefield_value(at)
    updated_at = ops.adapt_datetimefield_value(now)
    params = []
    for nisn, values in batch:
        row = list(values)
        row[_BIRTH_DATE] = ops.adapt_datefield_value(row[_BIRTH_DATE])
        params.append((school_id, nisn, *row, True, listed_at, updated_at))
    with connection.cursor() as cursor:
        cursor.executemany(
            _sql("INSERT INTO {table} ({columns}) VALUES ({values}) {on_conflict}"),
            params,
        )


def _copy_and_merge(rows: list[tuple[Any, ...]]) -> None:
    # The staging table lives until the end of the transaction.
    with transaction.atomic(), connection.cursor() as cursor:
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
                "{on_conflict}"
            )
        )


_WRITTEN = (*STORED_FIELDS, "is_listed", "listed_at", "updated_at")
_WRITTEN_COLUMNS = [
    str(cast(Field[Any, Any], Student._meta.get_field(name)).column)
    for name in ("school", "nisn", *_WRITTEN)
]


def _sql(template: str) -> str:
    """``template`` with the names of the student table and its columns.

    Every name comes from the model, none from the file.
    """
    quote = connection.ops.quote_name
    school, nisn, *written = (quote(column) for column in _WRITTEN_COLUMNS)
    updates = ", ".join(f"{column} = EXCLUDED.{column}" for column in written)
    return template.format(
        school=school,
        nisn=nisn,
        pk=quote(str(Student._meta.pk.column)),  # type: ignore[union-attr]
        stored=", ".join(written[: len(STORED_FIELDS)]),
        is_listed=written[len(STORED_FIELDS)],
        table=quote(Student._meta.db_table),
        staging=quote("kbp_student_upload"),
        columns=", ".join([school, nisn, *written]),
        values=", ".join(["%s"] * len(_WRITTEN_COLUMNS)),
        on_conflict=f"ON CONFLICT ({school}, {nisn}) DO UPDATE SET {updates}",
    )


def _batches(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _write_annotated(upload: Upload, result: ReadResult) -> None:
    """Write the file back with its "Keterangan" column beside the upload."""
    name = str(Path(upload.stored_name).with_suffix("")) + "-keterangan.xlsx"
    target = Path(settings.MEDIA_ROOT) / name
    partial = target.with_suffix(".partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        write_annotated_workbook(result, upload.path, out)
    partial.replace(target)
    upload.annotated_name = name
    upload.save(update_fields=["annotated_name"])


def _run_hooks(school_id: int) -> None:
    for hook in after_import_hooks:
        try:
            hook(school_id)
        except Exception:
            # The students are stored; a failing follow-up must not turn a
            # good import into a failed one.
            logger.exception("after-import hook %r failed", hook)


def _no_progress(done: int, total: int | None = None, message: str = "") -> None:
    return None


def summary_line(upload: Upload) -> str:
    """One sentence on the outcome, for the job page and the command."""
    return _(
        "%(rows)s baris dibaca: %(stored)s siswa disimpan (%(created)s baru, "
        "%(updated)s diperbarui), %(error_rows)s baris bergalat, %(warnings)s "
        "peringatan, %(unlisted)s siswa tidak lagi tercantum."
    ) % {
        "rows": upload.rows_read,
        "stored": upload.stored,
        "created": upload.created,
        "updated": upload.updated,
        "error_rows": upload.error_rows,
        "warnings": upload.warnings,
        "unlisted": upload.unlisted,
    }
