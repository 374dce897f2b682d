"""The values printed on the two faces of a card, prepared for the templates."""

import logging
from dataclasses import dataclass
from io import BytesIO

import segno
from PIL import Image

from .data import CardData

logger = logging.getLogger(__name__)

MASK = "\u2022\u2022\u2022\u2022"
QR_MASK = 2
QR_SCALE = 4
QR_DARK = 0x14
QR_LIGHT = 0xFF

# Name lengths past which the name is set smaller; beyond the last it wraps
# onto a second line. Measured on the card at 85.6 mm with the shipped font.
NAME_SIZES = ((22, "name-l"), (28, "name-m"), (34, "name-s"))
SCHOOL_SIZES = ((30, "school-l"), (38, "school-m"))


@dataclass(frozen=True)
class CardFace:
    """One card as the templates see it: every value a ready string."""

    card_number: str
    name: str
    name_size: str
    nisn: str
    school_name: str
    school_size: str
    jenjang: str
    year: str
    account_masked: str
    qr_url: str
    void: bool


def mask_account_number(account_number: str) -> str:
    """The account number with all but its last four digits hidden.

    Always two groups of dots and the last four digits (``•••• •••• 1234``),
    whatever the length, so the card does not tell the length either. A value
    with fewer than five digits is hidden completely: showing four of four
    would print the whole number.
    """
    digits = "".join(ch for ch in account_number if "0" <= ch <= "9")
    if len(digits) < 5:
        logger.warning("account number too short to mask, printed fully masked")
        return " ".join([MASK] * 3)
    return f"{MASK} {MASK} {digits[-4:]}"


def qr_png(url: str) -> bytes:
    """A QR code holding ``url`` and nothing else, as a greyscale PNG.

    Error correction level M survives a scuffed or partly covered card. The
    quiet zone is the white panel around the image.

    A PNG rather than segno's SVG: WeasyPrint parses SVG path data in Python
    and took about 19 ms to draw one code, more than the whole time budget of
    a card, where the PNG takes well under 1 ms (benchmarks/cards_render.py).
    Greyscale, because WeasyPrint embeds an 8-bit greyscale PNG as it is and
    converts and re-encodes any other kind. Four pixels per module, drawn with
    ``image-rendering: pixelated``: viewers that honour it print sharp
    squares, and poppler, which smooths any image enlarged less than four
    times whatever the PDF asks, still gets edges sharp enough to decode at
    150 dpi (the tests decode rendered cards).

    The mask pattern is fixed: scoring all eight, as segno does by default,
    took four fifths of the time of making a code, and every decoder reads
    all eight.
    """
    code = segno.make(url, error="m", micro=False, mask=QR_MASK)
    size = len(code.matrix)
    pixels = bytes(
        QR_DARK if module else QR_LIGHT for row in code.matrix for module in row
    )
    image = Image.frombytes("L", (size, size), pixels)
    image = image.resize((size * QR_SCALE, size * QR_SCALE), Image.Resampling.NEAREST)

    # The fastest compression: the image is a few kilobytes either way.
    buffer = BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def _size_class(text: str, sizes: tuple[tuple[int, str], ...], longest: str) -> str:
    for limit, css_class in sizes:
        if len(text) <= limit:
            return css_class
    return longest


def card_face(card: CardData, qr_url: str) -> CardFace:
    """The printable values of one card; ``qr_url`` is where its QR image is."""
    name = " ".join(card.name.split())
    school_name = " ".join(card.school_name.split())
    return CardFace(
        card_number=card.card_number,
        name=name,
        name_size=_size_class(name, NAME_SIZES, "name-xs"),
        nisn=card.nisn,
        school_name=school_name,
        school_size=_size_class(school_name, SCHOOL_SIZES, "school-s"),
        jenjang=card.jenjang,
        year=f"{card.year:04d}",
        account_masked=mask_account_number(card.account_number),
        qr_url=qr_url,
        void=card.void,
    )
