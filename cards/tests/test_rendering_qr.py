"""The QR code on a rendered card decodes to the card's verification URL and
nothing else. Needs pdftoppm (poppler-utils) and zbarimg (zbar-tools)."""

import shutil
import subprocess
from io import BytesIO
from pathlib import Path

import pytest

from cards.rendering import CardData, Layout, render_cards_pdf
from cards.tests.test_rendering import ISSUER, make_card

PDFTOPPM = shutil.which("pdftoppm")
ZBARIMG = shutil.which("zbarimg")

pytestmark = pytest.mark.skipif(
    not (PDFTOPPM and ZBARIMG),
    reason="needs pdftoppm (poppler-utils) and zbarimg (zbar-tools)",
)

# As long as a verification URL with a signed token is likely to be.
LONG_URL = "https://kbp.balangankab.example/kartu/cek/" + "eyJjIjoxMjM0NTZ9" * 4


def decode_page(pdf: bytes, page: int, dpi: int, tmp_path: Path) -> list[str]:
    """The contents of every QR code on one page, rasterised at ``dpi``."""
    assert PDFTOPPM and ZBARIMG
    source = tmp_path / "cards.pdf"
    source.write_bytes(pdf)
    prefix = tmp_path / f"page-{page}-{dpi}"

    # Fixed tools found on PATH, arguments made here: nothing from outside.
    pages = ["-f", str(page), "-l", str(page)]
    subprocess.run(  # noqa: S603
        [PDFTOPPM, "-r", str(dpi), "-png", "-singlefile", *pages, source, prefix],
        check=True,
    )
    found = subprocess.run(  # noqa: S603
        [ZBARIMG, "--raw", "-q", "-Sdisable", "-Sqrcode.enable", f"{prefix}.png"],
        capture_output=True,
        text=True,
        check=False,
    )
    return found.stdout.splitlines()


def render(cards: list[CardData], layout: Layout) -> bytes:
    out = BytesIO()
    render_cards_pdf(cards, layout, out, issuer=ISSUER, processes=1)
    return out.getvalue()


@pytest.fixture(scope="module")
def card_pdf() -> bytes:
    return render([make_card(1, verify_url=LONG_URL)], Layout.CARD_PAGES)


@pytest.mark.parametrize("dpi", [150, 300, 600])
def test_the_qr_code_decodes_to_the_verification_url(
    card_pdf: bytes, dpi: int, tmp_path: Path
) -> None:
    assert decode_page(card_pdf, 1, dpi, tmp_path) == [LONG_URL]


def test_the_back_carries_no_code(card_pdf: bytes, tmp_path: Path) -> None:
    assert decode_page(card_pdf, 2, 300, tmp_path) == []


def test_every_code_on_an_a4_sheet_decodes_to_its_own_card(tmp_path: Path) -> None:
    cards = [make_card(n) for n in range(1, 11)]

    pdf = render(cards, Layout.A4_SHEETS)

    decoded = decode_page(pdf, 1, 300, tmp_path)
    assert sorted(decoded) == sorted(card.verify_url for card in cards)
