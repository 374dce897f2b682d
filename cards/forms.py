"""Forms of the bank's card pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import PrintLayout


class PrintRunForm(forms.Form):
    layout = forms.ChoiceField(
        label=_("Tata letak"),
        choices=PrintLayout.choices,
        initial=PrintLayout.A4_SHEETS,
        widget=forms.RadioSelect,
    )


class ConfirmPrintForm(forms.Form):
    spoiled = forms.IntegerField(
        label=_("Kartu rusak saat dicetak"), min_value=0, initial=0
    )
    reprinted = forms.IntegerField(
        label=_("Kartu yang dicetak ulang"), min_value=0, initial=0
    )


class ReissueForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan penerbitan ulang"),
        max_length=200,
        help_text=_("Misalnya: kartu hilang, kartu rusak, salah cetak."),
    )
