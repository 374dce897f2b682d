"""The handover pages: who sees which cards, recording from the list and
from a card's page, finding a card by number or QR code, the register."""

import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from balangan_pintar.models import Period
from cards.card_numbers import format_card_number
from cards.handover.models import Handover, HandoverRegister
from cards.models import Card, CardState
from conftest import PASSWORD
from students.models import Candidate, School, Status

from .delivery_data import printed_card

pytestmark = [pytest.mark.django_db, pytest.mark.urls("cards.tests.urls_delivery")]

LIST = "cards:handover-list"


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def cards(
    school_a: School, school_b: School, period: Period, verifier: User
) -> dict[str, Card]:
    return {
        "a1": printed_card(school_a, period, verifier, "0013000001", name="Siti A"),
        "a2": printed_card(school_a, period, verifier, "0013000002", name="Rina A"),
        "b1": printed_card(school_b, period, verifier, "0013000003", name="Budi B"),
    }


def logged_in(client: Client, user: User) -> Client:
    assert client.login(username=user.username, password=PASSWORD)
    return client


def handover_form(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "outcome": "delivered",
        "handed_on": timezone.localdate().isoformat(),
        "received_by": "student",
        "receiver_name": "",
        "handed_by_name": "Pak Rahman",
        "handed_by_role": "school_operator",
        "reason": "",
        "note": "",
    }
    data.update(changes)
    return data


def test_operator_sees_only_their_school_cards(
    client: Client, operator_a: User, cards: dict[str, Card]
) -> None:
    page = logged_in(client, operator_a).get(reverse(LIST))

    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    text = page.content.decode()
    assert cards["a1"].number in text
    assert cards["a2"].number in text
    assert cards["b1"].number not in text
    # Scripts come from files only: the Content Security Policy allows no
    # inline script.
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", text) == []
    assert "cards/handover/handover.js" in text
    # Date fields are filled with today in the form a date input reads.
    assert f'value="{timezone.localdate().isoformat()}"' in text


def test_dinas_admin_sees_every_school_then_one(
    client: Client, dinas_admin: User, school_b: School, cards: dict[str, Card]
) -> None:
    client = logged_in(client, dinas_admin)

    overview = client.get(reverse(LIST)).content.decode()
    one = client.get(reverse(LIST), {"sekolah": school_b.pk}).content.decode()

    assert "SDN 1 Paringin" in overview
    assert "SMPN 1 Juai" in overview
    assert cards["b1"].number in one
    assert cards["a1"].number not in one


def test_bulk_handover_from_the_list(
    client: Client, operator_a: User, cards: dict[str, Card]
) -> None:
    ids = [cards["a1"].pk, cards["a2"].pk]

    answer = logged_in(client, operator_a).post(
        reverse(LIST), {**handover_form(), "cards": ids}
    )

    assert answer.status_code == 302
    assert set(Card.objects.filter(pk__in=ids).values_list("state", flat=True)) == {
        CardState.DELIVERED
    }
    assert set(
        Candidate.objects.filter(cards__pk__in=ids).values_list("status", flat=True)
    ) == {Status.DELIVERED}


def test_bulk_with_another_schools_card_changes_nothing(
    client: Client, operator_a: User, cards: dict[str, Card]
) -> None:
    answer = logged_in(client, operator_a).post(
        reverse(LIST), {**handover_form(), "cards": [cards["a1"].pk, cards["b1"].pk]}
    )

    assert answer.status_code == 200
    assert not Handover.objects.exists()
    assert Card.objects.get(pk=cards["b1"].pk).state == CardState.PRINTED


def test_undelivered_from_the_card_page_stays_visible(
    client: Client, operator_a: User, cards: dict[str, Card]
) -> None:
    client = logged_in(client, operator_a)
    card = cards["a1"]
    url = reverse("cards:handover-card", args=[card.pk])

    missing_reason = client.post(url, handover_form(outcome="undelivered"))
    answer = client.post(
        url, handover_form(outcome="undelivered", reason="moved_away", received_by="")
    )

    assert missing_reason.status_code == 200
    assert answer.status_code == 302
    assert Card.objects.get(pk=card.pk).state == CardState.UNDELIVERED
    listed = client.get(reverse(LIST), {"keadaan": "undelivered"}).content.decode()
    assert card.number in listed
    assert "Pindah alamat atau pindah sekolah" in listed
    assert cards["a2"].number not in listed


def test_another_schools_operator_gets_404(
    client: Client, operator_b: User, operator_a: User, cards: dict[str, Card]
) -> None:
    card = cards["a1"]
    register = HandoverRegister.objects.create(
        school=card.candidate.school, period=card.period, sequence=1
    )
    client = logged_in(client, operator_b)

    assert client.get(reverse("cards:handover-card", args=[card.pk])).status_code == 404
    assert (
        client.post(
            reverse("cards:handover-card", args=[card.pk]), handover_form()
        ).status_code
        == 404
    )
    for name in ("cards:handover-register-pdf", "cards:handover-register-scan"):
        assert client.get(reverse(name, args=[register.pk])).status_code == 404
    upload = reverse("cards:handover-register-upload", args=[register.pk])
    assert client.post(upload).status_code == 404
    assert Card.objects.get(pk=card.pk).state == CardState.PRINTED


@pytest.mark.parametrize("name", ["bank_officer", "verifier", "kepala"])
def test_other_roles_are_refused(
    name: str, client: Client, cards: dict[str, Card], request: pytest.FixtureRequest
) -> None:
    client = logged_in(client, request.getfixturevalue(name))
    card = cards["a1"]

    assert client.get(reverse(LIST)).status_code == 403
    assert client.get(reverse("cards:handover-card", args=[card.pk])).status_code == 403
    lookup = client.post(reverse("cards:handover-lookup"), {"code": card.number})
    assert lookup.status_code == 403


def test_signed_out_visitor_is_sent_to_sign_in(client: Client) -> None:
    answer = client.get(reverse(LIST))

    assert answer.status_code == 302
    assert answer["Location"].startswith(reverse("login"))


def test_lookup_by_typed_number(
    client: Client, operator_a: User, cards: dict[str, Card]
) -> None:
    client = logged_in(client, operator_a)
    card = cards["a1"]
    page = reverse("cards:handover-card", args=[card.pk])
    spoken = card.number.lower().replace("-", " ")

    typed = client.post(reverse("cards:handover-lookup"), {"code": spoken})
    asked = client.post(
        reverse("cards:handover-lookup"),
        {"code": card.number},
        headers={"accept": "application/json"},
    )

    assert typed.status_code == 302
    assert typed["Location"] == page
    assert asked.json() == {"url": page}


def test_lookup_of_another_schools_card_answers_as_for_no_card(
    client: Client, operator_a: User, cards: dict[str, Card]
) -> None:
    client = logged_in(client, operator_a)
    json = {"accept": "application/json"}
    other = cards["b1"].number
    unknown = format_card_number(2026, 999_999)
    misread = other[:-1] + str((int(other[-1]) + 1) % 10)

    theirs = client.post(
        reverse("cards:handover-lookup"), {"code": other}, headers=json
    )
    nobody = client.post(
        reverse("cards:handover-lookup"), {"code": unknown}, headers=json
    )
    typo = client.post(
        reverse("cards:handover-lookup"), {"code": misread}, headers=json
    )

    assert theirs.status_code == nobody.status_code == typo.status_code == 404
    away = client.post(
        reverse("cards:handover-lookup"),
        {"code": unknown, "back": "https://elsewhere.example/"},
    )
    assert away["Location"] == reverse(LIST)
    assert theirs.json() == nobody.json()
    assert "digit pemeriksanya tidak cocok" in typo.json()["error"]


def fake_token_reader(token: str) -> Card | None:
    """Stands in for the verification code's reader: the token is the
    card's number backwards."""
    return Card.objects.filter(number=token[::-1]).first()


def test_lookup_by_scanned_qr_url(
    client: Client,
    operator_a: User,
    cards: dict[str, Card],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(
        "cards.handover.lookup.TOKEN_READER",
        ("cards.tests.test_handover_views", "fake_token_reader"),
    )
    client = logged_in(client, operator_a)
    json = {"accept": "application/json"}

    def scanned(card: Card) -> str:
        return f"https://kbp.example.invalid/kartu/cek/?t={card.number[::-1]}"

    ours = client.post(
        reverse("cards:handover-lookup"), {"code": scanned(cards["a2"])}, headers=json
    )
    theirs = client.post(
        reverse("cards:handover-lookup"), {"code": scanned(cards["b1"])}, headers=json
    )
    forged = client.post(
        reverse("cards:handover-lookup"),
        {"code": "https://kbp.example.invalid/kartu/cek/?t=bogus"},
        headers=json,
    )

    assert ours.json() == {"url": reverse("cards:handover-card", args=[cards["a2"].pk])}
    assert theirs.status_code == 404
    assert forged.status_code == 404


def test_register_print_download_and_scan(
    client: Client, operator_a: User, school_a: School, cards: dict[str, Card]
) -> None:
    client = logged_in(client, operator_a)

    printed = client.post(reverse("cards:handover-register-new"))
    register = HandoverRegister.objects.get()
    pdf = client.get(printed["Location"])
    upload = client.post(
        reverse("cards:handover-register-upload", args=[register.pk]),
        {"file": SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n%%EOF\n")},
    )
    scan = client.get(reverse("cards:handover-register-scan", args=[register.pk]))

    assert printed["Location"] == reverse(
        "cards:handover-register-pdf", args=[register.pk]
    )
    assert register.school == school_a
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    assert "no-store" in pdf["Cache-Control"]
    assert upload.status_code == 302
    assert scan.content == b"%PDF-1.4\n%%EOF\n"
    assert scan["Content-Type"] == "application/pdf"


def test_arrival_from_the_list(
    client: Client, operator_a: User, cards: dict[str, Card]
) -> None:
    client = logged_in(client, operator_a)
    ids = [cards["a1"].pk]

    answer = client.post(
        reverse("cards:handover-arrived"),
        {"cards": ids, "arrived_on": timezone.localdate().isoformat()},
    )

    assert answer.status_code == 302
    assert Card.objects.get(pk=cards["a1"].pk).state == CardState.AT_SCHOOL
    assert Card.objects.get(pk=cards["a2"].pk).state == CardState.PRINTED
