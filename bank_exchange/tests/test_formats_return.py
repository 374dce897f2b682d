"""The return file from Bank Kalsel: reading .xlsx and .csv, and every reason
to refuse one before anything is applied."""

import dataclasses
import io
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.utils import timezone

from bank_exchange.formats import (
    ChangeKind,
    ExpectedBatch,
    ExpectedRow,
    ProblemCode,
    ReturnCheck,
    ReturnFile,
    ReturnStatus,
    RowState,
    check_return_file,
    parse_return_file,
    write_batch_xlsx,
)
from bank_exchange.tests.test_formats_batch import make_header, make_row

BATCH = "KBP/2026/003"
LENGTH = 10
HEADER = ["NOMOR_BATCH", "NO", "NIK", "NISN", "NOMOR_REKENING", "STATUS", "ALASAN"]
Line = Sequence[Any]


def nik(row_number: int) -> str:
    return f"63110145011{row_number:05d}"


def nisn(row_number: int) -> str:
    return f"00{row_number:08d}"


def account(row_number: int) -> str:
    return f"00120{row_number:05d}"


def expected_batch(count: int = 3, **changes: Any) -> ExpectedBatch:
    rows = [ExpectedRow(n, nik(n), nisn(n)) for n in range(1, count + 1)]
    batch = ExpectedBatch(
        batch_number=BATCH,
        rows=rows,
        existing_accounts={"0099999999"},
        other_batches={"KBP/2026/002"},
        sent_on=date(2026, 1, 15),
    )
    return dataclasses.replace(batch, **changes)


def clean_lines() -> list[list[Any]]:
    """Rows 1 and 3 opened, row 2 rejected."""
    return [
        [BATCH, 1, nik(1), nisn(1), account(1), "OPENED", ""],
        [BATCH, 2, nik(2), nisn(2), "", "REJECTED", "NIK tidak sesuai KTP ibu"],
        [BATCH, 3, nik(3), nisn(3), account(3), "OPENED", ""],
    ]


def xlsx_bytes(lines: Sequence[Line], header: Line = HEADER) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.worksheets[0]
    sheet.append(list(header))
    for line in lines:
        sheet.append(list(line))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(
    lines: Sequence[Line], header: Line = HEADER, delimiter: str = ","
) -> bytes:
    text = "\r\n".join(
        delimiter.join(str(value) for value in line) for line in [header, *lines]
    )
    return text.encode("utf-8")


def check_xlsx(
    lines: Sequence[Line],
    expected: ExpectedBatch | None = None,
    header: Line = HEADER,
) -> ReturnCheck:
    ret = parse_return_file(xlsx_bytes(lines, header), "balasan.xlsx")
    return check_return_file(ret, expected or expected_batch(), LENGTH)


def codes(check: ReturnCheck) -> list[ProblemCode]:
    return [problem.code for problem in check.problems]


def applied(expected: ExpectedBatch, check: ReturnCheck) -> ExpectedBatch:
    """The batch as it stands after the caller applied ``check``."""
    changes = {change.row_number: change for change in check.to_apply}
    rows = []
    for row in expected.rows:
        change = changes.get(row.row_number)
        if change is None:
            rows.append(row)
        elif change.kind == ChangeKind.OPEN:
            rows.append(
                dataclasses.replace(
                    row, state=RowState.OPENED, account_number=change.account_number
                )
            )
        else:
            rows.append(
                dataclasses.replace(row, state=RowState.REJECTED, reason=change.reason)
            )
    return dataclasses.replace(expected, rows=rows)


def test_clean_xlsx_return_previews_each_change() -> None:
    check = check_xlsx(clean_lines())

    assert check.is_clean
    assert check.can_apply
    assert [(c.row_number, c.kind) for c in check.changes] == [
        (1, ChangeKind.OPEN),
        (2, ChangeKind.REJECT),
        (3, ChangeKind.OPEN),
    ]
    assert check.changes[0].account_number == "0012000001"
    assert check.changes[1].reason == "NIK tidak sesuai KTP ibu"
    assert check.changes[0].line == 2


def test_clean_csv_return_previews_each_change() -> None:
    ret = parse_return_file(csv_bytes(clean_lines()), "balasan.csv")

    check = check_return_file(ret, expected_batch(), LENGTH)

    assert ret.format == "csv"
    assert check.is_clean
    assert [c.kind for c in check.to_apply] == [
        ChangeKind.OPEN,
        ChangeKind.REJECT,
        ChangeKind.OPEN,
    ]


def test_csv_with_semicolons_bom_and_indonesian_words() -> None:
    header = ["No. Batch", "No Urut", "No. Rekening", "Status", "Keterangan"]
    lines = [
        [BATCH, 1, account(1), "dibuka", ""],
        [BATCH, 2, "", "Ditolak", "Data ibu kandung berbeda"],
        [BATCH, 3, account(3), " DIBUKA ", ""],
    ]
    content = b"\xef\xbb\xbf" + csv_bytes(lines, header, delimiter=";")

    check = check_return_file(
        parse_return_file(content, "BALASAN.CSV"), expected_batch(), LENGTH
    )

    assert check.is_clean
    assert check.count(ChangeKind.OPEN) == 2
    assert check.count(ChangeKind.REJECT) == 1


def test_headers_are_matched_by_name_in_any_order_and_spelling() -> None:
    header = ["status", "Account Number", "nisn", "Batch Number", "REASON", "Nama"]
    lines = [
        ["OPENED", account(n), nisn(n), BATCH, "", f"Siswa {n}"] for n in (1, 2, 3)
    ]

    ret = parse_return_file(xlsx_bytes(lines, header), "balasan.xlsx")
    check = check_return_file(ret, expected_batch(), LENGTH)

    assert ret.columns["account_number"] == "Account Number"
    assert check.is_clean
    assert check.count(ChangeKind.OPEN) == 3


def test_rows_can_be_identified_by_nik_alone() -> None:
    header = ["NOMOR_BATCH", "NIK", "NOMOR_REKENING", "STATUS"]
    lines = [[BATCH, nik(n), account(n), "OPENED"] for n in (3, 1, 2)]

    check = check_xlsx(lines, header=header)

    assert check.is_clean
    assert [c.row_number for c in check.changes] == [1, 2, 3]


def test_a_title_above_the_header_and_blank_lines_are_skipped() -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.worksheets[0]
    sheet["A1"] = "Hasil pembukaan rekening KBP"
    sheet.append([])
    sheet.append(HEADER)
    for line in clean_lines():
        sheet.append(line)
        sheet.append([])
    out = io.BytesIO()
    workbook.save(out)

    ret = parse_return_file(out.getvalue(), "balasan.xlsx")

    assert [row.line for row in ret.rows] == [4, 6, 8]
    assert check_return_file(ret, expected_batch(), LENGTH).is_clean


def test_the_bank_may_return_the_data_sheet_with_columns_added() -> None:
    sent = io.BytesIO()
    rows = [make_row(n) for n in (1, 2, 3)]
    write_batch_xlsx(make_header(), rows, sent)
    workbook = openpyxl.load_workbook(io.BytesIO(sent.getvalue()))
    sheet = workbook["Data"]
    extra = sheet.max_column
    for column, title in enumerate(["NOMOR_REKENING", "STATUS", "ALASAN"], 1):
        sheet.cell(row=1, column=extra + column, value=title)
    for line in (2, 3, 4):
        sheet.cell(row=line, column=extra + 1, value=account(line - 1))
        sheet.cell(row=line, column=extra + 2, value="OPENED")
    returned = io.BytesIO()
    workbook.save(returned)

    ret = parse_return_file(returned.getvalue(), "KBP-2026-003.xlsx")
    check = check_return_file(ret, expected_batch(), LENGTH)

    assert ret.batch_numbers() == [BATCH]
    assert check.is_clean
    assert check.count(ChangeKind.OPEN) == 3


def test_the_path_of_a_stored_file_can_be_given(tmp_path: Path) -> None:
    path = tmp_path / "balasan.xlsx"
    path.write_bytes(xlsx_bytes(clean_lines()))

    ret = parse_return_file(path, path.name)

    assert len(ret.rows) == 3
    assert ret.rows[0].status == ReturnStatus.OPENED


def test_an_identical_second_return_changes_nothing() -> None:
    expected = expected_batch()
    first = check_xlsx(clean_lines(), expected)

    second = check_xlsx(clean_lines(), applied(expected, first))

    assert first.can_apply
    assert second.is_clean
    assert second.to_apply == ()
    assert not second.can_apply
    assert second.count(ChangeKind.UNCHANGED) == 3


def test_rows_already_answered_may_be_left_out() -> None:
    expected = expected_batch()
    rows = list(expected.rows)
    rows[0] = dataclasses.replace(
        rows[0], state=RowState.OPENED, account_number=account(1)
    )

    check = check_xlsx(clean_lines()[1:], dataclasses.replace(expected, rows=rows))

    assert check.is_clean
    assert [c.row_number for c in check.to_apply] == [2, 3]


def test_a_numeric_account_cell_that_lost_its_leading_zeros_is_flagged() -> None:
    lines = clean_lines()
    lines[0][4] = int(account(1))

    check = check_xlsx(lines)

    assert codes(check) == [ProblemCode.ACCOUNT_LOST_ZEROS]
    assert check.problems[0].value == "12000001"
    assert check.problems[0].row_number == 1
    assert check.problems[0].line == 2


def test_a_numeric_account_cell_of_full_length_is_kept_as_text() -> None:
    lines = clean_lines()
    lines[0][4] = 1234567890

    check = check_xlsx(lines)

    assert check.is_clean
    assert check.changes[0].account_number == "1234567890"


def test_a_numeric_nisn_cell_gets_its_zeros_back() -> None:
    header = ["NOMOR_BATCH", "NISN", "NOMOR_REKENING", "STATUS"]
    lines = [[BATCH, int(nisn(n)), account(n), "OPENED"] for n in (1, 2, 3)]

    check = check_xlsx(lines, header=header)

    assert check.is_clean


def test_an_opening_date_is_read_in_either_order() -> None:
    header = [*HEADER, "TANGGAL_BUKA"]
    lines = clean_lines()
    lines[0].append("20-01-2026")
    lines[1].append("")
    lines[2].append(date(2026, 1, 21))

    check = check_xlsx(lines, header=header)

    assert check.is_clean
    assert check.changes[0].opened_on == date(2026, 1, 20)
    assert check.changes[2].opened_on == date(2026, 1, 21)


def refuse(lines: list[list[Any]], **changes: Any) -> ReturnCheck:
    check = check_xlsx(lines, expected_batch(**changes))
    assert not check.is_clean
    assert not check.can_apply
    return check


def with_line(index: int, column: int, value: Any) -> list[list[Any]]:
    lines = clean_lines()
    lines[index][column] = value
    return lines


@pytest.mark.parametrize(
    ("lines", "code", "row_number"),
    [
        (with_line(0, 0, "KBP/2026/999"), ProblemCode.UNKNOWN_BATCH, None),
        (with_line(0, 0, ""), ProblemCode.UNKNOWN_BATCH, None),
        (with_line(0, 0, "KBP/2026/002"), ProblemCode.OTHER_BATCH, None),
        (with_line(0, 1, 9), ProblemCode.UNKNOWN_STUDENT, None),
        (with_line(0, 1, "satu"), ProblemCode.INVALID_ROW_NUMBER, None),
        (with_line(0, 2, nik(2)), ProblemCode.IDENTITY_MISMATCH, 1),
        (with_line(0, 3, nisn(2)), ProblemCode.IDENTITY_MISMATCH, 1),
        ([*clean_lines(), clean_lines()[0]], ProblemCode.DUPLICATE_ROW, 1),
        (with_line(0, 5, "PENDING"), ProblemCode.INVALID_STATUS, 1),
        (with_line(0, 5, ""), ProblemCode.INVALID_STATUS, 1),
        (with_line(0, 4, ""), ProblemCode.MISSING_ACCOUNT, 1),
        (with_line(0, 4, "00120-0001"), ProblemCode.ACCOUNT_NOT_DIGITS, 1),
        (with_line(0, 4, "٠٠١٢٠٠٠٠٠١"), ProblemCode.ACCOUNT_NOT_DIGITS, 1),
        (with_line(0, 4, "001200001"), ProblemCode.ACCOUNT_WRONG_LENGTH, 1),
        (with_line(0, 4, "00120000011"), ProblemCode.ACCOUNT_WRONG_LENGTH, 1),
        (with_line(0, 4, "0099999999"), ProblemCode.ACCOUNT_IN_USE, 1),
        (with_line(1, 4, account(2)), ProblemCode.ACCOUNT_ON_REJECTED, 2),
        (with_line(1, 6, ""), ProblemCode.MISSING_REASON, 2),
        (with_line(1, 6, " - "), ProblemCode.MISSING_REASON, 2),
    ],
    ids=[
        "unknown batch",
        "no batch",
        "row of another batch",
        "unknown row number",
        "row number not a number",
        "nik of another row",
        "nisn of another row",
        "row twice",
        "unknown status",
        "no status",
        "opened without account",
        "account with a dash",
        "account in other digits",
        "account too short",
        "account too long",
        "account held by another student",
        "rejected with an account",
        "rejected without reason",
        "reason only a dash",
    ],
)
def test_each_refusal_is_reported_with_its_row(
    lines: list[list[Any]], code: ProblemCode, row_number: int | None
) -> None:
    check = refuse(lines)

    problem = next(p for p in check.problems if p.code == code)
    assert problem.row_number == row_number
    assert problem.line is not None
    assert problem.message


def test_a_row_of_an_unknown_batch_also_leaves_its_student_missing() -> None:
    check = refuse(with_line(0, 0, "KBP/2026/999"))

    assert codes(check) == [ProblemCode.UNKNOWN_BATCH, ProblemCode.ROW_MISSING]
    assert check.problems[1].row_number == 1


def test_an_unknown_nik_is_reported() -> None:
    header = ["NOMOR_BATCH", "NIK", "NOMOR_REKENING", "STATUS"]
    lines = [[BATCH, nik(n), account(n), "OPENED"] for n in (1, 2, 3)]
    lines.append([BATCH, "6311010101010009", "0012000009", "OPENED"])

    check = check_xlsx(lines, header=header)

    assert codes(check) == [ProblemCode.UNKNOWN_STUDENT]
    assert check.problems[0].column == "NIK"
    assert check.problems[0].line == 5


def test_a_line_without_any_identifier_is_refused() -> None:
    lines = clean_lines()
    lines.append([BATCH, "", "", "", account(4), "OPENED", ""])

    check = refuse(lines)

    assert codes(check) == [ProblemCode.MISSING_IDENTIFIER]


def test_duplicate_accounts_in_the_file_are_reported_on_every_line() -> None:
    check = refuse(with_line(2, 4, account(1)))

    duplicates = [p for p in check.problems if p.code == ProblemCode.DUPLICATE_ACCOUNT]
    assert [(p.line, p.row_number) for p in duplicates] == [(2, 1), (4, 3)]
    assert [c.row_number for c in check.changes] == [2]


def test_an_account_already_held_by_another_row_of_the_batch_is_refused() -> None:
    expected = expected_batch()
    rows = list(expected.rows)
    rows[2] = dataclasses.replace(
        rows[2], state=RowState.OPENED, account_number="0012000077"
    )

    check = refuse(with_line(0, 4, "0012000077")[:2], rows=rows)

    assert codes(check) == [ProblemCode.ACCOUNT_IN_USE]


def test_a_row_opened_with_another_number_is_refused() -> None:
    expected = applied(expected_batch(), check_xlsx(clean_lines()))

    check = check_xlsx(with_line(0, 4, "0012000077"), expected)

    assert codes(check) == [ProblemCode.ALREADY_OPENED]
    assert check.problems[0].row_number == 1


def test_an_opened_row_cannot_be_rejected_by_file() -> None:
    expected = applied(expected_batch(), check_xlsx(clean_lines()))
    lines = with_line(0, 4, "")
    lines[0][5:7] = ["REJECTED", "Salah data"]

    check = check_xlsx(lines, expected)

    assert codes(check) == [ProblemCode.ALREADY_OPENED]


def test_a_rejected_row_cannot_be_opened_or_rejected_again_differently() -> None:
    expected = applied(expected_batch(), check_xlsx(clean_lines()))
    opened = with_line(1, 4, account(2))
    opened[1][5:7] = ["OPENED", ""]

    assert codes(check_xlsx(opened, expected)) == [ProblemCode.ALREADY_REJECTED]
    assert codes(check_xlsx(with_line(1, 6, "Alasan lain"), expected)) == [
        ProblemCode.ALREADY_REJECTED
    ]


def test_the_same_reason_spelled_with_other_spaces_is_unchanged() -> None:
    expected = applied(expected_batch(), check_xlsx(clean_lines()))

    check = check_xlsx(with_line(1, 6, "  nik tidak  sesuai KTP ibu "), expected)

    assert check.is_clean
    assert check.to_apply == ()


def test_missing_rows_are_an_error() -> None:
    check = refuse(clean_lines()[:2])

    assert codes(check) == [ProblemCode.ROW_MISSING]
    assert check.problems[0].row_number == 3
    assert check.problems[0].line is None
    assert [c.row_number for c in check.changes] == [1, 2]


@pytest.mark.parametrize(
    ("value", "sent_on"),
    [
        ("31-02-2026", None),
        ("kemarin", None),
        ("14-01-2026", date(2026, 1, 15)),
        ("tomorrow", None),
    ],
    ids=["no such day", "not a date", "before sending", "in the future"],
)
def test_an_impossible_opening_date_is_refused(
    value: str, sent_on: date | None
) -> None:
    if value == "tomorrow":
        value = (timezone.localdate() + timedelta(days=1)).isoformat()
    lines = clean_lines()
    for line in lines:
        line.append(value)

    check = check_xlsx(
        lines, expected_batch(sent_on=sent_on), header=[*HEADER, "TANGGAL_BUKA"]
    )

    assert ProblemCode.INVALID_DATE in codes(check)


def file_problem(content: bytes, filename: str) -> list[ProblemCode]:
    ret = parse_return_file(content, filename)
    check = check_return_file(ret, expected_batch(), LENGTH)
    assert ret.rows == ()
    assert check.changes == ()
    return codes(check)


def test_an_unsupported_file_type_is_refused() -> None:
    assert file_problem(b"%PDF-1.7", "balasan.pdf") == [ProblemCode.UNSUPPORTED_FILE]


def test_a_broken_workbook_is_refused() -> None:
    assert file_problem(b"PK\x03\x04 rusak", "balasan.xlsx") == [
        ProblemCode.UNREADABLE_FILE
    ]


def test_a_missing_column_is_refused() -> None:
    header = ["NOMOR_BATCH", "NO", "STATUS"]
    content = xlsx_bytes([[BATCH, 1, "OPENED"]], header)

    assert file_problem(content, "balasan.xlsx") == [ProblemCode.MISSING_COLUMN]


def test_a_file_without_a_way_to_identify_students_is_refused() -> None:
    header = ["NOMOR_BATCH", "NOMOR_REKENING", "STATUS"]
    content = xlsx_bytes([[BATCH, account(1), "OPENED"]], header)

    assert file_problem(content, "balasan.xlsx") == [ProblemCode.MISSING_COLUMN]


def test_a_file_without_a_header_is_refused() -> None:
    content = csv_bytes([[BATCH, 1]], header=["a", "b"])

    assert file_problem(content, "balasan.csv") == [ProblemCode.MISSING_COLUMN]


def test_two_columns_of_the_same_meaning_are_refused() -> None:
    header = [*HEADER, "No Rek"]
    content = xlsx_bytes([[*line, account(9)] for line in clean_lines()], header)

    assert file_problem(content, "balasan.xlsx") == [ProblemCode.DUPLICATE_COLUMN]


def test_a_file_with_only_a_header_is_refused() -> None:
    assert file_problem(csv_bytes([]), "balasan.csv") == [ProblemCode.EMPTY_FILE]


def test_a_windows_csv_is_still_read() -> None:
    lines = clean_lines()
    lines[1][6] = "Nama ibu kandung berbeda (Sitï)"
    content = csv_bytes(lines).decode("utf-8").encode("cp1252")

    ret = parse_return_file(content, "balasan.csv")

    assert ret.rows[1].reason == "Nama ibu kandung berbeda (Sitï)"


def test_the_file_hash_is_kept_for_the_record() -> None:
    content = xlsx_bytes(clean_lines())

    ret: ReturnFile = parse_return_file(content, "balasan.xlsx")

    assert len(ret.sha256) == 64
    assert check_return_file(ret, expected_batch(), LENGTH).file_sha256 == ret.sha256


def test_every_problem_code_is_documented() -> None:
    text = (Path(__file__).resolve().parents[2] / "docs" / "bank-format.md").read_text()

    for code in ProblemCode:
        assert f"`{code.value}`" in text
