"""The renderer loads nothing but the project's own static files and the QR
images it made itself: hostile text prints as text and fetches nothing."""

from io import BytesIO

import pytest
from pypdf import PdfReader

from cards.rendering import (
    CardAssetFetcher,
    CardData,
    CardRenderingError,
    Layout,
    RefusedURL,
    render_cards_pdf,
)
from cards.rendering.pdf import html_to_pdf
from cards.tests.test_rendering import ISSUER, make_card

HOSTILE = {
    "name": '<img src="file:///etc/passwd">',
    "school_name": '<style>@import "file:///etc/passwd";</style>',
    "jenjang": '<svg><image href="file:///etc/shadow"/></svg>',
    "nisn": '"><link rel=stylesheet href=http://evil.invalid/a.css>',
    "card_number": "</div><iframe src=https://evil.invalid/>",
    "verify_url": "file:///etc/passwd",
}


class SpyFetcher:
    """Records every URL a CardAssetFetcher is asked for, in this process."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.urls: list[str] = []
        fetch = CardAssetFetcher.fetch

        def spy(
            fetcher: CardAssetFetcher, url: str, headers: dict[str, str] | None = None
        ) -> object:
            self.urls.append(url)
            return fetch(fetcher, url, headers)

        monkeypatch.setattr(CardAssetFetcher, "fetch", spy)


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> SpyFetcher:
    return SpyFetcher(monkeypatch)


def render_text(cards: list[CardData], layout: Layout) -> list[str]:
    out = BytesIO()
    render_cards_pdf(cards, layout, out, issuer=ISSUER, processes=1)
    return [page.extract_text() for page in PdfReader(out).pages]


@pytest.mark.parametrize("layout", list(Layout))
def test_hostile_text_prints_as_text_and_fetches_nothing(
    spy: SpyFetcher, layout: Layout
) -> None:
    card = make_card(1, **HOSTILE)

    front, back, *_ = render_text([card], layout)

    assert spy.urls
    assert all(url.startswith(("static:", "generated:")) for url in spy.urls)
    assert not [url for url in spy.urls if "etc/" in url or "evil" in url]
    assert HOSTILE["name"].upper() in front
    assert HOSTILE["school_name"] in front
    assert HOSTILE["jenjang"] in front
    assert HOSTILE["card_number"] in back


def test_html_asking_for_a_local_file_stops_the_render(spy: SpyFetcher) -> None:
    html = '<html><body><img src="file:///etc/passwd"></body></html>'

    with pytest.raises(CardRenderingError):
        html_to_pdf(html)

    assert spy.urls == ["file:///etc/passwd"]


def test_a_relative_reference_resolves_to_nothing(spy: SpyFetcher) -> None:
    # No base URL: WeasyPrint cannot turn this into a path next to the
    # process, so nothing is asked for at all.
    html = '<html><body><img src="../../../etc/passwd">x</body></html>'

    assert html_to_pdf(html).startswith(b"%PDF")
    assert spy.urls == []


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "http://evil.invalid/a.png",
        "https://evil.invalid/a.css",
        "ftp://evil.invalid/a.ttf",
        "data:image/png;base64,iVBORw0KGgo=",
        "data:text/css,body{}",
        "/etc/passwd",
        "cards/card.css",
        "static:",
        "static:/etc/passwd",
        "static:../balangan_pintar/settings.py",
        "static:cards/../../balangan_pintar/settings.py",
        "static:cards/..\\..\\balangan_pintar\\settings.py",
        "static:fonts/PlusJakartaSans-OFL.txt",
        "static:cards/no-such-file.css",
        "generated:0.png",
    ],
)
def test_the_fetcher_refuses_everything_but_static_files(url: str) -> None:
    with pytest.raises(RefusedURL):
        CardAssetFetcher().fetch(url)


def test_the_fetcher_serves_static_files_and_its_own_images() -> None:
    fetcher = CardAssetFetcher()
    url = fetcher.add_png(b"\x89PNG fake")

    css = fetcher.fetch("static:cards/card.css")
    image = fetcher.fetch(url)

    assert css.content_type == "text/css"
    assert b"@font-face" in css.read()
    assert image.content_type == "image/png"
    assert image.read() == b"\x89PNG fake"


def test_generated_images_are_forgotten_after_their_document() -> None:
    fetcher = CardAssetFetcher()
    url = fetcher.add_png(b"\x89PNG fake")

    fetcher.forget_generated()

    with pytest.raises(RefusedURL):
        fetcher.fetch(url)
