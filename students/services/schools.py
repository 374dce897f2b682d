"""Keeping the Dinas's list of schools from a .csv or .xlsx file."""

import csv
import io
import logging
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

from balangan_pintar.models import Jenjang

from ..models import Kecamatan, School

logger = logging.getLogger(__name__)

COLUMNS = ("npsn", "name", "jenjang", "status", "kecamatan")


@dataclass
class SchoolImport:
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)


def _rows(path: Path) -> list[list[str]]:
    if path.suffix.lower() == ".csv":
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252")
        dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;")
        return [list(row) for row in csv.reader(io.StringIO(text), dialect)]

    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    return [[_cell_text(v) for v in row] for row in sheet.to_python()]


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def import_schools(path: Path) -> SchoolImport:
    """Create or update schools by NPSN. Nothing is saved if any row is
    wrong, so that a half-read list never replaces a good one."""
    rows = _rows(path)
    result = SchoolImport()
    if not rows:
        result.errors.append(_("Berkas kosong."))
        return result

    header = [h.strip().lower() for h in rows[0]]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        result.errors.append(
            _("Kolom tidak ditemukan: %(columns)s") % {"columns": ", ".join(missing)}
        )
        return result

    kecamatan = {k.name.lower(): k for k in Kecamatan.objects.all()}
    kecamatan.update({k.code: k for k in kecamatan.values()})
    jenjang = {j.value.lower(): j.value for j in Jenjang}
    status = {s.value: s.value for s in School.Status}
    index = {name: header.index(name) for name in COLUMNS}
    parsed = []

    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        value = {
            name: row[i].strip() if i < len(row) else "" for name, i in index.items()
        }
        problems = []
        if not (value["npsn"].isdigit() and len(value["npsn"]) == 8):
            problems.append(_("NPSN harus 8 digit"))
        if value["jenjang"].lower() not in jenjang:
            problems.append(_("jenjang tidak dikenal"))
        if value["status"].lower() not in status:
            problems.append(_("status harus negeri atau swasta"))
        if value["kecamatan"].lower() not in kecamatan:
            problems.append(_("kecamatan tidak dikenal"))
        if not value["name"]:
            problems.append(_("nama kosong"))
        if problems:
            result.errors.append(
                _("Baris %(row)s: %(problems)s")
                % {"row": number, "problems": "; ".join(problems)}
            )
            continue
        parsed.append(value)

    if result.errors:
        return result

    with transaction.atomic():
        for value in parsed:
            created = School.objects.update_or_create(
                npsn=value["npsn"],
                defaults={
                    "name": value["name"],
                    "jenjang": jenjang[value["jenjang"].lower()],
                    "status": value["status"].lower(),
                    "kecamatan": kecamatan[value["kecamatan"].lower()],
                },
            )[1]
            if created:
                result.created += 1
            else:
                result.updated += 1
    logger.info("schools imported: %s new, %s updated", result.created, result.updated)
    return result
