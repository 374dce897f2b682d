from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from balangan_pintar.models import Level, Period
from students.models import Kecamatan

from .services import account_number_problem


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class BatchCreateForm(forms.Form):
    period = forms.ModelChoiceField(
        label=_("Periode"), queryset=Period.objects.all(), empty_label=None
    )
    kecamatan = forms.ModelChoiceField(
        label=_("Kecamatan"),
        queryset=Kecamatan.objects.all(),
        required=False,
        empty_label=_("Semua kecamatan"),
    )
    jenjang = forms.ChoiceField(
        label=_("Jenjang"),
        choices=[("", _("Semua jenjang")), *Level.choices],
        required=False,
    )


class OpenAccountForm(forms.Form):
    account_number = forms.CharField(
        label=_("Nomor rekening"),
        max_length=30,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "autofocus": True}
        ),
    )
    opened_on = forms.DateField(
        label=_("Tanggal pembukaan"), widget=DateInput(), initial=timezone.localdate
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["account_number"].help_text = _(
            "%(length)s digit; nol di depan tetap ditulis."
        ) % {"length": settings.BANK_ACCOUNT_LENGTH}

    def clean_account_number(self) -> str:
        number: str = self.cleaned_data["account_number"].strip()
        problem = account_number_problem(number)
        if problem:
            raise forms.ValidationError(problem)
        return number


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan penolakan"),
        max_length=500,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("Misalnya: NIK tidak terdaftar di Dukcapil."),
    )


class ReturnUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Berkas balasan bank"),
        help_text=_("Berkas .xlsx atau .csv, satu berkas per batch."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


class RequeueForm(forms.Form):
    candidates = forms.TypedMultipleChoiceField(
        label=_("Siswa"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(
        label=_("Catatan perbaikan"),
        max_length=300,
        required=False,
        help_text=_("Misalnya: NIK diperbaiki sesuai KK."),
    )

    def __init__(self, *args: Any, choices: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.TypedMultipleChoiceField, self.fields["candidates"])
        field.choices = [(pk, str(pk)) for pk in choices]
