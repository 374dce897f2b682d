from django.urls import path

from . import views

app_name = "bank_exchange"

urlpatterns = [
    path("", views.batch_list, name="batch-list"),
    path("batch/baru/", views.batch_create, name="batch-create"),
    path("batch/<int:pk>/", views.batch_detail, name="batch-detail"),
    path("batch/<int:pk>/kirim/", views.batch_send, name="batch-send"),
    path("batch/<int:pk>/hapus/", views.batch_discard, name="batch-discard"),
    path(
        "batch/<int:pk>/unduh/<str:kind>/",
        views.batch_download,
        name="batch-download",
    ),
    path(
        "batch/<int:pk>/baris/<int:row_number>/",
        views.row_answer,
        name="row-answer",
    ),
    path("batch/<int:pk>/balasan/", views.return_upload, name="return-upload"),
    path(
        "batch/<int:pk>/balasan/<int:upload_pk>/",
        views.return_preview,
        name="return-preview",
    ),
    path(
        "batch/<int:pk>/balasan/<int:upload_pk>/terapkan/",
        views.return_apply,
        name="return-apply",
    ),
    path("ditolak-bank/", views.rejected_list, name="rejected-list"),
    path("rekonsiliasi/", views.reconciliation, name="reconciliation"),
    path(
        "rekonsiliasi/unduh/",
        views.reconciliation_download,
        name="reconciliation-download",
    ),
]
