"""Text that a spreadsheet would run as a formula or a browser as a script,
in files that are otherwise valid.

The design: a pupil's name must start with a letter and hold only the
characters of names, so such a name refuses its row (the corpus covers
that). Every other text (address, birth place, mother's name, class, the
bank's reason for a refusal) is stored as the file has it, as plain text,
and made inert wherever it leaves the database: escaped in every page, a
text cell in every workbook, an apostrophe before it in every CSV.
"""

import csv
import html
import io
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from balangan_pintar.models import Job, Period
from bank_exchange.models import BankBatch, FileKind
from bank_exchange.services import (
    apply_return_file,
    create_batch,
    reconciliation_xlsx,
    record_download,
    send_batch,
    store_return_file,
)
from bank_exchange.tests.factories import csv_return, return_lines, upload
from students.dapodik.hostile import FORMULA_NAMES, SCRIPT_NAMES
from students.dapodik.samples import make_dapodik_workbook, make_students
from students.models import Candidate, School, Status, Student, Upload
from students.services.pipeline import move_candidate
from students.services.upload import receive_upload
from students.tasks import process_upload

HYPERLINK = FORMULA_NAMES[0]
COMMAND = FORMULA_NAMES[1]
SUM = FORMULA_NAMES[2]
SCRIPT = SCRIPT_NAMES[0]
# The free-text fields of a pupil and what the file puts in them.
HOSTILE_FIELDS = {
    "alamat": ("address", HYPERLINK),
    "tempat_lahir": ("birth_place", COMMAND),
    "ibu_nama": ("mother_name", SCRIPT),
    "rombel": ("rombel", SUM),
}
FORMULA_STARTS = ("=", "+", "-", "@")


def workbook_cells(content: bytes) -> list[Any]:
    """Every cell of every sheet of an .xlsx."""
    workbook = load_workbook(io.BytesIO(content))
    return [
        cell
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
    ]


def assert_no_formula(content: bytes) -> list[str]:
    """Fail if any cell of the workbook is a formula; return its texts."""
    cells = workbook_cells(content)
    formulas = [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert formulas == []
    return [cell.value for cell in cells if isinstance(cell.value, str)]


@pytest.fixture
def uploaded(
    school_a: School, operator_a: User, tmp_path: Path
) -> tuple[Student, Upload]:
    """A school upload of two pupils: one with a formula for a name, one
    with hostile text in every free-text field."""
    pupils = make_students(2, seed=7)
    pupils[0]["nama"] = HYPERLINK
    for key, (_field, value) in HOSTILE_FIELDS.items():
        pupils[1][key] = value
    path = tmp_path / "daftar.xlsx"
    make_dapodik_workbook(pupils, path)

    upload_row = receive_upload(
        school_a, [path.read_bytes()], path.name, user=operator_a
    )
    assert upload_row.job is not None
    process_upload(str(upload_row.job.pk))

    upload_row = Upload.objects.select_related("job").get(pk=upload_row.pk)
    assert upload_row.job is not None and upload_row.job.state == Job.State.SUCCEEDED
    assert (upload_row.stored, upload_row.error_rows) == (1, 1)
    return Student.objects.get(school=school_a), upload_row


def test_hostile_text_is_stored_as_the_file_has_it(
    uploaded: tuple[Student, Upload],
) -> None:
    student, _upload = uploaded

    for field, value in HOSTILE_FIELDS.values():
        assert getattr(student, field) == value
    assert student.name[0].isalpha()


def test_pages_show_hostile_text_escaped(
    uploaded: tuple[Student, Upload], operator_a: User, client: Client
) -> None:
    student, upload_row = uploaded
    client.force_login(operator_a)

    detail = client.get(reverse("students:student-detail", args=[student.pk]))
    issues = client.get(upload_row.get_absolute_url())

    for page in (detail.content.decode(), issues.content.decode()):
        assert SCRIPT not in page
        assert "<script>alert" not in page
    assert html.escape(SCRIPT) in detail.content.decode()
    assert html.escape(HYPERLINK) in issues.content.decode()


def test_the_annotated_workbook_holds_no_formula(
    uploaded: tuple[Student, Upload], operator_a: User, client: Client
) -> None:
    _student, upload_row = uploaded
    client.force_login(operator_a)

    response = client.get(reverse("students:upload-annotated", args=[upload_row.pk]))

    texts = assert_no_formula(response.content)
    assert HYPERLINK in texts
    assert SCRIPT in texts


@pytest.fixture
def sent_batch(
    uploaded: tuple[Student, Upload],
    period: Period,
    verifier: User,
    dinas_admin: User,
) -> BankBatch:
    student, _upload = uploaded
    candidate = Candidate.objects.create(
        student=student,
        period=period,
        school=student.school,
        status=Status.SUBMITTED,
    )
    move_candidate(candidate, Status.APPROVED, actor=verifier, note="valid")
    return send_batch(create_batch(period, dinas_admin), dinas_admin)


def test_the_bank_batch_files_make_hostile_text_inert(
    sent_batch: BankBatch, bank_officer: User
) -> None:
    workbook = record_download(sent_batch, FileKind.XLSX, bank_officer).content
    data = record_download(sent_batch, FileKind.CSV, bank_officer).content

    texts = assert_no_formula(workbook)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    cells = [cell for row in rows for cell in row]
    # The bank gets the address, the birth place and the mother's name.
    exported = [HOSTILE_FIELDS[key][1] for key in ("alamat", "tempat_lahir")]
    assert SCRIPT in texts
    assert SCRIPT in cells
    for value in exported:
        assert value.startswith(FORMULA_STARTS)
        assert value not in texts
        assert "'" + value in texts
        assert value not in cells
        assert "'" + value in cells
    assert not any(cell.startswith(FORMULA_STARTS) for cell in cells)


def test_a_bank_reason_that_is_a_formula_is_kept_as_text_and_exported_inert(
    sent_batch: BankBatch,
    bank_officer: User,
    dinas_admin: User,
    period: Period,
    client: Client,
) -> None:
    lines = return_lines(sent_batch, rejected=[1])
    lines[0][5] = HYPERLINK + " " + SCRIPT
    stored = store_return_file(
        sent_batch, upload(csv_return(lines), "balasan.csv"), bank_officer
    )

    result = apply_return_file(stored, bank_officer)

    assert result.rejected == 1
    row = sent_batch.rows.get(row_number=1)
    assert row.reason == HYPERLINK + " " + SCRIPT
    texts = assert_no_formula(reconciliation_xlsx(period))
    assert "'" + row.reason in texts
    client.force_login(dinas_admin)
    for name in ("bank_exchange:rejected-list", "bank_exchange:reconciliation"):
        page = client.get(reverse(name)).content.decode()
        assert SCRIPT not in page
