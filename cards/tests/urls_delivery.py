"""The project's URLs with the handover and status pages included in the
``cards`` namespace, as cards/urls.py will include them."""

from django.urls import URLResolver, include, path

from balangan_pintar.urls import urlpatterns as project_urlpatterns
from cards.handover.urls import urlpatterns as handover_urlpatterns
from cards.status.urls import urlpatterns as status_urlpatterns
from cards.urls import urlpatterns as cards_urlpatterns


def _is_cards(pattern: object) -> bool:
    return isinstance(pattern, URLResolver) and pattern.namespace == "cards"


cards_patterns = [*cards_urlpatterns, *handover_urlpatterns, *status_urlpatterns]

urlpatterns = [
    *(pattern for pattern in project_urlpatterns if not _is_cards(pattern)),
    path("kartu/", include((cards_patterns, "cards"))),
]
