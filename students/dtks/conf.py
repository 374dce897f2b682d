"""The DTKS settings, read when they are needed, never at import time.

Every value has a default here, so the project's settings module only names
the ones a deployment changes:

``DTKS_MATCH_THRESHOLD``
    lowest score of an automatic match (15.0);
``DTKS_REVIEW_THRESHOLD``
    lowest score worth a verifier's look (9.0);
``DTKS_MATCH_MARGIN``
    how far a match must be ahead of the next person (4.0);
``DTKS_NAME_VETO``
    name similarity (0-100) under which an exact NIK is doubted (60);
``DTKS_REVIEW_CANDIDATES``
    most people shown to the verifier for one student (5);
``DTKS_CORROBORATION``
    weight the mother's name or the desa must add to a match found by name
    and birth date alone (2.0);
``DTKS_MATCH_PARTS``
    parts the district's students are split into, one Celery task each (2);
    each part loads its own share of the register, so more parts than worker
    processes only add work;
``DTKS_UPLOAD_MAX_BYTES``
    largest register extract accepted, in bytes (512 MB).
"""

from django.conf import settings

from .engine import Thresholds

MEGABYTE = 1024 * 1024


def thresholds() -> Thresholds:
    """The matcher's thresholds as the settings give them."""
    default = Thresholds()
    return Thresholds(
        match=float(getattr(settings, "DTKS_MATCH_THRESHOLD", default.match)),
        review=float(getattr(settings, "DTKS_REVIEW_THRESHOLD", default.review)),
        margin=float(getattr(settings, "DTKS_MATCH_MARGIN", default.margin)),
        name_veto=int(getattr(settings, "DTKS_NAME_VETO", default.name_veto)),
        candidates=int(getattr(settings, "DTKS_REVIEW_CANDIDATES", default.candidates)),
        corroboration=float(
            getattr(settings, "DTKS_CORROBORATION", default.corroboration)
        ),
    )


def match_parts() -> int:
    return max(1, int(getattr(settings, "DTKS_MATCH_PARTS", 2)))


def upload_max_bytes() -> int:
    return int(getattr(settings, "DTKS_UPLOAD_MAX_BYTES", 512 * MEGABYTE))
