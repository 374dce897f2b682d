"""The files exchanged with Bank Kalsel, on plain dataclasses so that they can
be written, read and tested without the database. docs/bank-format.md
describes the layouts for the bank."""

from .batch import (
    COLUMN_NAMES,
    BatchControl,
    BatchFile,
    BatchHeader,
    BatchRow,
    JenjangTotal,
    batch_control,
    batch_file_stem,
    render_batch_files,
    write_batch_control_csv,
    write_batch_csv,
    write_batch_xlsx,
)
from .cells import neutralise, sha256_of, unneutralise
from .choices import ChangeKind, ProblemCode, ReturnStatus, RowState
from .reconciliation import (
    STEP4_TARGET,
    STEP5_TARGET,
    BatchReconciliation,
    ReconciliationSummary,
    write_reconciliation_xlsx,
)
from .return_check import (
    Change,
    ExpectedBatch,
    ExpectedRow,
    ReturnCheck,
    check_return_file,
)
from .return_file import Problem, ReturnFile, ReturnRow, parse_return_file

__all__ = [
    "COLUMN_NAMES",
    "STEP4_TARGET",
    "STEP5_TARGET",
    "BatchControl",
    "BatchFile",
    "BatchHeader",
    "BatchReconciliation",
    "BatchRow",
    "Change",
    "ChangeKind",
    "ExpectedBatch",
    "ExpectedRow",
    "JenjangTotal",
    "Problem",
    "ProblemCode",
    "ReconciliationSummary",
    "ReturnCheck",
    "ReturnFile",
    "ReturnRow",
    "ReturnStatus",
    "RowState",
    "batch_control",
    "batch_file_stem",
    "check_return_file",
    "neutralise",
    "parse_return_file",
    "render_batch_files",
    "sha256_of",
    "unneutralise",
    "write_batch_control_csv",
    "write_batch_csv",
    "write_batch_xlsx",
    "write_reconciliation_xlsx",
]
