"""Print-ready PDF of a batch of cards, in either layout.

A batch is drawn in two layers. The static layer (bands, emblem, labels, the
instructions on the back, crop marks) is the same on every card and is laid
out once per batch; the data layer (name, NISN, school, numbers, QR code) is
laid out per card, in chunks of WeasyPrint documents. ``LayerStack`` puts each
data page on its static page. Laying out the static parts of a thousand cards
a thousand times was most of the work: see benchmarks/cards_render.py.
"""

import logging
import math
import multiprocessing
import os
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from io import BytesIO
from typing import BinaryIO

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from pypdf import PdfReader
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError

from balangan_pintar.pdf import render_pdf

from .data import CardData, CardIssuer, Layout
from .faces import CardFace, card_face, qr_png
from .fetcher import CardAssetFetcher
from .layers import LayerStack

logger = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int], None]

CARDS_PER_SHEET = 10
SHEET_COLUMNS = 2

# Cards per WeasyPrint document of the data layer. One document for a whole
# batch was no faster on A4 and half again slower for card pages
# (benchmarks/cards_render.py --variants); chunks also give the progress bar
# its steps and let several processes share the work. A multiple of
# CARDS_PER_SHEET, so that a chunk never splits a sheet.
CHUNK_CARDS = 100

TEMPLATES = {
    Layout.A4_SHEETS: "cards/print/a4_sheets.html",
    Layout.CARD_PAGES: "cards/print/card_pages.html",
}


class CardRenderingError(Exception):
    """The PDF could not be made; nothing usable was written."""


@dataclass(frozen=True)
class Layers:
    """Which parts of the cards a document draws."""

    static: bool
    data: bool


ALL_LAYERS = Layers(static=True, data=True)
STATIC_LAYER = Layers(static=True, data=False)
DATA_LAYER = Layers(static=False, data=True)


@dataclass(frozen=True)
class Slot:
    """Where one card face sits on an A4 sheet, counted from the top left.

    ``face`` is ``None`` in the static layer, which draws no holder's data.
    """

    face: CardFace | None
    row: int
    column: int

    @property
    def place(self) -> str:
        """The CSS classes that put the face in its place on the sheet."""
        return f"row-{self.row} col-{self.column}"


@dataclass(frozen=True)
class Sheet:
    number: int
    fronts: list[Slot]
    backs: list[Slot]


def front_position(index: int) -> tuple[int, int]:
    """Row and column of the ``index``-th card of a sheet on the front page."""
    return divmod(index, SHEET_COLUMNS)


def back_position(index: int) -> tuple[int, int]:
    """Row and column of the same card's back on the back page.

    A duplex print flipped on the long edge mirrors the sheet left to right,
    so the back of a card in the left column is printed in the right one.
    """
    row, column = front_position(index)
    return row, SHEET_COLUMNS - 1 - column


def build_sheets(
    faces: Sequence[CardFace | None], first_number: int = 1
) -> list[Sheet]:
    """Group faces into A4 sheets of ten, numbered from ``first_number``."""
    sheets = []
    for offset in range(0, len(faces), CARDS_PER_SHEET):
        group = faces[offset : offset + CARDS_PER_SHEET]
        fronts = [Slot(face, *front_position(i)) for i, face in enumerate(group)]
        backs = [Slot(face, *back_position(i)) for i, face in enumerate(group)]
        sheets.append(Sheet(first_number + offset // CARDS_PER_SHEET, fronts, backs))
    return sheets


def render_cards_html(
    cards: Sequence[CardData],
    layout: Layout,
    issuer: CardIssuer,
    fetcher: CardAssetFetcher,
    layers: Layers = ALL_LAYERS,
    first_sheet: int = 1,
    sheet_count: int | None = None,
) -> str:
    """The HTML of one WeasyPrint document holding ``cards``.

    The cards' QR codes are handed to ``fetcher``, which must be the one that
    renders the HTML. ``first_sheet`` and ``sheet_count`` number the A4
    sheets of a chunk within the whole batch; the card layout ignores them.
    """
    faces = [
        card_face(card, fetcher.add_png(qr_png(card.verify_url))) for card in cards
    ]
    return _render_layout(layout, issuer, layers, faces, first_sheet, sheet_count)


def _render_layout(
    layout: Layout,
    issuer: CardIssuer,
    layers: Layers,
    faces: Sequence[CardFace | None],
    first_sheet: int = 1,
    sheet_count: int | None = None,
) -> str:
    context: dict[str, object] = {"issuer": issuer, "layers": layers, "faces": faces}
    if layout == Layout.A4_SHEETS:
        context["sheets"] = build_sheets(faces, first_sheet)
        context["sheet_count"] = sheet_count or math.ceil(len(faces) / CARDS_PER_SHEET)
    return render_to_string(TEMPLATES[layout], context)


def html_to_pdf(
    html: str,
    fetcher: CardAssetFetcher | None = None,
    font_config: FontConfiguration | None = None,
) -> bytes:
    """Render card HTML to PDF bytes with nothing but the project's static files.

    There is deliberately no base URL: a relative reference that slipped into
    the HTML resolves to nothing instead of to a file next to the process.
    """
    try:
        return render_pdf(
            html, fetcher=fetcher or CardAssetFetcher(), font_config=font_config
        )
    except FatalURLFetchingError as error:
        # WeasyPrint's fatal error is a BaseException, which a Celery worker
        # would treat like a shutdown; turn it into an ordinary failure.
        raise CardRenderingError(str(error)) from error


@dataclass(frozen=True)
class Chunk:
    """A run of cards rendered as one WeasyPrint document of the data layer."""

    cards: Sequence[CardData]
    layout: Layout
    issuer: CardIssuer
    first_sheet: int
    sheet_count: int
    language: str


# Each process that renders chunks keeps one fetcher and one font
# configuration, so that fonts are read and registered once per process.
_process_tools: tuple[CardAssetFetcher, FontConfiguration] | None = None


def _tools() -> tuple[CardAssetFetcher, FontConfiguration]:
    global _process_tools
    if _process_tools is None:
        _process_tools = (CardAssetFetcher(), FontConfiguration())
    return _process_tools


def render_chunk(chunk: Chunk) -> bytes:
    """The data layer of a chunk of cards as PDF bytes."""
    fetcher, font_config = _tools()
    try:
        with translation.override(chunk.language):
            html = render_cards_html(
                chunk.cards,
                chunk.layout,
                chunk.issuer,
                fetcher,
                DATA_LAYER,
                first_sheet=chunk.first_sheet,
                sheet_count=chunk.sheet_count,
            )
            return html_to_pdf(html, fetcher, font_config)
    finally:
        fetcher.forget_generated()


def _start_rendering(
    chunks: list[Chunk], processes: int, resources: ExitStack
) -> Iterator[bytes]:
    """The PDFs of ``chunks`` in order, rendered by up to ``processes``.

    With more than one process every chunk is handed out at once, so that
    the workers are busy while the caller renders the static layer.
    """
    if processes <= 1 or len(chunks) == 1:
        return map(render_chunk, chunks)

    # Forked workers inherit the loaded settings, templates and fonts (the
    # parent's fetcher and font configuration included), and start in
    # milliseconds; a spawned one would set Django up again. On a failure the
    # chunks not yet started are dropped rather than rendered for nothing.
    executor = ProcessPoolExecutor(
        max_workers=min(processes, len(chunks)),
        mp_context=multiprocessing.get_context("fork"),
    )
    resources.callback(executor.shutdown, wait=True, cancel_futures=True)
    return executor.map(render_chunk, chunks)


def render_processes() -> int:
    """How many processes render a batch: ``CARD_RENDER_PROCESSES``, or one
    per CPU the process may use."""
    configured = getattr(settings, "CARD_RENDER_PROCESSES", None)
    if configured:
        return int(configured)
    return len(os.sched_getaffinity(0))


def _static_html(layout: Layout, issuer: CardIssuer, total: int) -> str:
    """The static layer: one page per kind of page the batch has.

    Card pages need a front and a back. A4 needs a full sheet's front and
    back and, when the last sheet is not full, that sheet's front and back,
    which leave the empty places blank.
    """
    if layout == Layout.CARD_PAGES:
        return _render_layout(layout, issuer, STATIC_LAYER, [None])

    faces: list[CardFace | None] = [None] * CARDS_PER_SHEET
    faces += [None] * (total % CARDS_PER_SHEET)
    return _render_layout(layout, issuer, STATIC_LAYER, faces)


def _static_page_index(layout: Layout, page: int, total: int) -> int:
    """The static page that data page ``page`` (from 0) of the batch lies on."""
    side = page % 2
    if layout == Layout.CARD_PAGES:
        return side

    last_sheet = (total - 1) // CARDS_PER_SHEET
    partial = total % CARDS_PER_SHEET != 0
    return 2 + side if partial and page // 2 == last_sheet else side


def render_cards_pdf(
    cards: Sequence[CardData],
    layout: Layout | str,
    out: BinaryIO,
    progress: ProgressCallback | None = None,
    *,
    issuer: CardIssuer | None = None,
    chunk_cards: int = CHUNK_CARDS,
    processes: int | None = None,
) -> int:
    """Write a print-ready PDF of ``cards`` to ``out``; return its page count.

    ``Layout.A4_SHEETS`` gives for every ten cards a front page and a back
    page mirrored for duplex printing (flip on the long edge), with crop
    marks. ``Layout.CARD_PAGES`` gives one page of 85.60 x 53.98 mm per face,
    front then back, card after card.

    ``progress(done, total)`` is called with 0 first and after every chunk
    with the number of cards rendered so far. The cards are printed in the
    project's language (Bahasa Indonesia) whatever language is active: the
    card is an official document of the regency. ``issuer`` defaults to the
    settings and ``processes`` to ``render_processes()``. Raises
    ``CardRenderingError`` when the HTML asked for anything but the project's
    own static files and the renderer's QR images.
    """
    layout = Layout(layout)
    if not cards:
        raise ValueError("no cards to render")
    if chunk_cards < 1 or chunk_cards % CARDS_PER_SHEET:
        raise ValueError("chunk_cards must be a positive multiple of 10")

    issuer = issuer or CardIssuer.from_settings()
    if not (issuer.contact_phone or issuer.contact_email):
        logger.warning("CARD_CONTACT_PHONE and CARD_CONTACT_EMAIL are not set")
    total = len(cards)
    sheet_count = math.ceil(total / CARDS_PER_SHEET)
    started = time.monotonic()
    if progress:
        progress(0, total)

    language = settings.LANGUAGE_CODE
    chunks = [
        Chunk(
            cards[start : start + chunk_cards],
            layout,
            issuer,
            first_sheet=start // CARDS_PER_SHEET + 1,
            sheet_count=sheet_count,
            language=language,
        )
        for start in range(0, total, chunk_cards)
    ]
    with ExitStack() as resources, translation.override(language):
        rendered = _start_rendering(chunks, processes or render_processes(), resources)
        static_pdf = html_to_pdf(_static_html(layout, issuer, total), *_tools())
        stack = LayerStack(static_pdf)

        done = 0
        for chunk, pdf in zip(chunks, rendered, strict=True):
            for page in PdfReader(BytesIO(pdf)).pages:
                stack.add(page, _static_page_index(layout, stack.page_count, total))
            done += len(chunk.cards)
            if progress:
                progress(done, total)

        stack.write(out, title=_("Kartu Balangan Pintar"))

    logger.info(
        "rendered %s cards as %s in %.1f s: %s pages",
        total,
        layout.value,
        time.monotonic() - started,
        stack.page_count,
    )
    return stack.page_count
