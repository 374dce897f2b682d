"""Realistic, made-up Dapodik exports for tests, demo data and benchmarks.

The files follow the layout of "Daftar Peserta Didik": title rows with the
school and the download, a two-row header with the parent groups merged over
their six sub-columns, and one row per pupil in the 66 columns of the export.
Pupils get Banjar and Indonesian names, villages of Kabupaten Balangan, and
NIKs starting 6311 that agree with their birth date and gender. Everything is
drawn from a seeded random generator, so a given seed always gives the same
file.

Options simulate what happens to a file on an operator's computer: a re-save
in Excel (dates as date cells or text such as "17 Mei 2012", NISN as a
number without its leading zero, NIK as a number cut to 15 significant
digits), reordered, dropped or added columns, and rows with faults.
"""

import random
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from students.dapodik.columns import LEADING, PARENT_FIELDS, PARENT_GROUPS, TRAILING
from students.dapodik.workbook_writer import (
    Cell,
    Merge,
    Sheet,
    write_csv,
    write_workbook,
)
from students.identifiers import today

SHEET_NAME = "Daftar Peserta Didik"

BOYS_FIRST = (
    "Muhammad", "Ahmad", "Akhmad", "Rizky", "Ilham", "Fajar", "Rahmat", "Hendra",
    "Fauzan", "Noor", "Abdul", "Ali", "Arif", "Bayu", "Dimas", "Farhan", "Hafiz",
    "Irfan", "Khairil", "Lutfi", "Raihan", "Syahrul", "Wahyu", "Yusuf", "Zainal",
    "Haris", "Aldi", "Gusti", "Andi", "Rafi",
)  # fmt: skip
BOYS_SECOND = (
    "Rahman", "Hidayat", "Ramadhan", "Saputra", "Fadillah", "Akbar", "Maulana",
    "Ansyari", "Rizki", "Hakim", "Syafii", "Firdaus", "Arsyad", "Mahfuz", "Ridho",
    "Pratama", "Aditya", "Kurniawan", "Setiawan", "Hamdani", "Anshari", "Noor",
)  # fmt: skip
GIRLS_FIRST = (
    "Siti", "Nur", "Aulia", "Fitri", "Dewi", "Rahmah", "Nadia", "Putri",
    "Salsabila", "Zahra", "Aisyah", "Annisa", "Rina", "Nurul", "Hafizah",
    "Mardiana", "Rabiatul", "Maulida", "Halimah", "Fatimah", "Norma", "Wulan",
    "Intan", "Syifa", "Khadijah", "Nor",
)  # fmt: skip
GIRLS_SECOND = (
    "Aminah", "Rahmawati", "Hidayah", "Fitriani", "Maulida", "Khairunnisa",
    "Azzahra", "Ramadhani", "Safitri", "Rahayu", "Lestari", "Hasanah", "Jannah",
    "Aulia", "Handayani", "Adawiyah", "Mahmudah", "Rusmini",
)  # fmt: skip

# Kecamatan of Kabupaten Balangan: Kemendagri code, name, postal code and
# some of their villages.
KECAMATAN = (
    ("01", "Juai", "71665", ("Juai", "Bata", "Buntu Pilanduk", "Lalayau", "Sirap")),
    ("02", "Halong", "71666", ("Halong", "Binjai Punggal", "Mauya", "Uren", "Kapul")),
    ("03", "Awayan", "71664", ("Awayan", "Badalungga", "Piyait", "Tundi", "Pulantan")),
    ("04", "Batu Mandi", "71663", ("Batu Mandi", "Mampari", "Pamurus", "Bakung")),
    ("05", "Lampihong", "71661", ("Lampihong Kiri", "Lampihong Kanan", "Panaitan")),
    ("06", "Paringin", "71662", ("Paringin Kota", "Paringin Timur", "Lasung Batu")),
    ("07", "Paringin Selatan", "71662", ("Batu Piring", "Lok Batu", "Hujan Mas")),
    ("08", "Tebing Tinggi", "71664", ("Tebing Tinggi", "Auh", "Dayak Pitap", "Ajung")),
)
BIRTH_PLACES = ("Paringin", "Balangan", "Barabai", "Amuntai", "Tanjung", "Banjarmasin")
JOBS = (
    "Petani", "Pekebun", "Buruh", "Wiraswasta", "Pedagang Kecil", "Karyawan Swasta",
    "Tidak bekerja", "Nelayan", "Sopir",
)  # fmt: skip
MOTHER_JOBS = ("Mengurus Rumah Tangga", "Petani", "Pedagang Kecil", "Buruh")
EDUCATION = ("SD / sederajat", "SMP / sederajat", "SMA / sederajat", "Tidak sekolah")
INCOMES = (
    "Kurang dari Rp. 500,000",
    "Rp. 500,000 - Rp. 999,999",
    "Rp. 1,000,000 - Rp. 1,999,999",
    "Rp. 2,000,000 - Rp. 4,999,999",
    "Tidak Berpenghasilan",
)

# Faults that bad_rows cycles through, each a realistic operator mistake.
FAULTS = (
    "nik_short",
    "birth_date_impossible",
    "jk_missing",
    "nisn_duplicate",
    "nik_outside_kalsel",
    "nisn_letters",
)


@dataclass(frozen=True)
class School:
    name: str = "SD NEGERI 1 PARINGIN"
    kecamatan: str = "Paringin"
    jenjang: str = "SD"
    downloaded_at: str = "2025-07-14 09:12:33"
    downloaded_by: str = "operator.sdn1paringin@example.sch.id"


class _Registry:
    """Hands out unique NIKs and NISNs within one generated file."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.serials: dict[str, int] = {}
        self.nisns: set[str] = set()

    def nik(self, region: str, born: date, gender: str) -> str:
        day = born.day + 40 if gender == "P" else born.day
        stem = f"{region}{day:02d}{born.month:02d}{born.year % 100:02d}"
        serial = self.serials.get(stem, self.rng.randint(0, 40)) + 1
        self.serials[stem] = serial
        return f"{stem}{serial:04d}"

    def nisn(self, born: date) -> str:
        while True:
            value = f"{born.year % 1000:03d}{self.rng.randint(0, 9_999_999):07d}"
            if value not in self.nisns:
                self.nisns.add(value)
                return value


def make_students(
    count: int, *, seed: int = 0, jenjang: str = "SD", reference: date | None = None
) -> list[dict[str, Cell]]:
    """``count`` made-up pupils as dictionaries keyed by column key.

    Values are as the Dapodik application writes them: identifiers as text,
    the birth date as a ``date`` (written out according to the file's
    options). ``reference`` is the day the ages count from, today by default.
    """
    rng = random.Random(seed)  # noqa: S311 - reproducible made-up data
    registry = _Registry(rng)
    reference = reference or today()
    youngest, oldest = (6, 12) if jenjang == "SD" else (12, 15)
    return [
        _make_student(rng, registry, number, reference, youngest, oldest, jenjang)
        for number in range(1, count + 1)
    ]


def _make_student(
    rng: random.Random,
    registry: _Registry,
    number: int,
    reference: date,
    youngest: int,
    oldest: int,
    jenjang: str,
) -> dict[str, Cell]:
    gender = rng.choice("LP")
    first, second = (
        (BOYS_FIRST, BOYS_SECOND) if gender == "L" else (GIRLS_FIRST, GIRLS_SECOND)
    )
    name = f"{rng.choice(first)} {rng.choice(second)}".upper()
    age = rng.randint(youngest, oldest)
    born = date(reference.year - age, rng.randint(1, 12), rng.randint(1, 28))
    code, kecamatan, postal_code, villages = rng.choice(KECAMATAN)
    region = f"6311{code}"
    father_born = date(
        born.year - rng.randint(24, 45), rng.randint(1, 12), rng.randint(1, 28)
    )
    mother_born = date(
        born.year - rng.randint(20, 40), rng.randint(1, 12), rng.randint(1, 28)
    )
    issued = date(rng.randint(2008, 2024), rng.randint(1, 12), rng.randint(1, 28))
    grade = min(max(age - youngest + 1, 1), 6 if jenjang == "SD" else 3)
    grade_number = grade if jenjang == "SD" else grade + 6
    kip = rng.random() < 0.2
    father = f"{rng.choice(BOYS_FIRST)} {rng.choice(BOYS_SECOND)}".upper()
    mother = f"{rng.choice(GIRLS_FIRST)} {rng.choice(GIRLS_SECOND)}".upper()

    return {
        "no": number,
        "nama": name,
        "nipd": f"{reference.year % 100:02d}{number:05d}",
        "jk": gender,
        "nisn": registry.nisn(born),
        "tempat_lahir": rng.choice(BIRTH_PLACES),
        "tanggal_lahir": born,
        "nik": registry.nik(region, born, gender),
        "agama": "Islam" if rng.random() < 0.97 else "Kristen",
        "alamat": f"Jl. {rng.choice(villages)} RT {rng.randint(1, 12):03d}",
        "rt": f"{rng.randint(1, 12)}",
        "rw": f"{rng.randint(1, 4)}",
        "dusun": f"Dusun {rng.choice(('I', 'II', 'III', 'IV'))}",
        "kelurahan": rng.choice(villages),
        "kecamatan": f"Kec. {kecamatan}",
        "kode_pos": postal_code,
        "jenis_tinggal": "Bersama orang tua",
        "alat_transportasi": rng.choice(("Jalan kaki", "Sepeda motor", "Sepeda")),
        "telepon": "",
        "hp": f"08{rng.randint(1_000_000_000, 9_999_999_999)}"[:12],
        "email": "",
        "skhun": "",
        "penerima_kps": "Tidak",
        "no_kps": "",
        "ayah_nama": father,
        "ayah_tahun_lahir": str(father_born.year),
        "ayah_jenjang_pendidikan": rng.choice(EDUCATION),
        "ayah_pekerjaan": rng.choice(JOBS),
        "ayah_penghasilan": rng.choice(INCOMES),
        "ayah_nik": registry.nik(region, father_born, "L"),
        "ibu_nama": mother,
        "ibu_tahun_lahir": str(mother_born.year),
        "ibu_jenjang_pendidikan": rng.choice(EDUCATION),
        "ibu_pekerjaan": rng.choice(MOTHER_JOBS),
        "ibu_penghasilan": rng.choice(INCOMES),
        "ibu_nik": registry.nik(region, mother_born, "P"),
        "wali_nama": "",
        "wali_tahun_lahir": "",
        "wali_jenjang_pendidikan": "",
        "wali_pekerjaan": "",
        "wali_penghasilan": "",
        "wali_nik": "",
        "rombel": f"Kelas {grade_number}{rng.choice('AB')}",
        "no_peserta_un": "",
        "no_seri_ijazah": "",
        "penerima_kip": "Ya" if kip else "Tidak",
        "nomor_kip": f"{rng.choice('ABCDEFGHJK')}{rng.randint(0, 99999):05d}"
        if kip
        else "",
        "nama_di_kip": name if kip else "",
        "nomor_kks": f"{rng.randint(0, 999_999):06d}" if rng.random() < 0.15 else "",
        "no_akta_lahir": f"6311-LT-{born:%d%m%Y}-{rng.randint(1, 9999):04d}",
        "bank": "",
        "nomor_rekening": "",
        "rekening_atas_nama": "",
        "layak_pip": "Ya" if kip or rng.random() < 0.1 else "Tidak",
        "alasan_layak_pip": "Keluarga miskin/rentan miskin" if kip else "",
        "kebutuhan_khusus": "Tidak ada",
        "sekolah_asal": "",
        "anak_ke": str(rng.randint(1, 5)),
        "lintang": f"-2.{rng.randint(300000, 399999)}",
        "bujur": f"115.{rng.randint(400000, 599999)}",
        "no_kk": registry.nik(region, issued, "L"),
        "berat_badan": str(rng.randint(18, 45)),
        "tinggi_badan": str(rng.randint(110, 160)),
        "lingkar_kepala": str(rng.randint(48, 56)),
        "jml_saudara": str(rng.randint(0, 5)),
        "jarak_rumah": str(rng.randint(1, 5)),
    }


def spoil(students: list[dict[str, Cell]], index: int, fault: str) -> None:
    """Put one of the ``FAULTS`` into the pupil at ``index``."""
    student = students[index]
    if fault == "nik_short":
        student["nik"] = str(student["nik"])[:-1]
    elif fault == "birth_date_impossible":
        student["tanggal_lahir"] = "31/02/2013"
    elif fault == "jk_missing":
        student["jk"] = ""
    elif fault == "nisn_duplicate":
        student["nisn"] = students[index - 1]["nisn"] if index else student["nisn"]
    elif fault == "nik_outside_kalsel":
        student["nik"] = "64" + str(student["nik"])[2:]
    elif fault == "nisn_letters":
        student["nisn"] = "00A" + str(student["nisn"])[3:]
    else:
        raise ValueError(fault)


def excel_number(identifier: str) -> float:
    """An identifier as Excel keeps it once typed as a number.

    Excel holds 15 significant digits; a 16-digit NIK keeps its first 15
    and gets a 0 in place of the 16th.
    """
    digits = identifier.lstrip("0") or "0"
    if len(digits) > 15:
        digits = digits[:15] + "0" * (len(digits) - 15)
    return float(int(digits))


MONTH_NAMES = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
    "September", "Oktober", "November", "Desember",
)  # fmt: skip


def format_date(value: date, form: str) -> Cell:
    """A birth date in one of the forms files carry it in.

    ``iso`` is the Dapodik application's own (2012-05-17); ``cell`` a date
    cell; ``slash``, ``dash`` and ``month_name`` the text that a re-save in
    an Indonesian Excel leaves (17/05/2012, 17-05-2012, 17 Mei 2012).
    """
    if form == "iso":
        return value.isoformat()
    if form == "cell":
        return value
    if form == "slash":
        return f"{value:%d/%m/%Y}"
    if form == "dash":
        return f"{value:%d-%m-%Y}"
    if form == "month_name":
        return f"{value.day} {MONTH_NAMES[value.month - 1]} {value.year}"
    raise ValueError(form)


@dataclass(frozen=True)
class Layout:
    """Which columns a generated file has, in which order, under which headers.

    Each block is one single column, as (key, header), or one parent group,
    as (group header, [(key, sub-header), ...]).
    """

    blocks: tuple[tuple[str, object], ...]
    flat_header: bool = False

    @property
    def keys(self) -> list[str]:
        keys: list[str] = []
        for first, second in self.blocks:
            if isinstance(second, list):
                keys.extend(key for key, _sub in second)
            else:
                keys.append(first)
        return keys


def dapodik_layout(
    *,
    reorder: bool = False,
    drop: Iterable[str] = (),
    extra: Sequence[str] = (),
    flat_header: bool = False,
    seed: int = 0,
) -> Layout:
    """The export's column layout, optionally reordered, trimmed or extended.

    ``drop`` removes columns by key (a group disappears with its last
    sub-column); ``extra`` appends columns with these headers, which the
    reader does not know.
    """
    dropped = set(drop)
    blocks: list[tuple[str, object]] = [
        (column.key, column.header) for column in LEADING if column.key not in dropped
    ]
    for prefix, group_header in PARENT_GROUPS:
        sub = [
            (f"{prefix}_{field.key}", field.header)
            for field in PARENT_FIELDS
            if f"{prefix}_{field.key}" not in dropped
        ]
        if sub:
            blocks.append((group_header, sub))
    blocks.extend(
        (column.key, column.header) for column in TRAILING if column.key not in dropped
    )
    blocks.extend((f"extra_{index}", header) for index, header in enumerate(extra))
    if reorder:
        random.Random(seed).shuffle(blocks)  # noqa: S311 - reproducible order
    return Layout(tuple(blocks), flat_header)


def dapodik_sheet(
    students: Sequence[dict[str, Cell]],
    *,
    layout: Layout | None = None,
    school: School | None = None,
    resaved_by_excel: bool = False,
    date_form: str | None = None,
    trailing_rows: Sequence[Sequence[Cell]] = (),
) -> Sheet:
    """The "Daftar Peserta Didik" sheet for ``students``, rows made lazily."""
    layout = layout or dapodik_layout()
    school = school or School()
    date_form = date_form or ("cell" if resaved_by_excel else "iso")
    top, sub, merges = _header_rows(layout)
    title_rows: list[list[Cell]] = [
        ["Daftar Peserta Didik"],
        [school.name],
        [f"Kecamatan Kec. {school.kecamatan}, Kabupaten Kab. Balangan, "
         "Provinsi Prov. Kalimantan Selatan"],
        [f"Tanggal Unduh: {school.downloaded_at}"],
        [f"Pengunduh: {school.downloaded_by}"],
        [],
    ]  # fmt: skip
    header_start = len(title_rows) + 1
    merges = [
        (r1 + header_start - 1, c1, r2 + header_start - 1, c2)
        for r1, c1, r2, c2 in merges
    ]
    headers = [top] if layout.flat_header else [top, sub]

    def rows() -> Iterator[Sequence[Cell]]:
        yield from title_rows
        yield from headers
        keys = layout.keys
        for student in students:
            yield [
                _cell(key, student.get(key), resaved_by_excel, date_form)
                for key in keys
            ]
        yield from trailing_rows

    return Sheet(SHEET_NAME, rows(), merges)


def _header_rows(layout: Layout) -> tuple[list[Cell], list[Cell], list[Merge]]:
    top: list[Cell] = []
    sub: list[Cell] = []
    merges: list[Merge] = []
    for first, second in layout.blocks:
        column = len(top) + 1
        if isinstance(second, list):
            if layout.flat_header:
                word = first.split()[-1]
                top.extend(f"{header} {word}" for _key, header in second)
                continue
            top.extend([first] + [None] * (len(second) - 1))
            sub.extend(header for _key, header in second)
            merges.append((1, column, 1, column + len(second) - 1))
        else:
            top.append(str(second))
            sub.append(None)
            if not layout.flat_header:
                merges.append((1, column, 2, column))
    return top, sub, merges


IDENTIFIER_KEYS = frozenset({"nik", "no_kk", "ayah_nik", "ibu_nik", "wali_nik"})


def _cell(key: str, value: Cell, resaved: bool, date_form: str) -> Cell:
    if key == "tanggal_lahir" and isinstance(value, date):
        return format_date(value, date_form)
    if not resaved or not isinstance(value, str) or not value.isdigit():
        return value
    if key in IDENTIFIER_KEYS:
        return excel_number(value)
    if key in ("nisn", "rt", "rw", "kode_pos", "anak_ke", "no"):
        return int(value)
    return value


def make_dapodik_workbook(
    students: list[dict[str, Cell]] | int,
    path: Path,
    *,
    fmt: str = "xlsx",
    resaved_by_excel: bool = False,
    date_form: str | None = None,
    reorder: bool = False,
    drop: Iterable[str] = (),
    extra: Sequence[str] = (),
    flat_header: bool = False,
    bad_rows: int = 0,
    school: School | None = None,
    seed: int = 0,
    csv_delimiter: str = ",",
    csv_encoding: str = "utf-8",
    trailing_rows: Sequence[Sequence[Cell]] = (),
    sheets_before: Sequence[Sheet] = (),
) -> list[dict[str, Cell]]:
    """Write a Dapodik "Daftar Peserta Didik" export to ``path``.

    ``students`` is a list from :func:`make_students` (possibly edited) or a
    number of pupils to make. ``fmt`` is xlsx, ods or csv. ``bad_rows``
    spreads that many faulty rows, cycling through ``FAULTS``, evenly over
    the file. ``sheets_before`` puts other sheets in front of the export.
    Returns the pupils written, after any faults were put in.
    """
    if isinstance(students, int):
        students = make_students(students, seed=seed)
    if bad_rows:
        step = max(len(students) // bad_rows, 1)
        for number, index in enumerate(range(1, len(students), step)[:bad_rows]):
            spoil(students, index, FAULTS[number % len(FAULTS)])

    layout = dapodik_layout(
        reorder=reorder, drop=drop, extra=extra, flat_header=flat_header, seed=seed
    )
    sheet = dapodik_sheet(
        students,
        layout=layout,
        school=school,
        resaved_by_excel=resaved_by_excel,
        date_form=date_form,
        trailing_rows=trailing_rows,
    )
    if fmt == "csv":
        write_csv(path, sheet.rows, delimiter=csv_delimiter, encoding=csv_encoding)
    else:
        write_workbook(path, [*sheets_before, sheet], fmt)
    return students
