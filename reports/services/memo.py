"""Reports kept in the cache between readings.

Everything the reports count comes from the stage events, which are only
ever added, never changed. The highest event id is therefore a cheap mark
of the pipeline's state: a report is kept under that mark (with its other
inputs and the language it was written in) and computed again as soon as
a candidate moves, or once ``REPORTS_CACHE_SECONDS`` have passed, which
bounds how long a change that writes no event (a new upload, a DTKS match)
takes to show.
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
    """The id of the newest stage event: one lookup at the end of an index."""
    return StageEvent.objects.aggregate(mark=Max("pk"))["mark"] or 0


def remember(name: str, inputs: tuple[object, ...], build: Callable[[], T]) -> T:
    """``build()``, or what it returned for the same inputs while no
    candidate has moved since."""
    seconds = settings.REPORTS_CACHE_SECONDS
    if seconds <= 0:
        return build()
    parts = (name, get_language(), events_mark(), *inputs)
    key = "reports:" + hashlib.sha256(repr(parts).encode()).hexdigest()
    found: T | None = cache.get(key)
    if found is not None:
        return found
    value = build()
    cache.set(key, value, seconds)
    return value
