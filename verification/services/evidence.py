"""The school's data beside the register's, field by field, with the
matcher's word on each field, ready for a template."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from students.dtks.engine import Method
from students.dtks.models import Person
from students.models import Gender, Student

# The fields the matcher compares (students.dtks.scoring.FIELDS), in the
# order a person reads an identity.
FIELDS: list[tuple[str, Any]] = [
    ("name", _("Nama")),
    ("nik", _("NIK")),
    ("no_kk", _("No KK")),
    ("birth_date", _("Tanggal lahir")),
    ("gender", _("Jenis kelamin")),
    ("birth_place", _("Tempat lahir")),
    ("mother_name", _("Nama ibu kandung")),
    ("desa", _("Desa/kelurahan")),
    ("kecamatan", _("Kecamatan")),
]

LEVELS: dict[str, Any] = {
    "agree": _("sama"),
    "close": _("mirip"),
    "disagree": _("beda"),
    "missing": _("kosong"),
}

DETAILS: dict[str, Any] = {
    "typo": _("beda satu-dua digit"),
    "day_month_swapped": _("hari dan bulan tertukar"),
    "one_day": _("selisih satu hari"),
    "one_year": _("selisih satu tahun"),
    "few_days": _("selisih beberapa hari"),
}


@dataclass(frozen=True)
class Cell:
    value: str
    level: str = ""
    note: str = ""

    @property
    def level_label(self) -> str:
        return str(LEVELS.get(self.level, ""))

    @property
    def differs(self) -> bool:
        return self.level in {"close", "disagree"}


@dataclass(frozen=True)
class FieldRow:
    """One field: the school's value and one register value per person."""

    key: str
    label: str
    school: str
    people: tuple[Cell, ...]

    @property
    def differs(self) -> bool:
        return any(cell.differs for cell in self.people)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return date_format(value, "d-m-Y")
    return str(value)


def _gender(value: str) -> str:
    return str(Gender(value).label) if value in Gender.values else value


def _values(record: Student | Person) -> dict[str, str]:
    values = {key: _text(getattr(record, key, "")) for key, _label in FIELDS}
    values["gender"] = _gender(values["gender"])
    return values


def _note(entry: dict[str, Any]) -> str:
    if "similarity" in entry:
        return f"{entry['similarity']}%"
    return str(DETAILS.get(entry.get("detail", ""), ""))


def compare(
    student: Student,
    people: list[tuple[Person | None, dict[str, Any]]],
) -> list[FieldRow]:
    """The student's fields beside each (person, evidence) pair. Evidence is
    the matcher's JSON: ``{field: {"level": "agree", ...}}``; an entry with
    ``"agreement"`` instead of ``"level"`` is read the same way."""
    school = _values(student)
    sides = [
        (_values(person) if person else {}, evidence) for person, evidence in people
    ]
    rows = []
    for key, label in FIELDS:
        cells = []
        for values, evidence in sides:
            entry = evidence.get(key) or {}
            level = entry.get("level") or entry.get("agreement") or ""
            cells.append(Cell(values.get(key, ""), level, _note(entry)))
        rows.append(FieldRow(key, str(label), school[key], tuple(cells)))
    return rows


def method_label(method: str) -> str:
    return str(Method(method).label) if method in Method.values else method
