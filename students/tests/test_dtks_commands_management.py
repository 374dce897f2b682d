"""The DTKS management commands: import, match, export, the synthetic
district and the quality report."""

import csv
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from conftest import make_student
from students.dtks.models import Match, Snapshot
from students.dtks.services.export import EXPORT_COLUMNS
from students.dtks.services.synthetic_district import NPSN_PREFIX
from students.models import School, Student

HEADER = ["IDDTKS", "NIK", "NOKK", "NAMA", "JENIS_KELAMIN", "TGL_LAHIR", "DESIL"]


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "files"


def run(*args: Any) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def extract(tmp_path: Path) -> Path:
    path = tmp_path / "dtks.csv"
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, delimiter=";")
        writer.writerow(HEADER)
        writer.writerow(
            ["D1", "6311065705140001", "", "SITI RAHMAH", "P", "17-05-2014", "2"]
        )
        writer.writerow(["D2", "", "", "AHMAD", "L", "30-02-2013", "3"])
    return path


@pytest.mark.django_db
def test_import_dtks_imports_and_matches(tmp_path: Path, school_a: School) -> None:
    make_student(school_a, "0000000001")

    output = run("import_dtks", str(extract(tmp_path)), "--label", "Uji")

    snapshot = Snapshot.objects.get()
    assert (snapshot.label, snapshot.row_count, snapshot.problem_count) == (
        "Uji",
        2,
        1,
    )
    assert "2 orang disimpan" in output
    assert "1 siswa dicocokkan: 1 cocok" in output
    assert Match.objects.get().person is not None


@pytest.mark.django_db
def test_import_dtks_refuses_a_file_that_is_no_register(tmp_path: Path) -> None:
    path = tmp_path / "catatan.csv"
    path.write_text("satu,dua\n1,2\n", encoding="utf-8")

    with pytest.raises(CommandError, match="Judul kolom"):
        run("import_dtks", str(path))

    assert not Snapshot.objects.exists()


@pytest.mark.django_db
def test_match_dtks_prints_the_count_of_each_decision(
    tmp_path: Path, school_a: School, school_b: School
) -> None:
    make_student(school_a, "0000000001")
    make_student(school_b, "0000000002", name="Budi Santoso", nik="")
    run("import_dtks", str(extract(tmp_path)), "--no-match")

    output = run("match_dtks", "--school", school_a.npsn)

    assert output.split() == [
        "matched", "1", "review", "0", "unmatched", "0", "total", "1",
    ]  # fmt: skip
    assert "total     2" in run("match_dtks")


@pytest.mark.django_db
def test_match_dtks_needs_a_snapshot_and_a_known_school() -> None:
    with pytest.raises(CommandError, match="NPSN"):
        run("match_dtks", "--school", "99999999")
    with pytest.raises(CommandError, match="snapshot"):
        run("match_dtks")


@pytest.mark.django_db
def test_export_matches_writes_one_row_per_student(
    tmp_path: Path, school_a: School
) -> None:
    make_student(school_a, "0000000001")
    make_student(school_a, "0000000002", name="Budi Santoso", nik="")
    run("import_dtks", str(extract(tmp_path)))
    target = tmp_path / "hasil.csv"

    run("export_matches", str(target))

    with target.open(encoding="utf-8") as stream:
        rows = list(csv.reader(stream))
    assert tuple(rows[0]) == EXPORT_COLUMNS == (
        "npsn", "nisn", "nik", "dtks_id", "decision", "method", "score",
    )  # fmt: skip
    by_nisn = {row[1]: row for row in rows[1:]}
    assert len(rows) == 3
    assert by_nisn["0000000001"][:6] == [
        school_a.npsn, "0000000001", "6311065705140001", "D1", "matched", "nik",
    ]  # fmt: skip
    assert by_nisn["0000000002"][3:5] == ["", "unmatched"]


@pytest.mark.django_db
def test_make_synthetic_district_writes_the_database_and_files(
    tmp_path: Path,
) -> None:
    register = tmp_path / "dtks.csv"
    truth = tmp_path / "truth.csv"

    output = run(
        "make_synthetic_district",
        "--students", "120", "--seed", "3", "--database", "--import",
        "--register", str(register), "--truth", str(truth),
    )  # fmt: skip

    assert "120 students" in output
    assert Student.objects.filter(school__npsn__startswith=NPSN_PREFIX).count() == 120
    assert Snapshot.objects.get().is_complete
    with register.open(encoding="utf-8") as stream:
        assert next(csv.reader(stream))[:4] == ["IDDTKS", "NIK", "NOKK", "NAMA"]
    with truth.open(encoding="utf-8") as stream:
        assert len(list(csv.reader(stream))) == 121

    # Run again, the same students are updated, not added.
    run("make_synthetic_district", "--students", "120", "--seed", "3", "--database")
    assert Student.objects.count() == 120


@pytest.mark.django_db
def test_make_synthetic_district_needs_an_output() -> None:
    with pytest.raises(CommandError):
        run("make_synthetic_district")


@pytest.mark.django_db
def test_the_quality_report_runs_through_the_database_and_rolls_back() -> None:
    output = run("dtks_quality_report", "--students", "300", "--parts", "2")

    assert "meets the goals" in output
    assert "identical to the in-memory engine" in output
    assert not Student.objects.exists()
    assert not Snapshot.objects.exists()
