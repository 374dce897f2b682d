"""The card renderer's URL fetcher: the project's static files, as every PDF
of the project may load (``balangan_pintar.pdf``), and under
``generated:<n>.png`` the images the renderer itself made for the document
being rendered (the QR codes)."""

import itertools

from weasyprint.urls import URLFetcherResponse

from balangan_pintar.pdf import RefusedURL, StaticAssetFetcher, static_url

__all__ = ["CardAssetFetcher", "RefusedURL", "static_url"]

GENERATED_SCHEME = "generated:"


class CardAssetFetcher(StaticAssetFetcher):
    def __init__(self) -> None:
        super().__init__()
        self._generated: dict[str, bytes] = {}
        self._generated_count = itertools.count()

    def add_png(self, body: bytes) -> str:
        """Serve ``body`` as a PNG until ``forget_generated``; return its URL."""
        # Never reused, so no image cache can mistake one code for another.
        url = f"{GENERATED_SCHEME}{next(self._generated_count)}.png"
        self._generated[url] = body
        return url

    def forget_generated(self) -> None:
        self._generated.clear()

    def fetch(
        self, url: str, headers: dict[str, str] | None = None
    ) -> URLFetcherResponse:
        if url in self._generated:
            body = self._generated[url]
            return URLFetcherResponse(url, body, {"Content-Type": "image/png"})
        return super().fetch(url, headers)
