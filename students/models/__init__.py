from .candidates import (
    FINAL_STATUSES,
    STATUS_BITS,
    TRANSITIONS,
    WAITING_AT_STEP,
    Candidate,
    StageEvent,
    Status,
    Submission,
)
from .schools import Kecamatan, School, SchoolOperator
from .students import Gender, Student
from .uploads import Upload

__all__ = [
    "FINAL_STATUSES",
    "STATUS_BITS",
    "TRANSITIONS",
    "WAITING_AT_STEP",
    "Candidate",
    "Gender",
    "Kecamatan",
    "School",
    "SchoolOperator",
    "StageEvent",
    "Status",
    "Student",
    "Submission",
    "Upload",
]
