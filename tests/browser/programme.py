"""The programme year the browser journey runs through, made before its
first step with the project's own services: the demo's period, schools and
one account per role, a Dapodik export of one school with two faulty rows,
and a DTKS register that holds most of that school's pupils.

What the register says about each pupil is chosen here, so that the
journey meets every case a person meets: pupils the register confirms, one
KIP recipient among them, one pupil the register lists under a wrong birth
date and without NIK or KK (the matcher asks a verifier), and one pupil
the register does not know at all.
"""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.contrib.auth.models import User
from django.utils import timezone

from balangan_pintar.demo import DEMO_PASSWORD, DEMO_USERS, load_demo
from balangan_pintar.models import Period
from balangan_pintar.roles import Role
from students.dapodik import samples
from students.dapodik.workbook_writer import Cell
from students.dtks.engine import Person as EnginePerson
from students.dtks.reader import CHILD, HEAD, SPOUSE
from students.dtks.services.synthetic_district import import_people
from students.models import School

PASSWORD = DEMO_PASSWORD
# The school of the demo's operator account "operator.sdn1".
NPSN = "30304001"
# The made-up pupils of the export; the seed gives fourteen distinct names.
PUPILS = 14
SEED = 2026_0001
# Rows an operator gets wrong, by index in the export; never stored.
SPOILED = {4: "nik_short", 9: "birth_date_impossible"}
# The pupil the register does not know, the one it lists under another
# birth date and without NIK or KK, and the one who already receives KIP.
UNMATCHED = 2
REVIEW = 6
KIP = 11
# The title rows and the two header rows of a Dapodik export come first.
FIRST_PUPIL_ROW = 9
FILE_NAME = "Daftar Peserta Didik SDN 1 Paringin.xlsx"


@dataclass(frozen=True)
class Pupil:
    """A pupil of the export as the test knows them from the file."""

    index: int
    name: str
    nisn: str
    birth_date: date

    @property
    def excel_row(self) -> int:
        return FIRST_PUPIL_ROW + self.index


@dataclass(frozen=True)
class Year:
    period: Period
    school: School
    workbook: Path
    # The rows that are stored, and the faulty ones that are not.
    pupils: list[Pupil]
    spoiled: list[Pupil]

    def pupil(self, index: int) -> Pupil:
        return next(p for p in self.pupils if p.index == index)

    @property
    def matched(self) -> list[Pupil]:
        """The pupils the register confirms (the KIP recipient among them)."""
        return [p for p in self.pupils if p.index not in (UNMATCHED, REVIEW)]


def username(role: Role) -> str:
    """The demo's account for ``role``; for the operator, that of SDN 1."""
    return next(
        user.username
        for user in DEMO_USERS
        if user.role == role and user.npsn in (None, NPSN)
    )


def prepare_year(directory: Path) -> Year:
    """Everything the journey needs before its first step; the export is
    written into ``directory``."""
    load_demo()
    period = Period.objects.get(year=2026)
    school = School.objects.get(npsn=NPSN)
    today = timezone.localdate()
    rows = samples.make_students(PUPILS, seed=SEED, jenjang="SD", reference=today)
    names = [str(row["nama"]) for row in rows]
    assert len(set(names)) == len(names), "the seed must give distinct names"
    for index, row in enumerate(rows):
        _set_kip(row, index == KIP)

    admin = User.objects.get(username=username(Role.DINAS_ADMIN))
    people = [
        person
        for index, row in enumerate(rows)
        if index != UNMATCHED
        for person in _family(index, row)
    ]
    import_people(people, user=admin, label="DTKS Januari 2026")

    pupils = [
        Pupil(index, str(row["nama"]), str(row["nisn"]), _born(row))
        for index, row in enumerate(rows)
    ]
    for index, fault in SPOILED.items():
        samples.spoil(rows, index, fault)
    workbook = directory / FILE_NAME
    samples.make_dapodik_workbook(
        rows,
        workbook,
        school=samples.School(
            name=school.name.upper(),
            kecamatan=school.kecamatan.name,
            jenjang=str(school.jenjang),
            downloaded_at=timezone.localtime().strftime("%Y-%m-%d %H:%M:%S"),
        ),
    )
    return Year(
        period=period,
        school=school,
        workbook=workbook,
        pupils=[p for p in pupils if p.index not in SPOILED],
        spoiled=[p for p in pupils if p.index in SPOILED],
    )


def _born(row: dict[str, Cell]) -> date:
    born = row["tanggal_lahir"]
    assert isinstance(born, date)
    return born


def _set_kip(row: dict[str, Cell], receives: bool) -> None:
    row["penerima_kip"] = "Ya" if receives else "Tidak"
    row["nomor_kip"] = f"K{int(str(row['nisn'])[-5:]):05d}" if receives else ""
    row["nama_di_kip"] = row["nama"] if receives else ""
    row["layak_pip"] = "Ya" if receives else "Tidak"
    row["alasan_layak_pip"] = "Keluarga miskin/rentan miskin" if receives else ""


def _family(index: int, row: dict[str, Cell]) -> list[EnginePerson]:
    """The pupil's family in the register: father, mother and the pupil.

    The pupil to be reviewed is listed a year and some months off, and
    without NIK and KK, as happens when a family registered a child from
    memory: the matcher finds them by name, mother and kecamatan only, and
    asks a verifier."""
    review = index == REVIEW
    born = _born(row)
    if review:
        born = born.replace(year=born.year - 1, month=(born.month % 12) + 1)
    no_kk = None if review else str(row["no_kk"])
    kecamatan = str(row["kecamatan"]).upper().removeprefix("KEC. ")
    desil = 1 + index % 4
    family = [
        (HEAD, row["ayah_nama"], row["ayah_nik"], "L", None, ""),
        (SPOUSE, row["ibu_nama"], row["ibu_nik"], "P", None, ""),
        (CHILD, row["nama"], None if review else row["nik"], row["jk"], born, ""),
    ]
    people = []
    for member, (relationship, name, nik, gender, birth, mother) in enumerate(family):
        key = (index + 1) * 10 + member
        people.append(
            EnginePerson(
                key=key,
                dtks_id=f"DTKS{key:09d}",
                nik=str(nik) if nik else None,
                no_kk=no_kk,
                name=str(name).upper(),
                gender=str(gender),
                birth_date=birth,
                birth_place=str(row["tempat_lahir"]).upper() if birth else "",
                relationship=relationship,
                mother_name=str(row["ibu_nama"]).upper()
                if relationship == CHILD
                else mother,
                desa=str(row["kelurahan"]).upper(),
                kecamatan=kecamatan,
                desil=desil,
            )
        )
    return people
