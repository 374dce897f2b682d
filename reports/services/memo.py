"""Reports kept in the cache between readings.

Everything the reports count comes from the stage events, which are only
ever added, never changed, and the candidates those events moved. Two ways
of keeping a report follow from that:

- ``remember`` keeps a result under the id of the newest stage event: one
  lookup at the end of an index, and the result is computed again as soon
  as any candidate moves. The dashboard's step times are kept this way.
- ``kept`` keeps a result until it is replaced or ``REPORTS_CACHE_SECONDS``
  have passed; the worker replaces it shortly after each burst of moves
  (``reports.signals``), so a reader is not the one who waits for it. The
  progress report is kept this way and prints the moment it was made.

Both key on the language, since the results hold translated labels.
"""

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db.models import Max
from django.utils.translation import get_language

from students.models import StageEvent

T = TypeVar("T")


def events_mark() -> int:
    """The id of the newest stage event."""
    return StageEvent.objects.aggregate(mark=Max("pk"))["mark"] or 0


def _key(*parts: object) -> str:
    return (
        "reports:" + hashlib.sha256(repr((get_language(), *parts)).encode()).hexdigest()
    )


def _get_or_build(key: str, build: Callable[[], T]) -> T:
    seconds = settings.REPORTS_CACHE_SECONDS
    if seconds <= 0:
        return build()
    found: T | None = cache.get(key)
    if found is not None:
        return found
    value = build()
    cache.set(key, value, seconds)
    return value


def remember(name: str, inputs: tuple[object, ...], build: Callable[[], T]) -> T:
    """``build()``, or what it returned for the same inputs while no
    candidate has moved since."""
    if settings.REPORTS_CACHE_SECONDS <= 0:
        return build()
    return _get_or_build(_key(name, events_mark(), *inputs), build)


def kept(name: str, inputs: tuple[object, ...], build: Callable[[], T]) -> T:
    """What was last kept for these inputs, else ``build()``, kept."""
    return _get_or_build(_key(name, *inputs), build)


def keep(name: str, inputs: tuple[object, ...], value: object) -> None:
    """Replace what is kept for these inputs."""
    seconds = settings.REPORTS_CACHE_SECONDS
    if seconds > 0:
        cache.set(_key(name, *inputs), value, seconds)
