"""PDF documents a person is handed: the year-end feedback sheet (Art. 27) and the deputy's
performance file (履职档案), rendered from Django templates (templates/documents/) by WeasyPrint.

Chinese renders with the font vendored under static/fonts (a GB2312 subset of Noto Sans CJK
SC), so a machine with no CJK font installed still prints text, not boxes. WeasyPrint may load
only files under static/: nothing a document shows can make it fetch another URL.
"""

from datetime import date
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from supervision.evaluation.compliance import DeputyEvaluation, Status, evaluate_year
from supervision.reports.feedback import PROPOSAL_COLUMNS, DeputyRecords, collect_records
from supervision.rules import Period

STATIC_DIR = Path(settings.BASE_DIR) / "static"


def _static_fetcher():
    from weasyprint.urls import URLFetcher

    class StaticOnly(URLFetcher):
        def fetch(self, url, headers=None):
            if not url.startswith(STATIC_DIR.as_uri() + "/"):
                raise ValueError(f"documents load only static files, not {url}")
            return super().fetch(url, headers)

    return StaticOnly(allowed_protocols=["file"])


class PdfUnavailable(RuntimeError):
    """WeasyPrint cannot run here: the system's Pango library is missing."""


def render_pdf(template: str, context: dict) -> bytes:
    try:
        from weasyprint import HTML  # imported here: its first import costs a second
    except OSError as exc:  # WeasyPrint loads Pango (a system library) on import
        raise PdfUnavailable(str(exc)) from exc

    html = render_to_string(template, {**context, "made_at": timezone.localtime()})
    return HTML(
        string=html, base_url=STATIC_DIR.as_uri() + "/", url_fetcher=_static_fetcher()
    ).write_pdf()


def year_section(row: DeputyEvaluation, records: DeputyRecords) -> dict:
    """What one evaluated year of a deputy shows: each rule's line and its records."""
    lines = []
    for result in row.results:
        rule = result.rule
        lines.append(
            {
                "article": rule.article_text,
                "name": rule.short_name,
                "period": "本年度" if rule.period == Period.YEAR else f"本届（截至{row.year}年底）",
                "required": result.required if result.applies else "不适用",
                "achieved": result.achieved if result.applies else "不适用",
                "status": result.status.label,
                "shortfall": result.status == Status.SHORTFALL,
                "records": records.by_rule.get(rule.code, []),
            }
        )
    return {
        "record_columns": _two_columns(lines),
        "year": row.year,
        "term": row.term,
        "active_days": row.active_days_year,
        "version": row.version.name if row.version else "",  # the rule set version used
        "lines": lines,
        "meets_all": row.meets_all,
        "shortfall_names": row.shortfall_names,
        "interview_reasons": row.interview_reasons,
        "proposals": records.proposals,
    }


def _two_columns(lines: list[dict]) -> tuple[list[dict], list[dict]]:
    """The rules' record lists in two columns of about equal length, in rule order (a table
    of two cells: WeasyPrint lays out CSS columns several times slower)."""
    sizes = [1 + len(line["records"]) for line in lines]
    half, running, split = sum(sizes) / 2, 0, len(lines)
    for index, size in enumerate(sizes):
        if running + size / 2 > half:
            split = index
            break
        running += size
    return lines[:split], lines[split:]


def feedback_pdf(row: DeputyEvaluation, records: DeputyRecords) -> bytes:
    """The year-end feedback sheet of one deputy, one or two A4 pages."""
    return render_pdf(
        "supervision/documents/pdf/feedback.html",
        {
            "deputy": row.deputy,
            "section": year_section(row, records),
            "proposal_columns": PROPOSAL_COLUMNS,
        },
    )


def performance_file_pdf(deputy, years: list[int], viewer=None) -> bytes | None:
    """The deputy's 履职档案: one section per year of the term asked for (the running year
    as of today); None when the deputy was in office in none of them. A proposal's
    evaluation shows only where `viewer` may see it (None: the deputy reading their own)."""
    sections = []
    for year in years:
        rows = evaluate_year(year, term=deputy.term, deputy_ids=[deputy.pk]).rows
        if rows:
            records = collect_records(rows, viewer).get(deputy.pk) or DeputyRecords()
            sections.append(year_section(rows[0], records))
    if not sections:
        return None
    return render_pdf(
        "supervision/documents/pdf/performance_file.html",
        {
            "deputy": deputy,
            "sections": sections,
            "proposal_columns": PROPOSAL_COLUMNS,
            "today": date.today(),
        },
    )


def term_years(term) -> list[int]:
    """The years of a term up to this one."""
    last = min(term.end_date.year, date.today().year)
    return list(range(term.start_date.year, last + 1))
