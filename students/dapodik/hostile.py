"""Broken and hostile files, made on demand for the tests of the upload.

Each maker writes one kind of file that the upload must refuse quickly and
with a clear message: bombs, disguises, locked and macro-enabled workbooks.
They are built from scratch with the standard library, small and fast, so no
hand-edited binary is ever kept in the repository.
"""

import struct
import zipfile
from pathlib import Path

from students.dapodik.safety import XLSM_MAIN
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


def make_far_cell_workbook(path: Path, *, row: int = 1_000_000) -> None:
    """An .xlsx with a header and one cell a million rows further down."""
    rows: list[list[object]] = [HEADER, ROW]
    write_xlsx(path, [Sheet("Daftar Peserta Didik", rows)])
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Nama</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>NISN</t></is></c></row>'
        f'<row r="{row}"><c r="BN{row}"><v>1</v></c></row>'
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
