"""The public status check. No app_name: cards/urls.py includes these
patterns into the ``cards`` namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("cek-status/", views.status_check, name="status"),
]
