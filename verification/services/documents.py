"""Supporting documents a school attaches to its candidates (the village's
SKTM), checked as every scan is (``balangan_pintar.scans``) and kept under
MEDIA_ROOT with a name the server makes."""

import hashlib
import uuid
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest
from django.utils.translation import gettext as _

from balangan_pintar.audit import record
from balangan_pintar.scans import ScanRefused, read_scan
from students.models import Candidate, Status

from ..models import DocumentKind, SupportingDocument

MAX_BYTES = 5 * 1024 * 1024
# Statuses in which the school may still add documents: before and while
# the Dinas verifies, and when a candidate comes back for correction.
OPEN_STATUSES = (Status.DRAFT, Status.SUBMITTED, Status.RETURNED)


class DocumentRefused(Exception):
    """An upload that was not kept, with the reason in words."""


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
    try:
        data, content_type = read_scan(upload, max_bytes=MAX_BYTES)
    except ScanRefused as refusal:
        raise DocumentRefused(str(refusal)) from refusal

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
