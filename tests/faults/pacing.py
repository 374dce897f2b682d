"""Imported by the fault tests' workers (``celery --include``): the work
goes slower, so that a test can kill the worker or restart Redis part-way
through a job. ``FAULTS_PAUSE_SECONDS`` is the pause; the work is otherwise
the real one.

- DTKS matching pauses after a part's matches are stored and before the
  part is counted on the job: the worst moment to die.
- Card rendering renders ten cards per chunk in the worker's own process
  and pauses after each chunk's progress.
"""

import os
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any, BinaryIO

from cards import services as card_services
from cards.rendering import CardData
from students.dtks.engine import MatchResult
from students.dtks.models import Snapshot
from students.dtks.services import matching

PAUSE = float(os.environ.get("FAULTS_PAUSE_SECONDS", "0"))

_write_matches = matching.write_matches
_render_cards_pdf = card_services.render_cards_pdf


def write_matches_then_pause(
    snapshot: Snapshot, results: Iterable[MatchResult]
) -> None:
    _write_matches(snapshot, results)
    time.sleep(PAUSE)


def render_in_small_chunks(
    cards: Sequence[CardData],
    layout: Any,
    out: BinaryIO,
    progress: Callable[[int, int], None] | None = None,
    **options: Any,
) -> int:
    def paced(done: int, total: int) -> None:
        if progress:
            progress(done, total)
        if done < total:
            time.sleep(PAUSE)

    options.update(chunk_cards=10, processes=1)
    return _render_cards_pdf(cards, layout, out, paced, **options)


matching.write_matches = write_matches_then_pause
card_services.render_cards_pdf = render_in_small_chunks  # type: ignore[assignment]
