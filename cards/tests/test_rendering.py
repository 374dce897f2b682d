"""The card PDF: page sizes and counts in both layouts, where the faces sit,
what is printed, and progress. Pure rendering, no database."""

from io import BytesIO

import pytest
from pypdf import PageObject, PdfReader

from cards.card_numbers import format_card_number
from cards.rendering import (
    CardData,
    CardIssuer,
    Layout,
    mask_account_number,
    render_cards_pdf,
)
from cards.rendering.pdf import back_position, front_position

A4 = (595.28, 841.89)
ID1 = (242.65, 153.01)
DOTS = "\u2022" * 4
ISSUER = CardIssuer(contact_phone="(0000) 000000", contact_email="kbp@example.invalid")


def make_card(serial: int, **changes: object) -> CardData:
    """A card with plausible made-up data; ``changes`` replace fields."""
    values: dict[str, object] = {
        "card_number": format_card_number(2026, serial),
        "name": f"Siswa Nomor {serial}",
        "nisn": str(3100000000 + serial),
        "school_name": f"SD Negeri {serial % 7 + 1} Paringin",
        "jenjang": "SD",
        "year": 2026,
        "account_number": f"00123{serial:05d}",
        "verify_url": f"https://kbp.example.invalid/cek/{serial:06d}-Zm9vYmFy",
    }
    values.update(changes)
    return CardData(**values)  # type: ignore[arg-type]


def render(cards: list[CardData], layout: Layout, **options: object) -> PdfReader:
    out = BytesIO()
    options.setdefault("issuer", ISSUER)
    options.setdefault("processes", 1)
    pages = render_cards_pdf(cards, layout, out, **options)  # type: ignore[arg-type]
    reader = PdfReader(BytesIO(out.getvalue()))
    assert len(reader.pages) == pages
    return reader


def size(page: PageObject) -> tuple[float, float]:
    return round(float(page.mediabox.width), 2), round(float(page.mediabox.height), 2)


def positions(page: PageObject) -> dict[str, tuple[float, float]]:
    """Where on ``page`` (in points from the bottom left) each run of text
    starts, by its text."""
    found: dict[str, tuple[float, float]] = {}

    def visit(
        chunk: str, cm: list[float], tm: list[float], font: object, size: float
    ) -> None:
        x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
        y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
        found.setdefault(chunk.strip(), (x, y))

    page.extract_text(visitor_text=visit)
    return found


@pytest.fixture(scope="module")
def sheets() -> PdfReader:
    """Thirteen cards on A4: one full sheet and one with three cards."""
    return render([make_card(n) for n in range(1, 14)], Layout.A4_SHEETS)


@pytest.fixture(scope="module")
def card_pages() -> PdfReader:
    cards = [make_card(1), make_card(2, void=True), make_card(3)]
    return render(cards, Layout.CARD_PAGES)


def test_a4_layout_has_a_front_and_a_back_page_per_ten_cards(
    sheets: PdfReader,
) -> None:
    assert len(sheets.pages) == 4
    assert all(size(page) == A4 for page in sheets.pages)


def test_card_layout_has_a_card_sized_page_per_face(card_pages: PdfReader) -> None:
    assert len(card_pages.pages) == 6
    assert all(size(page) == ID1 for page in card_pages.pages)


def test_card_layout_puts_each_back_after_its_front(card_pages: PdfReader) -> None:
    for index, page in enumerate(card_pages.pages):
        number = format_card_number(2026, index // 2 + 1)
        text = page.extract_text()

        assert number in text
        if index % 2 == 0:
            assert "NAMA SISWA" in text
        else:
            assert "Cara menggunakan kartu" in text


def test_back_pages_mirror_the_columns_for_duplex_printing(
    sheets: PdfReader,
) -> None:
    middle = A4[0] / 2
    front, back = positions(sheets.pages[0]), positions(sheets.pages[1])
    for index in range(10):
        number = format_card_number(2026, index + 1)
        front_x, front_y = front[number]
        back_x, back_y = back[number]

        assert (front_x < middle) == (front_position(index)[1] == 0)
        assert (back_x < middle) != (front_x < middle)
        # Same row: the front's number sits at the bottom of the card, the
        # back's at the top, so the back's is higher by less than a card.
        assert 0 < back_y - front_y < 153


def test_every_card_of_a_sheet_changes_column_on_the_back() -> None:
    for index in range(10):
        front_row, front_column = front_position(index)
        back_row, back_column = back_position(index)

        assert back_row == front_row
        assert back_column == 1 - front_column


def test_a_part_filled_last_sheet_prints_only_its_cards(sheets: PdfReader) -> None:
    counts = [
        page.extract_text().count("Pindai untuk cek keaslian") for page in sheets.pages
    ]
    backs = [
        page.extract_text().count("Cara menggunakan kartu") for page in sheets.pages
    ]

    assert counts == [10, 0, 3, 0]
    assert backs == [0, 10, 0, 3]


def test_sheets_are_numbered_within_the_batch(sheets: PdfReader) -> None:
    assert "lembar 1 dari 2" in sheets.pages[0].extract_text()
    assert "lembar 2 dari 2" in sheets.pages[3].extract_text()


def test_the_front_shows_the_holder_and_the_programme(card_pages: PdfReader) -> None:
    card = make_card(1)
    text = card_pages.pages[0].extract_text()

    assert "Kartu Balangan Pintar" in text
    assert "PEMERINTAH KABUPATEN BALANGAN" in text
    assert "DINAS PENDIDIKAN DAN KEBUDAYAAN" in text
    assert card.name.upper() in text
    assert card.nisn in text
    assert card.school_name in text
    assert "2026" in text


def test_the_back_names_the_bank_and_whom_to_contact(card_pages: PdfReader) -> None:
    text = card_pages.pages[1].extract_text()

    assert "Bank Kalsel" in text
    assert "SimPel" in text
    assert "Paringin" in text
    assert ISSUER.contact_phone in text
    assert ISSUER.contact_email in text


def test_the_account_number_shows_only_its_last_four_digits(
    card_pages: PdfReader,
) -> None:
    account = make_card(1).account_number
    text = card_pages.pages[0].extract_text()

    assert account not in text
    assert f"{DOTS} {DOTS} {account[-4:]}" in text


def test_only_a_void_card_is_marked_void(card_pages: PdfReader) -> None:
    # The mark is letter-spaced, which text extraction reads as spaces.
    texts = [page.extract_text().replace(" ", "") for page in card_pages.pages]
    marked = ["BATAL" in text for text in texts]

    assert marked == [False, False, True, True, False, False]


def test_contact_details_left_unset_are_left_off() -> None:
    reader = render([make_card(1)], Layout.CARD_PAGES, issuer=CardIssuer())

    assert "Telp." not in reader.pages[1].extract_text()


@pytest.mark.parametrize(
    ("account", "masked"),
    [
        ("1234567890", f"{DOTS} {DOTS} 7890"),
        ("12-3456-7890", f"{DOTS} {DOTS} 7890"),
        ("12345", f"{DOTS} {DOTS} 2345"),
        ("1234", f"{DOTS} {DOTS} {DOTS}"),
        ("", f"{DOTS} {DOTS} {DOTS}"),
    ],
)
def test_masking_never_prints_a_whole_account_number(account: str, masked: str) -> None:
    assert mask_account_number(account) == masked


def test_progress_is_reported_after_every_chunk() -> None:
    calls: list[tuple[int, int]] = []

    render(
        [make_card(n) for n in range(1, 26)],
        Layout.A4_SHEETS,
        chunk_cards=10,
        progress=lambda done, total: calls.append((done, total)),
    )

    assert calls == [(0, 25), (10, 25), (20, 25), (25, 25)]


def test_two_processes_render_the_same_pages_as_one() -> None:
    cards = [make_card(n) for n in range(1, 21)]

    alone = render(cards, Layout.A4_SHEETS, chunk_cards=10, processes=1)
    shared = render(cards, Layout.A4_SHEETS, chunk_cards=10, processes=2)

    assert [page.extract_text() for page in shared.pages] == [
        page.extract_text() for page in alone.pages
    ]


def test_an_empty_batch_is_refused() -> None:
    with pytest.raises(ValueError, match="no cards"):
        render_cards_pdf([], Layout.A4_SHEETS, BytesIO())


def test_chunks_never_split_a_sheet() -> None:
    with pytest.raises(ValueError, match="multiple of 10"):
        render_cards_pdf([make_card(1)], Layout.A4_SHEETS, BytesIO(), chunk_cards=15)
