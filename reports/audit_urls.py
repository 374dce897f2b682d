from django.urls import path

from . import audit_views

app_name = "audit"

urlpatterns = [
    path("", audit_views.search_page, name="search"),
    path("siswa/", audit_views.person_find, name="person-find"),
    # By the pupil's id: a NIK never goes into a URL.
    path("siswa/<int:pk>/", audit_views.trail_page, name="trail"),
    path("siswa/<int:pk>/jejak.xlsx", audit_views.trail_xlsx, name="trail-xlsx"),
    path("siswa/<int:pk>/jejak.pdf", audit_views.trail_pdf, name="trail-pdf"),
]
