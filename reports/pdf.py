"""PDF rendering of reports with WeasyPrint, allowed to load nothing but the
project's own static files.

Templates name static files the usual way (``{% static %}``), and the HTML
is rendered against a base URL on a reserved, never resolvable host; the
fetcher serves URLs under that host's STATIC_URL from the staticfiles
finders and refuses everything else (other hosts, ``file:``, ``data:``), so
that text from a record that escaped escaping cannot make the renderer read
a local file or call out to the network. A refusal stops the rendering.
"""

import logging
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

# RFC 2606 reserves .invalid: this host never resolves to anything.
BASE_URL = "https://kbp-static.invalid/"

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
    pass


def static_name(url: str) -> str:
    """The static file name a URL asks for; RefusedURL for any other URL."""
    parts = urlsplit(url)
    prefix = "/" + settings.STATIC_URL.strip("/") + "/"
    origin = urlsplit(BASE_URL)
    if (parts.scheme, parts.netloc) != (origin.scheme, origin.netloc):
        # Only the scheme is logged: the rest could be text from a record.
        logger.warning("refused a %s URL while rendering a report", parts.scheme)
        raise RefusedURL("only the project's static files are served")
    if not parts.path.startswith(prefix) or parts.query:
        raise RefusedURL("not a static file URL")

    name = unquote(parts.path.removeprefix(prefix))
    path = PurePosixPath(name)
    if not name or ".." in path.parts or "\\" in name or name.startswith("/"):
        raise RefusedURL("not a plain static file name")
    if path.suffix.lower() not in CONTENT_TYPES:
        raise RefusedURL("file type not allowed in reports")
    return name


def read_static(name: str) -> bytes:
    """A static file's bytes: from the collected files, where names carry
    the hashes that {% static %} adds in production, else from the apps'
    and project's static directories as in development."""
    if staticfiles_storage.exists(name):
        with staticfiles_storage.open(name) as file:
            return bytes(file.read())
    found = finders.find(name)
    if not isinstance(found, str):
        raise RefusedURL("no such static file")
    with open(found, "rb") as file:
        return file.read()


class StaticFilesFetcher(URLFetcher):
    def __init__(self) -> None:
        super().__init__(allowed_protocols=("https",), fail_on_errors=True)

    def fetch(
        self, url: str, headers: dict[str, str] | None = None
    ) -> URLFetcherResponse:
        name = static_name(url)
        body = read_static(name)
        content_type = CONTENT_TYPES[PurePosixPath(name).suffix.lower()]
        return URLFetcherResponse(url, body, {"Content-Type": content_type})


def render_pdf(html: str, **options: Any) -> bytes:
    """The PDF of an HTML document made from the project's templates."""
    fonts = FontConfiguration()
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticFilesFetcher())
    return bytes(document.write_pdf(font_config=fonts, **options))
