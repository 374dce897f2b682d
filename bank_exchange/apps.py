from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BankExchangeConfig(AppConfig):
    name = "bank_exchange"
    verbose_name = _("Pertukaran data Bank Kalsel")
