from django.urls import path

from . import views

app_name = "dtks"

urlpatterns = [
    path("", views.snapshot_list, name="snapshot-list"),
    path("impor/", views.snapshot_import, name="snapshot-import"),
    path("cocokkan/", views.match_district, name="match-district"),
    path("snapshot/<int:pk>/", views.snapshot_detail, name="snapshot-detail"),
    path("snapshot/<int:pk>/hapus/", views.snapshot_delete, name="snapshot-delete"),
    path("snapshot/<int:pk>/sekolah/", views.school_summary, name="school-summary"),
]
