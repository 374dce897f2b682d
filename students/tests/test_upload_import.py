"""Storing an uploaded pupil list: the import service, its idempotence, and
files refused as a whole leaving the database as it was."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User

from balangan_pintar.jobs import run_job
from balangan_pintar.models import AuditEntry, Job
from conftest import make_student
from students.dapodik import RefusalCode, UploadRefused, hostile
from students.dapodik.samples import make_dapodik_workbook, make_students
from students.dapodik.workbook_writer import Sheet, write_workbook
from students.models import School, Student, Upload
from students.services import upload as upload_service
from students.services.upload import (
    import_upload,
    receive_upload,
    run_upload_job,
    store_students,
)

Pupils = list[dict[str, object]]


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def pupils() -> Pupils:
    return make_students(30, seed=11)


def received(school: School, path: Path, user: User | None = None) -> Upload:
    return receive_upload(school, [path.read_bytes()], path.name, user=user)


def imported(school: School, path: Path, user: User | None = None) -> Upload:
    upload = received(school, path, user)
    run_job(str(upload.job.pk), run_upload_job)  # type: ignore[union-attr]
    return Upload.objects.select_related("job").get(pk=upload.pk)


def snapshot() -> list[tuple[Any, ...]]:
    return list(
        Student.objects.order_by("pk").values_list(
            "pk", "nisn", "nik", "name", "is_listed", "listed_at", "updated_at"
        )
    )


def test_an_upload_is_kept_privately_under_a_server_chosen_name(
    school_a: School, operator_a: User, tmp_path: Path, media: Path
) -> None:
    path = tmp_path / "daftar.xlsx"
    make_dapodik_workbook(3, path)

    upload = receive_upload(
        school_a, [path.read_bytes()], "../../daftar siswa.xlsx", user=operator_a
    )

    assert upload.original_name == "daftar siswa.xlsx"
    assert upload.path.parent.parent == media / "uploads"
    assert "daftar" not in upload.stored_name
    assert upload.path.read_bytes() == path.read_bytes()
    assert upload.path.stat().st_mode & 0o077 == 0
    assert len(upload.sha256) == 64
    assert upload.job is not None and upload.job.kind == Job.Kind.DAPODIK_UPLOAD
    assert upload.state == Job.State.QUEUED


def test_a_clean_file_stores_every_pupil(
    school_a: School, operator_a: User, tmp_path: Path, pupils: Pupils
) -> None:
    path = tmp_path / "daftar.xlsx"
    make_dapodik_workbook(pupils, path)

    upload = imported(school_a, path, operator_a)

    assert upload.state == Job.State.SUCCEEDED
    assert (upload.rows_read, upload.stored, upload.created) == (30, 30, 30)
    assert (upload.updated, upload.unlisted, upload.error_rows) == (0, 0, 0)
    assert upload.annotated_name == ""
    student = Student.objects.get(school=school_a, nisn=pupils[0]["nisn"])
    assert student.nik == pupils[0]["nik"]
    assert student.name == pupils[0]["nama"]
    assert student.birth_date == pupils[0]["tanggal_lahir"]
    assert student.mother_nik == pupils[0]["ibu_nik"]
    assert student.is_listed
    assert student.listed_at == upload.uploaded_at
    assert upload.job is not None and upload.job.result_url == upload.get_absolute_url()
    assert "30 siswa disimpan" in upload.job.message
    assert AuditEntry.objects.filter(action="students.import").count() == 1


def test_uploading_the_same_file_again_changes_nothing(
    school_a: School, tmp_path: Path, pupils: Pupils
) -> None:
    path = tmp_path / "daftar.xlsx"
    make_dapodik_workbook(pupils, path)
    imported(school_a, path)
    before = snapshot()

    again = imported(school_a, path)

    assert snapshot() == before
    assert (again.rows_read, again.stored) == (30, 30)
    assert (again.created, again.updated, again.unlisted) == (0, 0, 0)


def test_a_new_list_updates_by_nisn_and_unlists_those_who_left(
    school_a: School, tmp_path: Path, pupils: Pupils
) -> None:
    path = tmp_path / "daftar.xlsx"
    make_dapodik_workbook(pupils, path)
    imported(school_a, path)
    left, moved = pupils[:3], pupils[3]
    moved["alamat"] = "Jl. Baru RT 001"
    newcomer = make_students(31, seed=99)[30]
    later = [*pupils[3:], newcomer]
    make_dapodik_workbook(later, path)

    upload = imported(school_a, path)

    assert (upload.created, upload.updated, upload.unlisted) == (1, 1, 3)
    assert upload.stored == 28
    assert Student.objects.filter(school=school_a).count() == 31
    gone = Student.objects.filter(nisn__in=[p["nisn"] for p in left])
    assert [s.is_listed for s in gone] == [False, False, False]
    assert Student.objects.get(nisn=moved["nisn"]).address == "Jl. Baru RT 001"

    make_dapodik_workbook(pupils, path)
    back = imported(school_a, path)

    assert (back.created, back.updated, back.unlisted) == (0, 3, 1)
    assert all(
        s.is_listed for s in Student.objects.filter(nisn__in=[p["nisn"] for p in left])
    )


def test_a_pupil_whose_row_has_an_error_stays_listed(
    school_a: School, tmp_path: Path, pupils: Pupils
) -> None:
    path = tmp_path / "daftar.xlsx"
    make_dapodik_workbook(pupils, path)
    imported(school_a, path)
    pupils[5]["jk"] = "X"
    make_dapodik_workbook(pupils, path)

    upload = imported(school_a, path)

    assert (upload.error_rows, upload.unlisted, upload.stored) == (1, 0, 29)
    assert Student.objects.get(nisn=pupils[5]["nisn"]).is_listed


def test_other_schools_are_untouched(
    school_a: School, school_b: School, tmp_path: Path, pupils: Pupils
) -> None:
    other = make_student(school_b, str(pupils[0]["nisn"]), name="Tetap Sama")
    path = tmp_path / "daftar.xlsx"
    make_dapodik_workbook(pupils, path)

    imported(school_a, path)

    other.refresh_from_db()
    assert other.name == "Tetap Sama"
    assert other.school == school_b
    assert other.is_listed
    assert Student.objects.filter(nisn=pupils[0]["nisn"]).count() == 2


def test_issues_are_stored_with_row_column_value_and_message(
    school_a: School, tmp_path: Path, pupils: Pupils
) -> None:
    pupils[2]["nik"] = "12345"
    path = tmp_path / "daftar.xlsx"
    make_dapodik_workbook(pupils, path, resaved_by_excel=False)

    upload = imported(school_a, path)

    issue = next(i for i in upload.issue_list() if i.row == 11)
    assert issue.column == "NIK"
    assert issue.value == "12345"
    assert issue.is_error
    assert "16" in issue.message
    assert upload.error_rows == 1
    assert upload.annotated_path is not None and upload.annotated_path.exists()
    assert upload.annotated_path.stat().st_mode & 0o077 == 0


def test_only_so_many_issues_are_kept_on_the_upload(
    school_a: School, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(upload_service, "MAX_STORED_ISSUES", 5)
    path = tmp_path / "daftar.xlsx"
    make_dapodik_workbook(40, path, bad_rows=12)

    upload = imported(school_a, path)

    assert len(upload.issues) == 5
    assert upload.issues_truncated
    assert upload.errors + upload.warnings > 5


def test_running_the_same_job_again_stores_nothing_twice(
    school_a: School, tmp_path: Path, pupils: Pupils
) -> None:
    path = tmp_path / "daftar.xlsx"
    make_dapodik_workbook(pupils, path)
    upload = imported(school_a, path)
    before = snapshot()
    assert upload.job is not None
    Job.objects.filter(pk=upload.job.pk).update(state=Job.State.RUNNING)

    run_job(str(upload.job.pk), run_upload_job)

    upload.refresh_from_db()
    assert snapshot() == before
    assert (upload.created, upload.stored) == (30, 30)
    assert AuditEntry.objects.filter(action="students.import").count() == 1


def test_overlong_text_is_cut_to_the_column(
    school_a: School, tmp_path: Path, pupils: Pupils
) -> None:
    pupils[0]["alamat"] = "Jalan " + "panjang " * 60
    path = tmp_path / "daftar.xlsx"
    make_dapodik_workbook(pupils, path)

    imported(school_a, path)

    address = Student.objects.get(nisn=pupils[0]["nisn"]).address
    assert len(address) == Student._meta.get_field("address").max_length


def test_the_hooks_run_after_storing_and_a_failing_one_is_contained(
    school_a: School, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    called: list[tuple[int, int]] = []

    def record(school_id: int) -> None:
        called.append((school_id, Student.objects.filter(school_id=school_id).count()))

    def fail(school_id: int) -> None:
        raise RuntimeError("matching broke")

    monkeypatch.setattr(upload_service, "after_import_hooks", [fail, record])
    path = tmp_path / "daftar.xlsx"
    make_dapodik_workbook(4, path)

    upload = imported(school_a, path)

    assert upload.state == Job.State.SUCCEEDED
    assert called == [(school_a.pk, 4)]


def test_store_students_alone_can_be_called_with_no_rows(
    school_a: School, student_a: Student
) -> None:
    counts = store_students(school_a.pk, [])

    student_a.refresh_from_db()
    assert counts.unlisted == 1
    assert not student_a.is_listed


def no_header_workbook(path: Path) -> None:
    write_workbook(path, [Sheet("Sheet1", [["Nomor", "Alamat"], ["1", "Paringin"]])])


def write(content: bytes) -> Callable[[Path], None]:
    def maker(path: Path) -> None:
        path.write_bytes(content)

    return maker


REFUSALS = [
    pytest.param(hostile.make_zip_bomb, RefusalCode.ZIP_BOMB, id="zip-bomb"),
    pytest.param(hostile.make_macro_workbook, RefusalCode.MACROS, id="macros"),
    pytest.param(
        hostile.make_encrypted_workbook, RefusalCode.ENCRYPTED, id="encrypted"
    ),
    pytest.param(hostile.make_executable, RefusalCode.NOT_SPREADSHEET, id="exe"),
    pytest.param(hostile.make_entity_bomb, RefusalCode.UNSAFE_XML, id="entities"),
    pytest.param(no_header_workbook, RefusalCode.NO_HEADER, id="no-header"),
    pytest.param(write(b""), RefusalCode.EMPTY, id="empty"),
    pytest.param(write(b"PK\x03\x04 rusak"), RefusalCode.DAMAGED, id="damaged"),
    pytest.param(write(b"<html><table></table>"), RefusalCode.HTML, id="html"),
]


@pytest.mark.parametrize(("maker", "code"), REFUSALS)
def test_a_refused_file_changes_nothing(
    school_a: School,
    tmp_path: Path,
    pupils: Pupils,
    maker: Callable[[Path], None],
    code: RefusalCode,
) -> None:
    good = tmp_path / "daftar.xlsx"
    make_dapodik_workbook(pupils, good)
    imported(school_a, good)
    before = snapshot()
    bad = tmp_path / "ditolak.xlsx"
    maker(bad)

    upload = imported(school_a, bad)

    assert snapshot() == before
    assert upload.state == Job.State.FAILED
    assert upload.refusal_code == code
    assert upload.job is not None
    assert upload.job.message == UploadRefused(code, **upload.refusal_params).message
    assert upload.imported_at is None
    assert (upload.rows_read, upload.stored, upload.unlisted) == (0, 0, 0)


def test_a_file_over_the_limit_is_refused_by_the_job_too(
    school_a: School, tmp_path: Path, settings: Any
) -> None:
    settings.UPLOAD_MAX_BYTES = 1000
    path = tmp_path / "daftar.xlsx"
    make_dapodik_workbook(20, path)

    upload = received(school_a, path)
    with pytest.raises(UploadRefused):
        import_upload(upload)

    assert upload.refusal_code == RefusalCode.TOO_LARGE
    assert Student.objects.count() == 0


def test_progress_goes_through_the_stages(school_a: School, tmp_path: Path) -> None:
    path = tmp_path / "daftar.xlsx"
    make_dapodik_workbook(10, path, bad_rows=2)
    seen: list[tuple[int, int | None, str]] = []

    def progress(done: int, total: int | None = None, message: str = "") -> None:
        seen.append((done, total, message))

    import_upload(received(school_a, path), progress)

    assert [done for done, _total, _message in seen] == [0, 1, 2]
    assert all(total == 3 for _done, total, _message in seen)


def test_an_older_upload_stored_late_does_not_put_old_data_back(
    school_a: School, tmp_path: Path, pupils: Pupils
) -> None:
    path = tmp_path / "daftar.xlsx"
    make_dapodik_workbook(pupils, path)
    older = received(school_a, path)
    make_dapodik_workbook(pupils[:20], path)
    imported(school_a, path)
    before = snapshot()

    run_job(str(older.job.pk), run_upload_job)  # type: ignore[union-attr]

    older = Upload.objects.select_related("job").get(pk=older.pk)
    assert older.state == Job.State.FAILED
    assert older.job is not None and "lebih baru" in older.job.message
    assert older.imported_at is None
    assert snapshot() == before
