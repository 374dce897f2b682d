"""Supporting documents a school attaches to its candidates (the village's
SKTM). The type is read from the content, never from the file's name or the
browser's word; the file is kept under MEDIA_ROOT with a name the server
makes."""

import hashlib
import io
import logging
import uuid
import warnings
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest
from django.utils.translation import gettext as _
from PIL import Image

from balangan_pintar.audit import record
from students.models import Candidate, Status

from ..models import DocumentKind, SupportingDocument

logger = logging.getLogger(__name__)

MAX_BYTES = 5 * 1024 * 1024
# A scan of an A4 page at 300 dpi has about 9 million pixels.
MAX_PIXELS = 40_000_000
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)
PILLOW_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG"}
# Statuses in which the school may still add documents: before and while
# the Dinas verifies, and when a candidate comes back for correction.
OPEN_STATUSES = (Status.DRAFT, Status.SUBMITTED, Status.RETURNED)


class DocumentRefused(Exception):
    """An upload that was not kept, with the reason in words."""


def sniff(data: bytes) -> str | None:
    """The content type the bytes begin with, among those accepted."""
    return next((kind for magic, kind in SIGNATURES if data.startswith(magic)), None)


def check_content(data: bytes, content_type: str) -> None:
    """Refuse a file that only begins like an accepted type."""
    if content_type == "application/pdf":
        if b"%%EOF" not in data[-2048:]:
            raise DocumentRefused(_("Berkas PDF tidak utuh."))
        return

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format != PILLOW_FORMATS[content_type]:
                    raise DocumentRefused(_("Isi berkas tidak sesuai jenisnya."))
                if image.width * image.height > MAX_PIXELS:
                    raise DocumentRefused(_("Gambar terlalu besar."))
                image.verify()
    except DocumentRefused:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        logger.warning("refused an unreadable image upload: %s", type(error).__name__)
        raise DocumentRefused(_("Gambar tidak dapat dibaca.")) from error
    except Image.DecompressionBombWarning as error:
        raise DocumentRefused(_("Gambar terlalu besar.")) from error


def read_upload(upload: UploadedFile) -> bytes:
    if upload.size is not None and upload.size > MAX_BYTES:
        raise DocumentRefused(_("Berkas lebih dari 5 MB."))
    data = b"".join(upload.chunks())
    if len(data) > MAX_BYTES:
        raise DocumentRefused(_("Berkas lebih dari 5 MB."))
    if not data:
        raise DocumentRefused(_("Berkas kosong."))
    return data


def store_document(
    candidate: Candidate,
    upload: UploadedFile,
    *,
    actor: Any,
    kind: DocumentKind = DocumentKind.SKTM,
    request: HttpRequest | None = None,
) -> SupportingDocument:
    """Check and keep one document for the candidate."""
    if candidate.status not in OPEN_STATUSES:
        raise DocumentRefused(
            _("Dokumen hanya dapat ditambahkan sebelum keputusan Dinas.")
        )
    data = read_upload(upload)
    content_type = sniff(data)
    if content_type is None:
        raise DocumentRefused(_("Hanya PDF, JPEG atau PNG yang diterima."))
    check_content(data, content_type)

    document = SupportingDocument(
        candidate=candidate,
        kind=kind,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=actor,
    )
    name = f"{uuid.uuid4().hex}.{document.extension}"
    document.file.save(name, ContentFile(data), save=False)
    document.save()

    record(
        request or actor,
        "document.upload",
        document,
        student_id=candidate.student_id,
        kind=str(kind),
        size=len(data),
    )
    return document
