"""The progress report as an Excel workbook and as a printable PDF."""

import logging
import time
from collections.abc import Iterable, Sequence
from io import BytesIO
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from balangan_pintar.pdf import render_pdf

from .progress import Group, ProgressReport, Stage, report_charts

logger = logging.getLogger(__name__)

# The Dinas letterhead, as on its printed documents; not translated.
LETTERHEAD = (
    "PEMERINTAH KABUPATEN BALANGAN",
    "DINAS PENDIDIKAN DAN KEBUDAYAAN",
)

HEADER_FILL = PatternFill("solid", fgColor="0B5D5B")
HEADER_FONT = Font(bold=True, color="FFFFFF")
NUMBER = "#,##0"

# The stages shown as a share of those proposed; the ones before it are
# students, not candidates.
SHARED_STAGES = [
    stage for stage in Stage if stage not in (Stage.LISTED, Stage.DTKS_MATCHED)
]


def filename(report: ProgressReport, extension: str) -> str:
    made = timezone.localtime(report.made_at)
    return f"laporan-kbp-{report.period.year}-{made:%Y%m%d}.{extension}"


def printed_on(report: ProgressReport) -> str:
    """The date and time printed, in words: 3 Desember 2026 14.05 WITA."""
    made = timezone.localtime(report.made_at)
    return f"{date_format(made, 'j F Y')} {made:%H.%M} WITA"


def _table(
    sheet: Worksheet,
    top: int,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    formats: Sequence[str | None] = (),
) -> int:
    """Write a table with a header row at row ``top``; the next free row."""
    for column, title in enumerate(headers, start=1):
        cell = sheet.cell(row=top, column=column, value=title)
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    row_number = top
    for row_number, row in enumerate(rows, start=top + 1):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=row_number, column=column, value=value)
            if column - 1 < len(formats) and formats[column - 1]:
                cell.number_format = formats[column - 1]
    return row_number + 2


def _stage_values(report: ProgressReport, group: Group) -> list[Any]:
    missing = _("tidak tersedia")
    return [
        missing if value is None else value for value in group.counts.row(report.stages)
    ]


def _widths(sheet: Worksheet, widths: Sequence[int]) -> None:
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width


def progress_workbook(report: ProgressReport) -> bytes:
    """The report in five sheets: summary, kecamatan, jenjang, schools and
    weeks."""
    started = time.monotonic()
    book = Workbook()
    stage_titles = [str(stage.label) for stage in report.stages]
    numbers = [NUMBER] * len(report.stages)

    summary = book.active
    assert summary is not None  # noqa: S101 - a new workbook has one sheet
    summary.title = _("Ringkasan")
    for row, text in enumerate(LETTERHEAD, start=1):
        summary.cell(row=row, column=1, value=text).font = Font(bold=True, size=13)
    summary.cell(row=3, column=1, value=_("Laporan perkembangan Kartu Balangan Pintar"))
    summary.cell(
        row=4, column=1, value=_("Periode: %(name)s") % {"name": report.period}
    )
    summary.cell(
        row=5, column=1, value=_("Dicetak: %(when)s") % {"when": printed_on(report)}
    )
    missing = _("tidak tersedia")
    funnel = [
        (
            str(step.stage.label),
            missing if step.value is None else step.value,
            step.share_of_proposed if step.stage in SHARED_STAGES else None,
        )
        for step in report.funnel
    ]
    next_row = _table(
        summary,
        7,
        [_("Tahap"), _("Jumlah"), _("Dari yang diusulkan")],
        funnel,
        [None, NUMBER, "0%"],
    )
    amounts: list[tuple[Any, ...]] = [
        (a.jenjang, a.approved, a.amount_each, a.total) for a in report.amounts
    ]
    amounts.append((_("Jumlah"), None, None, report.total_amount))
    _table(
        summary,
        next_row,
        [_("Jenjang"), _("Disetujui"), _("Nilai per siswa (Rp)"), _("Jumlah (Rp)")],
        amounts,
        [None, NUMBER, NUMBER, NUMBER],
    )
    _widths(summary, [34, 16, 22, 20])

    kecamatan = book.create_sheet(_("Kecamatan"))
    _table(
        kecamatan,
        1,
        [_("Kode"), _("Kecamatan"), *stage_titles],
        ([g.code, g.label, *_stage_values(report, g)] for g in report.by_kecamatan),
        [None, None, *numbers],
    )
    _widths(kecamatan, [10, 20, *[14] * len(stage_titles)])

    jenjang = book.create_sheet(_("Jenjang"))
    _table(
        jenjang,
        1,
        [_("Jenjang"), *stage_titles],
        ([g.label, *_stage_values(report, g)] for g in report.by_jenjang),
        [None, *numbers],
    )
    _widths(jenjang, [12, *[14] * len(stage_titles)])

    schools = book.create_sheet(_("Sekolah"))
    _table(
        schools,
        1,
        [_("NPSN"), _("Sekolah"), _("Kecamatan"), _("Jenjang"), *stage_titles],
        (
            [g.code, g.label, g.kecamatan, g.jenjang, *_stage_values(report, g)]
            for g in report.by_school
        ),
        [None, None, None, None, *numbers],
    )
    _widths(schools, [11, 32, 18, 9, *[14] * len(stage_titles)])

    weeks = book.create_sheet(_("Mingguan"))
    _table(
        weeks,
        1,
        [_("Minggu mulai"), *report.trend_labels],
        ([week.start, *week.values] for week in report.weeks),
        ["dd/mm/yyyy", *[NUMBER] * len(report.trend_labels)],
    )
    _widths(weeks, [14, *[20] * len(report.trend_labels)])

    for sheet in book.worksheets[1:]:
        sheet.freeze_panes = "A2"
    output = BytesIO()
    book.save(output)
    logger.info(
        "progress workbook of period %s written in %.2f s",
        report.period.pk,
        time.monotonic() - started,
    )
    return output.getvalue()


def progress_pdf(report: ProgressReport) -> bytes:
    """The report as a printable A4 document with the Dinas letterhead."""
    started = time.monotonic()
    html = render_to_string(
        "reports/progress_pdf.html",
        {
            "report": report,
            "charts": report_charts(report),
            "letterhead": LETTERHEAD,
            "printed_on": printed_on(report),
        },
    )
    pdf = render_pdf(html)
    logger.info(
        "progress PDF of period %s rendered in %.2f s",
        report.period.pk,
        time.monotonic() - started,
    )
    return pdf
