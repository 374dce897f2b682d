"""The signed token in a card's QR code, and the URL that carries it.

The token holds the card's primary key and nothing else: no name, no NISN,
not even the card number. Signed with the project's secret key under a salt
of its own, it cannot be forged or turned into another card's token, and a
token made for any other purpose of the project does not read as one.
"""

import logging

from django.conf import settings
from django.core import signing
from django.urls import reverse

logger = logging.getLogger(__name__)

SALT = "cards.verify"
DEFAULT_PUBLIC_BASE_URL = "http://127.0.0.1:8000"


def make_token(card_id: int) -> str:
    """The same token for a card every time: without a timestamp, a card
    printed again carries the same code, and the code stays short."""
    return signing.Signer(salt=SALT).sign_object(card_id)


def read_token(token: str) -> int | None:
    """The card id a token names; None for a token that was not made here
    or was changed."""
    try:
        value = signing.Signer(salt=SALT).unsign_object(token)
    except signing.BadSignature:
        logger.warning("refused a card token with a bad signature")
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        return None
    return value


def public_base_url() -> str:
    """Where the public pages are reached from outside, e.g.
    ``https://kbp.balangankab.go.id``; read at call time."""
    base = getattr(settings, "PUBLIC_BASE_URL", DEFAULT_PUBLIC_BASE_URL)
    return str(base).rstrip("/")


def verify_url(card_id: int) -> str:
    """The absolute URL of a card's verification page, as the QR code
    holds it."""
    path = reverse("cards:verify", kwargs={"token": make_token(card_id)})
    return public_base_url() + path
