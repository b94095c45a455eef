"""Issue 14: the emails of notify() (one per deputy, a digest when several) are sent by a Celery
task enqueued after the commit, not in the request. The inbox rows are written at once.

The suite runs tasks in-process (tests/conftest.py `_celery_in_process`: task_always_eager);
the first test stops the task from running to see what the request alone did."""

from unittest import mock

import pytest
from django.core import mail
from django.db import transaction

from supervision.models import Notification

from .test_outcomes import an_activity, world  # noqa: F401  (the fixture and a helper)

pytestmark = pytest.mark.django_db


def _bulk_add_to_three_activities(world):  # noqa: F811
    from activities import services
    from deputies.models import Deputy
    from supervision.notifications import services as notifications

    both = Deputy.objects.filter(pk__in=[world.deputy.pk, world.other.pk])
    activities = [an_activity(world, days=i + 1, name=f"活动{i}") for i in range(3)]
    with transaction.atomic(), notifications.digest():
        for activity in activities:
            services.add_participants_bulk(activity, both)


def test_the_request_writes_the_inbox_and_enqueues_the_emails(
    world,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    with (
        mock.patch("supervision.notifications.services.enqueue") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        _bulk_add_to_three_activities(world)
    # Nothing mailed in the request; six inbox rows waiting for their email; one task for them.
    assert mail.outbox == []
    rows = list(Notification.objects.order_by("pk").values_list("pk", "delivery"))
    assert [delivery for _, delivery in rows] == ["pending"] * 6
    delay.assert_called_once_with("supervision.tasks.email_notifications", [pk for pk, _ in rows])


def test_the_task_sends_one_digest_per_deputy_once(world, django_capture_on_commit_callbacks):  # noqa: F811
    from supervision.tasks import email_notifications

    with django_capture_on_commit_callbacks(execute=True):
        _bulk_add_to_three_activities(world)
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        ("ls@example.org", "您有 3 条新通知"),
        ("zs@example.org", "您有 3 条新通知"),
    ]
    assert set(Notification.objects.values_list("delivery", flat=True)) == {"sent"}
    # Delivered twice by the broker: nothing goes out again.
    ids = list(Notification.objects.values_list("pk", flat=True))
    assert email_notifications.delay(ids).get() == "0 new, 0 emailed, 0 email failures"
    assert len(mail.outbox) == 2


def test_nothing_is_enqueued_when_the_write_rolls_back(world, django_capture_on_commit_callbacks):  # noqa: F811
    with (
        mock.patch("supervision.notifications.services.enqueue") as delay,
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _bulk_add_to_three_activities(world)
        raise RuntimeError("the run broke")
    delay.assert_not_called()
    assert not Notification.objects.exists()
