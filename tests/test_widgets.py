"""The long select writes the same options as Django's own select."""

import re

from django import forms

from balangan_pintar.widgets import LongSelect

CHOICES = [
    ("", "Semua sekolah"),
    (1, "SDN 1 Paringin"),
    (2, 'MI "Al-Falah" <Juai>'),
    ("Kecamatan Awayan", [(3, "SMPN 1 Awayan"), (4, "SDN 2 Awayan & Co")]),
]


def normalised(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


def test_it_writes_what_the_template_widget_writes() -> None:
    attrs = {"class": "form-select form-select-sm", "id": "id_sekolah"}
    for value in ["", 2, 4, None]:
        ours = LongSelect(attrs=attrs, choices=CHOICES).render("sekolah", value)
        django = forms.Select(attrs=attrs, choices=CHOICES).render("sekolah", value)
        assert normalised(ours) == normalised(django)


def test_names_are_escaped() -> None:
    html = LongSelect(choices=CHOICES).render("sekolah", None)

    assert "&lt;Juai&gt;" in html
    assert "<Juai>" not in html
