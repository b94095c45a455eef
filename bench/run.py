"""City-scale benchmark of the rules engine and the exports (issues 3 and 19). Not a test.

    python bench/run.py [--scales 10,30,67] [--year 2025] [--runs 5] [--reseed]
    python bench/run.py --scale 67 ...      one scale, on BENCH_DATABASE_URL itself

Uses PostgreSQL: with --scales, one database per scale, BENCH_DATABASE_URL + "_<scale>"
(default postgres://postgres@127.0.0.1:5432/jdrenda_bench_67 …), each created, migrated and
seeded with `seed_demo --scale N` the first time (about 20,000 deputies at scale 67) and reused
later. Each scale runs in its own process; each figure is the median of several runs:

  (a) the year's evaluation (supervision.evaluation.compliance.evaluate_year), and the single
      hand-written SQL aggregate that produces the same counts (the lower bound): ratio a/lb,
      and the number of deputies whose counts differ (must be 0);
  (b) the evaluation-workbook export, with the peak memory of a separate export process;
  (c) the feedback sheets of the largest delegation (ms per sheet);
  (d) the leadership dashboard as office staff (two-factor enrolled by bench/totp_enrol.py),
      with every ended year of the term closed: the running year's page right after a write
      (cold: the running year evaluated again, the closed years read from their closing),
      after the whole cache was lost, the bench year's (closed) page after a write, and warm.
      REDIS_URL is unset, so the cache is this process's memory and Celery runs eagerly.

Prints a table per scale, then how each figure grows with the number of deputies, and writes
bench/out/results-<scale>.json and bench/out/growth.json.
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/jdrenda_bench"  # + "_<scale>" with --scales


def ensure_database(url: str) -> None:
    import psycopg2
    from psycopg2 import sql

    name = url.rsplit("/", 1)[1]
    admin = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cursor.fetchone():
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    admin.close()


def timed(fn, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def lower_bound_sql(rules, tables) -> str:
    """One statement: every count the evaluation needs, per deputy in office in the year."""
    activity_columns = []
    for rule in rules:
        if rule.counts != "activities":
            continue
        types = ", ".join(f"'{t}'" for t in rule.activity_types)
        start = "%(term_start)s" if rule.period == "term" else "%(year_start)s"
        activity_columns.append(
            f"COUNT(*) FILTER (WHERE a.type IN ({types}) AND a.date BETWEEN {start} "
            f"AND %(year_end)s) AS {rule.code.lower()}"
        )
    t = tables
    return f"""
    WITH d AS (
        SELECT DISTINCT dep.id FROM {t["deputy"]} dep
        JOIN {t["service"]} sp ON sp.deputy_id = dep.id
        WHERE dep.term_id = %(term)s AND sp.start_date <= %(year_end)s
          AND (sp.end_date IS NULL OR sp.end_date >= %(year_start)s)
    ), att AS (
        SELECT at.deputy_id, COUNT(*) AS roll,
               COUNT(*) FILTER (WHERE at.status IN ('present', 'leave')) AS kept,
               COUNT(*) FILTER (WHERE at.status = 'absent') AS absent
        FROM {t["attendance"]} at JOIN {t["meeting"]} m ON m.id = at.meeting_id
        WHERE m.date BETWEEN %(year_start)s AND %(year_end)s
          AND NOT EXISTS (SELECT 1 FROM {t["suspension"]} su WHERE su.deputy_id = at.deputy_id
                          AND su.start_date <= m.date
                          AND (su.end_date IS NULL OR su.end_date >= m.date))
        GROUP BY at.deputy_id
    ), sp AS (
        SELECT deputy_id, COUNT(*) AS n FROM {t["speech"]}
        WHERE date BETWEEN %(year_start)s AND %(year_end)s GROUP BY deputy_id
    ), act AS (
        SELECT p.deputy_id, {", ".join(activity_columns)}
        FROM {t["participation"]} p JOIN {t["activity"]} a ON a.id = p.activity_id
        WHERE p.status = 'present' AND a.date BETWEEN %(term_start)s AND %(year_end)s
        GROUP BY p.deputy_id
    ), vot AS (
        SELECT person_id, COUNT(*) FILTER (WHERE n >= 1) AS r1, COUNT(*) FILTER (WHERE n >= 2) AS r2
        FROM (SELECT c.deputy_id AS person_id, cc.constituent_id, COUNT(*) AS n
              FROM {t["through"]} cc JOIN {t["communication"]} c ON c.id = cc.communication_id
              JOIN {t["constituent"]} k ON k.id = cc.constituent_id AND k.deputy_id = c.deputy_id
              WHERE c.date BETWEEN %(year_start)s AND %(year_end)s
              GROUP BY c.deputy_id, cc.constituent_id) x GROUP BY person_id
    ), lia AS (
        SELECT person_id, COUNT(*) FILTER (WHERE n >= 1) AS r1, COUNT(*) FILTER (WHERE n >= 2) AS r2
        FROM (SELECT member_id AS person_id, deputy_id, COUNT(*) AS n FROM {t["liaison"]}
              WHERE date BETWEEN %(year_start)s AND %(year_end)s
              GROUP BY member_id, deputy_id) y GROUP BY person_id
    ), pro AS (
        SELECT deputy_id, COUNT(DISTINCT proposal_id) AS n FROM (
            SELECT lead_id AS deputy_id, id AS proposal_id FROM {t["proposal"]}
            WHERE term_id = %(term)s AND status <> 'withdrawn'
              AND submitted_date BETWEEN %(term_start)s AND %(year_end)s
            UNION
            SELECT cs.deputy_id, p.id FROM {t["cosignature"]} cs
            JOIN {t["proposal"]} p ON p.id = cs.proposal_id
            WHERE p.term_id = %(term)s AND p.status <> 'withdrawn'
              AND p.submitted_date BETWEEN %(term_start)s AND %(year_end)s) z GROUP BY deputy_id
    ), rep AS (
        SELECT deputy_id, COUNT(*) AS n FROM {t["report"]}
        WHERE date BETWEEN %(term_start)s AND %(year_end)s GROUP BY deputy_id
    )
    SELECT d.id, att.roll, att.kept, att.absent, sp.n AS speeches, {
        ", ".join("act." + rule.code.lower() for rule in rules if rule.counts == "activities")
    },
           vot.r1 AS voters_r1, vot.r2 AS voters_r2, lia.r1 AS liaison_r1, lia.r2 AS liaison_r2,
           pro.n AS proposals, rep.n AS reports
    FROM d LEFT JOIN att ON att.deputy_id = d.id LEFT JOIN sp ON sp.deputy_id = d.id
    LEFT JOIN act ON act.deputy_id = d.id LEFT JOIN vot ON vot.person_id = d.id
    LEFT JOIN lia ON lia.person_id = d.id LEFT JOIN pro ON pro.deputy_id = d.id
    LEFT JOIN rep ON rep.deputy_id = d.id
    """


def count_mismatches(evaluation, lower_bound: dict) -> int:
    """Deputies for whom an achieved number differs from the hand-written aggregate's."""
    bad = 0
    for row in evaluation.rows:
        counts = lower_bound[row.deputy.pk]
        for result in row.results:
            if not result.applies:
                continue
            rule = result.rule
            expected = {
                "session_attendance": counts["kept"],
                "speeches": counts["speeches"],
                "activities": counts.get(rule.code.lower()),
                "constituents": counts.get(f"voters_r{result.times_required}"),
                "liaison_deputies": counts.get(f"liaison_r{result.times_required}"),
                "proposals": counts["proposals"],
                "constituency_reports": counts["reports"],
            }[rule.counts]
            if (expected or 0) != result.achieved:
                bad += 1
                break
    return bad


def bench_dashboard(year: int, runs: int) -> dict:
    """The leadership dashboard as the office sees it on a working day: every ended year of
    the term closed (its figures kept with the closing), the current year running.

    - cold: the page of the running year right after a write (a new data version): the
      running year is evaluated again, the closed years are read (median of several writes);
    - flushed: the same page after the whole cache was lost (a Redis restart);
    - warm: the median of repeated requests, and their query count;
    - past: the page of `year` (closed) after a write."""
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from totp_enrol import enrol

    from deputies.models import Role, RoleAssignment, Term
    from supervision.closing.services import close_year, closed_years, year_has_ended
    from supervision.dashboard.services import bump_data_version
    from supervision.evaluation.compliance import as_of_today

    user, _ = get_user_model().objects.get_or_create(username="bench-office")
    RoleAssignment.objects.get_or_create(user=user, role=Role.OFFICE_STAFF)
    # Office staff must have an authenticator (deputies.mfa); without one every page is a
    # redirect to the enrolment page. force_login stands for the password and code steps.
    enrol([user.username])
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    today = as_of_today()
    term = Term.for_year(today.year) or Term.for_year(year)
    for y in term.years():
        if year_has_ended(y, today) and y not in closed_years():
            close_year(user, y, "基准测试：已结束的年度结账")
    running = today.year if term.end_date.year >= today.year else year

    def render(y):
        response = client.get(f"/dashboard/?year={y}")
        assert response.status_code == 200, response.status_code
        return response

    render(running)  # the templates, the session, the connection, the closed years' figures
    render(year)

    def after_write(y):
        bump_data_version()
        started = time.perf_counter()
        render(y)
        return time.perf_counter() - started

    # Medians like every other figure: one cold request alone varies by a second here.
    cold = statistics.median(after_write(running) for _ in range(max(runs, 3)))
    past = statistics.median(after_write(year) for _ in range(max(runs, 3)))

    def after_loss():
        cache.clear()
        started = time.perf_counter()
        render(running)
        return time.perf_counter() - started

    flushed = statistics.median(after_loss() for _ in range(max(runs, 3)))
    warm, _ = timed(lambda: render(running), max(runs, 3))
    with CaptureQueriesContext(connection) as queries:
        render(running)
    return {
        "running_year": running,
        "cold": cold,
        "past": past,
        "flushed": flushed,
        "warm": warm,
        "warm_queries": len(queries.captured_queries),
    }


FEEDBACK_REDIS = "redis://127.0.0.1:6379/9"  # bench/feedback_job.py's broker


def bench_feedback_job(url: str, year: int, workers: int) -> dict | None:
    """Every feedback sheet of the year as the chunked Celery job on `workers` real worker
    processes (bench/feedback_job.py); None when Redis is not there."""
    import redis

    try:
        redis.Redis.from_url(FEEDBACK_REDIS, socket_connect_timeout=1).ping()
    except redis.exceptions.RedisError:
        return None
    from feedback_job import measure

    return measure(url, year=year, workers=workers)


def bench_ledger(url: str, rows: int) -> dict | None:
    """A town's year as a ledger of `rows` rows, previewed and applied (then rolled back) each
    in its own process (bench/ledger_scale.py); None when `rows` is 0."""
    if rows <= 0:
        return None
    from ledger_scale import measure

    return measure(url, rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scales", default="10,30,67", help="scales, each on its own database; growth printed"
    )
    parser.add_argument("--scale", type=int, help="one scale, on BENCH_DATABASE_URL itself")
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument(
        "--ledger-rows", type=int, default=50_000, help="ledger rows at the largest scale (0: none)"
    )
    parser.add_argument("--workers", type=int, default=2, help="Celery workers, feedback job")
    parser.add_argument("--json", help=argparse.SUPPRESS)  # where one scale's run writes
    args = parser.parse_args()
    base = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    if args.scale is not None:
        measure_scale(args, base)
        return
    scales = sorted(int(s) for s in args.scales.split(","))
    results = {}
    for scale in scales:
        # One process per scale: Django binds its database once, at setup.
        print(f"\n=== scale {scale} ===", flush=True)
        out = ROOT / "bench" / "out" / f"results-{scale}.json"
        command = [sys.executable, __file__, "--scale", str(scale), "--year", str(args.year),
                   "--runs", str(args.runs), "--json", str(out)]  # fmt: skip
        command += ["--reseed"] * args.reseed + ["--workers", str(args.workers)]
        # The ledger is one town's year whatever the district: imported at the largest scale.
        command += ["--ledger-rows", str(args.ledger_rows if scale == scales[-1] else 0)]
        env = {**os.environ, "BENCH_DATABASE_URL": f"{base}_{scale}"}
        subprocess.run(command, check=True, env=env)
        results[scale] = json.loads(out.read_text())
    print_growth(results)


# The figures whose growth is printed: (key, label).
GROWTH = [
    ("deputies", "deputies in office"),
    ("records_in_year", "records in the year"),
    ("evaluation_s", "(a) evaluation s"),
    ("lower_bound_s", "    SQL lower bound s"),
    ("export_s", "(b) workbook s"),
    ("export_peak_rss_mb", "    workbook peak MB"),
    ("feedback_ms_per_sheet", "(c) ms per feedback sheet"),
    ("feedback_job_s", "(c) all feedback sheets s"),
    ("dashboard_cold_s", "(d) dashboard cold s"),
    ("dashboard_flushed_s", "    dashboard flushed s"),
    ("dashboard_warm_s", "    dashboard warm s"),
    ("dashboard_warm_queries", "    dashboard queries"),
]


def print_growth(results: dict) -> None:
    """Each figure at each scale, and how it grows against the number of deputies: the
    exponent k in figure ∝ deputies^k between the smallest and the largest scale (1 is
    linear, above 1 worse than linear, 0 constant)."""
    import math

    scales = sorted(results)
    print("\nhow cost grows with the number of deputies")
    header = f"{'figure':30}" + "".join(f"{'scale ' + str(s):>14}" for s in scales) + "  growth k"
    print(header)
    first, last = results[scales[0]], results[scales[-1]]
    n_ratio = last["deputies"] / max(first["deputies"], 1)
    for key, label in GROWTH:
        values = [results[s].get(key) for s in scales]
        if any(v is None for v in values):
            continue
        cells = "".join(f"{v:>14,.3f}" if isinstance(v, float) else f"{v:>14,}" for v in values)
        k = ""
        if values[0] and values[-1] and n_ratio > 1:
            k = f"{math.log(values[-1] / values[0]) / math.log(n_ratio):8.2f}"
        print(f"{label:30}{cells}  {k}")
    (ROOT / "bench" / "out" / "growth.json").write_text(
        json.dumps({str(s): results[s] for s in scales}, ensure_ascii=False, indent=2)
    )


def measure_scale(args, url: str) -> dict:
    os.environ["DATABASE_URL"] = url
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jdrenda.settings")
    ensure_database(url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from activities.models import (
        Activity,
        Attendance,
        Communication,
        LiaisonCommunication,
        Meeting,
        Participation,
        Speech,
    )
    from deputies.models import Constituent, Delegation, Deputy, ServicePeriod, Suspension, Term
    from proposals.models import Cosignature, Proposal
    from supervision.evaluation.compliance import evaluate_year
    from supervision.models import ConstituencyReport
    from supervision.reports.bundle import write_feedback_dir
    from supervision.reports.workbook import write_evaluation_workbook
    from supervision.rules import RULES

    call_command("migrate", verbosity=0)
    if args.reseed or not Deputy.objects.exists():
        print(f"seeding scale {args.scale} (once; reused by later runs) …", flush=True)
        started = time.perf_counter()
        call_command("seed_demo", scale=args.scale, reset=args.reseed, verbosity=0)
        print(f"seeded in {time.perf_counter() - started:.0f} s", flush=True)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    term = Term.for_year(args.year)
    year_start, year_end = date(args.year, 1, 1), date(args.year, 12, 31)
    deputies = Deputy.objects.filter(term=term).in_office_in_year(args.year).count()
    records = sum(
        model.objects.filter(**{f"{path}__range": (year_start, year_end)}).count()
        for model, path in (
            (Attendance, "meeting__date"),
            (Speech, "date"),
            (Participation, "activity__date"),
            (Communication.constituents.through, "communication__date"),
            (LiaisonCommunication, "date"),
            (ConstituencyReport, "date"),
            (Proposal, "submitted_date"),
        )
    )
    print(f"dataset: {deputies} deputies in office in {args.year}, {records} records that year "
          f"({records / max(deputies, 1):.1f} per deputy-year)")  # fmt: skip

    tables = {
        "deputy": Deputy._meta.db_table,
        "service": ServicePeriod._meta.db_table,
        "suspension": Suspension._meta.db_table,
        "attendance": Attendance._meta.db_table,
        "meeting": Meeting._meta.db_table,
        "speech": Speech._meta.db_table,
        "participation": Participation._meta.db_table,
        "activity": Activity._meta.db_table,
        "through": Communication.constituents.through._meta.db_table,
        "communication": Communication._meta.db_table,
        "constituent": Constituent._meta.db_table,
        "liaison": LiaisonCommunication._meta.db_table,
        "proposal": Proposal._meta.db_table,
        "cosignature": Cosignature._meta.db_table,
        "report": ConstituencyReport._meta.db_table,
    }
    sql = lower_bound_sql(RULES, tables)
    params = {"term": term.pk, "term_start": term.start_date, "year_start": year_start,
              "year_end": year_end}  # fmt: skip

    def lower_bound():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            names = [column[0] for column in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    evaluate = lambda: evaluate_year(args.year, term)  # noqa: E731
    lower_bound()
    evaluate()  # warm caches for both alike
    lb_time, lb_rows = timed(lower_bound, args.runs)
    eval_time, evaluation = timed(evaluate, args.runs)
    assert len(lb_rows) == len(evaluation.rows), (len(lb_rows), len(evaluation.rows))
    mismatched = count_mismatches(evaluation, {row["id"]: row for row in lb_rows})

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "evaluation.xlsx"
        export_time, _ = timed(
            lambda: write_evaluation_workbook(evaluate_year(args.year, term), out), 3
        )
        size = out.stat().st_size
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "export_evaluation", "--year",
             str(args.year), "--term", term.name, "--output", str(out)],
            check=True, cwd=ROOT, env=os.environ.copy(), stdout=subprocess.DEVNULL,
        )  # fmt: skip
        peak_mb = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024

        delegation = (
            Delegation.objects.filter(deputies__term=term)
            .annotate(n=django.db.models.Count("deputies"))
            .order_by("-n")
            .first()
        )
        ids = list(
            Deputy.objects.filter(term=term, delegation=delegation).values_list("pk", flat=True)
        )
        feedback_time, count = timed(
            lambda: write_feedback_dir(args.year, Path(tmp) / "fb", term, ids), 3
        )

    dashboard = bench_dashboard(args.year, args.runs)
    connection.close()  # the children below use the database on their own
    feedback_job = bench_feedback_job(url, args.year, args.workers)
    ledger = bench_ledger(url, args.ledger_rows)

    results = {
        "scale": args.scale,
        "deputies": deputies,
        "records_in_year": records,
        "evaluation_s": round(eval_time, 3),
        "lower_bound_s": round(lb_time, 3),
        "ratio_evaluation_to_lower_bound": round(eval_time / lb_time, 2),
        "export_s": round(export_time, 3),
        "export_bytes": size,
        "export_peak_rss_mb": round(peak_mb, 1),
        "feedback_delegation": delegation.name,
        "feedback_sheets": count,
        "feedback_s": round(feedback_time, 3),
        "feedback_ms_per_sheet": round(1000 * feedback_time / max(count, 1), 1),
        "deputies_with_counts_differing_from_lower_bound": mismatched,
        "dashboard_running_year": dashboard["running_year"],
        "dashboard_cold_s": round(dashboard["cold"], 3),
        "dashboard_past_year_after_write_s": round(dashboard["past"], 3),
        "dashboard_flushed_s": round(dashboard["flushed"], 3),
        "dashboard_warm_s": round(dashboard["warm"], 3),
        "dashboard_warm_queries": dashboard["warm_queries"],
        "runs": args.runs,
    }
    if feedback_job:
        results.update(
            feedback_job_s=feedback_job["seconds"],
            feedback_job_sheets=feedback_job.get("sheets"),
            feedback_job_each_deputy_once=feedback_job.get("each_deputy_once"),
            feedback_job_workers=args.workers,
            feedback_job_worker_cpu_s=feedback_job.get("worker_cpu_s"),
        )
    if ledger:
        results.update(
            ledger_rows=ledger["rows"],
            ledger_preview_s=ledger["preview"]["seconds"],
            ledger_preview_peak_mb=ledger["preview"]["peak_rss_mb"],
            ledger_apply_s=ledger["apply"]["seconds"],
            ledger_apply_peak_mb=ledger["apply"]["peak_rss_mb"],
            ledger_errors=ledger["preview"]["errors"] + ledger["apply"]["errors"],
        )
    running = dashboard["running_year"]
    print()
    print(f"(a) evaluation of {args.year}:      {eval_time:8.3f} s  (target ≤ 1 s)")
    print(f"    hand-written SQL lower bound: {lb_time:8.3f} s")
    print(f"    ratio a / lower bound:        {eval_time / lb_time:8.2f}    (target ≤ 1.3)")
    print(f"(b) evaluation export:            {export_time:8.3f} s  (target ≤ 5 s), "
          f"peak RSS {peak_mb:.0f} MB (target ≤ 300 MB)")  # fmt: skip
    print(f"    deputies whose counts differ from the lower bound's: {mismatched}")
    print(f"(c) feedback sheets, {delegation.name} ({count} deputies): {feedback_time:.3f} s "
          f"({results['feedback_ms_per_sheet']} ms each)")  # fmt: skip
    if feedback_job:
        print(f"(c) all feedback sheets of {args.year} as the Celery job, {args.workers} workers: "
              f"{feedback_job['seconds']:.1f} s for {feedback_job.get('sheets')} sheets "
              f"(target ≤ 180 s at 20,000); each deputy exactly once: "
              f"{feedback_job.get('each_deputy_once')}")  # fmt: skip
    else:
        print("(c) all feedback sheets as the Celery job: not measured (no Redis at "
              f"{FEEDBACK_REDIS})")  # fmt: skip
    if ledger:
        for phase in ("preview", "apply"):
            f = ledger[phase]
            print(f"(e) ledger {phase} of {ledger['rows']:,} rows: {f['seconds']:.1f} s, "
                  f"peak RSS {f['peak_rss_mb']:.0f} MB (target ≤ 60 s, ≤ 500 MB), "
                  f"errors {f['errors']}")  # fmt: skip
    print(f"(d) dashboard {running}, after a write (cold): {dashboard['cold']:.3f} s "
          f"(target ≤ 2 s); cache lost: {dashboard['flushed']:.3f} s; "
          f"{args.year} (closed) after a write: {dashboard['past']:.3f} s")  # fmt: skip
    print(f"(d) dashboard {running}, warm:      {dashboard['warm']:8.3f} s  (target ≤ 0.1 s), "
          f"{dashboard['warm_queries']} queries")  # fmt: skip
    out = Path(args.json) if args.json else ROOT / "bench" / "out" / "results.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2))
    return results


if __name__ == "__main__":
    main()
