"""City-scale benchmark of the rules engine and the exports (issue 3). Not part of the tests.

    python bench/run.py [--scale 67] [--year 2025] [--runs 5] [--reseed]

Uses PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/jdrenda_bench),
creating, migrating and seeding the database with `seed_demo --scale N` the first time (about
20,000 deputies at scale 67). Then, each as the median of several runs in this one process:

  (a) the year's evaluation (supervision.evaluation.compliance.evaluate_year), and the single
      hand-written SQL aggregate that produces the same counts (the lower bound): ratio a/lb;
  (b) the evaluation-workbook export, with the peak memory of a separate export process;
  (c) the feedback sheets of one delegation;
  (d) the leadership dashboard /dashboard/?year=YEAR rendered through django.test.Client as an
      office user (created if missing): cold (cache cleared: every elapsed year of the term is
      evaluated) and warm (the median of runs; the target is < 500 ms). REDIS_URL is unset, so
      the cache is this process's local memory.

Prints a table and writes bench/out/results.json.
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
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/jdrenda_bench"


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


def bench_dashboard(year: int, runs: int) -> tuple[float, float, int]:
    """(cold seconds, warm median seconds, warm query count) of /dashboard/?year=YEAR."""
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from totp_enrol import enrol

    from deputies.models import Role, RoleAssignment

    user, _ = get_user_model().objects.get_or_create(username="bench-office")
    RoleAssignment.objects.get_or_create(user=user, role=Role.OFFICE_STAFF)
    # Office staff must have an authenticator (deputies.mfa); without one every page is a
    # redirect to the enrolment page. force_login stands for the password and code steps.
    enrol([user.username])
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    url = f"/dashboard/?year={year}"

    def render():
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return response

    render()  # the templates, the session and the connection, warm alike for both
    cache.clear()
    started = time.perf_counter()
    render()
    cold = time.perf_counter() - started
    warm, _ = timed(render, max(runs, 3))
    with CaptureQueriesContext(connection) as queries:
        render()
    return cold, warm, len(queries.captured_queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=67)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reseed", action="store_true")
    args = parser.parse_args()

    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
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

    cold_s, warm_s, dashboard_queries = bench_dashboard(args.year, args.runs)

    results = {
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
        "deputies_with_counts_differing_from_lower_bound": mismatched,
        "dashboard_cold_s": round(cold_s, 3),
        "dashboard_warm_s": round(warm_s, 3),
        "dashboard_warm_queries": dashboard_queries,
        "dashboard_target_warm_s": 0.5,
        "runs": args.runs,
    }
    print()
    print(f"(a) evaluation of {args.year}:      {eval_time:8.3f} s  (target < 3 s)")
    print(f"    hand-written SQL lower bound: {lb_time:8.3f} s")
    print(f"    ratio a / lower bound:        {eval_time / lb_time:8.2f}    (target ≤ 2)")
    print(f"(b) evaluation export:            {export_time:8.3f} s  (target < 20 s), "
          f"peak RSS {peak_mb:.0f} MB (target < 1024 MB)")  # fmt: skip
    print(f"    deputies whose counts differ from the lower bound's: {mismatched}")
    print(f"(c) feedback sheets, {delegation.name} ({count} deputies): {feedback_time:.3f} s")
    print(f"(d) dashboard {args.year}, warm:      {warm_s:8.3f} s  (target < 0.5 s), "
          f"{dashboard_queries} queries; cold (cache cleared): {cold_s:.3f} s")  # fmt: skip
    out_dir = ROOT / "bench" / "out"
    out_dir.mkdir(exist_ok=True)
    (out_dir / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
