"""The only ways to change a bank batch, its rows and the bank's answers.

Views and other apps call these; each checks the rules, changes the records
in one transaction, moves the candidates through students.services.pipeline
and writes the audit trail.
"""

from .answers import bank_rejected, open_account, reject_row, requeue_bank_rejected
from .batches import (
    Availability,
    Download,
    availability,
    available_candidates,
    batch_totals,
    create_batch,
    discard_batch,
    record_download,
    send_batch,
    snapshot_of,
)
from .common import (
    BankExchangeRefused,
    account_number_problem,
    opening_date_problem,
    refresh_batch_state,
)
from .reconciliation import (
    PeriodReconciliation,
    ReconciliationLine,
    reconcile_batch,
    reconcile_period,
    reconciliation_xlsx,
    step_targets,
)
from .returns import (
    ApplyResult,
    ReturnFileRefused,
    apply_return_file,
    preview_return_file,
    store_return_file,
)

__all__ = [
    "ApplyResult",
    "Availability",
    "BankExchangeRefused",
    "Download",
    "PeriodReconciliation",
    "ReconciliationLine",
    "ReturnFileRefused",
    "account_number_problem",
    "apply_return_file",
    "availability",
    "available_candidates",
    "bank_rejected",
    "batch_totals",
    "create_batch",
    "discard_batch",
    "open_account",
    "opening_date_problem",
    "preview_return_file",
    "reconcile_batch",
    "reconcile_period",
    "reconciliation_xlsx",
    "record_download",
    "refresh_batch_state",
    "reject_row",
    "requeue_bank_rejected",
    "send_batch",
    "snapshot_of",
    "step_targets",
    "store_return_file",
]
