from django.urls import URLPattern, URLResolver, include, path

from . import views

app_name = "cards"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("cards.handover.urls")),
    path("", include("cards.status.urls")),
    path("", views.card_list, name="card-list"),
    path("batch/<int:pk>/", views.batch_cards, name="batch-cards"),
    path("batch/<int:pk>/terbitkan/", views.batch_issue, name="batch-issue"),
    path("batch/<int:pk>/cetak/", views.batch_render, name="batch-render"),
    path("cetak/<int:pk>/", views.print_run, name="print-run"),
    path("cetak/<int:pk>/unduh/", views.print_run_download, name="print-run-download"),
    path(
        "cetak/<int:pk>/konfirmasi/", views.print_run_confirm, name="print-run-confirm"
    ),
    path("kartu/<int:pk>/terbitkan-ulang/", views.card_reissue, name="card-reissue"),
    path("cek/<str:token>/", views.verify, name="verify"),
]
