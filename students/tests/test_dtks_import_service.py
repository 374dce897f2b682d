"""Importing a DTKS/DTSEN extract as a snapshot: formats, problems kept row
by row, old snapshots kept until removed, failures leaving nothing half
done, COPY on PostgreSQL."""

import csv
import datetime as dt
import stat
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from openpyxl import Workbook

from balangan_pintar.jobs import run_job
from balangan_pintar.models import Job
from students.dtks.models import Match, Person, Snapshot, SnapshotProblem
from students.dtks.review import latest_snapshot
from students.dtks.services import importing
from students.dtks.services.importing import (
    RegisterRefused,
    delete_snapshot,
    import_register,
    receive_register,
    run_import_job,
    stored_path,
)
from students.models import Student

HEADER = [
    "IDDTKS",
    "NIK",
    "NOKK",
    "NAMA",
    "JENIS_KELAMIN",
    "TMPT_LAHIR",
    "TGL_LAHIR",
    "HUB_KELUARGA",
    "NAMA_IBU_KANDUNG",
    "DESA_KELURAHAN",
    "KECAMATAN",
    "DESIL",
]
ROWS = [
    ["D1", "6311011203800001", "6311010101100001", "AHMAD RIFAI", "L", "PARINGIN",
     "12-03-1980", "Kepala Keluarga", "", "LOK BATU", "JUAI", "2"],
    ["D2", "6311015506820002", "6311010101100001", "SALMAH", "P", "PARINGIN",
     "15-06-1982", "Istri", "", "LOK BATU", "JUAI", "2"],
    ["D3", "6311015705120001", "6311010101100001", "SITI AMINAH", "P", "PARINGIN",
     "17-05-2012", "Anak", "", "LOK BATU", "JUAI", "2"],
]  # fmt: skip


def write_csv(path: Path, rows: list[list[str]], delimiter: str = ",") -> Path:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, delimiter=delimiter)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def receive(path: Path, user: Any = None, label: str = "") -> Snapshot:
    return receive_register([path.read_bytes()], path.name, user=user, label=label)


def imported(path: Path, label: str = "") -> Snapshot:
    snapshot = receive(path, label=label)
    import_register(snapshot)
    snapshot.refresh_from_db()
    return snapshot


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "files"


@pytest.mark.django_db
@pytest.mark.parametrize("delimiter", [",", ";", "|"])
def test_a_csv_extract_becomes_a_complete_snapshot(
    tmp_path: Path, delimiter: str
) -> None:
    path = write_csv(tmp_path / "dtks.csv", ROWS, delimiter)

    snapshot = imported(path, label="DTSEN Maret 2026")

    assert snapshot.is_complete
    assert (snapshot.label, snapshot.row_count, snapshot.problem_count) == (
        "DTSEN Maret 2026",
        3,
        0,
    )
    child = Person.objects.get(snapshot=snapshot, dtks_id="D3")
    assert child.nik == "6311015705120001"
    assert child.birth_date == dt.date(2012, 5, 17)
    assert (child.gender, child.relationship, child.desil) == ("P", "anak", 2)
    assert child.row_number == 4
    assert latest_snapshot() == snapshot


@pytest.mark.django_db
def test_an_xlsx_extract_is_imported(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["DATA DTKS KABUPATEN BALANGAN"])
    sheet.append(HEADER)
    for row in ROWS:
        sheet.append(row)
    path = tmp_path / "dtks.xlsx"
    workbook.save(path)

    snapshot = imported(path)

    assert snapshot.is_complete
    assert snapshot.row_count == 3
    assert set(Person.objects.values_list("name", flat=True)) == {
        "AHMAD RIFAI",
        "SALMAH",
        "SITI AMINAH",
    }


@pytest.mark.django_db
def test_row_problems_are_recorded_and_no_row_is_silently_dropped(
    tmp_path: Path,
) -> None:
    rows = [
        ROWS[0],
        [*ROWS[1][:1], "63110155", *ROWS[1][2:]],
        [*ROWS[2][:6], "31-02-2012", *ROWS[2][7:]],
        ["D4", "", "", "", "L", "", "", "", "", "", "", ""],
        [*ROWS[0][:1], *ROWS[0][1:11], "11"],
    ]
    path = write_csv(tmp_path / "dtks.csv", rows)

    snapshot = imported(path)

    problems = list(
        SnapshotProblem.objects.filter(snapshot=snapshot).values_list(
            "row_number", "column", "value"
        )
    )
    assert (3, "NIK", "63110155") in problems
    assert (4, "TGL_LAHIR", "31-02-2012") in problems
    assert (6, "DESIL", "11") in problems
    assert any(row == 5 for row, _column, _value in problems)
    # Every row but the one without a name is kept, without its bad value.
    assert snapshot.row_count == 4
    assert snapshot.problem_count == len(problems) == 4
    assert Person.objects.get(snapshot=snapshot, row_number=3).nik == ""
    assert Person.objects.get(snapshot=snapshot, row_number=4).birth_date is None


@pytest.mark.django_db
def test_a_value_longer_than_its_column_is_cut_with_a_problem(tmp_path: Path) -> None:
    long_name = "SITI " + "A" * 200
    path = write_csv(tmp_path / "dtks.csv", [[*ROWS[2][:3], long_name, *ROWS[2][4:]]])

    snapshot = imported(path)

    person = Person.objects.get(snapshot=snapshot)
    assert person.name == long_name[:150]
    problem = SnapshotProblem.objects.get(snapshot=snapshot)
    assert (problem.row_number, problem.column) == (2, "NAMA")


@pytest.mark.django_db
def test_a_file_that_is_no_register_is_refused_and_leaves_nothing(
    tmp_path: Path,
) -> None:
    path = tmp_path / "dtks.csv"
    path.write_text("satu,dua,tiga\n1,2,3\n", encoding="utf-8")
    snapshot = receive(path)
    kept = stored_path(snapshot)

    with pytest.raises(RegisterRefused, match="Judul kolom"):
        import_register(snapshot)

    snapshot.refresh_from_db()
    assert not snapshot.is_complete
    assert not Person.objects.exists()
    assert latest_snapshot() is None
    # A refused extract is not kept: it cannot be imported anyway.
    assert kept is not None and not kept.exists()
    assert snapshot.stored_name == ""


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.4 bukan spreadsheet", "bukan register"),
        # Past the start the safety check reads, so only the full scan sees it.
        (b"NAMA,NIK,TGL_LAHIR\n" + b"SITI,1,2\n" * 10_000 + b"A\x00,1,2\n", "NUL"),
    ],
)
def test_unsafe_or_foreign_files_are_refused(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "dtks.csv"
    path.write_bytes(content)
    snapshot = receive(path)

    with pytest.raises(RegisterRefused, match=message):
        import_register(snapshot)

    assert not Person.objects.exists()


@pytest.mark.django_db
def test_a_failure_half_way_removes_what_was_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [[f"D{n}", *ROWS[2][1:]] for n in range(10)]
    snapshot = receive(write_csv(tmp_path / "dtks.csv", rows))
    monkeypatch.setattr(importing, "BATCH_SIZE", 3)
    original = importing._copy if connection.vendor == "postgresql" else None
    calls: list[int] = []

    def failing(model: Any, columns: Any, values: Any) -> None:
        calls.append(1)
        if len(calls) > 4:
            raise OSError("disk full")
        if original is not None:
            original(model, columns, values)
        else:
            importing._bulk_create(model, columns, values)

    name = "_copy" if connection.vendor == "postgresql" else "_bulk_create"
    monkeypatch.setattr(importing, name, failing)

    with pytest.raises(OSError, match="disk full"):
        import_register(snapshot)

    snapshot.refresh_from_db()
    assert not snapshot.is_complete
    assert not Person.objects.filter(snapshot=snapshot).exists()
    assert latest_snapshot() is None
    # The file stays for a second attempt, which starts over.
    monkeypatch.undo()
    kept = stored_path(snapshot)
    assert kept is not None and kept.exists()
    import_register(snapshot)
    assert Person.objects.filter(snapshot=snapshot).count() == 10


@pytest.mark.django_db
def test_importing_again_does_nothing(tmp_path: Path) -> None:
    snapshot = imported(write_csv(tmp_path / "dtks.csv", ROWS))

    counts = import_register(snapshot)

    assert (counts.rows, counts.problems) == (3, 0)
    assert Person.objects.count() == 3


@pytest.mark.django_db
def test_the_file_is_kept_private_and_removed_once_imported(tmp_path: Path) -> None:
    snapshot = receive(write_csv(tmp_path / "dtks.csv", ROWS))
    path = stored_path(snapshot)
    assert path is not None
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.name != "dtks.csv"
    assert snapshot.file_name == "dtks.csv"

    import_register(snapshot)

    assert not path.exists()
    snapshot.refresh_from_db()
    assert snapshot.stored_name == ""
    assert len(snapshot.sha256) == 64


@pytest.mark.django_db
def test_an_older_snapshot_stays_readable_until_removed(
    tmp_path: Path, dinas_admin: User, student_a: Student
) -> None:
    older = imported(write_csv(tmp_path / "old.csv", ROWS), label="lama")
    Match.objects.create(
        student=student_a, snapshot=older, decision="unmatched", evidence={}
    )
    newer = imported(write_csv(tmp_path / "new.csv", ROWS[:2]), label="baru")

    assert latest_snapshot() == newer
    assert Person.objects.filter(snapshot=older).count() == 3

    delete_snapshot(older, user=dinas_admin)

    assert not Snapshot.objects.filter(pk=older.pk).exists()
    assert not Person.objects.filter(snapshot_id=older.pk).exists()
    assert not Match.objects.filter(snapshot_id=older.pk).exists()
    assert Person.objects.filter(snapshot=newer).count() == 2


@pytest.mark.django_db
def test_the_import_job_starts_matching_the_district(
    tmp_path: Path,
    dinas_admin: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    snapshot = receive(write_csv(tmp_path / "dtks.csv", ROWS), user=dinas_admin)
    assert snapshot.job is not None

    with django_capture_on_commit_callbacks(execute=False):
        run_job(str(snapshot.job.pk), run_import_job)

    job = Job.objects.get(pk=snapshot.job.pk)
    assert job.state == Job.State.SUCCEEDED
    assert job.result["rows"] == 3
    match_job = Job.objects.get(pk=job.result["match_job"])
    assert (match_job.kind, match_job.created_by) == (
        Job.Kind.DTKS_MATCH,
        dinas_admin,
    )


@pytest.mark.django_db
def test_a_refused_file_fails_its_job_with_the_reason(
    tmp_path: Path, dinas_admin: User
) -> None:
    path = tmp_path / "dtks.csv"
    path.write_text("satu,dua,tiga\n1,2,3\n", encoding="utf-8")
    snapshot = receive(path, user=dinas_admin)
    assert snapshot.job is not None

    run_job(str(snapshot.job.pk), run_import_job)

    job = Job.objects.get(pk=snapshot.job.pk)
    assert job.state == Job.State.FAILED
    assert "Judul kolom" in job.message
    assert not Job.objects.filter(kind=Job.Kind.DTKS_MATCH).exists()


@pytest.mark.django_db
def test_postgresql_imports_by_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("COPY is the PostgreSQL path; SQLite uses bulk_create")

    def refuse(*args: Any) -> None:
        raise AssertionError("bulk_create used on PostgreSQL")

    monkeypatch.setattr(importing, "_bulk_create", refuse)

    snapshot = imported(write_csv(tmp_path / "dtks.csv", ROWS))

    assert snapshot.row_count == 3
    assert Person.objects.filter(snapshot=snapshot).count() == 3
