"""The few pieces of SQL that differ between PostgreSQL and SQLite.

The step times are computed in one raw statement (a window function feeding
an aggregate), which the ORM cannot express; table and column names come
from the models' metadata so that a renamed field fails loudly here.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import Field, Model


def table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def column(model: type[Model], name: str) -> str:
    field = model._meta.get_field(name)
    if not isinstance(field, Field) or field.column is None:
        raise TypeError(f"{model.__name__}.{name} is not a column")
    return connection.ops.quote_name(field.column)


def epoch_seconds(expression: str) -> str:
    """Whole seconds since the Unix epoch of a timestamp column.

    The statements using this are always executed with parameters, so a
    literal percent sign is written doubled.
    """
    if connection.vendor == "postgresql":
        # date_part gives a double; EXTRACT a numeric, several times slower.
        return f"FLOOR(date_part('epoch', {expression}))::bigint"
    if connection.vendor == "sqlite":
        # Django keeps SQLite timestamps as UTC text.
        return f"CAST(strftime('%%s', {expression}) AS INTEGER)"
    raise NotImplementedError(connection.vendor)


def fence() -> str:
    """A clause that stops the planner from merging a subquery into the one
    around it, so that the subquery's computed columns are computed once:
    OFFSET 0 on PostgreSQL, LIMIT -1 (no limit) on SQLite."""
    return "OFFSET 0" if connection.vendor == "postgresql" else "LIMIT -1"


def timestamp(moment: datetime) -> Any:
    """A datetime as the database compares it with a stored one."""
    return connection.ops.adapt_datetimefield_value(moment)


def fetch(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@contextmanager
def aggregate_settings() -> Iterator[None]:
    """On PostgreSQL, a transaction for the reports' big aggregates with JIT
    compilation off (it costs more than it saves on a query of a tenth of a
    second: measured 37 ms of 160) and room to sort 100,000 durations in
    memory rather than on disk. Elsewhere, nothing."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('jit', 'off', true), "
                "set_config('work_mem', '32MB', true)"
            )
        yield
