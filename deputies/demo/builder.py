"""DemoBuilder: runs the parts in order with fixed seeds and reports progress."""

import random
import time

from django.db import transaction

from deputies.demo.activities import ActivitiesPart
from deputies.demo.data import SEED
from deputies.demo.people import PeoplePart
from deputies.demo.proposals import ProposalsPart
from deputies.demo.records import RecordsPart
from deputies.demo.sessions import SessionsPart
from deputies.services import fill_name_initials
from supervision.dashboard.services import bump_data_version


class DemoBuilder(PeoplePart, SessionsPart, ActivitiesPart, ProposalsPart, RecordsPart):
    def __init__(self, scale: int, log):
        self.scale = max(1, int(scale))
        self.log = log
        self.counts: dict[str, int] = {}
        self.started = time.monotonic()

    def rng(self, stage: str) -> random.Random:
        # One stream per stage, so changing one stage leaves the others' data unchanged.
        return random.Random(f"{SEED}:{stage}")

    def partial(self, label, n: int):
        elapsed = time.monotonic() - self.started
        self.log(f"  [{elapsed:6.1f}s] {label} {n:,} …")

    def progress(self, label: str, n: int | None = None):
        self.counts[label] = (self.counts.get(label, 0) + n) if n is not None else 0
        elapsed = time.monotonic() - self.started
        shown = f"{n:,}" if n is not None else ""
        self.log(f"  [{elapsed:6.1f}s] {label} {shown}")

    @transaction.atomic
    def run(self) -> dict:
        self.reference_data()
        self.people()
        self.service()
        self.constituents_and_liaison()
        self.accounts()
        self.archetypes()
        self.sessions()
        self.activities()
        self.communications()
        self.liaison_communications()
        self.opinions()
        self.proposals()
        self.reports()
        fill_name_initials()  # search by 拼音首字母 on the demo deputies
        bump_data_version()  # bulk writes send no signals: the dashboard recomputes
        return self.counts
