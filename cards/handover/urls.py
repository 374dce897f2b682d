"""The handover pages. No app_name: cards/urls.py includes these patterns
into the ``cards`` namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("penyerahan/", views.handover_list, name="handover-list"),
    path("penyerahan/kartu/<int:pk>/", views.handover_card, name="handover-card"),
    path("penyerahan/cari/", views.handover_lookup, name="handover-lookup"),
    path("penyerahan/tiba/", views.handover_arrived, name="handover-arrived"),
    path(
        "penyerahan/berita-acara/baru/",
        views.register_new,
        name="handover-register-new",
    ),
    path(
        "penyerahan/berita-acara/<int:pk>/",
        views.register_pdf,
        name="handover-register-pdf",
    ),
    path(
        "penyerahan/berita-acara/<int:pk>/unggah/",
        views.register_upload,
        name="handover-register-upload",
    ),
    path(
        "penyerahan/berita-acara/<int:pk>/pindaian/",
        views.register_scan,
        name="handover-register-scan",
    ),
]
