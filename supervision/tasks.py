from celery import shared_task
from django.db import InterfaceError, OperationalError

from .jobs import run_job
from .models import ExportJob


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=3,
    time_limit=60 * 60,
    soft_time_limit=55 * 60,
)
def run_export_job(self, job_id: int) -> str:
    job = ExportJob.objects.filter(pk=job_id).first()
    if job is None:
        return "missing"
    run_job(job)
    return "done"
