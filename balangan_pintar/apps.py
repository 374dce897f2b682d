from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BalanganPintarConfig(AppConfig):
    name = "balangan_pintar"
    verbose_name = _("Program Balangan Pintar")

    def ready(self) -> None:
        # Connects the login signal that dates each session.
        from . import security  # noqa: F401
