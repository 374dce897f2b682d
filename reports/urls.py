from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("dasbor-sop/", views.dashboard, name="dashboard"),
    path("perkembangan/", views.progress, name="progress"),
    path("perkembangan/unduh.xlsx", views.progress_xlsx, name="progress-xlsx"),
    path("perkembangan/unduh.pdf", views.progress_pdf, name="progress-pdf"),
]
