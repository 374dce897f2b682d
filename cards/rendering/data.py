"""What the card renderer takes: plain values, no models."""

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Layout(models.TextChoices):
    A4_SHEETS = "a4", _("Lembar A4, 10 kartu per lembar (cetak bolak-balik)")
    CARD_PAGES = "card", _("Satu kartu per halaman (printer kartu)")


@dataclass(frozen=True)
class CardData:
    """One card as it is printed.

    ``jenjang`` is printed as given (``SD``, ``MTs``). ``account_number`` is
    the full number; only its last four digits reach the PDF. ``verify_url``
    is the only thing the QR code holds, so it must carry no personal data.
    """

    card_number: str
    name: str
    nisn: str
    school_name: str
    jenjang: str
    year: int
    account_number: str
    verify_url: str
    void: bool = False


@dataclass(frozen=True)
class CardIssuer:
    """Contact details printed on the back of every card.

    Empty values are left off the card rather than replaced by made-up ones.
    """

    contact_phone: str = ""
    contact_email: str = ""

    @classmethod
    def from_settings(cls) -> "CardIssuer":
        """The Dinas's contact details from ``CARD_CONTACT_PHONE`` and
        ``CARD_CONTACT_EMAIL``, read at call time."""
        return cls(
            contact_phone=getattr(settings, "CARD_CONTACT_PHONE", ""),
            contact_email=getattr(settings, "CARD_CONTACT_EMAIL", ""),
        )
