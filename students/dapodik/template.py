"""The plain pupil-list template, for madrasahs (EMIS) and any other school.

The template has the columns the programme needs under headers the reader
knows, identifier columns formatted as text so that Excel keeps leading
zeros and all 16 digits of a NIK, and a "Petunjuk" sheet explaining how to
fill it in. The same reader reads it back.
"""

from typing import BinaryIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from students.dapodik.reader import SHEET_NAME

# (header, width, number format); the headers are data, read back by the
# reader's aliases, and so are not translated.
TEMPLATE_COLUMNS = (
    ("No", 5, "General"),
    ("Nama", 32, "@"),
    ("NISN", 13, "@"),
    ("NIK", 19, "@"),
    ("No KK", 19, "@"),
    ("JK", 5, "@"),
    ("Tempat Lahir", 16, "@"),
    ("Tanggal Lahir", 14, "DD/MM/YYYY"),
    ("Agama", 10, "@"),
    ("Alamat", 30, "@"),
    ("RT", 5, "@"),
    ("RW", 5, "@"),
    ("Dusun", 14, "@"),
    ("Kelurahan", 18, "@"),
    ("Kecamatan", 18, "@"),
    ("Kode Pos", 9, "@"),
    ("Nama Ibu", 28, "@"),
    ("NIK Ibu", 19, "@"),
    ("Nama Ayah", 28, "@"),
    ("NIK Ayah", 19, "@"),
    ("Nama Wali", 28, "@"),
    ("Rombel Saat Ini", 14, "@"),
    ("Penerima KIP", 12, "@"),
    ("Nomor KIP", 12, "@"),
    ("Nomor KKS", 12, "@"),
    ("Layak PIP (usulan dari sekolah)", 16, "@"),
)
TITLE_ROWS = 4
PREPARED_ROWS = 500
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def write_template(out: BinaryIO) -> None:
    """Write the empty pupil-list template (.xlsx) to ``out``."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_NAME

    sheet["A1"] = _("Daftar Peserta Didik")
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = _("Nama Sekolah:")
    sheet["A3"] = "NPSN:"
    for cell in ("C2", "C3"):
        sheet[cell].number_format = "@"
        sheet[cell].fill = PatternFill("solid", fgColor="FFF2CC")

    header_row = TITLE_ROWS + 1
    for index, (header, width, number_format) in enumerate(TEMPLATE_COLUMNS, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=header_row, column=index, value=header)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[letter].width = width
        # The column's own format applies to the cells typed in later; the
        # prepared rows get it as well, for programs that ignore it.
        sheet.column_dimensions[letter].number_format = number_format
        for row in range(header_row + 1, header_row + 1 + PREPARED_ROWS):
            sheet.cell(row=row, column=index).number_format = number_format
    sheet.freeze_panes = f"C{header_row + 1}"

    _add_choices(sheet, "JK", '"L,P"', header_row)
    _add_choices(sheet, "Penerima KIP", '"Ya,Tidak"', header_row)
    _add_choices(sheet, "Layak PIP (usulan dari sekolah)", '"Ya,Tidak"', header_row)

    instructions = workbook.create_sheet(_("Petunjuk"))
    instructions.column_dimensions["A"].width = 110
    for number, line in enumerate(_instructions(), start=1):
        cell = instructions.cell(row=number, column=1, value=line)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if number == 1:
            cell.font = Font(bold=True, size=13)

    workbook.save(out)


def _add_choices(sheet: object, header: str, choices: str, header_row: int) -> None:
    index = [name for name, _width, _format in TEMPLATE_COLUMNS].index(header) + 1
    letter = get_column_letter(index)
    validation = DataValidation(type="list", formula1=choices, allow_blank=True)
    validation.add(f"{letter}{header_row + 1}:{letter}{header_row + PREPARED_ROWS}")
    sheet.add_data_validation(validation)  # type: ignore[attr-defined]


def _instructions() -> list[str]:
    return [
        _("Petunjuk pengisian Daftar Peserta Didik"),
        _(
            "Templat ini untuk madrasah (data dari EMIS) atau sekolah yang tidak "
            "dapat mengunggah hasil unduhan Dapodik. Sekolah yang memakai Dapodik "
            "sebaiknya langsung mengunggah berkas Daftar Peserta Didik dari "
            "Dapodik tanpa diubah."
        ),
        _(
            "1. Isi nama sekolah dan NPSN di bagian atas lembar Daftar Peserta "
            "Didik. Jangan mengubah, menghapus, atau menggeser baris judul kolom."
        ),
        _("2. Isi satu baris untuk setiap siswa, mulai tepat di bawah judul kolom."),
        _(
            "3. Kolom wajib: Nama, NISN, JK, dan Tanggal Lahir. Baris tanpa salah "
            "satunya tidak dapat disimpan."
        ),
        _(
            "4. NISN 10 digit dan NIK 16 digit, termasuk angka 0 di depan. Kolom "
            "NISN, NIK, dan No KK sudah berformat Teks; jangan ubah menjadi "
            "Angka, karena Excel akan membuang angka 0 di depan dan mengganti "
            "digit ke-16 NIK dengan 0."
        ),
        _(
            "5. Bila menyalin data dari aplikasi lain, gunakan Tempel Khusus > "
            "Nilai (Paste Special > Values) agar format Teks tidak hilang."
        ),
        _("6. JK diisi L (laki-laki) atau P (perempuan)."),
        _(
            "7. Tanggal Lahir diisi seperti 17/05/2012 (tanggal/bulan/tahun) atau "
            "17 Mei 2012."
        ),
        _(
            "8. NIK siswa diperlukan untuk pencocokan dengan DTKS. Bila belum ada, "
            "kosongkan; jangan diisi tanda strip atau angka 0."
        ),
        _("9. Penerima KIP dan Layak PIP diisi Ya atau Tidak."),
        _(
            "10. Simpan sebagai Excel Workbook (.xlsx), bukan .xlsm, dan tanpa "
            "kata sandi, lalu unggah di halaman Unggah Data Siswa."
        ),
        _(
            "Contoh baris: 1 | SITI AMINAH | 0123456789 | 6311064705120001 | "
            "6311060101150003 | P | Paringin | 07/05/2012 | Islam | Jl. Lasung "
            "Batu | 1 | 2 | Dusun I | Lasung Batu | Paringin | 71662 | RAHMAH | "
            "..."
        ),
    ]
