"""Handing work to Celery: the one `enqueue`, below every app.

Services name a task by its dotted name instead of importing it, so a service never imports
`tasks.py` (which imports the services): the import graph stays a tree, and `tasks.py` stays
the thin Celery boundary that only calls services.
"""

import logging
from importlib import import_module

from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerError

from jdrenda.celery import app

logger = logging.getLogger(__name__)


def enqueue(task_name: str, *args, queue: str | None = None) -> str | None:
    """Send the task named `task_name` to the queue: None when sent, else a message for the
    user.

    The one place where the broker (Redis) being down is handled: the publish gives up after
    the short retry policy in settings (CELERY_TASK_PUBLISH_RETRY_POLICY) instead of hanging
    the request. The result is ignored: callers follow the work through its database row, and
    waiting on a result would subscribe this web process to the result store, which then
    blocks for many seconds when Redis goes away. With CELERY_TASK_ALWAYS_EAGER (no
    REDIS_URL) the task runs here and now. `queue` sends it to that queue instead of the
    default (a task queuing its follow-ups passes the queue it came from)."""
    if task_name not in app.tasks:
        # A web process imports a tasks module only when asked (autodiscovery runs in the
        # worker): the task's name is its module's path.
        import_module(task_name.rpartition(".")[0])
    task = app.tasks[task_name]
    try:
        task.apply_async(args, ignore_result=True, **({"queue": queue} if queue else {}))
    except BrokerError as exc:
        logger.warning("could not queue %s%r: %s", task_name, args, exc)
        return _("任务队列暂时不可用，请稍后再试")
    return None
