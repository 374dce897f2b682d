"""What "changes nothing in the database" means: every row of every table,
compared before and after, except the tables where receiving a file
legitimately leaves a record of it."""

from typing import Any

from django.apps import apps

from balangan_pintar.models import AuditEntry

# Receiving a file makes its job and the record of the file (an Upload, a
# DTKS Snapshot left incomplete, a bank ReturnUpload with its problems);
# these are checked by each test on its own. Sessions come from logging in.
RECORDS_OF_THE_FILE = frozenset(
    {
        "balangan_pintar.Job",
        "balangan_pintar.AuditEntry",
        "students.Upload",
        "dtks.Snapshot",
        "bank_exchange.ReturnUpload",
        "sessions.Session",
    }
)

State = dict[str, list[tuple[Any, ...]]]


def database_state() -> State:
    """Every row of every other table, in primary key order."""
    state: State = {}
    for model in apps.get_models():
        label = model._meta.label
        if label in RECORDS_OF_THE_FILE:
            continue
        state[label] = list(model._base_manager.order_by("pk").values_list())
    return state


def changed_tables(before: State, after: State) -> list[str]:
    """The tables whose rows differ, for a readable failure."""
    return sorted(label for label in before if before[label] != after[label])


def audit_actions_since(last_pk: int) -> list[str]:
    return list(
        AuditEntry.objects.filter(pk__gt=last_pk)
        .order_by("pk")
        .values_list("action", flat=True)
    )


def last_audit_pk() -> int:
    entry = AuditEntry.objects.order_by("-pk").first()
    return entry.pk if entry is not None else 0
