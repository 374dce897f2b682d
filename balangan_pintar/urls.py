from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import account_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "masuk/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("akun/dua-langkah/", account_views.two_factor, name="two-factor"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("pekerjaan/<uuid:pk>/", views.job_detail, name="job-detail"),
    path("pekerjaan/<uuid:pk>/ulang/", views.job_retry, name="job-retry"),
    path("sop/", views.sop_document, name="sop"),
    path("siswa/", include("students.urls")),
    path("dtks/", include("students.dtks.urls")),
    path("verifikasi/", include("verification.urls")),
    path("bank/", include("bank_exchange.urls")),
    path("kartu/", include("cards.urls")),
    path("laporan/", include("reports.urls")),
    path("audit/", include("reports.audit_urls")),
    path("admin/", admin.site.urls),
]
