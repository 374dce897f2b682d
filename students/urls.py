from django.urls import path

from .views import selection, students, uploads

app_name = "students"

urlpatterns = [
    path("", students.student_list, name="student-list"),
    path("<int:pk>/", students.student_detail, name="student-detail"),
    path("unggah/", uploads.upload_students, name="upload"),
    path("unggah/templat/", uploads.upload_template, name="upload-template"),
    path("unggahan/", uploads.upload_list, name="upload-list"),
    path("unggahan/<int:pk>/", uploads.upload_detail, name="upload-detail"),
    path(
        "unggahan/<int:pk>/keterangan/",
        uploads.upload_annotated,
        name="upload-annotated",
    ),
    path("usulan/", selection.selection, name="selection"),
]
