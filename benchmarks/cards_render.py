"""Time the rendering of a batch of cards in both layouts.

Usage::

    .venv/bin/python benchmarks/cards_render.py
    .venv/bin/python benchmarks/cards_render.py --cards 1000 --variants

Makes up ``--cards`` cards (not timed) and times ``render_cards_pdf`` in the
A4 and the card-printer layout as the Celery job runs it: the data layer in
chunks of 100 cards on one process per CPU, the static layer once. Each is
compared with bare WeasyPrint rendering a document of the same size: one
plain bordered box per card face on the same pages (the ratio's
denominator). Wall time is the target (1,000 cards in at most 20 s); CPU
time, of this process and its workers, is printed too because it is steadier
on a shared machine, and so is the load average, which says whether the
machine was shared.

With ``--variants`` it also times what the chosen design was measured
against: the data layer as one big document instead of chunks, on one
process, and (extrapolated from 100 cards) every card drawn whole, without
the static layer; and the QR code as segno's SVG against the PNG.
"""

import argparse
import logging
import os
import resource
import sys
import time
from collections.abc import Callable
from functools import partial
from io import BytesIO
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent

NAMES = [
    "Ahmad Rizky Pratama",
    "Siti Nurhaliza",
    "Muhammad Fajar Ramadhani Saputra",
    "Nur Aisyah Putri Ramadhani",
    "Dewi Lestari",
    "Rahmat Hidayat",
]
SCHOOLS = [
    "SD Negeri 1 Paringin",
    "MTs Negeri 1 Balangan",
    "SD Negeri 2 Paringin Selatan",
    "Madrasah Ibtidaiyah Swasta Nurul Hidayah Batu Mandi",
    "SMP Negeri 3 Lampihong",
]


def say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def cpu_seconds() -> float:
    """CPU time of this process and of its finished child processes."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(work: Callable[[], object]) -> tuple[float, float]:
    """Wall and CPU seconds that ``work`` took."""
    cpu = cpu_seconds()
    started = time.perf_counter()
    work()
    return time.perf_counter() - started, cpu_seconds() - cpu


def make_cards(count: int) -> list:
    from cards.card_numbers import format_card_number
    from cards.rendering import CardData

    # As long as a verification URL carrying a signed token is likely to be.
    token = "eyJjIjoxMjM0NTZ9" * 4
    return [
        CardData(
            card_number=format_card_number(2026, serial),
            name=NAMES[serial % len(NAMES)],
            nisn=str(3100000000 + serial),
            school_name=SCHOOLS[serial % len(SCHOOLS)],
            jenjang="SD",
            year=2026,
            account_number=f"0012345{serial:05d}",
            verify_url=f"https://kbp.balangankab.example/cek/{token}{serial:06d}",
        )
        for serial in range(1, count + 1)
    ]


def bare_html(cards: int, layout: str) -> str:
    """One plain box per card face, on pages like the real layout's."""
    box = "width:85.6mm;height:53.98mm;border:0.3mm solid #000;position:absolute"
    if layout == "card":
        style = (
            "@page{size:85.6mm 53.98mm;margin:0}"
            ".p{position:relative;height:53.98mm}.p+.p{break-before:page}"
        )
        body = f'<div class="p"><div style="{box}"></div></div>' * (2 * cards)
        return f"<html><style>{style}</style><body>{body}</body></html>"

    slots = []
    for index in range(10):
        row, column = divmod(index, 2)
        left, top = 19.4 + column * 85.6, 13.55 + row * 53.98
        slots.append(f'<div style="{box};left:{left:.2f}mm;top:{top:.2f}mm"></div>')
    style = (
        "@page{size:A4;margin:0}.s{position:relative;height:297mm}"
        ".s+.s{break-before:page}"
    )
    sheet = '<div class="s">' + "".join(slots) + "</div>"
    body = sheet * (2 * -(-cards // 10))
    return f"<html><style>{style}</style><body>{body}</body></html>"


def bare_pdf(html: str) -> None:
    from weasyprint import HTML

    HTML(string=html).write_pdf()


def render(cards: list, layout: str, **options: Any) -> None:
    from cards.rendering import CardIssuer, render_cards_pdf

    issuer = CardIssuer("(0000) 000000", "kbp@example.invalid")
    render_cards_pdf(cards, layout, BytesIO(), issuer=issuer, **options)


def whole_cards(cards: list, layout: str) -> None:
    """The design without its static layer: every card drawn whole."""
    from django.utils import translation

    from cards.rendering import CardAssetFetcher, CardIssuer, Layout
    from cards.rendering.pdf import ALL_LAYERS, html_to_pdf, render_cards_html

    fetcher = CardAssetFetcher()
    issuer = CardIssuer("(0000) 000000", "kbp@example.invalid")
    with translation.override("id"):
        html = render_cards_html(cards, Layout(layout), issuer, fetcher, ALL_LAYERS)
        html_to_pdf(html, fetcher)


def qr_documents(urls: list[str], fetcher: object) -> dict[str, str]:
    """A document of QR codes as segno's inline SVG, and the same as the PNG
    images the cards use, served by ``fetcher``."""
    import segno

    from cards.rendering.faces import QR_MASK, qr_png

    svgs = [
        segno.make(url, error="m", mask=QR_MASK).svg_inline(border=0, omitsize=True)
        for url in urls
    ]
    images = [
        f'<img style="width:16.8mm;image-rendering:pixelated" src="{src}">'
        for src in (fetcher.add_png(qr_png(url)) for url in urls)  # type: ignore[attr-defined]
    ]
    documents = {}
    for name, codes in (("SVG", svgs), ("PNG", images)):
        boxes = "".join(
            f'<div style="width:16.8mm;height:16.8mm">{c}</div>' for c in codes
        )
        documents[name] = f"<html><body>{boxes}</body></html>"
    return documents


def qr_pdf(html: str, fetcher: object) -> None:
    from weasyprint import HTML

    HTML(string=html, url_fetcher=fetcher).write_pdf()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=1000)
    parser.add_argument("--variants", action="store_true", help="time alternatives")
    arguments = parser.parse_args()

    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "balangan_pintar.settings")
    import django

    django.setup()
    for name in ("weasyprint", "fontTools", "cards"):
        logging.getLogger(name).setLevel(logging.ERROR)

    from cards.rendering import CardAssetFetcher
    from cards.rendering.pdf import render_processes

    count = arguments.cards
    cards = make_cards(count)
    load = os.getloadavg()[0]
    say(
        f"{count} cards, {os.cpu_count()} CPUs, {render_processes()} render "
        f"processes, load average {load:.1f} before the first run"
    )

    for layout, label in (("a4", "A4 sheets"), ("card", "card pages")):
        bare_wall, bare_cpu = timed(partial(bare_pdf, bare_html(count, layout)))
        wall, cpu = timed(partial(render, cards, layout))
        say(
            f"{label:<10}  cards {wall:6.1f} s wall {cpu:6.1f} s CPU"
            f" | bare boxes {bare_wall:5.1f} s wall {bare_cpu:5.1f} s CPU"
            f" | ratio {wall / bare_wall:4.1f} x wall"
        )

    if not arguments.variants:
        return

    one_document = -(-count // 10) * 10
    for layout in ("a4", "card"):
        variants = {
            "chunks of 100, 1 process": {"processes": 1},
            "one document, 1 process": {"processes": 1, "chunk_cards": one_document},
        }
        for name, options in variants.items():
            wall, cpu = timed(partial(render, cards, layout, **options))
            say(f"{layout:<5} {name:<30} {wall:6.1f} s wall {cpu:6.1f} s CPU")

        wall, cpu = timed(partial(whole_cards, cards[:100], layout))
        scale = count / 100
        say(
            f"{layout:<5} {'whole cards, 1 process':<30} {wall * scale:6.1f} s wall "
            f"{cpu * scale:6.1f} s CPU (100 cards, times {scale:.0f})"
        )

    fetcher = CardAssetFetcher()
    urls = [card.verify_url for card in cards[:100]]
    for name, html in qr_documents(urls, fetcher).items():
        wall, cpu = timed(partial(qr_pdf, html, fetcher))
        say(f"QR drawn as {name}: {cpu * 1000 / len(urls):.1f} ms CPU per code")


if __name__ == "__main__":
    main()
