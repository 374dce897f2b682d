"""The audit search's filters, read from the query string, and the search
for a pupil's trail, sent by POST so that a NIK never lands in a URL."""

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from students.models import Student

from .forms import DateInput
from .services.audit_trail import (
    SearchFilters,
    action_choices,
    object_type_choices,
)


def _style(form: forms.Form) -> None:
    """Bootstrap's small controls on a row of filters."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select form-select-sm")
        else:
            widget.attrs.setdefault("class", "form-control form-control-sm")


class AuditSearchForm(forms.Form):
    """Every field may stay empty: no filter, the newest entries first."""

    dari = forms.DateField(label=_("Dari tanggal"), required=False, widget=DateInput())
    sampai = forms.DateField(
        label=_("Sampai tanggal"), required=False, widget=DateInput()
    )
    pengguna = forms.CharField(
        label=_("Pengguna (nama akun)"), required=False, max_length=150
    )
    aksi = forms.ChoiceField(label=_("Aksi"), required=False)
    jenis = forms.ChoiceField(label=_("Jenis objek"), required=False)
    # A NISN only: this form goes into the URL, and a NIK must not. The
    # browser stops at ten characters; the trail search takes a NIK by POST.
    nisn = forms.CharField(
        label=_("NISN siswa"),
        required=False,
        max_length=10,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "pattern": "[0-9]*", "autocomplete": "off"}
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        every = [("", gettext("Semua"))]
        action = self.fields["aksi"]
        kind = self.fields["jenis"]
        assert isinstance(action, forms.ChoiceField)  # noqa: S101 - declared above
        assert isinstance(kind, forms.ChoiceField)  # noqa: S101 - declared above
        action.choices = every + action_choices()
        kind.choices = every + object_type_choices()
        _style(self)

    def clean_pengguna(self) -> User | None:
        name = self.cleaned_data["pengguna"].strip()
        if not name:
            return None
        user = User.objects.filter(username__iexact=name).first()
        if user is None:
            raise forms.ValidationError(_("Tidak ada pengguna dengan nama akun ini."))
        return user

    def clean_nisn(self) -> list[Student] | None:
        nisn = self.cleaned_data["nisn"].strip()
        if not nisn:
            return None
        if not nisn.isdigit():
            raise forms.ValidationError(_("NISN hanya berisi angka."))
        return list(
            Student.objects.filter(nisn=nisn).select_related("school").order_by("pk")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("dari"), data.get("sampai")
        if first and last and first > last:
            raise forms.ValidationError(
                _("Tanggal awal harus sebelum atau sama dengan tanggal akhir.")
            )
        return data

    def filters(self) -> SearchFilters:
        """The filters asked for, of a valid form."""
        data = self.cleaned_data
        return SearchFilters(
            first_day=data.get("dari"),
            last_day=data.get("sampai"),
            actor=data.get("pengguna"),
            action=data.get("aksi") or "",
            object_type=data.get("jenis") or "",
            students=data.get("nisn"),
        )


class PersonFindForm(forms.Form):
    """Sent by POST, so that a NIK typed here never lands in a URL, a
    browser's history or a server log."""

    q = forms.CharField(
        label=_("NISN, NIK atau nama siswa"),
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
