"""Indonesian personal and place names reduced to a form for matching.

Dapodik and the DTKS write the same person's name in different ways: with or
without a title, in old or new spelling, with Muhammad abbreviated to M. or
Moh., with the Banjar habit of writing P for F. ``match_name`` removes those
differences so that a string metric only sees real ones, and ``name_keys``
gives coarse phonetic keys for blocking, one per distinctive token, so that a
typo in one token still leaves the others to find the person by.

Both are tuned for recall: two names that read the same after normalisation
may still be different people; the other fields decide.
"""

import re
import unicodedata
from functools import lru_cache

# Spellings of Muhammad, including the abbreviations used in registers.
_MUHAMMAD = re.compile(
    r"M|MD|MHD|MUHD|MOHD|MOH|MUH|MOCH|MUCH|MOC|MUC|"
    r"M[OU][CK]?H?A?M+[AE]+[DT]|MUHAMAD|MUHAMED|MOHAMED|MUHAMMADD"
)
_CANONICAL_TOKENS = {
    "ABD": "ABDUL",
    "ABDOEL": "ABDUL",
    "ABDOL": "ABDUL",
    "NOOR": "NUR",
    "NOR": "NUR",
    "NOER": "NUR",
    "NOUR": "NUR",
    "NURUL": "NURUL",
    "ST": "SITI",
    "SITTI": "SITI",
}

# Titles written in front of a name: religious (Haji), academic, honorific,
# and "almarhum(ah)" in front of a dead parent's name.
_TITLES_BEFORE = frozenset(
    {
        "H",
        "HJ",
        "HJH",
        "HAJ",
        "HAJI",
        "HAJAH",
        "HAJJAH",
        "HJAH",
        "KH",
        "DRS",
        "DRA",
        "DR",
        "IR",
        "PROF",
        "UST",
        "USTAD",
        "USTADZ",
        "USTAZ",
        "USTADZAH",
        "USTAZAH",
        "ALM",
        "ALMH",
        "ALMARHUM",
        "ALMARHUMAH",
        "NY",
        "NYONYA",
        "SDR",
        "SDRI",
    }
)

# Parts of academic degrees written after a name: S.Pd., M.Pd.I., A.Md.Kep.
_DEGREE_PREFIXES = frozenset({"S", "M", "A", "D"})
_DEGREE_PARTS = frozenset(
    {
        "PD",
        "PDI",
        "AG",
        "SOS",
        "SOSI",
        "KOM",
        "E",
        "H",
        "HI",
        "T",
        "SI",
        "KED",
        "KEP",
        "KEB",
        "KES",
        "KM",
        "IP",
        "HUT",
        "PT",
        "AP",
        "FARM",
        "ST",
        "AK",
        "MD",
        "SY",
        "THI",
        "IK",
        "IKOM",
        "GZ",
        "TR",
        "PSI",
        "PAR",
        "SN",
        "DS",
        "MM",
        "SC",
        "ENG",
        "KOMP",
        "I",
    }
)
_FAMILY_LINKS = frozenset({"BIN", "BINTI", "BT", "BINTE"})

# Old (pre-1972 and Dutch) spellings and the Banjar variants found in
# registers, applied in this order to each token.
_SPELLING = (
    ("OE", "U"),
    ("DJ", "J"),
    ("TJ", "C"),
    ("SJ", "SY"),
    ("NJ", "NY"),
    ("CH", "KH"),
    ("KH", "H"),
    ("SY", "S"),
    ("DH", "D"),
    ("TH", "T"),
    ("PH", "P"),
    ("F", "P"),
    ("V", "P"),
    ("Q", "K"),
    ("X", "KS"),
    ("Z", "J"),
)
_IY_BEFORE_VOWEL = re.compile(r"IY(?=[AEIOU])")
_DOUBLED = re.compile(r"(.)\1+")
_FINAL_H_AFTER_VOWEL = re.compile(r"(?<=[AEIOU])H$")
_NOT_LETTER = re.compile(r"[^A-Z.,\s]+")
_SEPARATORS = re.compile(r"[\s,]+")
_PLAIN = re.compile(r"[A-Z ]*")

# Words so common among Indonesian names that they neither make useful
# blocks nor tell two people apart.
COMMON_WORDS = frozenset(
    {"MUHAMAD", "AHMAD", "NUR", "NURUL", "SITI", "ABDUL", "DEWI", "PUTRI", "PUTRA"}
)
_KEY_CLASSES = str.maketrans(
    {
        "B": "P",
        "P": "P",
        "C": "S",
        "J": "S",
        "S": "S",
        "D": "T",
        "T": "T",
        "G": "K",
        "K": "K",
        "L": "L",
        "M": "N",
        "N": "N",
        "R": "R",
        "W": "W",
    }
)
_KEY_CONSONANTS = 3

_PLACE_PREFIXES = frozenset(
    {
        "DESA",
        "DS",
        "KEL",
        "KELURAHAN",
        "KEC",
        "KECAMATAN",
        "KAB",
        "KABUPATEN",
        "KOTA",
        "KOTAMADYA",
        "DUSUN",
    }
)


def _ascii_upper(value: str) -> str:
    """Upper case with accents and other marks removed."""
    if not value.isascii():
        value = unicodedata.normalize("NFKD", value)
        value = "".join(ch for ch in value if not unicodedata.combining(ch))
    return value.upper()


def _raw_tokens(value: str) -> list[str]:
    """Tokens of a name with a trailing period kept to spot abbreviations.

    An apostrophe or backtick joins (MA'RUF is MARUF); any other character
    that is not a letter separates. A comma ends the name when what follows
    it is only academic degrees.
    """
    text = _ascii_upper(value).replace("'", "").replace("`", "")
    text = _NOT_LETTER.sub(" ", text)
    head, comma, tail = text.partition(",")
    if comma and _only_degrees(_split(tail)):
        text = head
    tokens = _split(text.replace(".", ". "))
    return _without_trailing_degrees(tokens)


def _split(text: str) -> list[str]:
    return [token for token in _SEPARATORS.split(text) if token.strip(".")]


def _only_degrees(tokens: list[str]) -> bool:
    parts = [part for token in tokens for part in token.split(".") if part]
    return bool(parts) and all(
        part in _DEGREE_PARTS or part in _DEGREE_PREFIXES for part in parts
    )


def _without_trailing_degrees(tokens: list[str]) -> list[str]:
    # A degree starts with one of S./M./A./D. written with its period and
    # is followed only by degree parts; never the first token, which is
    # Muhammad when written M.
    for index in range(1, len(tokens) - 1):
        token = tokens[index]
        if (
            token.endswith(".")
            and token[:-1] in _DEGREE_PREFIXES
            and _only_degrees(tokens[index + 1 :])
        ):
            return tokens[:index]
    return tokens


@lru_cache(maxsize=65536)
def canonical_token(token: str) -> str:
    """One upper-case word of a name in the spelling used for matching."""
    if _MUHAMMAD.fullmatch(token):
        return "MUHAMAD"
    if token in _CANONICAL_TOKENS:
        return _CANONICAL_TOKENS[token]

    for old, new in _SPELLING:
        if old in token:
            token = token.replace(old, new)
    token = _IY_BEFORE_VOWEL.sub("I", token)
    token = _DOUBLED.sub(r"\1", token)
    if len(token) > 3:
        token = _FINAL_H_AFTER_VOWEL.sub("", token)
    if len(token) > 1 and token.endswith("Y"):
        token = token[:-1] + "I"
    return _CANONICAL_TOKENS.get(token, token)


def match_tokens(value: object) -> tuple[str, ...]:
    """The words of a name in matching form: titles, degrees and the
    "bin/binti ..." part removed, spelling variants made one.

    An empty tuple for an empty or missing name.
    """
    if value is None:
        return ()
    text = str(value)

    # Most names are plain letters and spaces: no abbreviation or degree
    # to look for.
    upper = text.upper()
    if _PLAIN.fullmatch(upper):
        words = upper.split()
        while len(words) > 1 and words[0] in _TITLES_BEFORE:
            words = words[1:]
        return tuple(map(canonical_token, _without_parentage(words)))

    words = [token.rstrip(".") for token in _raw_tokens(text)]
    while len(words) > 1 and words[0] in _TITLES_BEFORE:
        words = words[1:]
    return tuple(canonical_token(word) for word in _without_parentage(words) if word)


def _without_parentage(words: list[str]) -> list[str]:
    """The words before "bin" or "binti" and the father's name after it."""
    for index in range(1, len(words)):
        if words[index] in _FAMILY_LINKS:
            return words[:index]
    return words


def match_name(value: object) -> str:
    """A name in the form compared by the matcher, words separated by one
    space; ``""`` for an empty name.

    >>> match_name("Moh. Rizky Ramadhan bin H. Abdul")
    'MUHAMAD RIJKI RAMADAN'
    """
    return " ".join(match_tokens(value))


@lru_cache(maxsize=65536)
def token_key(token: str) -> str:
    """A coarse phonetic key of one matching-form word.

    The first letter's class (any vowel or H counts as A, since Banjar drops
    and adds an initial H) followed by the classes of the next consonants,
    similar-sounding consonants sharing a class, repeats collapsed.
    """
    first = token[0]
    head = "A" if first in "AEIOUH" else first.translate(_KEY_CLASSES)
    classes = [head]
    for letter in token[1:]:
        if letter in "AEIOUHY":
            continue
        code = letter.translate(_KEY_CLASSES)
        if code != classes[-1]:
            classes.append(code)
        if len(classes) > _KEY_CONSONANTS:
            break
    return "".join(classes)


def name_keys(name: str) -> tuple[str, ...]:
    """Blocking keys of a matching-form name (see ``match_name``): one per
    distinctive word, sorted, without repeats.

    Initials and very common words (Muhammad, Siti, Nur …) give no key unless
    the name has nothing else.
    """
    words = [word for word in name.split() if len(word) > 1]
    distinctive = [word for word in words if word not in COMMON_WORDS]
    return tuple(sorted({token_key(word) for word in distinctive or words}))


def match_place(value: object) -> str:
    """A desa, kecamatan or birthplace name in matching form.

    Upper case, punctuation removed, administrative prefixes (Desa, Kel.,
    Kec., Kab., Kota) dropped, spaces collapsed. No spelling rules: place
    names are compared exactly or with a string metric.
    """
    if value is None:
        return ""
    text = _NOT_LETTER.sub(" ", _ascii_upper(str(value)).replace("'", ""))
    words = [word for word in _SEPARATORS.split(text.replace(".", " ")) if word]
    while len(words) > 1 and words[0] in _PLACE_PREFIXES:
        words = words[1:]
    return " ".join(words)
