from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BalanganPintarConfig(AppConfig):
    name = "balangan_pintar"
    verbose_name = _("Program Balangan Pintar")
