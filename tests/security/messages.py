"""What makes a message to the user clear: Bahasa Indonesia, filled in, and
no text of a Python exception or of a library."""

import re

# Words of which any message of the application has at least one.
INDONESIAN_WORDS = frozenset(
    {
        "berkas",
        "tidak",
        "dan",
        "yang",
        "kolom",
        "baris",
        "lembar",
        "siswa",
        "data",
        "register",
        "nama",
        "karakter",
        "ditolak",
        "unggah",
        "masalah",
        "kosong",
        "judul",
        "nomor",
        "rekening",
        "angka",
        "harus",
        "wajib",
        "boleh",
    }
)
# What leaks when an exception's own text reaches the user.
TECHNICAL = re.compile(
    r"Error|Exception|Traceback|errno|field larger|unrecognized|Cannot|"
    r"invalid|expected|line \d|at \d+\.\.|\bNone\b|%\(|\{[a-z_]+\}"
)


def assert_clear_indonesian(message: str) -> None:
    """Fail unless ``message`` reads as one clear sentence or two in Bahasa
    Indonesia."""
    assert message.strip(), "empty message"
    words = set(re.findall(r"[a-z]+", message.lower()))
    assert words & INDONESIAN_WORDS, f"not Bahasa Indonesia: {message!r}"
    leak = TECHNICAL.search(message)
    assert leak is None, f"technical text {leak.group(0)!r} in {message!r}"
