"""Checks on an uploaded spreadsheet before any parser touches it.

The type is decided by the file's content, never by its name. Zip containers
(.xlsx, .ods) are checked against their central directory and then inflated
once, counting bytes and keeping none, so that a zip bomb is refused after
reading at most the declared sizes, which are themselves bounded. OLE2
containers (.xls) are checked for the streams of an encrypted workbook and of
macros. The little XML read here goes through defusedxml.
"""

import codecs
import itertools
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.db import models
from django.utils.translation import gettext_lazy as _

MEGABYTE = 1024 * 1024
# A sheet with content beyond these is refused before the reader library
# lays it out in memory; the Dapodik export has 66 columns. A wide sheet
# (content right of column AN) may only be MAX_WIDE_SHEET_ROWS deep, so that
# the grid the reader builds stays near four million cells (about 130 MB)
# however the far cells are placed: AN × 99,999 or DX × 32,767.
MAX_SHEET_ROWS = 99_999
MAX_SHEET_COLUMNS = 128
NARROW_SHEET_COLUMNS = 40
MAX_WIDE_SHEET_ROWS = 32_767
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")

XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
XLSX_TEMPLATE_MAIN = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml"
)
XLSM_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
XLTM_MAIN = "application/vnd.ms-excel.template.macroEnabled.main+xml"
XLSB_MAIN = "application/vnd.ms-excel.sheet.binary.macroEnabled.main"
VBA_PROJECT = "application/vnd.ms-office.vbaProject"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"

# Starts of files that are certainly not spreadsheets, with what they are.
FOREIGN_SIGNATURES = (
    b"MZ",  # Windows executable
    b"\x7fELF",  # Linux executable
    b"\xca\xfe\xba\xbe",  # Mach-O universal / Java class
    b"\xcf\xfa\xed\xfe",  # Mach-O
    b"#!",  # script
    b"%PDF",
    b"\x89PNG",
    b"\xff\xd8\xff",  # JPEG
    b"GIF8",
    b"Rar!",
    b"7z\xbc\xaf",
    b"\x1f\x8b",  # gzip
)


class FileKind(models.TextChoices):
    XLSX = "xlsx", "Excel (.xlsx)"
    XLS = "xls", "Excel 97-2003 (.xls)"
    ODS = "ods", "OpenDocument (.ods)"
    CSV = "csv", "CSV"


class RefusalCode(models.TextChoices):
    """Why a file was refused as a whole; the label is the message."""

    EMPTY = "empty", _("Berkas kosong.")
    TOO_LARGE = (
        "too_large",
        _("Berkas terlalu besar (%(size)s MB); ukuran paling besar %(limit)s MB."),
    )
    NOT_SPREADSHEET = (
        "not_spreadsheet",
        _(
            "Berkas ini bukan spreadsheet. Unggah hasil unduhan Dapodik dalam "
            "format .xlsx, .xls, .ods atau .csv."
        ),
    )
    ENCRYPTED = (
        "encrypted",
        _(
            "Berkas terlindungi kata sandi (terkunci). Buka di Excel, hapus kata "
            "sandinya, simpan, lalu unggah ulang."
        ),
    )
    MACROS = (
        "macros",
        _(
            "Berkas berisi makro (VBA). Simpan ulang sebagai Excel Workbook "
            "(.xlsx) tanpa makro, lalu unggah ulang."
        ),
    )
    ZIP_BOMB = (
        "zip_bomb",
        _(
            "Isi berkas yang dimampatkan tidak wajar (terlalu besar setelah "
            "dibuka). Berkas ditolak demi keamanan."
        ),
    )
    DAMAGED = (
        "damaged",
        _(
            "Berkas rusak atau tidak lengkap dan tidak dapat dibaca. Unduh ulang "
            "dari Dapodik lalu unggah kembali."
        ),
    )
    UNSAFE_XML = (
        "unsafe_xml",
        _(
            "Berkas berisi XML dengan deklarasi DTD atau entitas yang tidak "
            "diizinkan. Berkas ditolak demi keamanan."
        ),
    )
    UNSUPPORTED = (
        "unsupported",
        _(
            "Format berkas ini tidak didukung. Simpan sebagai Excel Workbook "
            "(.xlsx) lalu unggah ulang."
        ),
    )
    BAD_TEXT = (
        "bad_text",
        _(
            "Berkas teks ini berisi karakter yang tidak sah (misalnya karakter "
            "NUL) sehingga tidak dapat dibaca sebagai CSV."
        ),
    )
    HTML = (
        "html",
        _(
            "Berkas ini halaman web (HTML), bukan spreadsheet. Buka di Excel, "
            "simpan sebagai Excel Workbook (.xlsx), lalu unggah ulang."
        ),
    )
    NO_HEADER = (
        "no_header",
        _(
            "Header tidak ditemukan: tidak ada baris yang memuat kolom %(columns)s. "
            "Pastikan berkas adalah Daftar Peserta Didik dari Dapodik atau templat "
            "sekolah."
        ),
    )
    DUPLICATE_COLUMN = (
        "duplicate_column",
        _(
            "Kolom %(column)s muncul lebih dari sekali (%(headers)s); hapus salah "
            "satunya lalu unggah ulang."
        ),
    )
    SHEET_TOO_LARGE = (
        "sheet_too_large",
        _(
            "Lembar kerja terlalu besar: ada isi di luar baris 99.999, di "
            "kanan kolom DX, atau di luar baris 32.767 pada lembar yang berisi "
            "sampai kanan kolom AN. Hapus baris dan kolom di luar tabel, "
            "simpan, lalu unggah ulang."
        ),
    )
    NO_SHEET = "no_sheet", _("Berkas tidak memiliki lembar kerja yang dapat dibaca.")
    TOO_MANY_ROWS = (
        "too_many_rows",
        _("Berkas memuat lebih dari %(limit)s baris; bagi menjadi beberapa berkas."),
    )
    NO_ROWS = (
        "no_rows",
        _(
            "Tidak ada data siswa di bawah header. Unggah Daftar Peserta Didik "
            "yang berisi siswa sekolah ini."
        ),
    )


class UploadRefused(Exception):
    """The file cannot be read as a whole; nothing from it may be used."""

    def __init__(self, code: RefusalCode, **params: object) -> None:
        self.code = code
        self.params = params
        super().__init__(code.value)

    @property
    def message(self) -> str:
        """The message for the operator, in the active language."""
        return str(RefusalCode(self.code).label) % self.params

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class ZipLimits:
    """How far a zip container may open up before it is refused.

    A 50,000-row Dapodik export inflates to about 130 MB at a ratio below 20;
    the limits leave room above that and nothing near a bomb.
    """

    max_entries: int = 1000
    max_total_bytes: int = 400 * MEGABYTE
    max_ratio: int = 100
    # Small entries compress at odd ratios and cost nothing; only larger ones
    # are held to max_ratio.
    ratio_floor_bytes: int = MEGABYTE
    max_small_part_bytes: int = MEGABYTE


def inspect_upload(
    path: Path,
    original_name: str,
    max_bytes: int,
    *,
    limits: ZipLimits | None = None,
) -> FileKind:
    """Decide what kind of spreadsheet ``path`` holds, or refuse it.

    ``original_name`` is the name the operator's computer gave the file; it
    is only used to tell a CSV from other text, never to trust the content.
    Raises :class:`UploadRefused` with the reason in Bahasa Indonesia.
    """
    limits = limits or ZipLimits()
    size = path.stat().st_size
    if size == 0:
        raise UploadRefused(RefusalCode.EMPTY)
    if size > max_bytes:
        raise UploadRefused(
            RefusalCode.TOO_LARGE,
            size=_megabytes(size),
            limit=_megabytes(max_bytes),
        )

    with path.open("rb") as handle:
        head = handle.read(8)
        handle.seek(0)
        if head.startswith(ZIP_MAGICS):
            return _inspect_zip(handle, limits)
        if head == OLE2_MAGIC:
            return _inspect_ole2(handle.read())
        if head.startswith(FOREIGN_SIGNATURES):
            raise UploadRefused(RefusalCode.NOT_SPREADSHEET)
        return _inspect_text(handle.read(64 * 1024), original_name)


def _megabytes(size: int) -> str:
    return f"{size / MEGABYTE:.1f}".rstrip("0").rstrip(".")


def _inspect_zip(handle: BinaryIO, limits: ZipLimits) -> FileKind:
    try:
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise UploadRefused(RefusalCode.DAMAGED) from exc

    with archive:
        entries = archive.infolist()
        _check_directory(entries, limits)
        names = {entry.filename for entry in entries}

        if "[Content_Types].xml" in names:
            kind = _ooxml_kind(archive, names, limits)
        elif "mimetype" in names:
            kind = _ods_kind(archive, names, limits)
        else:
            raise UploadRefused(RefusalCode.NOT_SPREADSHEET)

        for entry in entries:
            _check_entry(handle, entry, kind)
    return kind


def _check_directory(entries: list[zipfile.ZipInfo], limits: ZipLimits) -> None:
    if len(entries) > limits.max_entries:
        raise UploadRefused(RefusalCode.ZIP_BOMB)

    total = 0
    spans = []
    for entry in entries:
        if entry.flag_bits & 0x1:
            raise UploadRefused(RefusalCode.ENCRYPTED)
        if entry.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise UploadRefused(RefusalCode.UNSUPPORTED)
        total += entry.file_size
        if total > limits.max_total_bytes:
            raise UploadRefused(RefusalCode.ZIP_BOMB)
        if (
            entry.file_size > limits.ratio_floor_bytes
            and entry.file_size > limits.max_ratio * max(entry.compress_size, 1)
        ):
            raise UploadRefused(RefusalCode.ZIP_BOMB)
        spans.append((entry.header_offset, entry.header_offset + entry.compress_size))

    # Entries that share compressed bytes are the trick of the overlapping
    # zip bomb; no spreadsheet writer produces them.
    spans.sort()
    for (_start, end), (next_start, _end) in itertools.pairwise(spans):
        if next_start < end:
            raise UploadRefused(RefusalCode.ZIP_BOMB)


def _read_small_part(archive: zipfile.ZipFile, name: str, limits: ZipLimits) -> bytes:
    entry = archive.getinfo(name)
    if entry.file_size > limits.max_small_part_bytes:
        raise UploadRefused(RefusalCode.ZIP_BOMB)
    try:
        with archive.open(entry) as part:
            return part.read(limits.max_small_part_bytes + 1)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error) as exc:
        raise UploadRefused(RefusalCode.DAMAGED) from exc


def _parse_xml(data: bytes) -> object:
    try:
        return fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise UploadRefused(RefusalCode.UNSAFE_XML) from exc
    except Exception as exc:
        # ElementTree's ParseError and expat's errors have no common base
        # narrower than Exception.
        raise UploadRefused(RefusalCode.DAMAGED) from exc


def _ooxml_kind(
    archive: zipfile.ZipFile, names: set[str], limits: ZipLimits
) -> FileKind:
    root = _parse_xml(_read_small_part(archive, "[Content_Types].xml", limits))
    content_types = {
        element.get("ContentType", "")
        for element in root.iter()  # type: ignore[attr-defined]
        if element.get("ContentType")
    }

    has_vba = VBA_PROJECT in content_types or any(
        name.lower().endswith("vbaproject.bin") for name in names
    )
    if has_vba or content_types & {XLSM_MAIN, XLTM_MAIN}:
        raise UploadRefused(RefusalCode.MACROS)
    if XLSB_MAIN in content_types:
        raise UploadRefused(RefusalCode.UNSUPPORTED)
    if content_types & {XLSX_MAIN, XLSX_TEMPLATE_MAIN}:
        return FileKind.XLSX
    raise UploadRefused(RefusalCode.NOT_SPREADSHEET)


def _ods_kind(archive: zipfile.ZipFile, names: set[str], limits: ZipLimits) -> FileKind:
    mimetype = _read_small_part(archive, "mimetype", limits).strip()
    if mimetype != ODS_MIMETYPE:
        raise UploadRefused(RefusalCode.NOT_SPREADSHEET)

    if any(name.startswith(("Basic/", "Scripts/")) for name in names):
        raise UploadRefused(RefusalCode.MACROS)

    manifest = "META-INF/manifest.xml"
    if manifest in names:
        root = _parse_xml(_read_small_part(archive, manifest, limits))
        for element in root.iter():  # type: ignore[attr-defined]
            if element.tag.endswith("}encryption-data"):
                raise UploadRefused(RefusalCode.ENCRYPTED)
    return FileKind.ODS


def _check_entry(handle: BinaryIO, entry: zipfile.ZipInfo, kind: FileKind) -> None:
    """Inflate one entry, keeping nothing, and refuse it if it is hostile.

    zipfile and the reader library trust the sizes in the directory; a bomb
    declares a small size and inflates far beyond it. Inflating up to the
    declared size plus one byte proves the size honest at a cost bounded by
    the directory limits already checked. Each XML part is searched for a
    DTD, which no spreadsheet writer emits and an entity bomb needs, and
    worksheets are measured (see :class:`XlsxSheetExtent`).
    """
    name = entry.filename
    if kind == FileKind.XLSX and re.fullmatch(r"xl/worksheets/[^/]+\.xml", name):
        extent: _Extent | None = XlsxSheetExtent()
    elif kind == FileKind.ODS and name == "content.xml":
        extent = OdsSheetExtent()
    else:
        extent = None

    xml = entry.filename.lower().endswith((".xml", ".rels"))
    first = True
    tail = b""
    for chunk in _inflate(handle, entry):
        if first:
            _check_dtd(chunk[:4096], entry)
            first = False
        if xml:
            # XML allows comments before the DTD, so a DTD may stand behind
            # any amount of padding; the whole part is searched, with the
            # end of the previous chunk for a declaration cut in two.
            if _DTD_MARKUP.search(chunk) or _DTD_MARKUP.search(tail + chunk[:16]):
                raise UploadRefused(RefusalCode.UNSAFE_XML)
            tail = (tail + chunk[-16:])[-16:]
        if extent is not None:
            extent.feed(chunk)
    if extent is not None:
        extent.finish()


def _inflate(handle: BinaryIO, entry: zipfile.ZipInfo) -> Iterator[bytes]:
    """The entry's bytes in chunks, refusing any beyond its declared size."""
    handle.seek(entry.header_offset)
    local_header = handle.read(30)
    if len(local_header) < 30 or local_header[:4] != b"PK\x03\x04":
        raise UploadRefused(RefusalCode.DAMAGED)
    name_length, extra_length = struct.unpack("<HH", local_header[26:30])
    handle.seek(entry.header_offset + 30 + name_length + extra_length)

    chunk_size = 256 * 1024
    if entry.compress_type == zipfile.ZIP_STORED:
        if entry.file_size != entry.compress_size:
            raise UploadRefused(RefusalCode.DAMAGED)
        remaining = entry.file_size
        while remaining > 0:
            data = handle.read(min(chunk_size, remaining))
            if not data:
                raise UploadRefused(RefusalCode.DAMAGED)
            remaining -= len(data)
            yield data
        return

    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    remaining_input = entry.compress_size
    produced = 0
    try:
        while remaining_input > 0 or inflater.unconsumed_tail:
            if inflater.unconsumed_tail:
                data = inflater.unconsumed_tail
            else:
                data = handle.read(min(chunk_size, remaining_input))
                if not data:
                    raise UploadRefused(RefusalCode.DAMAGED)
                remaining_input -= len(data)
            output = inflater.decompress(data, chunk_size)
            produced += len(output)
            if produced > entry.file_size:
                raise UploadRefused(RefusalCode.ZIP_BOMB)
            yield output
            if inflater.eof:
                break
    except zlib.error as exc:
        raise UploadRefused(RefusalCode.DAMAGED) from exc


class _Extent:
    def feed(self, data: bytes) -> None:
        raise NotImplementedError

    def finish(self) -> None:
        """Called after the last chunk."""


def _beyond_limits(widest: int, deepest: int) -> bool:
    """True when a sheet whose content reaches column ``widest`` and row
    ``deepest`` would cost the reader too much memory."""
    return (
        widest > MAX_SHEET_COLUMNS
        or deepest > MAX_SHEET_ROWS
        or (widest > NARROW_SHEET_COLUMNS and deepest > MAX_WIDE_SHEET_ROWS)
    )


class XlsxSheetExtent(_Extent):
    """Refuses a worksheet with content beyond the sheet limits above.

    The reader library holds a sheet as a dense grid from its first to its
    last filled cell, so two cells far apart cost gigabytes while the file
    stays a few hundred bytes. One regular expression with a literal start
    finds, in a single pass, a cell whose reference lies outside the limits
    and any cell tag not written as ``<c r="...`` (Excel, LibreOffice and
    the Dapodik export always write that form). Such a tag is then checked
    on its own; a cell without a reference, which takes its place from its
    neighbours and cannot be measured, is refused as unusual. Two more
    searches, each dropped once it has matched, note a cell right of AN and
    a cell below row 32,767: a sheet with both is refused.
    """

    ROOT = re.compile(rb"<(?:([A-Za-z_][\w.-]*):)?worksheet[\s>]")
    # A column after DX (128) or a row number of six digits or more.
    OUTSIDE = rb"(?:[A-Z]{3}|[E-Z][A-Z]|D[YZ]|[A-Z]{1,2}+[0-9]{6})"
    REFERENCE = re.compile(rb'\sr="([A-Z]*)([0-9]*)"')
    # Columns AO (41) to DX (128); rows 32,768 to 99,999.
    WIDE = rb"(?:A[O-Z]|[BC][A-Z]|D[A-X])[0-9]"
    DEEP = (
        rb"[A-Z]{1,3}(?:3276[89]|327[7-9][0-9]|32[89][0-9]{2}|3[3-9][0-9]{3}"
        rb'|[4-9][0-9]{4})"'
    )

    def __init__(self) -> None:
        self.tail = b""
        self.pattern: re.Pattern[bytes] | None = None
        self.tag: re.Pattern[bytes] | None = None
        self.wide: re.Pattern[bytes] | None = None
        self.deep: re.Pattern[bytes] | None = None
        self.widest = 0
        self.deepest = 0

    def feed(self, data: bytes) -> None:
        window = self.tail + data
        if self.pattern is None:
            match = self.ROOT.search(window)
            if match is None:
                self.tail = window[-4096:]
                return
            cell = re.escape(
                b"<" + (match.group(1) + b":" if match.group(1) else b"") + b"c"
            )
            self.pattern = re.compile(
                cell + rb'(?: r="' + self.OUTSIDE + rb'|[\t\n\r>/]| (?!r="))'
            )
            self.tag = re.compile(cell + rb"[\s/>][^>]*>")
            self.wide = re.compile(cell + rb' r="' + self.WIDE)
            self.deep = re.compile(cell + rb' r="' + self.DEEP)

        found = self.pattern.search(window)
        if found is not None:
            if found.group(0).endswith(b'"'):
                raise UploadRefused(RefusalCode.SHEET_TOO_LARGE)
            self._check_each_cell(window, found.start())
        if self.wide is not None and self.wide.search(window):
            self._reached(NARROW_SHEET_COLUMNS + 1, 0)
            self.wide = None
        if self.deep is not None and self.deep.search(window):
            self._reached(0, MAX_WIDE_SHEET_ROWS + 1)
            self.deep = None
        # A tag cut at the end of the chunk is searched again in the next.
        self.tail = window[-64:]

    def _check_each_cell(self, window: bytes, start: int) -> None:
        assert self.tag is not None  # noqa: S101 - set together with pattern
        for match in self.tag.finditer(window, start):
            reference = self.REFERENCE.search(match.group(0))
            if reference is None:
                raise UploadRefused(RefusalCode.UNSUPPORTED)
            column, row = reference.groups()
            self._reached(_column_number(column), int(row or 0))

    def _reached(self, column: int, row: int) -> None:
        self.widest = max(self.widest, column)
        self.deepest = max(self.deepest, row)
        if _beyond_limits(self.widest, self.deepest):
            raise UploadRefused(RefusalCode.SHEET_TOO_LARGE)


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


class OdsSheetExtent(_Extent):
    """Refuses an OpenDocument table with content beyond the sheet limits.

    Rows and cells may say they repeat ("number-rows-repeated"); a repeated
    empty block followed by one value is the same dense-grid bomb as in
    .xlsx. Only tags are looked at, with their repeat counts, so the cost is
    one regular-expression match per cell.
    """

    TAG = re.compile(
        rb"<(/?)table:(table-row|table-cell|covered-table-cell|table)\b([^>]*)>"
    )
    REPEAT = re.compile(rb'number-(?:rows|columns)-repeated="([0-9]+)"')

    def __init__(self) -> None:
        self.carry = b""
        self.row = 0
        self.column = 0
        self.row_repeat = 1
        self.row_has_value = False
        self.widest = 0
        self.deepest = 0

    def feed(self, data: bytes) -> None:
        window = self.carry + data
        cut = window.rfind(b">") + 1
        self.carry = window[cut:]
        if len(self.carry) > MEGABYTE:
            raise UploadRefused(RefusalCode.DAMAGED)

        for closing, name, attributes in self.TAG.findall(window, 0, cut):
            self._tag(closing, name, attributes)

    def _tag(self, closing: bytes, name: bytes, attributes: bytes) -> None:
        if name == b"table":
            self.row = self.widest = self.deepest = 0
            return
        if name == b"table-row":
            if closing:
                if self.row_has_value:
                    self.deepest = self.row
                    self._check()
                return
            self.row += self._repeat(attributes)
            self.column = 0
            self.row_has_value = False
            return
        if closing:
            return

        self.column += self._repeat(attributes)
        has_value = b"office:value-type" in attributes or not attributes.endswith(b"/")
        if has_value:
            self.row_has_value = True
            self.widest = max(self.widest, self.column)
            self._check()

    def _check(self) -> None:
        if _beyond_limits(self.widest, self.deepest):
            raise UploadRefused(RefusalCode.SHEET_TOO_LARGE)

    def _repeat(self, attributes: bytes) -> int:
        match = self.REPEAT.search(attributes)
        return int(match.group(1)) if match else 1


# Markup that only a DTD contains; XML spells it in capitals.
_DTD_MARKUP = re.compile(rb"<!(?:DOCTYPE|ENTITY)")


def _check_dtd(start: bytes, entry: zipfile.ZipInfo) -> None:
    if not entry.filename.lower().endswith((".xml", ".rels")):
        return
    lowered = start.lower()
    if b"<!doctype" in lowered or b"<!entity" in lowered:
        raise UploadRefused(RefusalCode.UNSAFE_XML)


def _ole2_has_stream(data: bytes, name: str) -> bool:
    """True when an OLE2 file has a directory entry called ``name``.

    Directory entries are 128 bytes, aligned to 128 within the file, and open
    with the name in UTF-16 followed by its length in bytes including the
    terminating zero at offset 64. Matching all three leaves no room for a
    cell value that happens to spell the name.
    """
    encoded = name.encode("utf-16-le") + b"\x00\x00"
    position = data.find(encoded)
    while position != -1:
        if position % 128 == 0 and position + 66 <= len(data):
            (length,) = struct.unpack("<H", data[position + 64 : position + 66])
            if length == len(encoded):
                return True
        position = data.find(encoded, position + 1)
    return False


def _inspect_ole2(data: bytes) -> FileKind:
    if _ole2_has_stream(data, "EncryptionInfo") or _ole2_has_stream(
        data, "EncryptedPackage"
    ):
        raise UploadRefused(RefusalCode.ENCRYPTED)
    if _ole2_has_stream(data, "_VBA_PROJECT_CUR") or _ole2_has_stream(data, "VBA"):
        raise UploadRefused(RefusalCode.MACROS)
    if _ole2_has_stream(data, "Workbook") or _ole2_has_stream(data, "Book"):
        return FileKind.XLS
    raise UploadRefused(RefusalCode.NOT_SPREADSHEET)


def _inspect_text(start: bytes, original_name: str) -> FileKind:
    if b"\x00" in start and not start.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UploadRefused(RefusalCode.BAD_TEXT)

    text = start.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<table")):
        raise UploadRefused(RefusalCode.HTML)
    if text.startswith(b"<"):
        raise UploadRefused(RefusalCode.UNSUPPORTED)

    if not _is_plain_text(start):
        raise UploadRefused(RefusalCode.NOT_SPREADSHEET)
    if not original_name.lower().endswith((".csv", ".txt", ".tsv")) and (
        b"," not in start and b";" not in start and b"\t" not in start
    ):
        raise UploadRefused(RefusalCode.NOT_SPREADSHEET)
    return FileKind.CSV


def decode_start(start: bytes) -> str | None:
    """The text of the start of a file, or ``None`` when it is not text.

    UTF-16 is recognised by its byte order mark; otherwise UTF-8 (with or
    without a mark) is tried before Windows-1252. A character cut at the end
    of the sample is ignored.
    """
    if start.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings: tuple[str, ...] = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "cp1252")
    for encoding in encodings:
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            return decoder.decode(start, final=False)
        except UnicodeDecodeError:
            continue
    return None


def _is_plain_text(start: bytes) -> bool:
    """True when ``start`` decodes as text without control characters."""
    text = decode_start(start)
    if text is None:
        return False
    return not any(ord(ch) < 32 and ch not in "\t\r\n" for ch in text)
