"""The Berita Acara Serah Terima: what the PDF says, which cards it lists,
and the signed scan kept with it."""

import io
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from balangan_pintar.models import Period
from cards.handover.models import (
    HandedByRole,
    HandoverOutcome,
    HandoverRegister,
    Receiver,
    UndeliveredReason,
)
from cards.handover.register import (
    RegisterRefused,
    prepare_register,
    render_register_pdf,
    store_register_scan,
)
from cards.handover.services import HandoverDetails, record_handover
from cards.models import Card
from students.models import School

from .delivery_data import printed_card

pytestmark = pytest.mark.django_db

A4 = (595.28, 841.89)
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def pdf_text(pdf: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(pdf))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("L", (40, 30), 255).save(out, format="PNG")
    return out.getvalue()


def handover(card: Card, actor: User, outcome: HandoverOutcome, **fields: Any) -> None:
    details = HandoverDetails(
        outcome=outcome,
        handed_on=timezone.localdate(),
        handed_by_name="Pak Rahman",
        handed_by_role=HandedByRole.SCHOOL_OPERATOR,
        **fields,
    )
    record_handover(card, details, actor=actor)


def test_register_pdf_has_title_school_cards_and_signatures(
    school_a: School,
    school_b: School,
    period: Period,
    verifier: User,
    operator_a: User,
) -> None:
    ours = [
        printed_card(school_a, period, verifier, f"00120000{n:02d}") for n in range(3)
    ]
    theirs = printed_card(school_b, period, verifier, "0012000099", name="Lain")

    register = prepare_register(school_a, period, actor=operator_a)
    reader, text = pdf_text(render_register_pdf(register))

    page = reader.pages[0]
    assert (
        round(float(page.mediabox.width), 2),
        round(float(page.mediabox.height), 2),
    ) == A4
    assert "BERITA ACARA SERAH TERIMA" in text
    assert "KARTU BALANGAN PINTAR" in text
    assert "SDN 1 Paringin" in text
    assert "30304001" in text
    assert "067.2/31/DIDIKBUD" in text
    assert "KBP 2026" in text
    assert register.number == "01/BA-KBP/30304001/2026"
    assert register.number in text
    for card in ours:
        assert card.number in text
        assert card.candidate.student.nisn in text
    assert theirs.number not in text
    assert "Tanda tangan" in text
    assert "Kepala Sekolah" in text
    assert "NIP" in text
    assert "Jumlah: 3 kartu" in text


def test_hostile_name_prints_as_text_and_fetches_nothing(
    school_a: School, period: Period, verifier: User, operator_a: User
) -> None:
    printed_card(
        school_a,
        period,
        verifier,
        "0012000001",
        name="<img src='file:///etc/passwd'> Budi",
    )

    register = prepare_register(school_a, period, actor=operator_a)
    _, text = pdf_text(render_register_pdf(register))

    assert "<img" in text
    assert "root:" not in text


def test_register_shows_the_recorded_receiver(
    school_a: School, period: Period, verifier: User, operator_a: User
) -> None:
    card = printed_card(school_a, period, verifier, "0012000001")
    handover(
        card,
        operator_a,
        HandoverOutcome.DELIVERED,
        received_by=Receiver.PARENT,
        receiver_name="Ibu Salmah",
    )

    register = prepare_register(school_a, period, actor=operator_a)
    _, text = pdf_text(render_register_pdf(register))

    assert "Orang tua: Ibu Salmah" in text


def test_printing_again_refreshes_the_open_register(
    school_a: School, period: Period, verifier: User, operator_a: User
) -> None:
    printed_card(school_a, period, verifier, "0012000001")
    first = prepare_register(school_a, period, actor=operator_a)
    later = printed_card(school_a, period, verifier, "0012000002")

    again = prepare_register(school_a, period, actor=operator_a)

    assert again.pk == first.pk
    assert again.sequence == 1
    assert later in again.cards.all()


def test_after_the_scan_the_next_register_lists_what_remains(
    school_a: School, period: Period, verifier: User, operator_a: User
) -> None:
    given, missed, waiting = (
        printed_card(school_a, period, verifier, f"00120000{n:02d}") for n in range(3)
    )
    first = prepare_register(school_a, period, actor=operator_a)
    handover(given, operator_a, HandoverOutcome.DELIVERED, received_by=Receiver.STUDENT)
    handover(
        missed,
        operator_a,
        HandoverOutcome.UNDELIVERED,
        reason=UndeliveredReason.NOT_FOUND,
    )
    store_register_scan(
        first, SimpleUploadedFile("ba.pdf", PDF_BYTES), actor=operator_a
    )

    second = prepare_register(school_a, period, actor=operator_a)

    assert second.pk != first.pk
    assert second.sequence == 2
    assert set(second.cards.all()) == {missed, waiting}
    assert set(first.cards.all()) == {given, missed, waiting}


def test_no_register_without_printed_cards(
    school_a: School, period: Period, operator_a: User
) -> None:
    with pytest.raises(RegisterRefused):
        prepare_register(school_a, period, actor=operator_a)

    assert not HandoverRegister.objects.exists()


@pytest.mark.parametrize(
    ("content", "content_type"),
    [(PDF_BYTES, "application/pdf"), (png_bytes(), "image/png")],
)
def test_scan_is_kept_under_a_server_made_name(
    content: bytes,
    content_type: str,
    school_a: School,
    period: Period,
    verifier: User,
    operator_a: User,
    media_root: Path,
) -> None:
    printed_card(school_a, period, verifier, "0012000001")
    register = prepare_register(school_a, period, actor=operator_a)

    store_register_scan(
        register,
        SimpleUploadedFile("Siti Rahmah BA.pdf", content, "text/plain"),
        actor=operator_a,
    )

    register.refresh_from_db()
    assert register.is_signed
    assert register.scan_content_type == content_type
    assert register.scan_size == len(content)
    assert "Siti" not in str(register.scan.name)
    assert Path(register.scan.path).is_relative_to(media_root)
    assert Path(register.scan.path).read_bytes() == content


@pytest.mark.parametrize(
    "content",
    [
        b"hello, this is not a scan",
        b"\x89PNG\r\n\x1a\nnot really a picture",
        b"%PDF-1.4 cut off before its end",
        b"",
    ],
)
def test_scan_that_is_not_what_it_claims_is_refused(
    content: bytes, school_a: School, period: Period, verifier: User, operator_a: User
) -> None:
    printed_card(school_a, period, verifier, "0012000001")
    register = prepare_register(school_a, period, actor=operator_a)

    with pytest.raises(RegisterRefused):
        store_register_scan(
            register, SimpleUploadedFile("scan.png", content), actor=operator_a
        )

    register.refresh_from_db()
    assert not register.is_signed


def test_scan_over_the_size_limit_is_refused(
    settings: Any, school_a: School, period: Period, verifier: User, operator_a: User
) -> None:
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    printed_card(school_a, period, verifier, "0012000001")
    register = prepare_register(school_a, period, actor=operator_a)
    big = PDF_BYTES[:-6] + b" " * (1024 * 1024) + b"%%EOF\n"

    with pytest.raises(RegisterRefused, match="1 MB"):
        store_register_scan(
            register, SimpleUploadedFile("ba.pdf", big), actor=operator_a
        )
