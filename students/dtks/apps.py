from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DtksConfig(AppConfig):
    name = "students.dtks"
    label = "dtks"
    verbose_name = _("DTKS/DTSEN")
