"""Finding the card an operator has in hand: from its number typed in, or
from its QR code scanned with the phone's camera.

The QR code holds only the URL of the public verification page, with a
signed token in it; the card verification code (``cards.services``) makes
and reads that token, and is asked which card a token names.
"""

import logging
from importlib import import_module
from urllib.parse import parse_qs, urlsplit

from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from ..card_numbers import InvalidCardNumber, parse_card_number
from ..models import Card, CardQuerySet

logger = logging.getLogger(__name__)

# The function of the verification code that reads a QR token.
TOKEN_READER = ("cards.services", "card_for_token")


class CardNotFound(Exception):
    """No card of the user's list answers to the text, with the reason."""


def find_card(text: str, cards: CardQuerySet) -> Card:
    """The card among ``cards`` that ``text`` names, a card number or a
    scanned verification URL.

    A card that exists but is not among ``cards`` is not found either, with
    the same words, so that the answer tells nothing about other schools.
    """
    text = text.strip()
    token = token_in(text)
    if token is not None:
        card = read_token(token)
        if card is None:
            raise CardNotFound(_("Kode QR ini bukan Kartu Balangan Pintar yang sah."))
        found = cards.filter(pk=card.pk).first()
    else:
        try:
            number = parse_card_number(text)
        except InvalidCardNumber as error:
            raise CardNotFound(str(error)) from error
        found = cards.filter(number=str(number)).first()

    if found is None:
        raise CardNotFound(_("Kartu ini tidak ada di daftar penyerahan Anda."))
    return found


def token_in(url: str) -> str | None:
    """The token of a verification URL: the ``token`` of the page it
    resolves to, else a ``token`` or ``t`` in its query string."""
    if not url.lower().startswith(("http://", "https://", "/")):
        return None
    parts = urlsplit(url)
    try:
        token = resolve(parts.path).kwargs.get("token")
    except Resolver404:
        token = None
    if token:
        return str(token)
    query = parse_qs(parts.query)
    found = query.get("token") or query.get("t")
    return found[0] if found else None


def read_token(token: str) -> Card | None:
    """The card a QR token names, by the verification code's own reader;
    None for a token it refuses, or while no reader is installed."""
    module_name, function_name = TOKEN_READER
    try:
        reader = getattr(import_module(module_name), function_name)
    except (ImportError, AttributeError):
        logger.warning("no QR token reader installed: scanned codes cannot be read")
        return None
    card = reader(token)
    return card if isinstance(card, Card) else None
