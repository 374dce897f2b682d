"""The reconciliation workbook: per batch and for the period, what was sent to
Bank Kalsel, what it opened or rejected and why, what is still open, and how
long SOP steps 4 and 5 took against their targets.

Unlike the batch file this workbook is read by the Dinas itself, so its
labels follow the user's language.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import BinaryIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .cells import WITA, safe_text

# SOP 067.2/31/DIDIKBUD: step 4 (hand the data to the bank) and step 5 (open
# the accounts) are each given ten minutes.
STEP4_TARGET = timedelta(minutes=10)
STEP5_TARGET = timedelta(minutes=10)
DATETIME_FORMAT = "dd-mm-yyyy hh:mm"
MINUTES_FORMAT = "#,##0.0"
COUNT_FORMAT = "#,##0"


@dataclass(frozen=True)
class BatchReconciliation:
    """One batch's figures. ``step4_started_at`` is when step 4 began for the
    batch (the caller decides: the batch's creation, or the last approval of
    a candidate in it); ``step5_finished_at`` when the bank answered the last
    row, None while rows are still open. ``rejection_reasons`` maps each
    reason as the bank wrote it to its number of rows."""

    batch_number: str
    period_year: int
    rows_sent: int
    rows_opened: int
    rows_rejected: int
    rejection_reasons: Mapping[str, int] = field(default_factory=dict)
    step4_started_at: datetime | None = None
    sent_at: datetime | None = None
    step5_finished_at: datetime | None = None

    @property
    def rows_open(self) -> int:
        return self.rows_sent - self.rows_opened - self.rows_rejected

    @property
    def step4_duration(self) -> timedelta | None:
        if self.step4_started_at is None or self.sent_at is None:
            return None
        return self.sent_at - self.step4_started_at

    def step5_duration(self, now: datetime) -> timedelta | None:
        """Sending to the last answer, or to ``now`` while rows are open."""
        if self.sent_at is None:
            return None
        return (self.step5_finished_at or now) - self.sent_at


@dataclass(frozen=True)
class ReconciliationSummary:
    period_year: int
    generated_at: datetime
    batches: Sequence[BatchReconciliation]
    step4_target: timedelta = STEP4_TARGET
    step5_target: timedelta = STEP5_TARGET

    @property
    def rows_sent(self) -> int:
        return sum(batch.rows_sent for batch in self.batches)

    @property
    def rows_opened(self) -> int:
        return sum(batch.rows_opened for batch in self.batches)

    @property
    def rows_rejected(self) -> int:
        return sum(batch.rows_rejected for batch in self.batches)

    @property
    def rows_open(self) -> int:
        return sum(batch.rows_open for batch in self.batches)

    def rejection_reasons(self) -> dict[str, int]:
        """Every reason over all batches, the most frequent first."""
        totals: dict[str, int] = {}
        for batch in self.batches:
            for reason, count in batch.rejection_reasons.items():
                totals[reason] = totals.get(reason, 0) + count
        return dict(sorted(totals.items(), key=lambda item: (-item[1], item[0])))


def _minutes(duration: timedelta | None) -> float | None:
    if duration is None:
        return None
    return round(duration.total_seconds() / 60, 1)


def _local(moment: datetime | None) -> datetime | None:
    # A spreadsheet cell has no time zone; WITA is what the Dinas reads.
    if moment is None:
        return None
    return moment.astimezone(WITA).replace(tzinfo=None)


def _verdict(duration: timedelta | None, target: timedelta) -> str:
    if duration is None:
        return ""
    return _("Ya") if duration <= target else _("Tidak")


def _header(sheet: Worksheet, line: int, labels: Sequence[str]) -> None:
    bold = Font(bold=True)
    for index, label in enumerate(labels, start=1):
        cell = sheet.cell(row=line, column=index, value=safe_text(label))
        cell.font = bold
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(12, min(len(label) + 2, 40))


def _put(sheet: Worksheet, line: int, values: Sequence[object]) -> None:
    for index, value in enumerate(values, start=1):
        cell = sheet.cell(row=line, column=index)
        if isinstance(value, str):
            cell.value = safe_text(value)
            cell.data_type = "s"
        else:
            cell.value = value
        if isinstance(value, datetime):
            cell.number_format = DATETIME_FORMAT
        elif isinstance(value, float):
            cell.number_format = MINUTES_FORMAT
        elif isinstance(value, int):
            cell.number_format = COUNT_FORMAT


def _write_batches(sheet: Worksheet, summary: ReconciliationSummary) -> None:
    sheet.title = _("Rekonsiliasi")
    sheet.cell(
        row=1,
        column=1,
        value=_("Rekonsiliasi Bank Kalsel, periode %(year)s")
        % {"year": summary.period_year},
    ).font = Font(bold=True, size=13)
    sheet.cell(
        row=2,
        column=1,
        value=_("Dibuat %(when)s WITA")
        % {"when": summary.generated_at.astimezone(WITA).strftime("%d-%m-%Y %H:%M")},
    )

    step4_target = _minutes(summary.step4_target)
    step5_target = _minutes(summary.step5_target)
    _header(
        sheet,
        4,
        [
            _("Nomor batch"),
            _("Periode"),
            _("Dikirim"),
            _("Dibuka"),
            _("Ditolak"),
            _("Belum dijawab"),
            _("Mulai langkah 4 (WITA)"),
            _("Dikirim ke bank (WITA)"),
            _("Jawaban terakhir bank (WITA)"),
            _("Langkah 4 (menit)"),
            _("Target langkah 4 (menit)"),
            _("Langkah 4 sesuai target"),
            _("Langkah 5 (menit)"),
            _("Target langkah 5 (menit)"),
            _("Langkah 5 sesuai target"),
            _("Langkah 5 selesai"),
        ],
    )

    line = 5
    for batch in summary.batches:
        step4 = batch.step4_duration
        step5 = batch.step5_duration(summary.generated_at)
        finished = batch.rows_open == 0 and batch.sent_at is not None
        _put(
            sheet,
            line,
            [
                batch.batch_number,
                str(batch.period_year),
                batch.rows_sent,
                batch.rows_opened,
                batch.rows_rejected,
                batch.rows_open,
                _local(batch.step4_started_at),
                _local(batch.sent_at),
                _local(batch.step5_finished_at),
                _minutes(step4),
                step4_target,
                _verdict(step4, summary.step4_target),
                _minutes(step5),
                step5_target,
                _verdict(step5, summary.step5_target),
                _("Ya") if finished else _("Belum"),
            ],
        )
        line += 1

    _put(
        sheet,
        line,
        [
            _("Jumlah periode"),
            str(summary.period_year),
            summary.rows_sent,
            summary.rows_opened,
            summary.rows_rejected,
            summary.rows_open,
        ],
    )
    for cell in sheet[line]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "B5"


def _write_reasons(sheet: Worksheet, summary: ReconciliationSummary) -> None:
    _header(sheet, 1, [_("Nomor batch"), _("Alasan penolakan bank"), _("Jumlah")])
    sheet.column_dimensions["B"].width = 60

    line = 2
    for batch in summary.batches:
        reasons = sorted(
            batch.rejection_reasons.items(), key=lambda item: (-item[1], item[0])
        )
        for reason, count in reasons:
            _put(sheet, line, [batch.batch_number, reason, count])
            line += 1

    for reason, count in summary.rejection_reasons().items():
        _put(sheet, line, [_("Semua batch"), reason, count])
        sheet.cell(row=line, column=1).font = Font(bold=True)
        line += 1
    sheet.freeze_panes = "A2"


def write_reconciliation_xlsx(summary: ReconciliationSummary, out: BinaryIO) -> None:
    """Write the reconciliation as an .xlsx workbook with one sheet of
    figures per batch (and the period's totals) and one of rejection
    reasons."""
    workbook = Workbook()
    _write_batches(workbook.worksheets[0], summary)
    _write_reasons(workbook.create_sheet(_("Alasan penolakan")), summary)
    workbook.save(out)
