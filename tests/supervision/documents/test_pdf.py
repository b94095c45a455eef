"""The PDF documents a deputy is handed (Art. 27): the year-end feedback sheet and the
performance file (履职档案), read back as a person reads them (poppler's pdftotext), with
Chinese in the vendored font, the right people allowed to download them, and the zip of all
sheets in PDF."""

import subprocess
import zipfile
from datetime import date

import pytest

from activities.models import Activity, Participation
from deputies.models import Role
from supervision.models import ExportJob, ExportLog

pytestmark = [pytest.mark.office, pytest.mark.django_db]

YEAR = 2025


def pdf_pages(content: bytes, tmp_path) -> list[str]:
    path = tmp_path / "doc.pdf"
    path.write_bytes(content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return text.split("\f")[:-1]  # pdftotext ends every page with a form feed


def pdf_fonts(content: bytes, tmp_path) -> str:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdffonts", str(path)], check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture
def world(make_term, make_delegation, make_group, make_deputy, make_user):
    term = make_term("第七届", date(2022, 1, 1), date(2026, 12, 31))
    anting, nanxiang = make_delegation("安亭镇"), make_delegation("南翔镇")
    group = make_group(term, anting, "安亭镇第一代表小组")
    users = {
        "deputy": make_user("zhang"),
        "office": make_user("office", roles=[(Role.OFFICE_STAFF, None)]),
        "town_a": make_user("town_a", roles=[(Role.TOWN_STAFF, anting)]),
        "town_b": make_user("town_b", roles=[(Role.TOWN_STAFF, nanxiang)]),
    }
    zhang = make_deputy(term, "A001", "张三丰", group=group, user=users["deputy"])
    training = Activity.objects.create(
        term=term, name="代表履职学习培训班", type="training", date=date(YEAR, 5, 12)
    )
    Participation.objects.create(activity=training, deputy=zhang, status="present")
    return {"term": term, "zhang": zhang, **users}


def test_feedback_sheet_pdf_names_the_deputy_each_rule_and_the_records(world, client_for, tmp_path):
    response = client_for(world["deputy"]).get("/supervision/mine/feedback.pdf", {"year": YEAR})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "2025%E5%B9%B4%E5%BA%A6" in response["Content-Disposition"]  # 2025年度…
    pages = pdf_pages(response.content, tmp_path)
    assert 1 <= len(pages) <= 2
    first = pages[0]
    assert "2025年度代表履职情况反馈表" in first
    assert "张三丰" in first and "A001" in first and "安亭镇第一代表小组" in first
    assert "按全年评价" in first
    text = "".join(pages)
    for short_name in ("出席大会", "履职学习培训", "联系选民", "向选民述职"):
        assert short_name in text
    assert "2025-05-12 代表履职学习培训班" in text  # the record behind the training rule
    assert "代表小组组长（签名）" in text
    assert f"第 1 页，共 {len(pages)} 页" in first
    # Chinese is drawn with the font the project ships, embedded, whatever the machine has.
    assert "jdrenda-sans" in pdf_fonts(response.content, tmp_path)
    log = ExportLog.objects.get()
    assert (log.kind, log.username) == ("feedback_own", "zhang")


def test_performance_file_for_the_term_has_a_section_per_year(world, client_for, tmp_path):
    zhang = world["zhang"]
    response = client_for(world["town_a"]).get(
        f"/supervision/deputies/{zhang.pk}/file.pdf", {"period": "term"}
    )

    assert response.status_code == 200
    text = "".join(pdf_pages(response.content, tmp_path))
    today = date.today()
    for year in range(2022, min(today.year, 2026) + 1):
        assert f"代表履职档案 · {year}年度" in text
    assert "代表履职学习培训班" in text


def test_performance_file_shows_the_lead_evaluation_to_office_only(world, client_for, tmp_path):
    from proposals.models import Proposal, ProposalEvaluation

    zhang = world["zhang"]
    proposal = Proposal.objects.create(
        term=world["term"], number="J2025-0001", kind="suggestion", title="关于河道治理的建议",
        submitted_date=date(YEAR, 1, 8), lead=zhang, status="replied",
    )  # fmt: skip
    ProposalEvaluation.objects.create(
        proposal=proposal, attitude="unsatisfied", result="unsatisfied", overall="unsatisfied"
    )
    url = f"/supervision/deputies/{zhang.pk}/file.pdf"

    town = "".join(pdf_pages(client_for(world["town_a"]).get(url).content, tmp_path))
    office = "".join(pdf_pages(client_for(world["office"]).get(url).content, tmp_path))

    assert "关于河道治理的建议" in town and "关于河道治理的建议" in office
    assert "不满意" in office
    assert "不满意" not in town


def test_performance_file_is_scoped_like_the_deputy_file(world, client_for):
    url = f"/supervision/deputies/{world['zhang'].pk}/file.pdf"

    assert client_for(world["town_b"]).get(url, {"year": YEAR}).status_code == 404
    assert client_for(world["office"]).get(url, {"year": YEAR}).status_code == 200
    assert not ExportLog.objects.filter(username="town_b").exists()


def test_feedback_zip_in_pdf_holds_one_pdf_per_deputy(
    world, client_for, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.EXPORT_ROOT = tmp_path
    client = client_for(world["office"])

    with django_capture_on_commit_callbacks(execute=True):  # the job is queued on commit
        response = client.post("/evaluation/feedback/", {"year": YEAR, "format": "pdf"})

    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert job.kind == ExportJob.Kind.FEEDBACK_PDF
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE
    with zipfile.ZipFile(job.file) as archive:
        assert archive.namelist() == ["2025年度履职情况反馈表_A001_张三丰.pdf"]
        content = archive.read(archive.namelist()[0])
    assert content.startswith(b"%PDF")
    assert "张三丰" in pdf_pages(content, tmp_path)[0]
