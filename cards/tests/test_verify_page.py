"""The public verification page a card's QR code opens: valid or void, the
holder's masked name, school and year, and nothing else; forged and changed
tokens are refused, and a client asking too often is slowed down."""

import shutil
import subprocess
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import User
from django.core import signing
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from bank_exchange.models import BankBatch

from ..handover.lookup import token_in
from ..models import Card
from ..rendering import Layout, render_cards_pdf
from ..services import card_data, card_for_token, issue_cards, mask_name, reissue_card
from ..signing import SALT, make_token, verify_url
from .test_issue_cards import batch, media_root

__all__ = ["batch", "media_root"]

PDFTOPPM = shutil.which("pdftoppm")
ZBARIMG = shutil.which("zbarimg")


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def card(batch: BankBatch, bank_officer: User) -> Card:
    return issue_cards(batch, bank_officer).issued[0]


def page_for(client: Client, url: str) -> tuple[int, str]:
    response = client.get(urlsplit(url).path)
    return response.status_code, response.content.decode()


def test_a_valid_card_shows_its_masked_holder_school_and_year(
    client: Client, card: Card
) -> None:
    card.candidate.student.name = "Ahmad Rifai"
    card.candidate.student.save()

    status, html = page_for(client, verify_url(card.pk))

    assert status == 200
    assert "Kartu sah" in html
    assert "Ah*** Ri***" in html
    assert "Ahmad" not in html
    assert card.candidate.school.name in html
    assert "2026" in html
    assert card.candidate.student.nisn not in html
    assert card.number not in html
    assert "no-store" in client.get(urlsplit(verify_url(card.pk)).path)["Cache-Control"]


def test_a_voided_card_verifies_as_void(
    client: Client, card: Card, bank_officer: User
) -> None:
    new = reissue_card(card, "kartu hilang", bank_officer)

    old_status, old_html = page_for(client, verify_url(card.pk))
    new_status, new_html = page_for(client, verify_url(new.pk))

    assert old_status == 200
    assert "Kartu sudah dibatalkan" in old_html
    assert "Kartu sah" not in old_html
    assert "Kartu sah" in new_html and new_status == 200


def test_a_tampered_token_is_refused(client: Client, card: Card) -> None:
    token = make_token(card.pk)
    _value, signature = token.split(":", 1)
    other = signing.b64_encode(b"2").decode()
    forged = [
        f"{other}:{signature}",
        token[:-1] + ("A" if token[-1] != "A" else "B"),
        signing.dumps(card.pk, salt="another.purpose"),
        "bukan-token",
    ]

    for token in forged:
        status, html = page_for(client, reverse("cards:verify", args=[token]))

        assert status == 404
        assert "bukan Kartu Balangan Pintar yang sah" in html
        assert card_for_token(token) is None


def test_the_token_holds_only_the_card_id(card: Card) -> None:
    assert signing.Signer(salt=SALT).unsign_object(make_token(card.pk)) == card.pk


def test_the_verify_url_uses_the_public_base_url(card: Card, settings: object) -> None:
    settings.PUBLIC_BASE_URL = "https://kbp.balangankab.example/"  # type: ignore[attr-defined]

    url = verify_url(card.pk)

    assert url.startswith("https://kbp.balangankab.example/kartu/cek/")
    assert card_for_token(str(token_in(url))) == card


def test_the_page_is_rate_limited_per_client(client: Client, card: Card) -> None:
    path = urlsplit(verify_url(card.pk)).path

    codes = [client.get(path).status_code for _ in range(31)]
    other = Client(REMOTE_ADDR="10.0.0.9").get(path)

    assert codes[:30] == [200] * 30
    assert codes[30] == 429
    assert other.status_code == 200


def test_names_are_masked_word_by_word() -> None:
    assert mask_name("Ahmad Rifai") == "Ah*** Ri***"
    assert mask_name("  siti  nur   aisyah ") == "si*** nu*** ai***"
    assert mask_name("A") == "A***"


@pytest.mark.skipif(
    not (PDFTOPPM and ZBARIMG),
    reason="needs pdftoppm (poppler-utils) and zbarimg (zbar-tools)",
)
def test_the_printed_qr_code_opens_the_verification_page(
    client: Client, card: Card, tmp_path: Path
) -> None:
    assert PDFTOPPM and ZBARIMG
    out = BytesIO()
    render_cards_pdf([card_data(card)], Layout.CARD_PAGES, out, processes=1)
    source = tmp_path / "card.pdf"
    source.write_bytes(out.getvalue())
    prefix = tmp_path / "front"
    paths = [str(source), str(prefix)]

    # Fixed tools found on PATH, arguments made here: nothing from outside.
    subprocess.run(  # noqa: S603
        [PDFTOPPM, "-r", "300", "-png", "-singlefile", "-f", "1", "-l", "1", *paths],
        check=True,
    )
    found = subprocess.run(  # noqa: S603
        [ZBARIMG, "--raw", "-q", "-Sdisable", "-Sqrcode.enable", f"{prefix}.png"],
        capture_output=True,
        text=True,
        check=False,
    )

    (url,) = found.stdout.splitlines()
    status, html = page_for(client, url)
    assert url == verify_url(card.pk)
    assert status == 200
    assert "Kartu sah" in html
