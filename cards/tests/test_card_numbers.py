"""Card numbers: their shape, and the check digit catching the typing errors
people make when they read a number aloud or copy it by hand."""

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cards.card_numbers import (
    InvalidCardNumber,
    damm_digit,
    format_card_number,
    is_valid_card_number,
    parse_card_number,
)

years = st.integers(min_value=1000, max_value=9999)
serials = st.integers(min_value=1, max_value=999_999)


def sample_numbers() -> list[str]:
    """Edge serials, serials full of the 0/9 pairs Luhn confuses, and a
    seeded random sample."""
    picked = [(2026, 1), (2026, 999_999), (2026, 900), (2026, 90), (2030, 90909)]
    rng = random.Random(7)
    picked += [(rng.randint(2022, 2040), rng.randint(1, 999_999)) for _ in range(150)]
    return [format_card_number(year, serial) for year, serial in picked]


def digits_of(number: str) -> str:
    return number.replace("KBP", "").replace("-", "")


def as_number(digits: str) -> str:
    return f"KBP-{digits[:4]}-{digits[4:10]}-{digits[10]}"


def test_a_card_number_has_the_documented_shape() -> None:
    assert format_card_number(2026, 123) == "KBP-2026-000123-8"
    assert format_card_number(2027, 1) == "KBP-2027-000001-" + str(
        damm_digit("2027000001")
    )


def test_the_check_digit_is_damms() -> None:
    # The worked example of the Damm algorithm: 572 gets check digit 4.
    assert damm_digit("572") == 4
    assert damm_digit("5724") == 0


@given(years, serials)
def test_every_formatted_number_parses_back(year: int, serial: int) -> None:
    number = format_card_number(year, serial)

    parsed = parse_card_number(number)

    assert (parsed.year, parsed.serial) == (year, serial)
    assert str(parsed) == number
    assert is_valid_card_number(number)


def test_every_single_digit_change_is_caught() -> None:
    for number in sample_numbers():
        digits = digits_of(number)
        for position, original in enumerate(digits):
            for replacement in "0123456789":
                if replacement == original:
                    continue
                typo = digits[:position] + replacement + digits[position + 1 :]
                assert not is_valid_card_number(as_number(typo)), (number, typo)


def test_every_adjacent_transposition_is_caught() -> None:
    # Across the hyphens too: they are not said aloud.
    for number in sample_numbers():
        digits = digits_of(number)
        for position in range(len(digits) - 1):
            first, second = digits[position], digits[position + 1]
            if first == second:
                continue
            swapped = digits[:position] + second + first + digits[position + 2 :]
            assert not is_valid_card_number(as_number(swapped)), (number, swapped)


@pytest.mark.parametrize(
    "spoken",
    [
        "KBP-2026-000123-8",
        "kbp-2026-000123-8",
        "KBP 2026 000123 8",
        " kbp2026 0001238 ",
        "2026-000123-8",
        "KBP\u20132026\u2013000123\u20138",
        "KBP.2026.000123.8",
    ],
)
def test_a_number_reads_back_however_it_was_written(spoken: str) -> None:
    assert str(parse_card_number(spoken)) == "KBP-2026-000123-8"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "KBP",
        "KBP-2026-000123",
        "KBP-2026-000123-9",
        "KBP-2026-123-8",
        "KIP-2026-000123-8",
        "KBP-2026-000123-8-1",
        "KBP-2026-00O123-8",
        "KBP-2026-000000-" + str(damm_digit("2026000000")),
    ],
)
def test_a_malformed_or_mistyped_number_is_refused(text: str) -> None:
    assert not is_valid_card_number(text)
    with pytest.raises(InvalidCardNumber):
        parse_card_number(text)


@pytest.mark.parametrize(("year", "serial"), [(999, 1), (10_000, 1), (2026, 0)])
def test_a_number_that_could_not_be_read_back_is_not_made(
    year: int, serial: int
) -> None:
    with pytest.raises(ValueError, match="must"):
        format_card_number(year, serial)


def test_the_last_serial_of_a_year_is_six_digits() -> None:
    with pytest.raises(ValueError, match="serial"):
        format_card_number(2026, 1_000_000)
