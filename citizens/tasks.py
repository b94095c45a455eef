"""Celery task of 代表码 (its default schedule: supervision setup_schedules)."""

from celery import shared_task
from django.utils import timezone

from supervision.tasks import RELIABLE, recorded


@shared_task(**RELIABLE, time_limit=10 * 60, soft_time_limit=9 * 60)
def remind_unanswered(self) -> str:
    """Daily: remind each deputy of messages unanswered for CITIZEN_UNANSWERED_DAYS days (one
    per deputy per day; a second run the same day sends nothing)."""
    from .services import remind_unanswered as remind

    with recorded("remind_unanswered_citizen_messages") as run:
        run.detail = str(remind(timezone.localdate()))
    return run.detail
