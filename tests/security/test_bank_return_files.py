"""Hostile and broken return files from the bank (SOP step 5), made from a
real answer to a sent batch: the corpus of the school upload holds no
return file, and these need the batch's own numbers.

A file that must be refused is kept with its problems and applying it is
refused with one message; nothing of it reaches the batch, the accounts or
the candidates. A file that is merely odd (another encoding, a million
empty lines) is read as the bank meant it, within time and memory bounds.
"""

import codecs
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User

from balangan_pintar.models import Period
from bank_exchange.formats import ProblemCode, RowState, parse_return_file
from bank_exchange.formats.return_check import FILE_PROBLEMS
from bank_exchange.models import BankAccount, BankBatch, ReturnUpload
from bank_exchange.services import (
    BankExchangeRefused,
    ReturnFileRefused,
    apply_return_file,
    create_batch,
    preview_return_file,
    send_batch,
    store_return_file,
)
from bank_exchange.tests.factories import (
    RETURN_HEADER,
    approved,
    csv_return,
    return_lines,
    upload,
)
from students.dapodik import RefusalCode, UploadRefused
from students.models import School

from .isolation import MEGABYTE, run_isolated, time_limit
from .messages import assert_clear_indonesian
from .state import changed_tables, database_state

TIMEOUT = 60.0
RSS_GROWTH_LIMIT = 200 * MEGABYTE
# The bank's reason for refusing row 2, as the fixtures write it.
REASON = "NIK tidak ada"
Lines = list[list[Any]]


@pytest.fixture
def batch(
    school_a: School,
    school_b: School,
    period: Period,
    verifier: User,
    dinas_admin: User,
) -> BankBatch:
    approved(school_a, period, verifier, 2)
    approved(school_b, period, verifier, 1)
    return send_batch(create_batch(period, dinas_admin), dinas_admin)


def answer(batch: BankBatch) -> Lines:
    """A clean answer: rows 1 and 3 opened, row 2 refused."""
    return return_lines(batch, rejected=[2])


def nul_in_reason_far_down(batch: BankBatch) -> bytes:
    # A long note in a column the reader ignores pushes the NUL past the
    # part the shared check reads.
    lines = [[*line, ""] for line in answer(batch)]
    lines[0][-1] = "x" * (70 * 1024)
    lines[1][5] = REASON + "\x00"
    return csv_return(lines, [*RETURN_HEADER, "CATATAN_INTERNAL"])


def duplicate_account_column(batch: BankBatch) -> bytes:
    lines = [[*line, line[3]] for line in answer(batch)]
    return csv_return(lines, [*RETURN_HEADER, "NO_REKENING"])


def formula_account(batch: BankBatch) -> bytes:
    lines = answer(batch)
    lines[0][3] = "=1+1"
    return csv_return(lines)


def utf16_without_bom(batch: BankBatch) -> bytes:
    return csv_return(answer(batch)).decode().encode("utf-16-le")


REFUSED: dict[str, tuple[Callable[[BankBatch], bytes], str]] = {
    "nul-in-reason-far-down": (nul_in_reason_far_down, ProblemCode.UNREADABLE_FILE),
    "duplicate-account-column": (
        duplicate_account_column,
        ProblemCode.DUPLICATE_COLUMN,
    ),
    "formula-in-account-number": (formula_account, ProblemCode.ACCOUNT_NOT_DIGITS),
}


@pytest.mark.parametrize("name", REFUSED)
def test_a_bad_return_file_is_refused_with_one_problem_and_changes_nothing(
    name: str, batch: BankBatch, bank_officer: User, tmp_path: Path
) -> None:
    make, code = REFUSED[name]
    content = make(batch)
    path = tmp_path / "balasan.csv"
    path.write_bytes(content)
    measured = run_isolated(
        lambda: [p.code for p in parse_return_file(path, "balasan.csv").problems],
        timeout=TIMEOUT,
    )
    assert measured.error is None, measured.error
    assert measured.rss_growth < RSS_GROWTH_LIMIT
    before = database_state()

    with time_limit(TIMEOUT):
        stored = store_return_file(batch, upload(content, "balasan.csv"), bank_officer)
        problems = preview_return_file(stored).problems
        with pytest.raises(ReturnFileRefused) as refused:
            apply_return_file(stored, bank_officer)

    assert [problem.code for problem in problems] == [code]
    # Reading alone finds the problems of the file as a whole; those of a
    # row need the batch.
    assert measured.result == ([code] if code in FILE_PROBLEMS else [])
    assert_clear_indonesian(problems[0].message)
    assert_clear_indonesian(str(refused.value))
    assert stored.applied_at is None
    after = database_state()
    assert after == before, changed_tables(before, after)


def test_a_csv_in_utf16_without_its_mark_is_refused_at_the_door(
    batch: BankBatch, bank_officer: User
) -> None:
    before = database_state()

    with pytest.raises(BankExchangeRefused) as refused:
        store_return_file(
            batch, upload(utf16_without_bom(batch), "balasan.csv"), bank_officer
        )

    assert str(refused.value) == UploadRefused(RefusalCode.BAD_TEXT).message
    assert not ReturnUpload.objects.exists()
    assert database_state() == before


ENCODINGS = {
    # Excel's "Unicode Text": UTF-16 with its byte order mark, tabs between.
    "utf-16 with mark": lambda text: codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
    # Excel's "CSV" on Windows: the ANSI code page.
    "windows-1252": lambda text: text.encode("cp1252"),
}


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_a_return_file_in_another_encoding_is_read_as_the_bank_wrote_it(
    encoding: str, batch: BankBatch, bank_officer: User
) -> None:
    lines = answer(batch)
    lines[1][5] = "Data ganda – NIK sama"
    text = csv_return(lines).decode().replace('","', '"\t"')
    content = ENCODINGS[encoding](text)

    stored = store_return_file(batch, upload(content, "balasan.csv"), bank_officer)
    result = apply_return_file(stored, bank_officer)

    assert (result.opened, result.rejected) == (2, 1)
    assert batch.rows.get(row_number=2).reason == "Data ganda – NIK sama"
    assert batch.rows.get(row_number=1).state == RowState.OPENED


def test_a_million_empty_lines_after_the_answer_are_skipped_in_bounds(
    batch: BankBatch, bank_officer: User, tmp_path: Path
) -> None:
    content = csv_return(answer(batch)) + b",,,,,\r\n" * 1_000_000
    path = tmp_path / "balasan.csv"
    path.write_bytes(content)
    measured = run_isolated(
        lambda: len(parse_return_file(path, "balasan.csv").rows), timeout=TIMEOUT
    )
    assert measured.error is None, measured.error
    assert measured.rss_growth < RSS_GROWTH_LIMIT
    assert measured.result == 3

    with time_limit(TIMEOUT):
        stored = store_return_file(batch, upload(content, "balasan.csv"), bank_officer)
        result = apply_return_file(stored, bank_officer)

    assert (result.opened, result.rejected) == (2, 1)
    assert BankAccount.objects.count() == 2
    assert batch.rows.get(row_number=2).reason == REASON
