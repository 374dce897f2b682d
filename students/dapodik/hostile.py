"""Broken and hostile files, made on demand for the tests of the upload.

Each maker writes one kind of file that the upload must refuse quickly and
with a clear message: bombs, disguises, locked and macro-enabled workbooks,
text in the wrong encoding, missing and doubled columns, values that would
run as formulas or scripts. They are built from scratch with the standard
library, small and fast, so no hand-edited binary is ever kept in the
repository. :data:`CORPUS` names them all with what the upload answers;
tests/security/ runs them through every import that takes a file.
"""

import csv
import io
import struct
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from students.dapodik.safety import XLSB_MAIN, XLSM_MAIN, RefusalCode
from students.dapodik.workbook_writer import Sheet, write_ods, write_xlsx

HEADER: list[object] = ["No", "Nama", "NISN", "JK", "Tanggal Lahir", "NIK"]
ROW: list[object] = [
    1,
    "SITI AMINAH",
    "0123456789",
    "P",
    "2012-05-07",
    "6311064705120001",
]

FREE_SECTOR = 0xFFFFFFFF
END_OF_CHAIN = 0xFFFFFFFE
FAT_SECTOR = 0xFFFFFFFD
NO_STREAM = 0xFFFFFFFF


def make_zip_bomb(path: Path, *, zeros: int = 64 * 1024 * 1024) -> None:
    """An .xlsx-looking zip whose worksheet is a run of ``zeros`` zero bytes.

    Its directory tells the truth, so the ratio check catches it.
    """
    write_xlsx(path, [Sheet("S", [HEADER, ROW])])
    _replace_sheet_with_zeros(path, zeros)


def make_lying_zip_bomb(path: Path, *, zeros: int = 64 * 1024 * 1024) -> None:
    """A zip bomb whose directory declares a worksheet of 1,000 bytes."""
    make_zip_bomb(path, zeros=zeros)
    data = bytearray(path.read_bytes())
    name = b"xl/worksheets/sheet1.xml"

    # The uncompressed size sits at offset 22 of the local header and at
    # offset 24 of the central directory entry.
    local = data.find(b"PK\x03\x04")
    while local != -1:
        if data[local + 30 : local + 30 + len(name)] == name:
            struct.pack_into("<I", data, local + 22, 1000)
        local = data.find(b"PK\x03\x04", local + 4)
    central = data.find(b"PK\x01\x02")
    while central != -1:
        if data[central + 46 : central + 46 + len(name)] == name:
            struct.pack_into("<I", data, central + 24, 1000)
        central = data.find(b"PK\x01\x02", central + 4)
    path.write_bytes(bytes(data))


def _replace_sheet_with_zeros(path: Path, zeros: int) -> None:
    source = zipfile.ZipFile(path)
    parts = {info.filename: source.read(info) for info in source.infolist()}
    source.close()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            if name != "xl/worksheets/sheet1.xml":
                archive.writestr(name, data)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            block = bytes(1024 * 1024)
            for _ in range(zeros // len(block)):
                part.write(block)


def make_many_entries_zip(path: Path, *, entries: int = 5000) -> None:
    """An .xlsx-looking zip with thousands of tiny entries."""
    write_xlsx(path, [Sheet("S", [HEADER, ROW])])
    with zipfile.ZipFile(path, "a") as archive:
        for number in range(entries):
            archive.writestr(f"xl/media/x{number}.xml", b"<x/>")


def make_entity_bomb(path: Path) -> None:
    """An .xlsx whose worksheet declares nested entities (billion laughs)."""
    entities = '<!ENTITY a0 "ha">' + "".join(
        f'<!ENTITY a{n} "{f"&a{n - 1};" * 10}">' for n in range(1, 10)
    )
    sheet = (
        f'<?xml version="1.0"?><!DOCTYPE worksheet [{entities}]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&a9;</t></is></c>'
        "</row></sheetData></worksheet>"
    )
    write_xlsx(path, [Sheet("S", [HEADER, ROW])])
    _replace_part(path, "xl/worksheets/sheet1.xml", sheet.encode())


def make_content_types_entity_bomb(path: Path) -> None:
    """An .xlsx whose [Content_Types].xml declares an entity."""
    write_xlsx(path, [Sheet("S", [HEADER, ROW])])
    source = zipfile.ZipFile(path)
    types = source.read("[Content_Types].xml")
    source.close()
    types = types.replace(
        b"<Types ", b'<!DOCTYPE Types [<!ENTITY x "xxxxxxxx">]><Types ', 1
    )
    _replace_part(path, "[Content_Types].xml", types)


def _replace_part(path: Path, name: str, data: bytes) -> None:
    source = zipfile.ZipFile(path)
    parts = {info.filename: source.read(info) for info in source.infolist()}
    source.close()
    parts[name] = data
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for part_name, part_data in parts.items():
            archive.writestr(part_name, part_data)


def make_macro_workbook(path: Path) -> None:
    """A macro-enabled workbook (.xlsm) with a VBA project part."""
    write_xlsx(
        path,
        [Sheet("Daftar Peserta Didik", [HEADER, ROW])],
        main_content_type=XLSM_MAIN,
        extra_parts={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 not really VBA"},
        extra_content_types=(
            '<Default Extension="bin" '
            'ContentType="application/vnd.ms-office.vbaProject"/>'
        ),
    )


def make_vba_part_only(path: Path) -> None:
    """An .xlsx that declares itself plain but carries a vbaProject.bin."""
    write_xlsx(
        path,
        [Sheet("Daftar Peserta Didik", [HEADER, ROW])],
        extra_parts={"xl/vbaProject.bin": b"vba"},
    )


def make_ods_with_macros(path: Path) -> None:
    """An OpenDocument spreadsheet with a Basic macro library."""
    write_ods(path, [Sheet("Daftar Peserta Didik", [HEADER, ROW])])
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("Basic/Standard/Module1.xml", b"<module/>")


def make_encrypted_ods(path: Path) -> None:
    """An OpenDocument spreadsheet whose manifest declares encryption."""
    write_ods(path, [Sheet("Daftar Peserta Didik", [HEADER, ROW])])
    manifest = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:'
        b'xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="content.xml"'
        b' manifest:media-type="text/xml"><manifest:encryption-data '
        b'manifest:checksum-type="SHA1/1K" manifest:checksum="x"/>'
        b"</manifest:file-entry></manifest:manifest>"
    )
    _replace_part(path, "META-INF/manifest.xml", manifest)


def make_compound_file(path: Path, stream_names: list[str]) -> None:
    """A minimal OLE2 compound file holding empty streams with these names.

    An Office workbook protected by a password is such a file with the
    streams EncryptionInfo and EncryptedPackage; an .xls has a Workbook
    stream. One FAT sector and one directory sector of 512 bytes.
    """
    if len(stream_names) > 3:
        raise ValueError("at most three streams fit the directory sector")

    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<I", header, 44, 1)  # number of FAT sectors
    struct.pack_into("<I", header, 48, 1)  # first directory sector
    struct.pack_into("<I", header, 56, 4096)  # mini stream cutoff
    struct.pack_into("<II", header, 60, END_OF_CHAIN, 0)  # no mini FAT
    struct.pack_into("<II", header, 68, END_OF_CHAIN, 0)  # no DIFAT sectors
    struct.pack_into("<I", header, 76, 0)  # the FAT is sector 0
    for index in range(1, 109):
        struct.pack_into("<I", header, 76 + 4 * index, FREE_SECTOR)

    fat = bytearray(b"\xff" * 512)
    struct.pack_into("<II", fat, 0, FAT_SECTOR, END_OF_CHAIN)

    directory = bytearray()
    directory += _directory_entry("Root Entry", 5, child=1 if stream_names else None)
    for index, name in enumerate(stream_names, start=1):
        right = index + 1 if index < len(stream_names) else None
        directory += _directory_entry(name, 2, right=right)
    directory += bytes(512 - len(directory))

    path.write_bytes(bytes(header) + bytes(fat) + bytes(directory))


def _directory_entry(
    name: str, kind: int, *, child: int | None = None, right: int | None = None
) -> bytes:
    entry = bytearray(128)
    encoded = name.encode("utf-16-le") + b"\x00\x00"
    entry[0 : len(encoded)] = encoded
    struct.pack_into("<HBB", entry, 64, len(encoded), kind, 1)
    struct.pack_into(
        "<III",
        entry,
        68,
        NO_STREAM,
        NO_STREAM if right is None else right,
        NO_STREAM if child is None else child,
    )
    struct.pack_into("<IQ", entry, 116, END_OF_CHAIN, 0)
    return bytes(entry)


def make_encrypted_workbook(path: Path) -> None:
    """What Excel writes for a workbook saved with a password to open it."""
    make_compound_file(path, ["EncryptionInfo", "EncryptedPackage"])


def make_executable(path: Path) -> None:
    """A Windows executable's opening bytes, as if renamed to .xlsx."""
    stub = b"MZ" + bytes(58) + struct.pack("<I", 64) + b"PE\x00\x00" + bytes(200)
    path.write_bytes(stub + b"This program cannot be run in DOS mode.")


def make_far_cell_workbook(
    path: Path, *, row: int = 1_000_000, column: str = "BN"
) -> None:
    """An .xlsx with a header and one cell far down, by default a million
    rows."""
    rows: list[list[object]] = [HEADER, ROW]
    write_xlsx(path, [Sheet("Daftar Peserta Didik", rows)])
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Nama</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>NISN</t></is></c></row>'
        f'<row r="{row}"><c r="{column}{row}"><v>1</v></c></row>'
        "</sheetData></worksheet>"
    )
    _replace_part(path, "xl/worksheets/sheet1.xml", sheet.encode())


def make_wide_ods(path: Path, *, rows: int = 1_000_000) -> None:
    """An .ods with an empty repeated block of ``rows`` rows before a value."""
    write_ods(path, [Sheet("Daftar Peserta Didik", [HEADER, ROW])])
    source = zipfile.ZipFile(path)
    content = source.read("content.xml")
    source.close()
    gap = (
        f'<table:table-row table:number-rows-repeated="{rows}">'
        "<table:table-cell/></table:table-row><table:table-row>"
        '<table:table-cell table:number-columns-repeated="60"/>'
        '<table:table-cell office:value-type="string"><text:p>x</text:p>'
        "</table:table-cell></table:table-row>"
    ).encode()
    content = content.replace(b"</table:table>", gap + b"</table:table>", 1)
    _replace_part(path, "content.xml", content)


def make_deflate64_zip(path: Path) -> None:
    """A zip whose worksheet claims an unusual compression method."""
    write_xlsx(path, [Sheet("S", [HEADER, ROW])])
    data = bytearray(path.read_bytes())
    central = data.find(b"PK\x01\x02")
    struct.pack_into("<H", data, central + 10, 9)
    path.write_bytes(bytes(data))


# The corpus: every kind of broken or hostile file the upload must survive,
# each with what the operator must be told. Pupils of the valid parts are
# these three, so that a test can upload them first and show that a later
# hostile file changes none of them.
PUPILS: list[list[object]] = [
    ROW,
    [2, "AHMAD FAUZI", "0112233445", "L", "2011-03-12", "6311011203110002"],
    [3, "NUR'AINI", "0134567890", "P", "2013-08-21", "6311066108130003"],
]
# Names that a spreadsheet would run as a formula or a browser as a script.
FORMULA_NAMES = (
    '=HYPERLINK("http://x.example/","klik")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
)
SCRIPT_NAMES = (
    "<script>alert(1)</script>",
    "-2+3+cmd|' /C calc'!A0",
    "SITI<img src=x onerror=alert(1)>",
)
CSV_COLUMNS = ["Nama", "NISN", "JK", "Tanggal Lahir", "NIK"]
CSV_HEADER = ";".join(CSV_COLUMNS) + "\n"
# Twice the rows the reader accepts (MAX_DATA_ROWS), still under the upload
# size limit.
TOO_MANY_ROWS = 200_000
MILLION = 1_000_000


@dataclass(frozen=True)
class HostileFile:
    """One file of the corpus: how to make it and what the upload must say.

    ``name`` is the name the operator's computer gives it. ``refusal`` is
    the upload's refusal of the file as a whole; ``None`` means the file is
    read and every pupil row in it is an error with ``row_issue``.
    """

    id: str
    name: str
    make: Callable[[Path], None]
    refusal: RefusalCode | None
    row_issue: str | None = None


def pupil_rows(names: Sequence[str] | None = None) -> list[list[object]]:
    """The corpus pupils, with their names replaced by ``names`` if given."""
    rows = [list(row) for row in PUPILS]
    if names is not None:
        for row, name in zip(rows, names, strict=True):
            row[1] = name
    return rows


def make_valid_workbook(path: Path) -> None:
    """The corpus pupils in a clean .xlsx, the file a test uploads first."""
    write_xlsx(path, [Sheet("Daftar Peserta Didik", [HEADER, *pupil_rows()])])


def make_overlapping_zip_bomb(path: Path) -> None:
    """A zip whose directory lists the worksheet's bytes under a second name.

    The overlapping-entries bomb: many directory entries sharing one
    compressed stream, so that the archive inflates to far more than it
    holds.
    """
    write_xlsx(path, [Sheet("S", [HEADER, ROW])])
    data = bytearray(path.read_bytes())
    end = data.rfind(b"PK\x05\x06")
    entries, size, start = struct.unpack_from("<HII", data, end + 10)
    name = b"xl/worksheets/sheet1.xml"
    position = start
    copy = b""
    while position < start + size:
        name_length, extra_length, comment_length = struct.unpack_from(
            "<HHH", data, position + 28
        )
        length = 46 + name_length + extra_length + comment_length
        if data[position + 46 : position + 46 + name_length] == name:
            copy = bytes(data[position : position + length])
        position += length
    twin = copy.replace(name, b"xl/worksheets/sheet2.xml")
    directory = bytes(data[start : start + size]) + twin
    tail = bytearray(data[end:])
    struct.pack_into("<HHI", tail, 8, entries + 1, entries + 1, len(directory))
    path.write_bytes(bytes(data[:start]) + directory + bytes(tail))


def make_external_entity(path: Path) -> None:
    """An .xlsx whose shared strings declare an external entity (XXE)."""
    write_xlsx(path, [Sheet("S", [HEADER, ROW])])
    strings = (
        b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY xxe SYSTEM '
        b'"file:///etc/passwd">]><sst xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main"><si><t>&xxe;</t></si></sst>'
    )
    _replace_part(path, "xl/sharedStrings.xml", strings)


def make_late_doctype(path: Path, *, padding: int = 300_000) -> None:
    """An entity bomb whose DTD stands behind a long comment.

    XML allows comments before the DTD, so a check of the first few
    kilobytes alone does not see it.
    """
    make_entity_bomb(path)
    source = zipfile.ZipFile(path)
    sheet = source.read("xl/worksheets/sheet1.xml")
    source.close()
    declaration, rest = sheet.split(b"?>", 1)
    padded = declaration + b"?><!--" + b" " * padding + b"-->" + rest
    _replace_part(path, "xl/worksheets/sheet1.xml", padded)


def make_xls_with_macros(path: Path) -> None:
    """An Excel 97-2003 workbook carrying a VBA project."""
    make_compound_file(path, ["Workbook", "_VBA_PROJECT_CUR"])


def make_zip_with_encrypted_entry(path: Path) -> None:
    """An .xlsx whose worksheet entry is flagged as zip-encrypted."""
    write_xlsx(path, [Sheet("S", [HEADER, ROW])])
    data = bytearray(path.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    central = data.find(b"PK\x01\x02")
    while central != -1:
        if data[central + 46 : central + 46 + len(name)] == name:
            (flags,) = struct.unpack_from("<H", data, central + 8)
            struct.pack_into("<H", data, central + 8, flags | 0x1)
        central = data.find(b"PK\x01\x02", central + 4)
    path.write_bytes(bytes(data))


def make_elf(path: Path) -> None:
    """A Linux executable's opening bytes."""
    path.write_bytes(b"\x7fELF\x02\x01\x01" + bytes(57) + b"\x00" * 200)


def make_pdf(path: Path) -> None:
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n%%EOF\n")


def make_plain_zip(path: Path) -> None:
    """A zip archive of ordinary files, no spreadsheet in it."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("daftar.txt", "Nama,NISN\nSITI AMINAH,0123456789\n")


def make_word_document(path: Path) -> None:
    """A Word 97-2003 document renamed .xls."""
    make_compound_file(path, ["WordDocument"])


def make_html_table(path: Path) -> None:
    """A web page holding the table, as some applications "export to Excel"."""
    cells = "".join(f"<td>{value}</td>" for value in ROW)
    heads = "".join(f"<th>{value}</th>" for value in HEADER)
    path.write_text(
        "<!DOCTYPE html><html><body><table>"
        f"<tr>{heads}</tr><tr>{cells}</tr></table></body></html>"
    )


def make_spreadsheetml_2003(path: Path) -> None:
    """An "XML Spreadsheet 2003" file, which is neither .xls nor .xlsx."""
    path.write_text(
        '<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:'
        'spreadsheet"><Worksheet ss:Name="S"><Table><Row><Cell><Data '
        'ss:Type="String">Nama</Data></Cell></Row></Table></Worksheet></Workbook>'
    )


def make_xlsb(path: Path) -> None:
    """A binary workbook (.xlsb) declared by its content type."""
    write_xlsx(path, [Sheet("S", [HEADER, ROW])], main_content_type=XLSB_MAIN)


def make_truncated_workbook(path: Path) -> None:
    """The first half of a valid .xlsx, as an interrupted download leaves it."""
    make_valid_workbook(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def make_malformed_sheet(path: Path) -> None:
    """An .xlsx whose worksheet XML stops half-way."""
    make_valid_workbook(path)
    source = zipfile.ZipFile(path)
    sheet = source.read("xl/worksheets/sheet1.xml")
    source.close()
    _replace_part(path, "xl/worksheets/sheet1.xml", sheet[: len(sheet) // 2])


def make_nul_reference(path: Path) -> None:
    """An .xlsx whose shared string holds a NUL written as ``&#0;``, which
    XML forbids and a database cannot store."""
    make_valid_workbook(path)
    source = zipfile.ZipFile(path)
    strings = source.read("xl/sharedStrings.xml")
    source.close()
    strings = strings.replace(b"SITI AMINAH", b"SITI&#0;AMINAH", 1)
    _replace_part(path, "xl/sharedStrings.xml", strings)


def make_workbook_without_sheets(path: Path) -> None:
    """An .xlsx whose workbook lists no sheet at all."""
    write_xlsx(path, [])


def make_noise(path: Path) -> None:
    """Bytes that are no file format at all."""
    path.write_bytes(bytes((index * 7919 + 13) % 256 for index in range(4096)))


def make_empty(path: Path) -> None:
    path.write_bytes(b"")


def make_far_column_workbook(path: Path) -> None:
    """An .xlsx with a header and one cell in the last column, XFD."""
    write_xlsx(path, [Sheet("Daftar Peserta Didik", [HEADER, ROW])])
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Nama</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>NISN</t></is></c>'
        '<c r="XFD1"><v>1</v></c></row></sheetData></worksheet>'
    )
    _replace_part(path, "xl/worksheets/sheet1.xml", sheet.encode())


def make_million_empty_xlsx_rows(path: Path, *, rows: int = MILLION) -> None:
    """An .xlsx with the header and then ``rows`` empty rows, no pupil."""
    write_xlsx(path, [Sheet("Daftar Peserta Didik", [HEADER])])
    source = zipfile.ZipFile(path)
    sheet = source.read("xl/worksheets/sheet1.xml")
    source.close()
    empty = "".join(f'<row r="{number}"/>' for number in range(2, rows + 2))
    sheet = sheet.replace(b"</sheetData>", empty.encode() + b"</sheetData>", 1)
    _replace_part(path, "xl/worksheets/sheet1.xml", sheet)


def make_million_empty_csv_rows(path: Path) -> None:
    """A CSV with the header and then a million rows of empty cells."""
    path.write_text(CSV_HEADER + ";;;;\n" * MILLION)


def make_too_many_rows_csv(path: Path) -> None:
    """A CSV with more pupil rows than any school has."""
    row = "SITI AMINAH;0123456789;P;07/05/2012;\n"
    path.write_text(CSV_HEADER + row * TOO_MANY_ROWS)


def _csv_rows(rows: Sequence[Sequence[object]]) -> str:
    """Pupil rows (without their "No") as CSV lines, quoted where needed."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerows(row[1:] for row in rows)
    return out.getvalue()


def make_csv_with_nul(path: Path) -> None:
    """A CSV with a NUL byte in a name, near the top."""
    text = CSV_HEADER + _csv_rows(pupil_rows())
    path.write_bytes(text.replace("SITI", "SI\x00TI").encode())


def make_csv_with_late_nul(path: Path) -> None:
    """A CSV whose NUL byte comes after the part the first check reads."""
    padding = _csv_rows(pupil_rows()) * 2000
    path.write_bytes((CSV_HEADER + padding + "A\x00B;0;P;;\n").encode())


def make_utf16_csv_without_bom(path: Path) -> None:
    """A CSV saved as UTF-16 without its byte order mark."""
    path.write_bytes((CSV_HEADER + _csv_rows(pupil_rows())).encode("utf-16-le"))


def make_utf32_csv(path: Path) -> None:
    """A CSV saved as UTF-32, which no spreadsheet program reads by default."""
    path.write_bytes((CSV_HEADER + _csv_rows(pupil_rows())).encode("utf-32"))


def make_undecodable_csv(path: Path) -> None:
    """A CSV with bytes that are neither UTF-8 nor Windows-1252, far down."""
    padding = _csv_rows(pupil_rows()) * 2000
    path.write_bytes((CSV_HEADER + padding).encode() + b"\x81\x8d\x8f\x90\x9d;;;;\n")


def make_csv_without_header(path: Path) -> None:
    """Pupil rows with no header row at all."""
    path.write_text(_csv_rows(pupil_rows()))


def make_csv_with_duplicate_column(path: Path) -> None:
    """A CSV naming the NISN column twice, under two spellings."""
    rows = "".join(
        f"{row[1]};{row[2]};{row[3]};{row[4]};0999999999\n" for row in pupil_rows()
    )
    path.write_text("Nama;NISN;JK;Tanggal Lahir;N.I.S.N\n" + rows)


def make_csv_with_huge_field(path: Path) -> None:
    """A CSV whose one cell is longer than the csv module's field limit."""
    text = CSV_HEADER + _csv_rows(pupil_rows())
    path.write_text(text + '"' + "A" * 200_000 + '";0123456789;P;07/05/2012;\n')


def make_workbook_without_birth_date(path: Path) -> None:
    """An .xlsx lacking the required "Tanggal Lahir" column."""
    rows = [[*row[:4], row[5]] for row in [HEADER, *pupil_rows()]]
    write_xlsx(path, [Sheet("Daftar Peserta Didik", rows)])


def make_workbook_with_duplicate_column(path: Path) -> None:
    """An .xlsx naming the NIK column twice."""
    rows = [[*row, row[5]] for row in [HEADER, *pupil_rows()]]
    rows[0][-1] = "NIK Siswa"
    write_xlsx(path, [Sheet("Daftar Peserta Didik", rows)])


def make_formula_names_csv(path: Path) -> None:
    """The corpus pupils in a CSV with names that are spreadsheet formulas."""
    path.write_text(CSV_HEADER + _csv_rows(pupil_rows(FORMULA_NAMES)))


def make_script_names_workbook(path: Path) -> None:
    """The corpus pupils in an .xlsx with names that are HTML and scripts."""
    write_xlsx(
        path, [Sheet("Daftar Peserta Didik", [HEADER, *pupil_rows(SCRIPT_NAMES)])]
    )


CORPUS: tuple[HostileFile, ...] = (
    # Containers that open up far beyond their size.
    HostileFile("zip-bomb", "bom.xlsx", make_zip_bomb, RefusalCode.ZIP_BOMB),
    HostileFile(
        "zip-bomb-lying-size", "bom.xlsx", make_lying_zip_bomb, RefusalCode.ZIP_BOMB
    ),
    HostileFile(
        "zip-bomb-overlapping",
        "bom.xlsx",
        make_overlapping_zip_bomb,
        RefusalCode.ZIP_BOMB,
    ),
    HostileFile(
        "zip-many-entries", "banyak.xlsx", make_many_entries_zip, RefusalCode.ZIP_BOMB
    ),
    HostileFile(
        "zip-deflate64", "daftar.xlsx", make_deflate64_zip, RefusalCode.UNSUPPORTED
    ),
    # XML with a DTD: entity bombs and external entities.
    HostileFile(
        "xml-entity-bomb", "entitas.xlsx", make_entity_bomb, RefusalCode.UNSAFE_XML
    ),
    HostileFile(
        "xml-entity-in-content-types",
        "entitas.xlsx",
        make_content_types_entity_bomb,
        RefusalCode.UNSAFE_XML,
    ),
    HostileFile(
        "xml-external-entity",
        "xxe.xlsx",
        make_external_entity,
        RefusalCode.UNSAFE_XML,
    ),
    HostileFile(
        "xml-doctype-after-comment",
        "entitas.xlsx",
        make_late_doctype,
        RefusalCode.UNSAFE_XML,
    ),
    # Macros.
    HostileFile("macros-xlsm", "makro.xlsm", make_macro_workbook, RefusalCode.MACROS),
    HostileFile(
        "macros-renamed-xlsx", "daftar.xlsx", make_macro_workbook, RefusalCode.MACROS
    ),
    HostileFile(
        "macros-vba-part-only", "vba.xlsx", make_vba_part_only, RefusalCode.MACROS
    ),
    HostileFile("macros-ods", "makro.ods", make_ods_with_macros, RefusalCode.MACROS),
    HostileFile("macros-xls", "lama.xls", make_xls_with_macros, RefusalCode.MACROS),
    # Locked files.
    HostileFile(
        "encrypted-workbook",
        "terkunci.xlsx",
        make_encrypted_workbook,
        RefusalCode.ENCRYPTED,
    ),
    HostileFile(
        "encrypted-ods", "terkunci.ods", make_encrypted_ods, RefusalCode.ENCRYPTED
    ),
    HostileFile(
        "encrypted-zip-entry",
        "terkunci.xlsx",
        make_zip_with_encrypted_entry,
        RefusalCode.ENCRYPTED,
    ),
    # Other files under a spreadsheet's name.
    HostileFile(
        "exe-renamed-xlsx", "daftar.xlsx", make_executable, RefusalCode.NOT_SPREADSHEET
    ),
    HostileFile(
        "elf-renamed-xlsx", "daftar.xlsx", make_elf, RefusalCode.NOT_SPREADSHEET
    ),
    HostileFile(
        "pdf-renamed-xlsx", "daftar.xlsx", make_pdf, RefusalCode.NOT_SPREADSHEET
    ),
    HostileFile(
        "zip-without-spreadsheet",
        "daftar.xlsx",
        make_plain_zip,
        RefusalCode.NOT_SPREADSHEET,
    ),
    HostileFile(
        "word-renamed-xls",
        "daftar.xls",
        make_word_document,
        RefusalCode.NOT_SPREADSHEET,
    ),
    HostileFile("noise", "daftar.xlsx", make_noise, RefusalCode.BAD_TEXT),
    HostileFile("html-as-xls", "daftar.xls", make_html_table, RefusalCode.HTML),
    HostileFile(
        "spreadsheetml-2003",
        "daftar.xml",
        make_spreadsheetml_2003,
        RefusalCode.UNSUPPORTED,
    ),
    HostileFile("xlsb", "daftar.xlsb", make_xlsb, RefusalCode.UNSUPPORTED),
    HostileFile(
        "truncated-xlsx", "daftar.xlsx", make_truncated_workbook, RefusalCode.DAMAGED
    ),
    HostileFile(
        "xlsx-malformed-xml", "daftar.xlsx", make_malformed_sheet, RefusalCode.DAMAGED
    ),
    HostileFile(
        "xlsx-nul-reference", "daftar.xlsx", make_nul_reference, RefusalCode.DAMAGED
    ),
    HostileFile(
        "xlsx-without-sheets",
        "daftar.xlsx",
        make_workbook_without_sheets,
        RefusalCode.NO_SHEET,
    ),
    HostileFile("empty", "daftar.xlsx", make_empty, RefusalCode.EMPTY),
    # Sheets whose size would be paid for in memory.
    HostileFile(
        "cell-a-million-rows-down",
        "jauh.xlsx",
        make_far_cell_workbook,
        RefusalCode.SHEET_TOO_LARGE,
    ),
    HostileFile(
        "cell-far-down-and-right",
        "jauh.xlsx",
        partial(make_far_cell_workbook, row=99_999, column="DX"),
        RefusalCode.SHEET_TOO_LARGE,
    ),
    HostileFile(
        "ods-far-down-and-right",
        "jauh.ods",
        partial(make_wide_ods, rows=60_000),
        RefusalCode.SHEET_TOO_LARGE,
    ),
    HostileFile(
        "cell-in-the-last-column",
        "lebar.xlsx",
        make_far_column_workbook,
        RefusalCode.SHEET_TOO_LARGE,
    ),
    HostileFile(
        "ods-million-repeated-rows",
        "jauh.ods",
        make_wide_ods,
        RefusalCode.SHEET_TOO_LARGE,
    ),
    HostileFile(
        "xlsx-million-empty-rows",
        "kosong.xlsx",
        make_million_empty_xlsx_rows,
        RefusalCode.NO_ROWS,
    ),
    HostileFile(
        "csv-million-empty-rows",
        "kosong.csv",
        make_million_empty_csv_rows,
        RefusalCode.NO_ROWS,
    ),
    HostileFile(
        "csv-too-many-rows",
        "banyak.csv",
        make_too_many_rows_csv,
        RefusalCode.TOO_MANY_ROWS,
    ),
    # Text that is not the text it claims to be.
    HostileFile("csv-nul", "daftar.csv", make_csv_with_nul, RefusalCode.BAD_TEXT),
    HostileFile(
        "csv-nul-far-down", "daftar.csv", make_csv_with_late_nul, RefusalCode.BAD_TEXT
    ),
    HostileFile(
        "csv-utf16-without-bom",
        "daftar.csv",
        make_utf16_csv_without_bom,
        RefusalCode.BAD_TEXT,
    ),
    HostileFile("csv-utf32", "daftar.csv", make_utf32_csv, RefusalCode.NOT_SPREADSHEET),
    HostileFile(
        "csv-undecodable-bytes",
        "daftar.csv",
        make_undecodable_csv,
        RefusalCode.BAD_TEXT,
    ),
    HostileFile(
        "csv-huge-field", "daftar.csv", make_csv_with_huge_field, RefusalCode.DAMAGED
    ),
    # Columns missing or named twice.
    HostileFile(
        "csv-without-header",
        "daftar.csv",
        make_csv_without_header,
        RefusalCode.NO_HEADER,
    ),
    HostileFile(
        "xlsx-required-column-missing",
        "daftar.xlsx",
        make_workbook_without_birth_date,
        RefusalCode.NO_HEADER,
    ),
    HostileFile(
        "xlsx-duplicate-column",
        "daftar.xlsx",
        make_workbook_with_duplicate_column,
        RefusalCode.DUPLICATE_COLUMN,
    ),
    HostileFile(
        "csv-duplicate-column",
        "daftar.csv",
        make_csv_with_duplicate_column,
        RefusalCode.DUPLICATE_COLUMN,
    ),
    # Values that would run in a spreadsheet or a browser: the rows are
    # refused one by one, the file is read.
    HostileFile(
        "csv-formula-names",
        "daftar.csv",
        make_formula_names_csv,
        None,
        row_issue="name_characters",
    ),
    HostileFile(
        "xlsx-script-names",
        "daftar.xlsx",
        make_script_names_workbook,
        None,
        row_issue="name_characters",
    ),
)
