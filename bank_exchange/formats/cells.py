"""Small helpers shared by the writers and the reader of bank files."""

import hashlib
import os
import re
import zipfile
from datetime import datetime
from pathlib import Path
from typing import BinaryIO
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

WITA = ZoneInfo("Asia/Makassar")

# Characters that make a spreadsheet treat a typed or imported text as a
# formula (OWASP "CSV injection"). The apostrophe itself is included so that
# the rule can be undone without doubt: a value that starts with an
# apostrophe always had one added.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "'")
NEUTRALISING_PREFIX = "'"

# XML 1.0 refuses these control characters, so an .xlsx cannot hold them; the
# CSV drops them as well so that both files carry the same data.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NOT_ALPHANUMERIC = re.compile(r"[^0-9a-z]")


def neutralise(text: str) -> str:
    """Return ``text`` safe to show in a spreadsheet: a value that begins
    with = + - @ tab, carriage return or an apostrophe gets one apostrophe in
    front, so that no formula runs when the file is opened or edited."""
    if text.startswith(FORMULA_TRIGGERS):
        return NEUTRALISING_PREFIX + text
    return text


def unneutralise(text: str) -> str:
    """Undo :func:`neutralise` on a value read back from a file."""
    if text.startswith(NEUTRALISING_PREFIX):
        return text[len(NEUTRALISING_PREFIX) :]
    return text


def clean_text(text: str) -> str:
    return _CONTROL_CHARACTERS.sub("", text)


def safe_text(text: str) -> str:
    """The form every text value takes in an exported file."""
    return neutralise(clean_text(text))


def normalise_header(text: str) -> str:
    """``"No. Rekening"``, ``"NO_REKENING"`` and ``"no rekening"`` all become
    ``"norekening"``."""
    return _NOT_ALPHANUMERIC.sub("", text.casefold())


def sha256_of(data: bytes) -> str:
    """Hex SHA-256 of ``data``, as recorded when a batch is sent."""
    return hashlib.sha256(data).hexdigest()


class _FixedTimeZipFile(zipfile.ZipFile):
    """A zip archive whose every entry carries the same timestamp, so that the
    same workbook always gives the same bytes. openpyxl writes its entries by
    name, which would otherwise stamp them with the current time."""

    def __init__(self, file: BinaryIO, when: datetime) -> None:
        super().__init__(file, "w", zipfile.ZIP_DEFLATED)
        self._date_time = when.timetuple()[:6]

    def writestr(  # type: ignore[override]
        self,
        zinfo_or_arcname: str | zipfile.ZipInfo,
        data: str | bytes,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        if isinstance(zinfo_or_arcname, str):
            info = zipfile.ZipInfo(zinfo_or_arcname, date_time=self._date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o600 << 16
            zinfo_or_arcname = info
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(  # type: ignore[override]
        self,
        filename: str | os.PathLike[str],
        arcname: str | None = None,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        # openpyxl writes each worksheet to a temporary file first; its
        # modification time and mode must not reach the archive.
        name = arcname if arcname is not None else os.fspath(filename)
        self.writestr(name, Path(filename).read_bytes())


def save_workbook_deterministically(
    workbook: Workbook, out: BinaryIO, created_at: datetime
) -> None:
    """Save ``workbook`` with its document properties and zip timestamps all
    taken from ``created_at``, never from the clock.

    ``openpyxl.Workbook.save`` sets the "modified" property to the current
    time, so the writer is driven directly instead.
    """
    if created_at.tzinfo is None:
        raise ValueError("created_at must be timezone-aware")

    # The core properties are stored in UTC without an offset.
    utc = created_at.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)
    workbook.properties.created = utc
    workbook.properties.modified = utc
    workbook.properties.creator = "Kartu Balangan Pintar"
    workbook.properties.lastModifiedBy = None

    # Zip timestamps have no zone and a floor of 1980; WITA is what the
    # people at both ends read.
    local = created_at.astimezone(WITA)
    if local.year < 1980:
        raise ValueError("created_at must not be before 1980")

    archive = _FixedTimeZipFile(out, local)
    ExcelWriter(workbook, archive).save()
