"""Scans people attach as evidence: a village's SKTM for a candidate, the
signed handover register of a school.

A scan is a PDF, a JPEG or a PNG, told by its first bytes, never by the
file's name or the browser's word, and opened only far enough to know that
it is whole: a PDF must end, an image must decode within a pixel limit.
"""

import io
import logging
import warnings

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image

logger = logging.getLogger(__name__)

SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)
PILLOW_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG"}
# A photo of an A4 page from a phone is about 12 million pixels; a scan at
# 600 dpi about 35 million.
MAX_PIXELS = 50_000_000


class ScanRefused(Exception):
    """A scan that was not accepted, with the reason in words."""


def read_scan(upload: UploadedFile, *, max_bytes: int) -> tuple[bytes, str]:
    """The uploaded scan's bytes and content type, or ScanRefused."""
    too_big = _("Berkas lebih dari %(mb)s MB.") % {"mb": max_bytes // (1024 * 1024)}
    if upload.size is not None and upload.size > max_bytes:
        raise ScanRefused(too_big)
    data = b"".join(upload.chunks())
    if len(data) > max_bytes:
        raise ScanRefused(too_big)
    if not data:
        raise ScanRefused(_("Berkas kosong."))
    content_type = next(
        (kind for magic, kind in SIGNATURES if data.startswith(magic)), None
    )
    if content_type is None:
        raise ScanRefused(_("Hanya PDF, JPEG atau PNG yang diterima."))
    _check_content(data, content_type)
    return data, content_type


def _check_content(data: bytes, content_type: str) -> None:
    """Refuse a file that only begins like an accepted type."""
    if content_type == "application/pdf":
        if b"%%EOF" not in data[-2048:]:
            raise ScanRefused(_("Berkas PDF tidak utuh."))
        return

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format != PILLOW_FORMATS[content_type]:
                    raise ScanRefused(_("Isi berkas tidak sesuai jenisnya."))
                if image.width * image.height > MAX_PIXELS:
                    raise ScanRefused(_("Gambar terlalu besar."))
                image.verify()
    except ScanRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ScanRefused(_("Gambar terlalu besar.")) from error
    except (OSError, SyntaxError, ValueError) as error:
        logger.warning("refused an unreadable image: %s", type(error).__name__)
        raise ScanRefused(_("Gambar tidak dapat dibaca.")) from error
