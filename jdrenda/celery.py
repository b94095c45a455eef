import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jdrenda.settings")

app = Celery("jdrenda")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
