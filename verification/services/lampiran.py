"""The list of approved recipients as the annex of the Kepala Dinas's decree
(Lampiran SK), as a workbook and as a PDF.

The decree is an official Indonesian document: both files are written in
the project's language whatever language the user reads, and leave the
decree's number and date for the office to fill in.
"""

import io
import logging
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from weasyprint.urls import FatalURLFetchingError

from balangan_pintar.jobs import JobFailed, Progress, create_job, enqueue
from balangan_pintar.models import Jenjang, Job, Period
from balangan_pintar.pdf import render_pdf
from students.models import Candidate, Kecamatan, School

from ..models import LampiranExport
from .rules import APPROVED_STATUSES

logger = logging.getLogger(__name__)

TITLE = "LAMPIRAN KEPUTUSAN KEPALA DINAS PENDIDIKAN DAN KEBUDAYAAN KABUPATEN BALANGAN"
PLACEHOLDER = "...................................."
JENJANG_ORDER = {jenjang.value: index for index, jenjang in enumerate(Jenjang)}


@dataclass(frozen=True)
class RecipientRow:
    number: int
    name: str
    nisn: str
    school: str
    npsn: str
    jenjang: str
    kecamatan: str
    amount: int


@dataclass
class JenjangTotal:
    jenjang: str
    count: int = 0
    amount: int = 0


@dataclass
class Lampiran:
    period: Period
    scope: str
    rows: list[RecipientRow]
    totals: list[JenjangTotal] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(total.count for total in self.totals)

    @property
    def amount(self) -> int:
        return sum(total.amount for total in self.totals)

    @property
    def about(self) -> str:
        return _("PENERIMA KARTU BALANGAN PINTAR TAHUN %(year)s") % {
            "year": self.period.year
        }


def recipients(
    period: Period,
    *,
    school: School | None = None,
    kecamatan: Kecamatan | None = None,
    first: int | None = None,
) -> Lampiran:
    """The approved recipients of the period, by kecamatan, school, name;
    only the ``first`` rows of them for a preview, the totals always of
    all."""
    with translation.override(settings.LANGUAGE_CODE):
        found = Candidate.objects.filter(period=period, status__in=APPROVED_STATUSES)
        scope = _("Seluruh Kabupaten Balangan")
        if school is not None:
            found = found.filter(school=school)
            scope = _("%(school)s (NPSN %(npsn)s)") % {
                "school": school.name,
                "npsn": school.npsn,
            }
        elif kecamatan is not None:
            found = found.filter(school__kecamatan=kecamatan)
            scope = _("Kecamatan %(name)s") % {"name": kecamatan.name}

        rows = list(_rows(found, period, first))
        counts = found.values_list("school__jenjang").annotate(count=Count("pk"))
        totals = [
            JenjangTotal(jenjang, count, count * period.amount_for(jenjang))
            for jenjang, count in counts.order_by()
        ]
        totals.sort(key=lambda t: JENJANG_ORDER.get(t.jenjang, 99))
        return Lampiran(period, scope, rows, totals)


def _rows(
    found: "QuerySet[Candidate]", period: Period, first: int | None
) -> Iterator[RecipientRow]:
    values = found.order_by(
        "school__kecamatan__code", "school__name", "student__name", "pk"
    ).values_list(
        "student__name",
        "student__nisn",
        "school__name",
        "school__npsn",
        "school__jenjang",
        "school__kecamatan__name",
    )
    if first is not None:
        values = values[:first]
    amounts = {jenjang: period.amount_for(jenjang) for jenjang in Jenjang.values}
    for number, (name, nisn, school, npsn, jenjang, kecamatan) in enumerate(
        values.iterator(chunk_size=2000), start=1
    ):
        yield RecipientRow(
            number, name, nisn, school, npsn, jenjang, kecamatan, amounts[jenjang]
        )


def to_xlsx(lampiran: Lampiran) -> bytes:
    """The annex as a workbook of one sheet: the heading, the numbered list,
    then the totals per jenjang."""
    with translation.override(settings.LANGUAGE_CODE):
        book = Workbook()
        sheet = book.worksheets[0]
        sheet.title = _("Lampiran SK")
        bold = Font(bold=True)
        thin = Side(style="thin")
        box = Border(left=thin, right=thin, top=thin, bottom=thin)

        heading = [
            TITLE,
            f"{_('NOMOR')} : {PLACEHOLDER}",
            f"{_('TANGGAL')} : {PLACEHOLDER}",
            f"{_('TENTANG')} : {lampiran.about}",
            lampiran.scope,
        ]
        for line in heading:
            sheet.append([line])
            sheet.cell(sheet.max_row, 1).font = bold
        sheet.append([])

        header = [
            _("No."),
            _("Nama Siswa"),
            _("NISN"),
            _("Sekolah"),
            _("Jenjang"),
            _("Kecamatan"),
            _("Nilai Bantuan (Rp)"),
        ]
        sheet.append(header)
        first = sheet.max_row
        for row in lampiran.rows:
            sheet.append(
                [
                    row.number,
                    row.name,
                    row.nisn,
                    row.school,
                    row.jenjang,
                    row.kecamatan,
                    row.amount,
                ]
            )
        for cells in sheet.iter_rows(min_row=first, max_row=sheet.max_row):
            for cell in cells:
                cell.border = box
            cells[2].number_format = "@"
            cells[6].number_format = "#,##0"
        for cell in sheet[first]:
            cell.font = bold
            cell.alignment = Alignment(horizontal="center", wrap_text=True)

        sheet.append([])
        sheet.append([_("Jumlah per jenjang")])
        sheet.cell(sheet.max_row, 1).font = bold
        sheet.append([_("Jenjang"), _("Jumlah Siswa"), _("Jumlah Bantuan (Rp)")])
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        for total in lampiran.totals:
            sheet.append([total.jenjang, total.count, total.amount])
            sheet.cell(sheet.max_row, 3).number_format = "#,##0"
        sheet.append([_("Jumlah"), lampiran.count, lampiran.amount])
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        sheet.cell(sheet.max_row, 3).number_format = "#,##0"

        for index, width in enumerate((6, 34, 13, 32, 9, 18, 18), start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = sheet.cell(first + 1, 1)
        sheet.print_title_rows = f"{first}:{first}"

        out = io.BytesIO()
        book.save(out)
        return out.getvalue()


class LampiranError(Exception):
    """The PDF could not be rendered."""


def to_pdf(lampiran: Lampiran) -> bytes:
    started = time.monotonic()
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(
            "verification/lampiran_sk.html",
            {
                "lampiran": lampiran,
                "title": TITLE,
                "placeholder": PLACEHOLDER,
                "printed_at": timezone.localtime(),
            },
        )
    try:
        pdf = render_pdf(html)
    except FatalURLFetchingError as error:
        # WeasyPrint's fatal error is a BaseException; make it an ordinary
        # failure of this request.
        raise LampiranError(str(error)) from error
    logger.info(
        "rendered the Lampiran SK: %s rows in %.1f s",
        lampiran.count,
        time.monotonic() - started,
    )
    return pdf


def start_pdf(
    period: Period,
    *,
    school: School | None,
    kecamatan: Kecamatan | None,
    user: Any,
) -> Job:
    """Ask a worker for the PDF; the job page follows it and hands over the
    file when it is ready."""
    # Imported here: the task module imports this one for its work.
    from ..tasks import render_lampiran_pdf

    with transaction.atomic():
        job = create_job(Job.Kind.REPORT, user=user, total=1)
        LampiranExport.objects.create(
            job=job,
            period=period,
            school=school,
            kecamatan=kecamatan,
            created_by=user,
        )
        enqueue(job, render_lampiran_pdf)
    return job


def render_export(job: Job, progress: Progress) -> dict[str, Any]:
    """The work of the PDF job. Run again, it renders the file again and
    replaces the first one."""
    export = LampiranExport.objects.select_related("period", "school", "kecamatan").get(
        job=job
    )
    progress(0, 1, _("Menyusun Lampiran SK…"))
    lampiran = recipients(
        export.period, school=export.school, kecamatan=export.kecamatan
    )
    try:
        pdf = to_pdf(lampiran)
    except LampiranError as error:
        raise JobFailed(_("PDF tidak dapat dibuat.")) from error

    if export.file:
        export.file.delete(save=False)
    export.file.save(f"{uuid.uuid4().hex}.pdf", ContentFile(pdf), save=False)
    export.rows = lampiran.count
    export.save(update_fields=["file", "rows"])
    progress(1, 1)
    return {
        "url": reverse("verification:lampiran-download", args=[export.pk]),
        "rows": lampiran.count,
        "message": _("PDF Lampiran SK siap: %(count)s penerima.")
        % {"count": lampiran.count},
    }
