"""The only way WeasyPrint may load anything while the project renders a PDF
(cards, the Berita Acara, the Lampiran SK, reports, an audit trail).

Templates and stylesheets name their assets ``static:<path>``, where
``<path>`` is a name the staticfiles finders know (``static:cards/card.css``).
The fetcher serves those from the project's own static directories and
refuses every other URL: ``file:``, ``http:``, ``https:``, ``ftp:`` and
``data:`` alike, and relative references, which resolve to nothing.

``data:`` URLs cannot reach outside the process, but they would let text
that escaped escaping hand the image and font parsers bytes of its own
choosing. Refused, every byte the renderer parses is one of the project's
files (or, for cards, one the renderer generated). An unexpected URL means a
template bug or text that escaped escaping; either way the rendering stops
(``fail_on_errors``) instead of printing a document with a hole in it.
"""

import logging
from pathlib import PurePosixPath
from typing import Any

from django.contrib.staticfiles import finders
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

SCHEME = "static:"

# The kinds of file a document may use; a stylesheet or template that names
# anything else is refused even if the file exists.
CONTENT_TYPES = {
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
}


class RefusedURL(ValueError):
    """Raised for any URL the renderer does not serve."""


def static_url(name: str) -> str:
    """The URL under which a template or stylesheet names a static file."""
    return SCHEME + name


def static_name(url: str) -> str:
    """The static file a ``static:`` URL names; RefusedURL for any other."""
    if not url.startswith(SCHEME):
        # Only the scheme is logged: the rest could be text from a record.
        logger.warning("refused a %s URL while rendering a PDF", _scheme(url))
        raise RefusedURL(f"only static: URLs are served, not {url[:80]!r}")
    name = url.removeprefix(SCHEME)
    parts = PurePosixPath(name).parts
    if not parts or name.startswith("/") or "\\" in name or ".." in parts:
        raise RefusedURL(f"not a plain static file name: {name[:80]!r}")
    if PurePosixPath(name).suffix.lower() not in CONTENT_TYPES:
        raise RefusedURL(f"static file type not allowed: {name[:80]!r}")
    return name


class StaticAssetFetcher(URLFetcher):
    """A WeasyPrint URL fetcher for the project's static files and nothing
    else. Files are read once per fetcher and kept in memory, so rendering
    in chunks with one fetcher does not read the fonts for every chunk."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=(), fail_on_errors=True)
        self._cache: dict[str, tuple[bytes, str]] = {}

    def fetch(
        self, url: str, headers: dict[str, str] | None = None
    ) -> URLFetcherResponse:
        body, content_type = self._cache.get(url) or self._load(url)
        return URLFetcherResponse(url, body, {"Content-Type": content_type})

    def _load(self, url: str) -> tuple[bytes, str]:
        name = static_name(url)
        path = finders.find(name)
        if not isinstance(path, str):
            raise RefusedURL(f"no static file named {name!r}")
        with open(path, "rb") as file:
            loaded = (file.read(), CONTENT_TYPES[PurePosixPath(name).suffix.lower()])
        self._cache[url] = loaded
        return loaded


def render_pdf(
    html: str,
    *,
    fetcher: StaticAssetFetcher | None = None,
    font_config: FontConfiguration | None = None,
    **options: Any,
) -> bytes:
    """The PDF of an HTML document made from the project's templates.
    Without a base URL a relative reference resolves to nothing rather than
    to a file beside the process. A refused URL raises WeasyPrint's
    FatalURLFetchingError."""
    document = HTML(
        string=html, base_url=None, url_fetcher=fetcher or StaticAssetFetcher()
    )
    fonts = font_config or FontConfiguration()
    return bytes(document.write_pdf(font_config=fonts, **options))


def _scheme(url: str) -> str:
    head, colon, _ = url.partition(":")
    return head[:20] if colon and head.isascii() and head.isalpha() else "relative"
