from django.urls import path

from .views import exports, queue, review, rules, school, submission

app_name = "verification"

urlpatterns = [
    path("", queue.queue, name="queue"),
    path(
        "usulan/<int:pk>/",
        submission.submission_detail,
        name="submission-detail",
    ),
    path(
        "usulan/<int:pk>/setujui-massal/",
        submission.bulk_approve_view,
        name="bulk-approve",
    ),
    path("calon/<int:pk>/", submission.candidate_detail, name="candidate-detail"),
    path(
        "calon/<int:pk>/putuskan/",
        submission.decide_candidate,
        name="decide",
    ),
    path("tinjauan-dtks/", review.review_queue, name="review-queue"),
    path(
        "tinjauan-dtks/<int:pk>/",
        review.review_decide,
        name="review-decide",
    ),
    path("sekolah/", school.school_decisions, name="school-decisions"),
    path("sekolah/kirim-ulang/", school.resend_candidates, name="resend"),
    path(
        "calon/<int:pk>/sktm/",
        school.document_upload,
        name="document-upload",
    ),
    path("dokumen/<int:pk>/", school.document_file, name="document-file"),
    path("aturan/", rules.rules, name="rules"),
    path("aturan/kuota/", rules.quota_save, name="quota-save"),
    path(
        "aturan/kuota/<int:pk>/hapus/",
        rules.quota_delete,
        name="quota-delete",
    ),
    path("penerima/", exports.recipients_page, name="recipients"),
    path(
        "penerima/lampiran-sk.xlsx",
        exports.recipients_xlsx,
        name="recipients-xlsx",
    ),
    path(
        "penerima/lampiran-sk-pdf/",
        exports.recipients_pdf,
        name="recipients-pdf",
    ),
    path(
        "penerima/lampiran-sk-pdf/<int:pk>/",
        exports.lampiran_download,
        name="lampiran-download",
    ),
]
