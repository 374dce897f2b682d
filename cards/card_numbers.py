"""Card numbers of the Kartu Balangan Pintar.

A card number reads ``KBP-2026-000123-8``: the programme, the year the card
was issued, a six-digit serial and one check digit. It is short enough to read
aloud over the telephone and to type back from a photocopy.

The check digit is computed with the Damm algorithm over the ten digits of
year and serial. Damm detects every single-digit error and every transposition
of two adjacent digits; the Luhn formula of bank cards misses the transposition
09 <-> 90, which a serial such as 000900 would invite. Verhoeff detects the same
errors as Damm but needs three tables and a position-dependent permutation;
Damm needs one table and nothing else, which makes it easier to check by hand
and to reimplement in a spreadsheet at the bank.

Allocation of serials (unique, never reused) belongs to the database layer;
this module only formats, parses and checks.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

PREFIX = "KBP"
SERIAL_DIGITS = 6
MAX_SERIAL = 10**SERIAL_DIGITS - 1

# The totally anti-symmetric quasigroup of order 10 that H. Michael Damm gave
# in his 2004 thesis; row is the interim digit, column the next input digit.
_DAMM_TABLE = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)

# Whatever people put between the parts when they type a number back: hyphens,
# dashes, spaces, dots or slashes.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015./]+")
_COMPACT = re.compile(r"(?:KBP)?(\d{4})(\d{6})(\d)")


class InvalidCardNumber(ValueError):
    """Raised for text that is not a well-formed card number."""


@dataclass(frozen=True)
class CardNumber:
    year: int
    serial: int
    check_digit: int

    def __str__(self) -> str:
        serial = str(self.serial).zfill(SERIAL_DIGITS)
        return f"{PREFIX}-{self.year:04d}-{serial}-{self.check_digit}"


def damm_digit(digits: str) -> int:
    """The Damm check digit of a string of decimal digits.

    A string followed by its own check digit gives 0, which is how
    ``is_valid_card_number`` checks a whole number in one pass.
    """
    interim = 0
    for char in digits:
        interim = _DAMM_TABLE[interim][int(char)]
    return interim


def _payload(year: int, serial: int) -> str:
    return f"{year:04d}" + str(serial).zfill(SERIAL_DIGITS)


def format_card_number(year: int, serial: int) -> str:
    """The card number for a serial of a year, e.g. ``KBP-2026-000123-8``.

    Raises ``ValueError`` for a year outside 1000-9999 or a serial outside
    1-999999: such a number could not be read back.
    """
    if not 1000 <= year <= 9999:
        raise ValueError(f"year must have four digits, got {year!r}")
    if not 1 <= serial <= MAX_SERIAL:
        raise ValueError(f"serial must be between 1 and {MAX_SERIAL}, got {serial!r}")

    check = damm_digit(_payload(year, serial))
    return str(CardNumber(year, serial, check))


def parse_card_number(text: str) -> CardNumber:
    """Read a card number as people write or say it back.

    Case, spaces and the separators between the parts do not matter, and the
    ``KBP`` prefix may be left out: ``kbp 2026 000123 8`` and
    ``2026-000123-8`` both read as ``KBP-2026-000123-8``. Raises
    ``InvalidCardNumber`` when the text has the wrong shape or the check
    digit does not match, since either means a misread number.
    """
    compact = _SEPARATORS.sub("", str(text)).upper()
    match = _COMPACT.fullmatch(compact)
    if match is None:
        raise InvalidCardNumber(
            _("Nomor kartu harus berbentuk KBP-TTTT-NNNNNN-K, misalnya %(example)s.")
            % {"example": format_card_number(2026, 123)}
        )

    year_text, serial_text, check_text = match.groups()
    if damm_digit(year_text + serial_text + check_text) != 0:
        raise InvalidCardNumber(
            _("Nomor kartu %(number)s salah ketik: digit pemeriksanya tidak cocok.")
            % {"number": f"{PREFIX}-{year_text}-{serial_text}-{check_text}"}
        )

    serial = int(serial_text)
    if serial == 0 or int(year_text) < 1000:
        raise InvalidCardNumber(_("Nomor kartu tidak pernah diterbitkan."))
    return CardNumber(int(year_text), serial, int(check_text))


def is_valid_card_number(text: str) -> bool:
    """True when ``text`` reads as a card number whose check digit matches."""
    try:
        parse_card_number(text)
    except InvalidCardNumber:
        return False
    return True
