"""A pupil's audit trail as rows for the page, as an Excel workbook and as a
printable PDF: what the administrator hands the pupil or a parent who asks
for it. Neither file holds a NIK: the entries never do, and the header
names the pupil by name, NISN and school."""

import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from balangan_pintar.models import AuditEntry
from balangan_pintar.pdf import render_pdf
from bank_exchange.formats.cells import safe_text
from students.models import Student

from .audit_trail import Concerning, action_label, details_text, object_type_label
from .exports import HEADER_FILL, HEADER_FONT, LETTERHEAD

logger = logging.getLogger(__name__)

DATETIME_FORMAT = "dd-mm-yyyy hh:mm:ss"


@dataclass(frozen=True)
class EntryRow:
    """One entry as people read it."""

    entry: AuditEntry
    action: str
    object_type: str
    details: str
    # For a pupil's trail: whether the entry names the pupil's own record
    # (else a shared one: a batch, a submission, a list...). None elsewhere.
    direct: bool | None = None

    @property
    def relation(self) -> str:
        if self.direct is None:
            return ""
        return _("Langsung") if self.direct else _("Bersama data siswa lain")


def entry_rows(
    entries: Iterable[AuditEntry], about: Concerning | None = None
) -> list[EntryRow]:
    return [
        EntryRow(
            entry=entry,
            action=action_label(entry.action),
            object_type=object_type_label(entry.object_type),
            details=details_text(entry.details),
            direct=about.is_direct(entry) if about is not None else None,
        )
        for entry in entries
    ]


def filename(student: Student, made_at: datetime, extension: str) -> str:
    made = timezone.localtime(made_at)
    return f"jejak-audit-siswa-{student.pk}-{made:%Y%m%d-%H%M}.{extension}"


def printed_on(made_at: datetime) -> str:
    made = timezone.localtime(made_at)
    return f"{date_format(made, 'j F Y')} {made:%H.%M} WITA"


def _put(sheet: Worksheet, line: int, values: Sequence[object]) -> None:
    """Write a line of cells; text is always text, never a formula, however
    it begins (a NISN keeps its leading zeros)."""
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=line, column=column)
        if isinstance(value, str):
            cell.value = safe_text(value)
            cell.data_type = "s"
        elif isinstance(value, datetime):
            cell.value = timezone.localtime(value).replace(tzinfo=None)
            cell.number_format = DATETIME_FORMAT
        else:
            cell.value = value


HEADERS = (
    (gettext_lazy("No."), 6),
    (gettext_lazy("Waktu (WITA)"), 20),
    (gettext_lazy("Pengguna"), 18),
    (gettext_lazy("Aksi"), 40),
    (gettext_lazy("Kode aksi"), 26),
    (gettext_lazy("Jenis objek"), 24),
    (gettext_lazy("ID objek"), 10),
    (gettext_lazy("Keterkaitan"), 22),
    (gettext_lazy("Alamat IP"), 16),
    (gettext_lazy("Rincian"), 60),
)


def trail_workbook(student: Student, rows: list[EntryRow], made_at: datetime) -> bytes:
    """One sheet: who the trail is of, then every entry, oldest first."""
    started = time.monotonic()
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101 - a new workbook has one sheet
    sheet.title = _("Jejak audit")

    _put(sheet, 1, [_("Jejak audit data pribadi siswa")])
    sheet.cell(row=1, column=1).font = Font(bold=True, size=13)
    school = f"{student.school.name} (NPSN {student.school.npsn})"
    facts = [
        (_("Nama"), student.name),
        ("NISN", student.nisn),
        (_("Sekolah"), school),
        (_("Dibuat"), printed_on(made_at)),
        (_("Jumlah catatan"), str(len(rows))),
    ]
    for line, (label, value) in enumerate(facts, start=2):
        _put(sheet, line, [label, value])
        sheet.cell(row=line, column=1).font = Font(bold=True)

    top = len(facts) + 3
    _put(sheet, top, [str(label) for label, _width in HEADERS])
    for column, (_label, width) in enumerate(HEADERS, start=1):
        cell = sheet.cell(row=top, column=column)
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(column)].width = width

    for number, row in enumerate(rows, start=1):
        entry = row.entry
        _put(
            sheet,
            top + number,
            [
                number,
                entry.at,
                entry.actor_name or _("(publik/sistem)"),
                row.action,
                entry.action,
                row.object_type,
                entry.object_id,
                row.relation,
                entry.ip_address or "",
                row.details,
            ],
        )
    sheet.freeze_panes = sheet.cell(row=top + 1, column=1)

    out = BytesIO()
    book.save(out)
    logger.info(
        "audit trail workbook of %s entries written in %.2f s",
        len(rows),
        time.monotonic() - started,
    )
    return out.getvalue()


def trail_pdf(student: Student, rows: list[EntryRow], made_at: datetime) -> bytes:
    """The trail as a printable A4 landscape document with the letterhead."""
    started = time.monotonic()
    html = render_to_string(
        "reports/audit/trail_pdf.html",
        {
            "student": student,
            "rows": rows,
            "letterhead": LETTERHEAD,
            "printed_on": printed_on(made_at),
        },
    )
    pdf = render_pdf(html)
    logger.info(
        "audit trail PDF of %s entries rendered in %.2f s",
        len(rows),
        time.monotonic() - started,
    )
    return pdf
