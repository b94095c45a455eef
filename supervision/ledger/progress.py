"""How far an import has got, for a progress bar: the reader, the validator and the applier
report here, and whoever runs the import (the Celery job) listens.

A context variable rather than a parameter: the import's own functions keep their
signatures, and nothing is reported when nobody listens (the command, the tests).
"""

import contextlib
from contextvars import ContextVar

READING, VALIDATING, WRITING = "reading", "validating", "writing"
EVERY = 200  # rows between reports: a report is cheap, but not free

_listener: ContextVar = ContextVar("ledger_progress", default=None)


def report(phase: str, done: int, total: int = 0) -> None:
    """`done` of `total` in `phase` (total 0: not known yet, e.g. rows still being read)."""
    listener = _listener.get()
    if listener is not None:
        listener(phase, done, total)


@contextlib.contextmanager
def listening(callback):
    """Send the reports of the import run inside this block to `callback(phase, done, total)`."""
    token = _listener.set(callback)
    try:
        yield
    finally:
        _listener.reset(token)
