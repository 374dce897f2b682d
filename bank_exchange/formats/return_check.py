"""Judging a return file against its batch before anything is applied.

The check looks at the file as a whole and returns a preview: the change each
row would make and every problem found. A caller applies the changes only
when there is no problem at all, so a return file is applied completely or
not at all. Rows already recorded exactly as the file states come back as
"unchanged", which makes a second upload of the same file a no-op.
"""

import logging
import time
from collections.abc import Sequence, Set
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import ChangeKind, ProblemCode, ReturnStatus, RowState
from .return_file import Problem, ReturnFile, ReturnRow

logger = logging.getLogger(__name__)

# Problems that leave no rows worth judging.
FILE_PROBLEMS = frozenset(
    {
        ProblemCode.UNREADABLE_FILE,
        ProblemCode.UNSUPPORTED_FILE,
        ProblemCode.MISSING_COLUMN,
        ProblemCode.DUPLICATE_COLUMN,
        ProblemCode.EMPTY_FILE,
    }
)


@dataclass(frozen=True)
class ExpectedRow:
    """A row of the sent batch as it stands now."""

    row_number: int
    nik: str
    nisn: str
    account_number: str | None = None
    state: RowState = RowState.PENDING
    reason: str = ""


@dataclass(frozen=True)
class ExpectedBatch:
    """The batch a return file answers. ``existing_accounts`` are account
    numbers already recorded for students anywhere; ``other_batches`` the
    numbers of the other batches sent to the bank, so that their rows can be
    told apart from nonsense; ``sent_on`` the day the batch was sent."""

    batch_number: str
    rows: Sequence[ExpectedRow]
    existing_accounts: Set[str] = field(default_factory=frozenset)
    other_batches: Set[str] = field(default_factory=frozenset)
    sent_on: date | None = None


@dataclass(frozen=True)
class Change:
    row_number: int
    kind: ChangeKind
    line: int
    account_number: str = ""
    reason: str = ""
    opened_on: date | None = None


@dataclass(frozen=True)
class ReturnCheck:
    batch_number: str
    file_sha256: str
    changes: tuple[Change, ...]
    problems: tuple[Problem, ...]

    @property
    def is_clean(self) -> bool:
        return not self.problems

    @property
    def to_apply(self) -> tuple[Change, ...]:
        """The changes that would alter something, unchanged rows left out."""
        return tuple(c for c in self.changes if c.kind != ChangeKind.UNCHANGED)

    @property
    def can_apply(self) -> bool:
        return self.is_clean and bool(self.to_apply)

    def count(self, kind: ChangeKind) -> int:
        return sum(1 for change in self.changes if change.kind == kind)


def _batch_key(batch_number: str) -> str:
    return "".join(batch_number.split()).casefold()


def _same_reason(first: str, second: str) -> bool:
    return " ".join(first.split()).casefold() == " ".join(second.split()).casefold()


def _has_meaning(text: str) -> bool:
    """A reason of only dashes or dots, as spreadsheets are often filled in,
    says nothing."""
    return any(character.isalnum() for character in text)


class _Checker:
    """Holds the lookups of one check; one instance per call."""

    def __init__(
        self, ret: ReturnFile, expected: ExpectedBatch, account_length: int
    ) -> None:
        self.ret = ret
        self.expected = expected
        self.account_length = account_length
        self.batch_key = _batch_key(expected.batch_number)
        self.other_keys = {_batch_key(number) for number in expected.other_batches}
        self.by_number = {row.row_number: row for row in expected.rows}
        self.by_nik = {row.nik: row for row in expected.rows if row.nik}
        self.by_nisn = {row.nisn: row for row in expected.rows if row.nisn}
        self.accounts_held = dict.fromkeys(expected.existing_accounts, -1)
        for row in expected.rows:
            if row.account_number:
                self.accounts_held[row.account_number] = row.row_number
        self.seen: dict[int, int] = {}
        self.account_lines: dict[str, list[tuple[int, int]]] = {}
        self.problems: list[Problem] = []
        self.changes: list[Change] = []

    def problem(
        self,
        code: ProblemCode,
        message: str,
        row: ReturnRow | None = None,
        *,
        row_number: int | None = None,
        column: str = "",
        value: str = "",
    ) -> None:
        self.problems.append(
            Problem(
                code,
                message,
                line=row.line if row is not None else None,
                row_number=row_number,
                column=self.ret.column_label(column) if column else "",
                value=value,
            )
        )

    def run(self) -> None:
        for row in self.ret.rows:
            if not self.belongs_to_batch(row):
                continue

            target = self.identify(row)
            if target is None:
                continue

            if target.row_number in self.seen:
                self.problem(
                    ProblemCode.DUPLICATE_ROW,
                    _(
                        "Siswa nomor urut %(row)s sudah muncul di baris "
                        "%(first)s berkas ini."
                    )
                    % {"row": target.row_number, "first": self.seen[target.row_number]},
                    row,
                    row_number=target.row_number,
                )
                continue
            self.seen[target.row_number] = row.line

            self.judge(row, target)

        self.report_duplicate_accounts()
        self.report_missing_rows()

    def belongs_to_batch(self, row: ReturnRow) -> bool:
        key = _batch_key(row.batch_number)
        if key == self.batch_key:
            return True

        if key in self.other_keys:
            message = _(
                "Baris ini milik batch %(value)s, bukan %(batch)s; kirim jawabannya "
                "dalam berkas tersendiri."
            )
            code = ProblemCode.OTHER_BATCH
        else:
            message = _(
                "Nomor batch %(value)s tidak dikenal; berkas ini menjawab batch "
                "%(batch)s."
            )
            code = ProblemCode.UNKNOWN_BATCH
        self.problem(
            code,
            message
            % {"value": row.batch_number or "-", "batch": self.expected.batch_number},
            row,
            column="batch_number",
            value=row.batch_number,
        )
        return False

    def identify(self, row: ReturnRow) -> ExpectedRow | None:
        """The batch row a line of the file speaks of: by row number when
        given, else by NIK, else by NISN; any other identifier given must
        agree with it."""
        if row.row_number_text:
            if row.row_number is None:
                self.problem(
                    ProblemCode.INVALID_ROW_NUMBER,
                    _("Nomor urut %(value)s bukan bilangan bulat positif.")
                    % {"value": row.row_number_text},
                    row,
                    column="row_number",
                    value=row.row_number_text,
                )
                return None
            target = self.by_number.get(row.row_number)
            field_name, value = "row_number", row.row_number_text
        elif row.nik:
            target = self.by_nik.get(row.nik)
            field_name, value = "nik", row.nik
        elif row.nisn:
            target = self.by_nisn.get(row.nisn)
            field_name, value = "nisn", row.nisn
        else:
            self.problem(
                ProblemCode.MISSING_IDENTIFIER,
                _("Baris tidak berisi nomor urut, NIK, atau NISN."),
                row,
            )
            return None

        if target is None:
            self.report_unknown_student(row, field_name, value)
            return None

        agrees = True
        for name, given, recorded in (
            ("nik", row.nik, target.nik),
            ("nisn", row.nisn, target.nisn),
        ):
            if given and given != recorded:
                agrees = False
                self.problem(
                    ProblemCode.IDENTITY_MISMATCH,
                    _(
                        "%(column)s %(value)s tidak cocok dengan siswa nomor urut "
                        "%(row)s dalam batch."
                    )
                    % {
                        "column": self.ret.column_label(name),
                        "value": given,
                        "row": target.row_number,
                    },
                    row,
                    row_number=target.row_number,
                    column=name,
                    value=given,
                )
        return target if agrees else None

    def report_unknown_student(self, row: ReturnRow, name: str, value: str) -> None:
        if name in row.numeric_fields and name == "nik":
            message = _(
                "NIK %(value)s tidak ada dalam batch %(batch)s. Sel NIK berformat "
                "angka, sehingga digit terakhirnya dapat berubah; format kolom "
                "sebagai teks."
            )
        else:
            message = _("%(column)s %(value)s tidak ada dalam batch %(batch)s.")
        self.problem(
            ProblemCode.UNKNOWN_STUDENT,
            message
            % {
                "column": self.ret.column_label(name),
                "value": value,
                "batch": self.expected.batch_number,
            },
            row,
            column=name,
            value=value,
        )

    def judge(self, row: ReturnRow, target: ExpectedRow) -> None:
        before = len(self.problems)
        if row.status is None:
            self.report_status(row, target)
            return

        if row.status == ReturnStatus.OPENED:
            change = self.judge_opened(row, target)
        else:
            change = self.judge_rejected(row, target)

        if change is not None and len(self.problems) == before:
            self.changes.append(change)

    def report_status(self, row: ReturnRow, target: ExpectedRow) -> None:
        if row.status_text:
            message = _(
                "Status %(value)s tidak dikenal; gunakan OPENED (DIBUKA) atau "
                "REJECTED (DITOLAK)."
            ) % {"value": row.status_text}
        else:
            message = _("Status kosong; isi OPENED (DIBUKA) atau REJECTED (DITOLAK).")
        self.problem(
            ProblemCode.INVALID_STATUS,
            message,
            row,
            row_number=target.row_number,
            column="status",
            value=row.status_text,
        )

    def judge_opened(self, row: ReturnRow, target: ExpectedRow) -> Change | None:
        account = row.account_number
        if not self.account_is_well_formed(row, target):
            return None
        self.account_lines.setdefault(account, []).append((row.line, target.row_number))
        self.check_opening_date(row, target)

        if target.state == RowState.REJECTED:
            self.problem(
                ProblemCode.ALREADY_REJECTED,
                _(
                    "Siswa ini sudah tercatat ditolak bank; setelah diperbaiki ia "
                    "dikirim dalam batch berikutnya."
                ),
                row,
                row_number=target.row_number,
                column="status",
                value=row.status_text,
            )
            return None

        if target.state == RowState.OPENED:
            if target.account_number == account:
                return Change(
                    target.row_number,
                    ChangeKind.UNCHANGED,
                    row.line,
                    account_number=account,
                )
            self.problem(
                ProblemCode.ALREADY_OPENED,
                _("Rekening siswa ini sudah tercatat dibuka dengan nomor lain."),
                row,
                row_number=target.row_number,
                column="account_number",
                value=account,
            )
            return None

        holder = self.accounts_held.get(account)
        if holder is not None and holder != target.row_number:
            self.problem(
                ProblemCode.ACCOUNT_IN_USE,
                _("Nomor rekening ini sudah tercatat untuk siswa lain."),
                row,
                row_number=target.row_number,
                column="account_number",
                value=account,
            )
            return None

        return Change(
            target.row_number,
            ChangeKind.OPEN,
            row.line,
            account_number=account,
            opened_on=row.opened_on,
        )

    def account_is_well_formed(self, row: ReturnRow, target: ExpectedRow) -> bool:
        account = row.account_number
        found = len(account)
        code: ProblemCode | None = None
        if not account:
            code = ProblemCode.MISSING_ACCOUNT
            message = _("Status OPENED memerlukan nomor rekening.")
        elif not account.isascii() or not account.isdigit():
            code = ProblemCode.ACCOUNT_NOT_DIGITS
            message = _("Nomor rekening hanya boleh berisi angka 0-9.")
        elif "account_number" in row.numeric_fields and found < self.account_length:
            code = ProblemCode.ACCOUNT_LOST_ZEROS
            message = _(
                "Sel nomor rekening berformat angka sehingga nol di depannya "
                "hilang (%(found)s dari %(length)s digit); format kolom sebagai "
                "teks dan kirim ulang."
            ) % {"found": found, "length": self.account_length}
        elif found != self.account_length:
            code = ProblemCode.ACCOUNT_WRONG_LENGTH
            message = _(
                "Nomor rekening harus %(length)s digit, bukan %(found)s digit."
            ) % {"found": found, "length": self.account_length}

        if code is None:
            return True
        self.problem(
            code,
            message,
            row,
            row_number=target.row_number,
            column="account_number",
            value=account,
        )
        return False

    def check_opening_date(self, row: ReturnRow, target: ExpectedRow) -> None:
        if not row.opened_on_text:
            return

        opened_on = row.opened_on
        if opened_on is None:
            message = _(
                "Tanggal pembukaan %(value)s tidak dapat dibaca; gunakan "
                "DD-MM-YYYY atau YYYY-MM-DD."
            )
        elif opened_on > timezone.localdate():
            message = _("Tanggal pembukaan %(value)s belum terjadi.")
        elif self.expected.sent_on is not None and opened_on < self.expected.sent_on:
            message = _(
                "Tanggal pembukaan %(value)s lebih awal dari tanggal batch dikirim."
            )
        else:
            return
        self.problem(
            ProblemCode.INVALID_DATE,
            message % {"value": row.opened_on_text},
            row,
            row_number=target.row_number,
            column="opened_on",
            value=row.opened_on_text,
        )

    def judge_rejected(self, row: ReturnRow, target: ExpectedRow) -> Change | None:
        reason = " ".join(row.reason.split())
        if not _has_meaning(reason):
            self.problem(
                ProblemCode.MISSING_REASON,
                _("Status REJECTED memerlukan alasan penolakan."),
                row,
                row_number=target.row_number,
                column="reason",
                value=row.reason,
            )
        if row.account_number:
            self.problem(
                ProblemCode.ACCOUNT_ON_REJECTED,
                _(
                    "Baris berstatus REJECTED tidak boleh berisi nomor rekening; "
                    "pilih salah satu."
                ),
                row,
                row_number=target.row_number,
                column="account_number",
                value=row.account_number,
            )

        if target.state == RowState.OPENED:
            self.problem(
                ProblemCode.ALREADY_OPENED,
                _("Rekening siswa ini sudah tercatat dibuka; penolakan tidak dicatat."),
                row,
                row_number=target.row_number,
                column="status",
                value=row.status_text,
            )
            return None

        if target.state == RowState.REJECTED:
            if _same_reason(target.reason, reason):
                return Change(
                    target.row_number, ChangeKind.UNCHANGED, row.line, reason=reason
                )
            self.problem(
                ProblemCode.ALREADY_REJECTED,
                _("Siswa ini sudah tercatat ditolak dengan alasan lain."),
                row,
                row_number=target.row_number,
                column="reason",
                value=row.reason,
            )
            return None

        return Change(target.row_number, ChangeKind.REJECT, row.line, reason=reason)

    def report_duplicate_accounts(self) -> None:
        for account, occurrences in self.account_lines.items():
            if len(occurrences) < 2:
                continue
            lines = [line for line, _row in occurrences]
            for line, row_number in occurrences:
                others = ", ".join(str(other) for other in lines if other != line)
                self.problems.append(
                    Problem(
                        ProblemCode.DUPLICATE_ACCOUNT,
                        _(
                            "Nomor rekening yang sama juga tertulis di baris "
                            "%(lines)s berkas ini."
                        )
                        % {"lines": others},
                        line=line,
                        row_number=row_number,
                        column=self.ret.column_label("account_number"),
                        value=account,
                    )
                )
        # A duplicated account makes every row holding it unusable.
        duplicated = {
            row_number
            for occurrences in self.account_lines.values()
            if len(occurrences) > 1
            for _line, row_number in occurrences
        }
        self.changes = [c for c in self.changes if c.row_number not in duplicated]

    def report_missing_rows(self) -> None:
        for row in self.expected.rows:
            if row.state != RowState.PENDING or row.row_number in self.seen:
                continue
            self.problems.append(
                Problem(
                    ProblemCode.ROW_MISSING,
                    _(
                        "Siswa nomor urut %(row)s belum dijawab bank dan tidak ada "
                        "dalam berkas; berkas harus memuat setiap baris yang belum "
                        "dijawab."
                    )
                    % {"row": row.row_number},
                    row_number=row.row_number,
                )
            )


def check_return_file(
    ret: ReturnFile, expected: ExpectedBatch, account_length: int
) -> ReturnCheck:
    """Check ``ret`` against ``expected`` as a whole and return the preview:
    the change each recognised row would make and every problem found. Apply
    the changes only when ``ReturnCheck.is_clean``."""
    started = time.monotonic()
    problems = list(ret.problems)

    checker = _Checker(ret, expected, account_length)
    if not any(problem.code in FILE_PROBLEMS for problem in problems):
        checker.run()
    problems.extend(checker.problems)

    result = ReturnCheck(
        batch_number=expected.batch_number,
        file_sha256=ret.sha256,
        changes=tuple(sorted(checker.changes, key=lambda c: c.row_number)),
        problems=tuple(problems),
    )
    logger.info(
        "checked return file for batch %s in %.2f s: %s lines, %s to apply, "
        "%s unchanged, %s problems",
        expected.batch_number,
        time.monotonic() - started,
        len(ret.rows),
        len(result.to_apply),
        result.count(ChangeKind.UNCHANGED),
        len(result.problems),
    )
    return result
