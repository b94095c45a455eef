"""The demo dataset for Jiading: `python manage.py seed_demo` (see the command for options).

Everything is generated from fixed seeds and fixed dates, in a fixed order, so two fresh
databases seeded the same way hold identical data. Rows are written with bulk_create in
batches (no history rows: demo data has no past), so `--scale 67` (about 20,000 deputies)
stays practical.

The data is shaped by archetypes rather than chance alone: for each evaluated year some
deputies are chosen to fall short of each rule of DESIGN.md's rule table (no training, one
group activity, four constituents reached twice, an unexcused 缺席, …) while the rest meet
it, so every rule shows both outcomes in 2024, 2025 and 2026.

One module per part: data (fixed data), common (helpers), people, sessions,
activities, proposals, records (the parts of DemoBuilder), builder, reset (entry points).
"""

from deputies.demo.data import (
    DEMO_PASSWORD,
    TERM_END,
    TERM_NAME,
    TERM_START,
    UPCOMING_SESSION,
    YEARS,
    upcoming_day,
)
from deputies.demo.reset import account_rows, demo_exists, reset_demo, seed_demo

__all__ = [
    "DEMO_PASSWORD",
    "TERM_NAME",
    "TERM_START",
    "TERM_END",
    "YEARS",
    "UPCOMING_SESSION",
    "account_rows",
    "demo_exists",
    "reset_demo",
    "seed_demo",
    "upcoming_day",
]
