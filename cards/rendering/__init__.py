"""Rendering of Kartu Balangan Pintar cards to print-ready PDF.

Takes plain ``CardData`` values, so it needs no database; the service that
issues cards builds them from its models.
"""

from .data import CardData, CardIssuer, Layout
from .faces import mask_account_number
from .fetcher import CardAssetFetcher, RefusedURL
from .pdf import CardRenderingError, render_cards_pdf

__all__ = [
    "CardAssetFetcher",
    "CardData",
    "CardIssuer",
    "CardRenderingError",
    "Layout",
    "RefusedURL",
    "mask_account_number",
    "render_cards_pdf",
]
