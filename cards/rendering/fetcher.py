"""The only way WeasyPrint may load anything while rendering cards.

Card templates name their assets as ``static:<path>``, where ``<path>`` is a
name the staticfiles finders know (``static:cards/card.css``). The fetcher
serves those from the project's own static directories, and under
``generated:<n>.png`` the images the renderer itself made for the document
being rendered (the QR codes). It refuses every other URL: ``file:``,
``http:``, ``https:``, ``ftp:`` and ``data:`` alike.

``data:`` URLs cannot reach outside the process, but they would let text
that escaped escaping hand the image and font parsers bytes of its own
choosing. Refused, every byte the renderer parses is one of the project's
files or one it generated. An unexpected URL means a template bug or text
that escaped escaping; either way the render stops (``fail_on_errors``)
instead of printing a thousand cards with a hole in them.
"""

import itertools
import logging
from pathlib import PurePosixPath

from django.contrib.staticfiles import finders
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

SCHEME = "static:"
GENERATED_SCHEME = "generated:"

# The kinds of file a card may use; a stylesheet or template that names
# anything else is refused even if the file exists.
ALLOWED_TYPES = {
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
}


class RefusedURL(ValueError):
    """Raised for any URL the card renderer does not serve."""


def static_url(name: str) -> str:
    """The URL under which a template or stylesheet names a static file."""
    return SCHEME + name


class CardAssetFetcher(URLFetcher):
    """A WeasyPrint URL fetcher for the project's static files and the
    renderer's own generated images, and nothing else.

    Static files are read once per fetcher and kept in memory, so that
    rendering in chunks with one fetcher does not read the fonts from disk
    for every chunk.
    """

    def __init__(self) -> None:
        super().__init__(allowed_protocols=(), fail_on_errors=True)
        self._cache: dict[str, tuple[bytes, str]] = {}
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
            body, content_type = self._generated[url], "image/png"
        else:
            body, content_type = self._cache.get(url) or self._load(url)
        return URLFetcherResponse(url, body, {"Content-Type": content_type})

    def _load(self, url: str) -> tuple[bytes, str]:
        name = self._static_name(url)
        path = finders.find(name)
        if not path or isinstance(path, list):
            raise RefusedURL(f"no static file named {name!r}")

        with open(path, "rb") as file:
            loaded = (file.read(), ALLOWED_TYPES[PurePosixPath(name).suffix.lower()])
        self._cache[url] = loaded
        return loaded

    def _static_name(self, url: str) -> str:
        if not url.startswith(SCHEME):
            # Only the scheme is logged: the rest could be text from a record.
            logger.warning("refused a %s URL while rendering cards", _scheme(url))
            raise RefusedURL(f"only static: URLs are served, not {url[:80]!r}")

        name = url.removeprefix(SCHEME)
        parts = PurePosixPath(name).parts
        if not parts or name.startswith("/") or "\\" in name or ".." in parts:
            raise RefusedURL(f"not a plain static file name: {name[:80]!r}")
        if PurePosixPath(name).suffix.lower() not in ALLOWED_TYPES:
            raise RefusedURL(f"static file type not allowed on cards: {name[:80]!r}")
        return name


def _scheme(url: str) -> str:
    head, colon, _ = url.partition(":")
    return head[:20] if colon and head.isascii() and head.isalpha() else "relative"
