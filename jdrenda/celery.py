"""The Celery app: Redis as broker (REDIS_URL), settings under CELERY_* in settings.py, the
schedules in the database (django-celery-beat; defaults from `manage.py setup_schedules`).

Run a worker with `make worker` and the scheduler with `make beat` (README, 定时任务与通知).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jdrenda.settings")

app = Celery("jdrenda")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.broker_connection_retry_on_startup = True
# With late acknowledgement a task whose broker connection drops is delivered again; stop the
# running copy rather than let two run at once.
app.conf.worker_cancel_long_running_tasks_on_connection_loss = True
app.autodiscover_tasks()
