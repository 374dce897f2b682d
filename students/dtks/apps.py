from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DtksConfig(AppConfig):
    name = "students.dtks"
    label = "dtks"
    verbose_name = _("DTKS/DTSEN")

    def ready(self) -> None:
        # The upload service calls its hooks after a school's students were
        # stored; it must not import this app, so the app registers itself.
        from students.services import upload

        from .services.matching import match_school_after_upload

        hooks = upload.after_import_hooks
        if match_school_after_upload not in hooks:
            hooks.append(match_school_after_upload)
