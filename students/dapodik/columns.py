"""The columns of Dapodik's "Daftar Peserta Didik" and how headers map to them.

Every column has a key. Headers are matched after normalisation (case,
spacing and punctuation ignored) against the key's aliases, so that a
reordered, trimmed or extended export, the school template and a file typed
by hand all read the same way. The three parent groups ("Data Ayah",
"Data Ibu", "Data Wali") spread over six sub-columns each; their keys are
the group's prefix and the sub-column's key, as in ``ibu_nik``.
"""

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    aliases: tuple[str, ...] = ()


def compact(text: object) -> str:
    """A header reduced to lower-case letters and digits, for matching."""
    if text is None:
        return ""
    folded = unicodedata.normalize("NFKD", str(text)).casefold()
    return re.sub(r"[^0-9a-z]+", "", folded)


# The single columns before the parent groups, in the export's order.
LEADING = (
    Column("no", "No", ("nomor", "nourut", "nourutan")),
    Column("nama", "Nama", ("namalengkap", "namasiswa", "namapesertadidik", "namapd")),
    Column("nipd", "NIPD", ("nis", "nomorindukpesertadidik", "nomorinduk")),
    Column("jk", "JK", ("jeniskelamin", "lp", "kelamin", "gender", "sex")),
    Column("nisn", "NISN", ("nomorindukswanasional", "nomorinduksiswanasional")),
    Column("tempat_lahir", "Tempat Lahir", ("tmplahir", "tempatlhr")),
    Column("tanggal_lahir", "Tanggal Lahir", ("tgllahir", "tgllhr", "tanggallhr")),
    Column("nik", "NIK", ("niksiswa", "nikpesertadidik", "nomorindukkependudukan")),
    Column("agama", "Agama"),
    Column("alamat", "Alamat", ("alamatjalan", "jalan")),
    Column("rt", "RT"),
    Column("rw", "RW"),
    Column("dusun", "Dusun", ("namadusun",)),
    Column("kelurahan", "Kelurahan", ("desa", "desakelurahan", "kelurahandesa")),
    Column("kecamatan", "Kecamatan", ("kec",)),
    Column("kode_pos", "Kode Pos", ("kodepos",)),
    Column("jenis_tinggal", "Jenis Tinggal", ("tempattinggal",)),
    Column("alat_transportasi", "Alat Transportasi", ("transportasi",)),
    Column("telepon", "Telepon", ("telp", "nomortelepon")),
    Column("hp", "HP", ("nohp", "nomorhp", "handphone")),
    Column("email", "E-Mail", ("surel",)),
    Column("skhun", "SKHUN"),
    Column("penerima_kps", "Penerima KPS"),
    Column("no_kps", "No. KPS", ("nomorkps",)),
)

PARENT_GROUPS = (
    ("ayah", "Data Ayah"),
    ("ibu", "Data Ibu"),
    ("wali", "Data Wali"),
)

PARENT_FIELDS = (
    Column("nama", "Nama"),
    Column("tahun_lahir", "Tahun Lahir"),
    Column("jenjang_pendidikan", "Jenjang Pendidikan", ("pendidikan",)),
    Column("pekerjaan", "Pekerjaan"),
    Column("penghasilan", "Penghasilan"),
    Column("nik", "NIK"),
)

# The single columns after the parent groups, in the export's order.
TRAILING = (
    Column("rombel", "Rombel Saat Ini", ("rombel", "kelas", "rombonganbelajar")),
    Column("no_peserta_un", "No Peserta Ujian Nasional", ("nopesertaun",)),
    Column("no_seri_ijazah", "No Seri Ijazah"),
    Column("penerima_kip", "Penerima KIP"),
    Column("nomor_kip", "Nomor KIP", ("nokip",)),
    Column("nama_di_kip", "Nama di KIP"),
    Column("nomor_kks", "Nomor KKS", ("nokks",)),
    Column("no_akta_lahir", "No Registrasi Akta Lahir", ("noaktalahir",)),
    Column("bank", "Bank"),
    Column("nomor_rekening", "Nomor Rekening Bank", ("norekening",)),
    Column("rekening_atas_nama", "Rekening Atas Nama"),
    Column(
        "layak_pip",
        "Layak PIP (usulan dari sekolah)",
        ("layakpip", "layakpipusulandarisekolah"),
    ),
    Column("alasan_layak_pip", "Alasan Layak PIP"),
    Column("kebutuhan_khusus", "Kebutuhan Khusus"),
    Column("sekolah_asal", "Sekolah Asal"),
    Column("anak_ke", "Anak ke-berapa", ("anakke",)),
    Column("lintang", "Lintang"),
    Column("bujur", "Bujur"),
    Column("no_kk", "No KK", ("nokk", "nomorkk", "nomorkartukeluarga")),
    Column("berat_badan", "Berat Badan"),
    Column("tinggi_badan", "Tinggi Badan"),
    Column("lingkar_kepala", "Lingkar Kepala"),
    Column("jml_saudara", "Jml. Saudara Kandung", ("jumlahsaudarakandung",)),
    Column(
        "jarak_rumah",
        "Jarak Rumah ke Sekolah (KM)",
        ("jarakrumahkesekolah", "jarakrumahkesekolahkm"),
    ),
)


def parent_columns() -> list[Column]:
    """The 18 parent sub-columns as flat columns with prefixed keys.

    Besides the group's own sub-headers, single headers such as "Nama Ibu",
    "NIK Ibu" or "Nama Ibu Kandung" map to the same keys, as files typed by
    hand and the school template use them.
    """
    columns = []
    for prefix, group_header in PARENT_GROUPS:
        word = group_header.split()[-1]
        for field in PARENT_FIELDS:
            aliases = {
                compact(f"{field.header} {word}"),
                compact(f"{word} {field.header}"),
                compact(f"{group_header} {field.header}"),
            }
            if prefix == "ibu" and field.key == "nama":
                aliases.add("namaibukandung")
            columns.append(
                Column(
                    f"{prefix}_{field.key}",
                    f"{field.header} {word}",
                    tuple(sorted(aliases)),
                )
            )
    return columns


ALL_COLUMNS: tuple[Column, ...] = (*LEADING, *parent_columns(), *TRAILING)
COLUMNS_BY_KEY = {column.key: column for column in ALL_COLUMNS}

# Without these a row cannot become a student.
REQUIRED_KEYS = ("nama", "nisn", "jk", "tanggal_lahir")

# Read into the student record; a missing one is reported as a warning.
USED_KEYS = (
    "nama",
    "nisn",
    "jk",
    "tanggal_lahir",
    "nik",
    "no_kk",
    "tempat_lahir",
    "agama",
    "alamat",
    "rt",
    "rw",
    "dusun",
    "kelurahan",
    "kecamatan",
    "kode_pos",
    "ibu_nama",
    "ibu_nik",
    "ayah_nama",
    "ayah_nik",
    "wali_nama",
    "rombel",
    "penerima_kip",
    "nomor_kip",
    "nomor_kks",
    "layak_pip",
)

GROUP_PREFIXES = {compact(header): prefix for prefix, header in PARENT_GROUPS}
GROUP_FIELDS = {compact(field.header): field.key for field in PARENT_FIELDS} | {
    alias: field.key for field in PARENT_FIELDS for alias in field.aliases
}


def _alias_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for column in ALL_COLUMNS:
        for name in (column.key, column.header, *column.aliases):
            table.setdefault(compact(name), column.key)
    return table


ALIASES = _alias_table()


def key_for_header(header: object) -> str | None:
    """The column key of a single header, or ``None`` for an unknown one."""
    return ALIASES.get(compact(header))


def dapodik_headers() -> list[tuple[str, str, str]]:
    """The export's 66 columns as (key, top header, sub-header) in order.

    Single columns have an empty sub-header; a group's first sub-column
    carries the group's header on top and the others an empty one, as the
    merged cells read back.
    """
    headers = [(column.key, column.header, "") for column in LEADING]
    for prefix, group_header in PARENT_GROUPS:
        for index, field in enumerate(PARENT_FIELDS):
            top = group_header if index == 0 else ""
            headers.append((f"{prefix}_{field.key}", top, field.header))
    headers.extend((column.key, column.header, "") for column in TRAILING)
    return headers
