"""``manage.py import_dapodik``: the upload's code path from the command line."""

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command, load_command_class
from django.core.management.base import CommandError

from students.dapodik import hostile
from students.dapodik.samples import make_dapodik_workbook, make_students
from students.models import School, Student, Upload


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def run(*args: str) -> str:
    out = StringIO()
    call_command("import_dapodik", *args, stdout=out)
    return out.getvalue()


def test_it_imports_and_prints_the_summary_and_row_issues(
    school_a: School, tmp_path: Path
) -> None:
    pupils = make_students(12, seed=3)
    pupils[4]["jk"] = "X"
    path = tmp_path / "daftar.xlsx"
    make_dapodik_workbook(pupils, path)

    output = run("--school", school_a.npsn, str(path))

    assert "12 baris dibaca: 11 siswa disimpan (11 baru, 0 diperbarui)" in output
    assert "Baris 13 | JK | Galat | X | JK harus L" in output
    assert Student.objects.filter(school=school_a).count() == 11
    upload = Upload.objects.get()
    assert upload.uploaded_by is None
    assert upload.original_name == "daftar.xlsx"


def test_a_refused_file_exits_with_status_1_and_changes_nothing(
    school_a: School, student_a: Student, tmp_path: Path
) -> None:
    path = tmp_path / "terkunci.xlsx"
    hostile.make_encrypted_workbook(path)

    with pytest.raises(CommandError) as refused:
        run("--school", school_a.npsn, str(path))

    assert refused.value.returncode == 1
    assert "kata sandi" in str(refused.value)
    student_a.refresh_from_db()
    assert student_a.is_listed
    assert Student.objects.count() == 1


def test_an_unknown_school_is_an_error(db: None, tmp_path: Path) -> None:
    path = tmp_path / "daftar.xlsx"
    make_dapodik_workbook(2, path)

    with pytest.raises(CommandError, match="NPSN"):
        run("--school", "99999999", str(path))

    assert not Upload.objects.exists()


def test_the_command_exits_with_status_1_from_the_shell(
    school_a: School, tmp_path: Path
) -> None:
    path = tmp_path / "bukan.xlsx"
    path.write_bytes(b"%PDF-1.7\n")

    with pytest.raises(SystemExit) as exited:
        call_command_from_argv("import_dapodik", "--school", school_a.npsn, str(path))

    assert exited.value.code == 1


def call_command_from_argv(*argv: str) -> None:
    command = load_command_class("students", argv[0])
    command.run_from_argv(["manage.py", *argv])
