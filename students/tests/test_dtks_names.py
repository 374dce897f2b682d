"""Indonesian name normalisation for DTKS matching."""

import pytest

from students.dtks.names import match_name, match_place, match_tokens, name_keys


@pytest.mark.parametrize(
    "written",
    [
        "Muhammad Rizki",
        "MUHAMAD RIZKI",
        "Mohammad Rizki",
        "Mohamad Rizki",
        "Mochammad Rizki",
        "Moh. Rizki",
        "Muh. Rizki",
        "M. Rizki",
        "M.Rizki",
        "MHD RIZKI",
        "muhammad rizky",
        "Muhammad Rizqi",
    ],
)
def test_muhammad_and_its_abbreviations_are_one_word(written: str) -> None:
    assert match_name(written) == "MUHAMAD RIJKI"


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Achmad Fauzan", "Ahmad Fauzan"),
        ("Akhmad Fauzan", "Ahmad Fauzan"),
        ("Siti Noor Aini", "Siti Nur Aini"),
        ("Siti Nor Aini", "Siti Nur Aini"),
        ("Soekarno", "Sukarno"),
        ("Djoko Santoso", "Joko Santoso"),
        ("Tjahjono", "Cahjono"),
        ("Sjahrir", "Syahrir"),
        ("Chairul Anwar", "Khairul Anwar"),
        ("Khairul Anwar", "Hairul Anwar"),
        ("Fatimah", "Patimah"),
        ("Fatimah", "Fatima"),
        ("Sitti Aminah", "Siti Aminah"),
        ("Zainal Arifin", "Jainal Arifin"),
        ("Supriyadi", "Supriadi"),
        ("Ramadhan", "Ramadan"),
        ("Abd. Rahman", "Abdul Rahman"),
    ],
)
def test_spelling_variants_read_the_same(first: str, second: str) -> None:
    assert match_name(first) == match_name(second)


@pytest.mark.parametrize(
    "written",
    [
        "Hj. Siti Aminah",
        "HJ SITI AMINAH",
        "Hajjah Siti Aminah",
        "Almh. Siti Aminah",
        "Siti Aminah, S.Pd.",
        "Siti Aminah S.Pd.I",
        "Dra. Hj. Siti Aminah, M.Pd",
        "Siti Aminah binti Abdullah",
        "SITI AMINAH BINTI H. ABDULLAH",
        "  siti   aminah ",
    ],
)
def test_titles_degrees_and_parentage_are_removed(written: str) -> None:
    assert match_name(written) == "SITI AMINA"


def test_a_man_called_haji_by_his_first_name_keeps_it() -> None:
    # A title is only dropped in front of another word.
    assert match_name("Haji") == "HAJI"
    assert match_name("H. Bin Salim") == "BIN SALIM"


def test_bin_is_kept_as_the_first_word() -> None:
    assert match_tokens("Bin Salim") == ("BIN", "SALIM")


def test_punctuation_and_accents_are_removed() -> None:
    assert match_name("Ma'ruf") == match_name("MARUF")
    assert match_name("Nur-Halizah") == match_name("Nur Halizah")
    assert match_name("Ésther") == match_name("Esther")


def test_an_empty_name_has_no_words() -> None:
    assert match_name(None) == ""
    assert match_name("  ") == ""
    assert name_keys("") == ()


def test_variants_share_their_blocking_keys() -> None:
    keys = name_keys(match_name("Moh. Rizky Ramadhan"))

    assert keys == name_keys(match_name("Muhammad Riski Ramadan"))
    assert len(keys) == 2


def test_a_typo_in_one_word_leaves_the_key_of_the_other() -> None:
    right = set(name_keys(match_name("Rizki Saputra")))
    typo = set(name_keys(match_name("Rizki Sapputra")))
    worse = set(name_keys(match_name("Rizki Sabutera")))

    assert right == typo
    assert right & worse


def test_common_words_give_no_key_unless_alone() -> None:
    assert name_keys(match_name("Muhammad Rizki")) == name_keys(match_name("Rizki"))
    assert name_keys(match_name("Siti Nur")) != ()


def test_places_lose_their_administrative_prefix() -> None:
    assert match_place("Kec. Paringin Selatan") == "PARINGIN SELATAN"
    assert match_place("Desa Lok-Batu") == "LOK BATU"
    assert match_place("KELURAHAN  PARINGIN TIMUR") == "PARINGIN TIMUR"
    assert match_place("Kab. Balangan") == "BALANGAN"
    assert match_place("Desa") == "DESA"
