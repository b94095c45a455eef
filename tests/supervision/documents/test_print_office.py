"""What the office prints: the demo data's exports opened in real office software.

LibreOffice (headless, standing in for Excel/WPS) converts each workbook to PDF; poppler's
pdfinfo and pdftotext read the pages back. The bounds are the ones the office asked for: the
year's evaluation workbook fits in 16 A4 pages and names the deputy on every page of its main
sheet; a deputy's feedback sheet fits in 2 pages with the name on the first.
"""

import os
import shutil
import subprocess
from datetime import date

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.office, pytest.mark.django_db]


def to_pdf_pages(xlsx, tmp_path) -> list[str]:
    """The text of each printed page of `xlsx`, as LibreOffice lays it out."""
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [shutil.which("soffice") or "soffice", f"-env:UserInstallation=file://{profile}",
         "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(xlsx)],
        check=True, capture_output=True, timeout=180, env={**os.environ, "HOME": str(tmp_path)},
    )  # fmt: skip
    pdf = tmp_path / (xlsx.stem + ".pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True)
    pages = int(next(line for line in info.stdout.splitlines() if line.startswith("Pages:"))[6:])
    return [
        subprocess.run(
            ["pdftotext", "-f", str(n), "-l", str(n), "-layout", str(pdf), "-"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout  # fmt: skip
        for n in range(1, pages + 1)
    ]


@pytest.fixture
def demo(db):
    call_command("seed_demo", verbosity=0)


def test_evaluation_workbook_prints_in_16_pages_with_names_on_every_main_page(demo, tmp_path):
    from supervision.evaluation.compliance import evaluate_year
    from supervision.reports.workbook import write_evaluation_workbook

    path = tmp_path / "evaluation.xlsx"
    write_evaluation_workbook(evaluate_year(2025), path)
    pages = to_pdf_pages(path, tmp_path)

    assert len(pages) <= 16
    main = [text for text in pages if text.lstrip().startswith("年度履职评价")]
    assert len(main) >= 2  # the demo's ~300 deputies need more than one page
    for number, text in enumerate(pages, start=1):
        assert f"第 {number} 页，共 {len(pages)} 页" in text
    for text in main:
        assert "代表编号" in text and "姓名" in text  # the header row repeats
        assert "2025年度代表履职评价（按全年评价）" in text
        assert "JD7" in text  # and deputies' rows follow it


def test_feedback_sheet_prints_in_two_pages_with_the_name_first(demo, tmp_path):
    from deputies.models import Deputy
    from supervision.evaluation.compliance import evaluate_year
    from supervision.reports.feedback import build_feedback_workbook, collect_records

    deputy = Deputy.objects.get(code="JD700002")
    row = evaluate_year(2025, deputy_ids=[deputy.pk]).rows[0]
    path = tmp_path / "feedback.xlsx"
    build_feedback_workbook(row, collect_records([row])[deputy.pk]).save(path)
    pages = to_pdf_pages(path, tmp_path)

    assert len(pages) <= 2
    assert deputy.name in pages[0]
    assert "2025年度代表履职情况反馈表" in pages[0]
    assert "第 1 页" in pages[0]


def test_list_export_prints_with_its_title_and_filters(demo, tmp_path, make_user, client_for):
    from deputies.models import Delegation, Role

    office = make_user("printer", roles=[(Role.OFFICE_STAFF, None)], mfa=True)
    delegation = Delegation.objects.get(name="嘉定镇街道")
    response = client_for(office).get("/deputies/", {"delegation": delegation.pk, "format": "xlsx"})
    assert response.status_code == 200
    path = tmp_path / "list.xlsx"
    path.write_bytes(response.content)
    pages = to_pdf_pages(path, tmp_path)

    assert 1 <= len(pages) <= 3
    assert f"代表团={delegation.pk}" in pages[0]
    assert f"生成于 {date.today():%Y-%m-%d}"[:8] in pages[0]
    assert "姓名" in pages[-1]  # the header row repeats on the last page too
