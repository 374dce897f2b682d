from django.urls import URLPattern, URLResolver, include, path

app_name = "cards"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("cards.handover.urls")),
    path("", include("cards.status.urls")),
]
