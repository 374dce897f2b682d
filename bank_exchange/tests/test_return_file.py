"""The return file: checked as a whole, applied completely or not at all,
and exactly once."""

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection, connections

from balangan_pintar.models import AuditEntry, Period
from bank_exchange.formats import ProblemCode, RowState
from bank_exchange.models import (
    AnswerSource,
    BankAccount,
    BankBatch,
    BatchRow,
    BatchState,
    ReturnUpload,
)
from bank_exchange.services import (
    ApplyResult,
    BankExchangeRefused,
    ReturnFileRefused,
    apply_return_file,
    create_batch,
    open_account,
    preview_return_file,
    reject_row,
    send_batch,
    store_return_file,
)
from students.models import Candidate, School, StageEvent, Status

from .factories import (
    RETURN_HEADER,
    account,
    approved,
    csv_return,
    return_lines,
    today,
    upload,
    xlsx_return,
)


@dataclass
class World:
    batch: BankBatch
    school: School
    period: Period
    verifier: User
    dinas_admin: User
    bank_officer: User

    def other_batch(self) -> BankBatch:
        approved(self.school, self.period, self.verifier, 1, start=50)
        return send_batch(create_batch(self.period, self.dinas_admin), self.dinas_admin)


@pytest.fixture
def world(
    sent: BankBatch,
    school_a: School,
    period: Period,
    verifier: User,
    dinas_admin: User,
    bank_officer: User,
) -> World:
    return World(sent, school_a, period, verifier, dinas_admin, bank_officer)


def database_state(batch: BankBatch) -> tuple[Any, ...]:
    """Everything applying a return file could touch."""
    return (
        sorted(BatchRow.objects.values_list("pk", "state", "reason", "return_upload")),
        sorted(BankAccount.objects.values_list("account_number", "row_id")),
        sorted(Candidate.objects.values_list("pk", "status")),
        StageEvent.objects.count(),
        AuditEntry.objects.count(),
        BankBatch.objects.get(pk=batch.pk).state,
        sorted(ReturnUpload.objects.values_list("pk", "applied_at")),
    )


Lines = list[list[Any]]
Case = Callable[[World, Lines], bytes]


def with_lines(change: Callable[[World, Lines], None]) -> Case:
    def case(world: World, lines: Lines) -> bytes:
        change(world, lines)
        return xlsx_return(lines)

    return case


def set_cell(line: int, column: int, value: Any) -> Case:
    def change(world: World, lines: Lines) -> None:
        lines[line][column] = value

    return with_lines(change)


def other_batch_line(world: World, lines: Lines) -> None:
    other = world.other_batch()
    row = other.rows.get()
    lines.append([other.number, row.row_number, row.nik, account(9), "OPENED", ""])


def account_held_elsewhere(world: World, lines: Lines) -> None:
    other = world.other_batch()
    open_account(other.rows.get(), account(1), today(), world.bank_officer)


def opened_with_another_number(world: World, lines: Lines) -> None:
    row = world.batch.rows.get(row_number=1)
    open_account(row, "0099000001", today(), world.bank_officer)


def already_rejected(world: World, lines: Lines) -> None:
    reject_row(world.batch.rows.get(row_number=1), "Data ganda", world.bank_officer)


def drop_last(world: World, lines: Lines) -> None:
    lines.pop()


def with_opening_date(days: int) -> Case:
    def case(world: World, lines: Lines) -> bytes:
        day = (today() + timedelta(days=days)).strftime("%d-%m-%Y")
        dated = [[*line, day] for line in lines]
        return xlsx_return(dated, [*RETURN_HEADER, "TANGGAL_BUKA"])

    return case


REFUSALS: dict[str, tuple[Case, ProblemCode]] = {
    "unknown batch": (set_cell(0, 0, "KBP/2026/999"), ProblemCode.UNKNOWN_BATCH),
    "row of another batch": (with_lines(other_batch_line), ProblemCode.OTHER_BATCH),
    "unknown student": (set_cell(0, 1, "99"), ProblemCode.UNKNOWN_STUDENT),
    "identity mismatch": (
        set_cell(0, 2, "6311999999999999"),
        ProblemCode.IDENTITY_MISMATCH,
    ),
    "row twice": (
        with_lines(lambda w, lines: lines.append(list(lines[0]))),
        ProblemCode.DUPLICATE_ROW,
    ),
    "unknown status": (set_cell(0, 4, "MUNGKIN"), ProblemCode.INVALID_STATUS),
    "no account number": (set_cell(0, 3, ""), ProblemCode.MISSING_ACCOUNT),
    "letters in account": (
        set_cell(0, 3, "00120A0001"),
        ProblemCode.ACCOUNT_NOT_DIGITS,
    ),
    "short account": (set_cell(0, 3, "12000001"), ProblemCode.ACCOUNT_WRONG_LENGTH),
    "same account twice": (
        set_cell(1, 3, account(1)),
        ProblemCode.DUPLICATE_ACCOUNT,
    ),
    "account held by another student": (
        with_lines(account_held_elsewhere),
        ProblemCode.ACCOUNT_IN_USE,
    ),
    "rejection without reason": (
        with_lines(
            lambda w, lines: lines.__setitem__(0, [*lines[0][:3], "", "REJECTED", "-"])
        ),
        ProblemCode.MISSING_REASON,
    ),
    "rejection with an account": (
        set_cell(0, 4, "REJECTED"),
        ProblemCode.ACCOUNT_ON_REJECTED,
    ),
    "row left out": (with_lines(drop_last), ProblemCode.ROW_MISSING),
    "opening date in the future": (with_opening_date(1), ProblemCode.INVALID_DATE),
    "opening date before sending": (with_opening_date(-30), ProblemCode.INVALID_DATE),
    "opened with another number": (
        with_lines(opened_with_another_number),
        ProblemCode.ALREADY_OPENED,
    ),
    "already rejected": (with_lines(already_rejected), ProblemCode.ALREADY_REJECTED),
    "no data lines": (lambda w, lines: xlsx_return([]), ProblemCode.EMPTY_FILE),
    "status column missing": (
        lambda w, lines: xlsx_return([line[:4] for line in lines], RETURN_HEADER[:4]),
        ProblemCode.MISSING_COLUMN,
    ),
}


@pytest.mark.parametrize("name", REFUSALS)
def test_every_refusal_leaves_the_database_unchanged(world: World, name: str) -> None:
    make_file, code = REFUSALS[name]
    content = make_file(world, return_lines(world.batch))
    stored = store_return_file(world.batch, upload(content), world.bank_officer)
    before = database_state(world.batch)

    with pytest.raises(ReturnFileRefused) as refused:
        apply_return_file(stored, world.bank_officer)

    assert code in {problem.code for problem in refused.value.check.problems}
    assert stored.problem_count > 0
    assert database_state(world.batch) == before


def test_a_clean_file_is_applied_completely(
    sent: BankBatch, bank_officer: User
) -> None:
    content = xlsx_return(return_lines(sent, rejected=[2]))
    stored = store_return_file(sent, upload(content), bank_officer)

    result = apply_return_file(stored, bank_officer)

    assert (result.opened, result.rejected, result.unchanged) == (2, 1, 0)
    accounts = dict(
        BankAccount.objects.values_list("row__row_number", "account_number")
    )
    assert accounts == {1: "0012000001", 3: "0012000003"}
    assert set(BankAccount.objects.values_list("via", flat=True)) == {
        AnswerSource.RETURN_FILE
    }
    states = dict(sent.rows.values_list("row_number", "state"))
    assert states == {1: RowState.OPENED, 2: RowState.REJECTED, 3: RowState.OPENED}
    assert sent.rows.get(row_number=2).reason == "NIK tidak ada"
    batch = BankBatch.objects.get(pk=sent.pk)
    assert batch.state == BatchState.COMPLETED
    events = StageEvent.objects.filter(step=5)
    assert sorted(events.values_list("to_status", flat=True)) == sorted(
        [Status.ACCOUNT_OPENED, Status.ACCOUNT_OPENED, Status.BANK_REJECTED]
    )
    assert events.get(to_status=Status.BANK_REJECTED).note == "NIK tidak ada"
    assert AuditEntry.objects.filter(action="bank_return.apply").count() == 1
    per_row = AuditEntry.objects.filter(action__startswith="bank_row.")
    assert per_row.count() == 3
    assert all(entry.student_id for entry in per_row)
    assert not any("0012000001" in str(entry.details) for entry in per_row)


def test_a_clean_file_applies_exactly_once_even_when_uploaded_twice(
    sent: BankBatch, bank_officer: User
) -> None:
    content = xlsx_return(return_lines(sent, rejected=[2]))
    first = store_return_file(sent, upload(content), bank_officer)
    apply_return_file(first, bank_officer)
    after_first = database_state(sent)

    second = store_return_file(sent, upload(content, "balasan (1).xlsx"), bank_officer)
    result = apply_return_file(second, bank_officer)

    assert second.pk == first.pk
    assert result.already_applied
    assert database_state(sent) == after_first
    assert BankAccount.objects.count() == 2


def test_the_same_answers_in_another_file_change_nothing(
    sent: BankBatch, bank_officer: User
) -> None:
    lines = return_lines(sent, rejected=[2])
    apply_return_file(
        store_return_file(sent, upload(xlsx_return(lines)), bank_officer), bank_officer
    )
    before = database_state(sent)

    again = store_return_file(sent, upload(csv_return(lines), "b.csv"), bank_officer)
    check = preview_return_file(again)
    result = apply_return_file(again, bank_officer)

    assert check.is_clean and not check.to_apply
    assert (result.opened, result.rejected, result.unchanged) == (0, 0, 3)
    assert BankAccount.objects.count() == 2
    assert StageEvent.objects.count() == before[3]


def test_rows_answered_by_hand_may_be_left_out(
    sent: BankBatch, bank_officer: User
) -> None:
    open_account(sent.rows.get(row_number=1), account(1), today(), bank_officer)
    content = xlsx_return(return_lines(sent, skip=[1]))

    result = apply_return_file(
        store_return_file(sent, upload(content), bank_officer), bank_officer
    )

    assert (result.opened, result.unchanged) == (2, 0)
    assert BankAccount.objects.count() == 3


def test_a_preview_changes_nothing(sent: BankBatch, bank_officer: User) -> None:
    stored = store_return_file(
        sent, upload(xlsx_return(return_lines(sent))), bank_officer
    )
    before = database_state(sent)

    check = preview_return_file(stored)

    assert check.can_apply
    assert len(check.to_apply) == 3
    assert database_state(sent) == before


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"MZ\x90\x00", "balasan.exe"),
        (b"MZ\x90\x00 program", "balasan.xlsx"),
        (b"PK\x03\x04 rusak", "balasan.xlsx"),
        (b"", "balasan.csv"),
        (b"<html><body>bukan</body></html>", "balasan.csv"),
    ],
)
def test_a_file_that_is_not_a_clean_workbook_is_refused_at_the_door(
    sent: BankBatch, bank_officer: User, media_root: Path, content: bytes, name: str
) -> None:
    before = database_state(sent)

    with pytest.raises(BankExchangeRefused):
        store_return_file(sent, upload(content, name), bank_officer)

    assert database_state(sent) == before
    assert not list((media_root / "bank_exchange").glob("returns/**/*.*"))


def test_a_return_file_for_a_draft_is_refused(
    draft: BankBatch, bank_officer: User
) -> None:
    with pytest.raises(BankExchangeRefused):
        store_return_file(draft, upload(xlsx_return([])), bank_officer)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_applies_apply_once(
    school_a: School,
    school_b: School,
    period: Period,
    verifier: User,
    dinas_admin: User,
    bank_officer: User,
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite serialises every writer")
    approved(school_a, period, verifier, 20)
    batch = send_batch(create_batch(period, dinas_admin), dinas_admin)
    stored = store_return_file(
        batch, upload(xlsx_return(return_lines(batch, rejected=[3]))), bank_officer
    )
    barrier = threading.Barrier(2)
    results: list[ApplyResult] = []
    errors: list[BaseException] = []

    def apply() -> None:
        try:
            barrier.wait()
            results.append(apply_return_file(stored, bank_officer))
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=apply) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(result.already_applied for result in results) == [False, True]
    assert BankAccount.objects.count() == 19
    assert StageEvent.objects.filter(step=5).count() == 20
    assert AuditEntry.objects.filter(action="bank_return.apply").count() == 1
