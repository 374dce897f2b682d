"""Counters in Django's cache that limit how often the public status page
may be asked, per client address and per NISN.

Each limit is a fixed window: the first attempt starts it, and it lasts
``seconds`` whatever happens after. Keys hold a keyed hash of the value, so
that the cache never holds a NISN or an address in the clear.

The counters are only as shared as the cache: with the default local-memory
cache each web process counts for itself. A deployment with several
processes sets CACHES to Redis.
"""

import logging
from dataclasses import dataclass

from django.core.cache import cache
from django.utils.crypto import salted_hmac

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limit:
    """At most ``attempts`` within ``seconds`` per value."""

    name: str
    attempts: int
    seconds: int

    def key(self, value: str) -> str:
        digest = salted_hmac("cards.status.throttle", f"{self.name}:{value}")
        return f"kbp:throttle:{self.name}:{digest.hexdigest()[:32]}"

    @property
    def minutes(self) -> int:
        return max(1, self.seconds // 60)


def is_exhausted(limit: Limit, value: str) -> bool:
    """True when ``value`` has used up its attempts in the current window."""
    exhausted = (cache.get(limit.key(value)) or 0) >= limit.attempts
    if exhausted:
        logger.warning("status check refused: %s limit reached", limit.name)
    return exhausted


def hit(limit: Limit, value: str) -> int:
    """Count one attempt for ``value``; the number of attempts so far."""
    key = limit.key(value)
    cache.add(key, 0, timeout=limit.seconds)
    try:
        return int(cache.incr(key))
    except ValueError:
        # The window ended between add and incr: this attempt starts anew.
        cache.set(key, 1, timeout=limit.seconds)
        return 1


def allow(limit: Limit, value: str) -> bool:
    """Count one attempt; False when it goes over the limit."""
    allowed = hit(limit, value) <= limit.attempts
    if not allowed:
        logger.warning("status check refused: %s limit reached", limit.name)
    return allowed
