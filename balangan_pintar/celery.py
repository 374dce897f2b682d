"""The Celery application that runs the bulk work: uploads, DTKS matching and
card rendering. Start a worker with ``celery -A balangan_pintar worker``."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "balangan_pintar.settings")

app = Celery("balangan_pintar")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
