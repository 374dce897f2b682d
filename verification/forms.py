import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from balangan_pintar.models import Jenjang, Period
from balangan_pintar.widgets import LongSelect
from students.models import Kecamatan, School

from .models import Outcome, PeriodRules, Reason, SchoolQuota
from .services.documents import MAX_BYTES
from .services.queue import QueueState
from .services.review_queue import ReviewScope


def style_filters(form: forms.Form) -> None:
    """Bootstrap's small controls on a row of filters."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select form-select-sm")
        elif not widget.is_hidden:
            widget.attrs.setdefault("class", "form-control form-control-sm")


class PeriodChoiceField(forms.ModelChoiceField[Period]):
    def label_from_instance(self, obj: Period) -> str:
        return obj.name


class QueueFilterForm(forms.Form):
    """The queue's filters, read from the query string (never a NIK)."""

    periode = PeriodChoiceField(
        Period.objects.all(),
        to_field_name="year",
        required=False,
        empty_label=None,
        label=_("Periode"),
    )
    kecamatan = forms.ModelChoiceField(
        Kecamatan.objects.all(),
        required=False,
        empty_label=_("Semua kecamatan"),
        label=_("Kecamatan"),
    )
    jenjang = forms.ChoiceField(
        choices=[("", _("Semua jenjang")), *Jenjang.choices],
        required=False,
        label=_("Jenjang"),
    )
    sekolah = forms.ModelChoiceField(
        School.objects.all(),
        widget=LongSelect,
        required=False,
        empty_label=_("Semua sekolah"),
        label=_("Sekolah"),
    )
    keadaan = forms.ChoiceField(
        choices=QueueState.choices, required=False, label=_("Keadaan")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_filters(self)


class SearchForm(forms.Form):
    """Sent by POST, so that a NIK typed here never lands in a URL, a
    browser's history or a server log."""

    q = forms.CharField(
        label=_("Cari nama, NISN atau NIK"),
        max_length=100,
        strip=True,
        widget=forms.TextInput(
            attrs={
                "class": "form-control",
                "autocomplete": "off",
                "inputmode": "search",
            }
        ),
    )


class TokenForm(forms.Form):
    """A form that applies once: the token is made when the page is shown
    and kept with what the form did."""

    token = forms.UUIDField(widget=forms.HiddenInput)

    @classmethod
    def fresh(cls, **initial: Any) -> "TokenForm":
        return cls(initial={"token": uuid.uuid4(), **initial})


class DecisionForm(TokenForm):
    outcome = forms.ChoiceField(choices=Outcome.choices, widget=forms.HiddenInput)
    submission = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.ChoiceField(
        choices=[("", _("Pilih alasan")), *Reason.choices],
        required=False,
        label=_("Alasan"),
    )
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=1000,
        label=_("Catatan"),
    )


class BulkApproveForm(TokenForm):
    candidates = forms.CharField(widget=forms.HiddenInput)

    def clean_candidates(self) -> list[int]:
        text = self.cleaned_data["candidates"]
        parts = [part for part in text.split(",") if part]
        if not parts or not all(part.isdigit() for part in parts):
            raise forms.ValidationError(_("Daftar calon tidak sah."))
        return [int(part) for part in parts]


class ReviewForm(forms.Form):
    person = forms.IntegerField(widget=forms.HiddenInput)
    same = forms.ChoiceField(choices=[("ya", _("ya")), ("tidak", _("tidak"))])
    note = forms.CharField(required=False, max_length=500, label=_("Catatan"))


class ReviewFilterForm(forms.Form):
    cakupan = forms.ChoiceField(
        choices=ReviewScope.choices, required=False, label=_("Cakupan")
    )
    kecamatan = forms.ModelChoiceField(
        Kecamatan.objects.all(),
        required=False,
        empty_label=_("Semua kecamatan"),
        label=_("Kecamatan"),
    )
    sekolah = forms.ModelChoiceField(
        School.objects.all(),
        widget=LongSelect,
        required=False,
        empty_label=_("Semua sekolah"),
        label=_("Sekolah"),
    )
    siswa = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_filters(self)


class DocumentForm(forms.Form):
    file = forms.FileField(
        label=_("Berkas SKTM"),
        help_text=_("PDF, JPEG atau PNG, paling besar %(mb)s MB.")
        % {"mb": MAX_BYTES // (1024 * 1024)},
        widget=forms.ClearableFileInput(
            attrs={"accept": "application/pdf,image/jpeg,image/png"}
        ),
    )


class ResendForm(forms.Form):
    candidates = forms.TypedMultipleChoiceField(coerce=int, choices=())

    def __init__(self, *args: Any, choices: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["candidates"]
        if isinstance(field, forms.ChoiceField):
            field.choices = [(pk, pk) for pk in choices]


class PeriodRulesForm(forms.ModelForm[PeriodRules]):
    jenjang = forms.MultipleChoiceField(
        choices=Jenjang.choices,
        widget=forms.CheckboxSelectMultiple,
        label=_("Jenjang yang dicakup"),
    )

    class Meta:
        model = PeriodRules
        fields = ["max_desil", "jenjang", "sktm_required"]


class SchoolQuotaForm(forms.ModelForm[SchoolQuota]):
    class Meta:
        model = SchoolQuota
        fields = ["school", "quota", "note"]


class RecipientsForm(forms.Form):
    periode = PeriodChoiceField(
        Period.objects.all(),
        to_field_name="year",
        required=False,
        empty_label=None,
        label=_("Periode"),
    )
    kecamatan = forms.ModelChoiceField(
        Kecamatan.objects.all(),
        required=False,
        empty_label=_("Seluruh kabupaten"),
        label=_("Kecamatan"),
    )
    sekolah = forms.ModelChoiceField(
        School.objects.all(),
        widget=LongSelect,
        required=False,
        empty_label=_("Semua sekolah"),
        label=_("Sekolah"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_filters(self)
