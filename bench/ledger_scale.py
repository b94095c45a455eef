"""The ledger import at scale (issue 19 item 6). Not a test.

    python bench/ledger_scale.py [--database-url URL] [--rows 50000] [--keep FILE]

Builds a ledger workbook of about ROWS data rows, one large town's year (the delegation
with the most deputies in office all year), from a seeded database: its roster, ten
delegation meetings, speeches, activities, contacts with voters, SC members' contacts,
suggestions and reports to voters (DESIGN.md, the import contract; the headers are the
template's). Then times, each in its own process so that each peak is its own:

  preview  the dry run (supervision.ledger.services.import_ledger(dry_run=True)),
  apply    the import (the same call, saving: it validates afresh, as the confirm does),

both as the seeded office user (the browser's path: every row meets the user's scope).
Peak memory is the process's maximum resident set size (getrusage), shown beside the
resident size of the same process before the import (Django loaded, nothing read).

The apply is rolled back once timed (its figures include everything but the final COMMIT
and what runs after it), so the database is left as it was; `--commit` keeps it, and then
the database must be a copy (createdb -T jdrenda_bench_10 ...), never the benchmark's own.
`measure(database_url, rows)` returns the figures as a dict for bench/run.py.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MEETINGS = 10  # delegation meetings in the year, every deputy on each roll
SPEECHES_PER_DEPUTY = 2
ROLL = 40  # deputies per activity
SHEET_LIMIT = 20_000  # settings.LEDGER_MAX_ROWS, the import's per-sheet limit


def measure(database_url: str, rows: int = 50_000, commit: bool = False) -> dict:
    """Build the workbook, then preview and apply it, each in a fresh process; the figures.
    With `commit` the apply is saved in `database_url`: give it a copy."""
    with tempfile.TemporaryDirectory(prefix="ledger-scale-") as tmp:
        path = Path(tmp) / "ledger.xlsx"
        built = _child("build", database_url, path, rows)
        figures = {"rows": built["rows"], "sheets": built["sheets"], "town": built["town"],
                   "year": built["year"], "file_mb": round(path.stat().st_size / 2**20, 1),
                   "build_seconds": built["seconds"]}  # fmt: skip
        figures["preview"] = _child("preview", database_url, path, rows, built["term"])
        figures["apply"] = _child("apply" if commit else "apply-rollback", database_url, path,
                                  rows, built["term"])  # fmt: skip
        figures["apply"]["committed"] = commit
    return figures


def _child(phase, database_url, path, rows, term="") -> dict:
    env = {**os.environ, "DATABASE_URL": database_url,
           "DJANGO_SETTINGS_MODULE": "jdrenda.settings"}  # fmt: skip
    env.pop("REDIS_URL", None)  # the import runs here, never queued
    done = subprocess.run(
        [sys.executable, __file__, "--phase", phase, "--file", str(path), "--rows", str(rows),
         "--term", term],
        env=env, cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"{phase} failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


# -- the workbook ---------------------------------------------------------------------------


def _meetings(deputies: int) -> int:
    """Delegation meetings in the year: MEETINGS, or fewer for a town so large (2,661 deputies
    at scale 67) that ten rolls would pass the per-sheet limit and the ledger be refused."""
    return max(1, min(MEETINGS, SHEET_LIMIT // max(deputies, 1)))


def _plan_counts(rows: int, deputies: int) -> dict:
    """Rows per sheet: the per-deputy sheets as a town keeps them, the rest shared out among
    activities, voters and SC members' contacts, each under the per-sheet limit."""
    from supervision.ledger import schema as S

    counts = {
        S.ROSTER: deputies,
        S.MEETINGS: deputies * _meetings(deputies),
        S.SPEECHES: deputies * SPEECHES_PER_DEPUTY,
        S.PROPOSALS: deputies // 2,
        S.REPORTS: deputies,
    }
    rest = max(0, rows - sum(counts.values()))
    counts[S.ACTIVITIES] = min(SHEET_LIMIT, rest * 44 // 100)
    counts[S.VOTERS] = min(SHEET_LIMIT, rest * 44 // 100)
    counts[S.LIAISON] = min(SHEET_LIMIT, rest - counts[S.ACTIVITIES] - counts[S.VOTERS])
    return counts


def build(path: Path, rows: int) -> dict:
    """A ledger of about `rows` data rows for the largest town, written to `path`."""
    from django.db.models import Count, Q
    from openpyxl import Workbook

    from deputies.models import Deputy, Organiser, ServicePeriod, Term
    from supervision.ledger import schema as S
    from supervision.models import ClosedYear

    started = time.perf_counter()
    term = Term.objects.order_by("-start_date").first()
    closed = set(ClosedYear.objects.values_list("year", flat=True))
    today = date.today()
    year = next(y for y in (today.year - 1, today.year, today.year - 2) if y not in closed)
    first, last = date(year, 1, 1), min(date(year, 12, 31), today)
    in_office = set(
        ServicePeriod.objects.filter(
            Q(end_date__isnull=True) | Q(end_date__gte=last), start_date__lte=first
        ).values_list("deputy_id", flat=True)
    )
    # Deputies suspended during the year would only add warnings; leave them out.
    suspended = set(
        Deputy.objects.filter(suspensions__start_date__lte=last)
        .filter(Q(suspensions__end_date__isnull=True) | Q(suspensions__end_date__gte=first))
        .values_list("pk", flat=True)
    )
    eligible = in_office - suspended
    town = (
        Deputy.objects.filter(term=term, pk__in=eligible)
        .values("delegation__name", "delegation_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    deputies = list(
        Deputy.objects.filter(term=term, delegation_id=town["delegation_id"], pk__in=eligible)
        .order_by("code")
        .values_list("code", "name")
    )
    members = list(
        Deputy.objects.filter(term=term, is_sc_member=True, pk__in=eligible)
        .order_by("code")
        .values_list("code", flat=True)[:20]
    )
    organiser = (
        Organiser.objects.filter(delegation_id=town["delegation_id"])
        .values_list("name", flat=True)
        .first()
        or ""
    )
    # The roster repeats the deputies whose one service period began with the term (a blank
    # 任职开始日期 is the term's start); the others' periods would need their own dates.
    plain = set(
        Deputy.objects.filter(term=term, delegation_id=town["delegation_id"])
        .annotate(periods=Count("service_periods"))
        .filter(periods=1, service_periods__start_date=term.start_date)
        .values_list("code", flat=True)
    )
    codes = [code for code, _name in deputies]
    span = (last - first).days + 1
    counts = _plan_counts(rows, len(deputies))
    town_name = town["delegation__name"]

    def day(i: int) -> date:
        return first + timedelta(days=(i * 7) % span)

    workbook = Workbook(write_only=True)

    def sheet(name, lines):
        out = workbook.create_sheet(name)
        out.append([column.header for column in S.SHEETS[name]])
        for line in lines:
            out.append(line)

    headers = [c.header for c in S.SHEETS[S.ROSTER]]
    roster_row = [None] * len(headers)

    def roster(code, name):
        row = list(roster_row)
        row[headers.index("代表编号")] = code
        row[headers.index("姓名")] = name
        row[headers.index("代表团")] = town_name
        return row

    meetings = [
        (f"{year}年{town_name}代表团第{k + 1}次会议", day(k * 5 + 3))
        for k in range(_meetings(len(deputies)))
    ]
    on_roster = [(code, name) for code, name in deputies if code in plain]
    counts[S.ROSTER] = len(on_roster)
    sheet(S.ROSTER, (roster(code, name) for code, name in on_roster))
    sheet(
        S.MEETINGS,
        (
            [name, "代表团会议", when, code, "出席" if (i + k) % 12 else "请假",
             "" if (i + k) % 12 else "重要会议活动"]
            for k, (name, when) in enumerate(meetings)
            for i, code in enumerate(codes)
        ),
    )  # fmt: skip
    sheet(
        S.SPEECHES,
        (
            [meetings[k][1], code, meetings[k][0], f"关于{town_name}第{k + 1}项工作的意见"]
            for k in range(SPEECHES_PER_DEPUTY)
            for code in codes
        ),
    )
    types = list(S.ACTIVITY_TYPES)
    sheet(
        S.ACTIVITIES,
        (
            [f"{town_name}{types[(i // ROLL) % len(types)]}（第{i // ROLL + 1}次）",
             types[(i // ROLL) % len(types)], day(i // ROLL), codes[i % len(codes)], organiser,
             "出席" if i % 9 else "请假"]
            for i in range(counts[S.ACTIVITIES])
        ),
    )  # fmt: skip
    sheet(
        S.VOTERS,
        (
            [day(i), codes[i % len(codes)], f"选民{i:05d}", f"139{i:08d}",
             ("走访", "座谈", "电话", "网络")[i % 4], "反映小区停车难、加装电梯等问题"]
            for i in range(counts[S.VOTERS])
        ),
    )  # fmt: skip
    sheet(
        S.LIAISON,
        (
            [day(i), members[i % len(members)], codes[i % len(codes)],
             ("走访", "座谈", "电话", "网络")[(i // len(codes)) % 4], "听取代表意见"]
            for i in range(counts[S.LIAISON] if members else 0)
            if members[i % len(members)] != codes[i % len(codes)]
        ),
    )  # fmt: skip
    sheet(
        S.PROPOSALS,
        (
            [f"BENCH{year}-{i + 1:04d}", "建议", f"关于改善{town_name}第{i + 1}片区交通的建议",
             day(i), codes[i % len(codes)],
             "、".join(codes[(i + 1 + k) % len(codes)] for k in range(2)), "区交通委"]
            for i in range(counts[S.PROPOSALS])
        ),
    )  # fmt: skip
    sheet(
        S.REPORTS,
        ([day(i * 3), code, "口头", "向选民报告一年来履职情况"] for i, code in enumerate(codes)),
    )
    workbook.save(path)
    written = dict(counts)
    if not members:
        written[S.LIAISON] = 0
    return {
        "town": town_name,
        "deputies": len(deputies),
        "year": year,
        "term": term.name,
        "sheets": written,
        "rows": sum(written.values()),
        "seconds": round(time.perf_counter() - started, 1),
    }


# -- the phases -----------------------------------------------------------------------------


def run_phase(phase: str, path: Path, term: str) -> dict:
    import contextlib

    from django.contrib.auth import get_user_model
    from django.db import transaction

    from supervision.ledger.services import import_ledger

    office = get_user_model().objects.filter(username="office").first()
    before = _rss_mb()
    started = time.perf_counter()
    outer = transaction.atomic() if phase == "apply-rollback" else contextlib.nullcontext()
    with outer:
        result = import_ledger(path, term, dry_run=phase == "preview", user=office, importer=office)
        seconds = time.perf_counter() - started
        if phase == "apply-rollback":
            transaction.set_rollback(True)
    return {
        "seconds": round(seconds, 1),
        "peak_rss_mb": round(_peak_mb(), 0),
        "rss_before_mb": round(before, 0),
        "applied": result.applied,
        "errors": len(result.errors),
        "warnings": len(result.warnings),
        "first_errors": [str(issue) for issue in result.errors[:5]],
        "created": sum(s.created for s in result.sheets.values()),
        "updated": sum(s.updated for s in result.sheets.values()),
        "unchanged": sum(s.unchanged for s in result.sheets.values()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--phase", choices=["build", "preview", "apply", "apply-rollback"])
    parser.add_argument("--commit", action="store_true", help="keep the apply (on a copy!)")
    parser.add_argument("--file")
    parser.add_argument("--term", default="")
    args = parser.parse_args()
    if args.phase is None:  # the whole measure, from the command line
        figures = measure(args.database_url, args.rows, commit=args.commit)
        print(json.dumps(figures, ensure_ascii=False, indent=2))
        for phase in ("preview", "apply"):
            f = figures[phase]
            print(f"{phase:<8} {figures['rows']:>7,} rows  {f['seconds']:>6.1f} s  "
                  f"peak RSS {f['peak_rss_mb']:>5.0f} MB "
                  f"(before the import {f['rss_before_mb']:.0f} MB)"
                  f"  errors {f['errors']}  warnings {f['warnings']}")  # fmt: skip
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jdrenda.settings")
    import django

    django.setup()
    if args.phase == "build":
        out = build(Path(args.file), args.rows)
    else:
        out = run_phase(args.phase, Path(args.file), args.term)
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
