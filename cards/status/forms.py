import datetime as dt
from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .captcha import is_answered, new_challenge

MONTHS = [
    (1, _("Januari")),
    (2, _("Februari")),
    (3, _("Maret")),
    (4, _("April")),
    (5, _("Mei")),
    (6, _("Juni")),
    (7, _("Juli")),
    (8, _("Agustus")),
    (9, _("September")),
    (10, _("Oktober")),
    (11, _("November")),
    (12, _("Desember")),
]


class StatusForm(forms.Form):
    """NISN, date of birth and the sum, sent by POST so that none of them
    lands in a URL, a browser's history or a server log.

    The date is asked as day, month and year apart: a calendar picker is
    slow to scroll back to a birth year on a phone.
    """

    nisn = forms.CharField(
        label=_("NISN"),
        min_length=10,
        max_length=10,
        validators=[RegexValidator(r"^[0-9]{10}\Z", _("NISN terdiri dari 10 angka."))],
        help_text=_("10 angka, tertulis di rapor atau kartu pelajar."),
        widget=forms.TextInput(
            attrs={
                "class": "form-control form-control-lg",
                "inputmode": "numeric",
                "autocomplete": "off",
                "maxlength": "10",
                "pattern": "[0-9]{10}",
            }
        ),
    )
    day = forms.TypedChoiceField(
        label=_("Tanggal"),
        coerce=int,
        choices=[("", _("Tgl")), *((d, d) for d in range(1, 32))],
        widget=forms.Select(attrs={"class": "form-select form-select-lg"}),
    )
    month = forms.TypedChoiceField(
        label=_("Bulan"),
        coerce=int,
        choices=[("", _("Bulan")), *MONTHS],
        widget=forms.Select(attrs={"class": "form-select form-select-lg"}),
    )
    year = forms.IntegerField(
        label=_("Tahun"),
        min_value=1990,
        widget=forms.NumberInput(
            attrs={
                "class": "form-control form-control-lg",
                "inputmode": "numeric",
                "placeholder": _("Tahun"),
                "autocomplete": "off",
            }
        ),
    )
    captcha_answer = forms.CharField(
        label=_("Jawaban"),
        max_length=3,
        widget=forms.TextInput(
            attrs={
                "class": "form-control form-control-lg",
                "inputmode": "numeric",
                "autocomplete": "off",
            }
        ),
    )
    captcha_token = forms.CharField(max_length=500, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].max_value = timezone.localdate().year  # type: ignore[attr-defined]
        self.question = ""
        if not self.is_bound:
            self.renew_challenge()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # Checked whatever else is wrong, so that every token is spent.
        token = self.data.get("captcha_token", "")
        if not is_answered(str(token), str(self.data.get("captcha_answer", ""))):
            self.add_error(
                "captcha_answer",
                _("Jawaban hitungan salah. Silakan jawab soal yang baru."),
            )

        if {"day", "month", "year"} <= data.keys():
            try:
                data["birth_date"] = dt.date(data["year"], data["month"], data["day"])
            except ValueError:
                self.add_error("day", _("Tanggal lahir tidak ada di kalender."))
        return data

    def renew_challenge(self) -> None:
        """A new sum for the form shown again: each token is answered once."""
        challenge = new_challenge()
        self.question = challenge.question
        if self.is_bound:
            data = QueryDict(mutable=True)
            data.update(self.data)
            data["captcha_token"] = challenge.token
            data["captcha_answer"] = ""
            self.data = data
        else:
            self.initial["captcha_token"] = challenge.token
