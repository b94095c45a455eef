"""The draft 述职报告 (Art. 26): drafted from the records in the five areas the article names,
revised in the browser, downloaded as Word and PDF; recording that it was given creates the
report to constituents that ART26 counts."""

import subprocess
from datetime import date, timedelta
from io import BytesIO

import pytest
from django.utils import timezone

from activities.models import Activity, Participation, Speech
from deputies.models import Role
from proposals.models import Proposal
from supervision.evaluation.compliance import evaluate_year
from supervision.models import ConstituencyReport, ReportDraft

pytestmark = pytest.mark.django_db

MINE = "/supervision/mine/report-draft/"


@pytest.fixture
def world(make_term, make_delegation, make_group, make_deputy, make_user):
    term = make_term("第七届", date(2022, 1, 1), date(2026, 12, 31))
    anting, nanxiang = make_delegation("安亭镇"), make_delegation("南翔镇")
    group = make_group(term, anting, "安亭镇第一代表小组")
    users = {
        "deputy": make_user("zhang"),
        "town_a": make_user("town_a", roles=[(Role.TOWN_STAFF, anting)]),
        "town_b": make_user("town_b", roles=[(Role.TOWN_STAFF, nanxiang)]),
    }
    zhang = make_deputy(term, "A001", "张三丰", group=group, user=users["deputy"])
    training = Activity.objects.create(
        term=term, name="代表履职学习培训班", type="training", date=date(2025, 5, 12)
    )
    Participation.objects.create(activity=training, deputy=zhang, status="present")
    Speech.objects.create(deputy=zhang, date=date(2025, 1, 8), topic="关于政府工作报告的意见")
    Proposal.objects.create(
        term=term, number="J2025-0001", kind="suggestion", title="关于加强河道治理的建议",
        submitted_date=date(2025, 1, 8), lead=zhang, status="replied",
    )  # fmt: skip
    return {"term": term, "zhang": zhang, **users}


def test_the_draft_is_filled_from_the_records_in_the_five_areas(world, client_for):
    response = client_for(world["deputy"]).get(MINE)

    assert response.status_code == 200
    text = response.content.decode()
    for area in ("行使代表权利", "履行代表义务", "联系人民群众", "反映社情民意", "为群众办实事"):
        assert area in text
    assert "发言 1 次，如“关于政府工作报告的意见”" in text
    assert "领衔提出议案建议 1 件、附议 0 件" in text
    assert "参加履职学习培训 1 次" in text and "“代表履职学习培训班”" in text
    assert "已获答复或办结 1 件，如“关于加强河道治理的建议”" in text
    assert not ReportDraft.objects.exists()  # nothing is saved until the deputy saves


def test_the_deputy_revises_and_saves_and_regenerating_asks_first(world, client_for):
    client = client_for(world["deputy"])
    sections = {name: f"我的{name}内容" for name in ReportDraft.SECTIONS}

    client.post(MINE, {"action": "save", **sections})
    draft = ReportDraft.objects.get()
    assert draft.rights == "我的rights内容" and draft.updated_by == world["deputy"]
    assert "我的deeds内容" in client.get(MINE).content.decode()

    response = client.post(MINE, {"action": "regenerate"}, follow=True)
    assert "请勾选确认" in response.content.decode()
    draft.refresh_from_db()
    assert draft.rights == "我的rights内容"  # unchanged without the confirmation

    client.post(MINE, {"action": "regenerate", "confirm": "yes"})
    draft.refresh_from_db()
    assert draft.rights.startswith("本届任期（2022年01月至")
    assert draft.history.count() == 2


def test_the_draft_downloads_as_word_with_the_revised_text(world, client_for):
    from docx import Document

    client = client_for(world["deputy"])
    client.post(MINE, {"action": "save", **{n: f"修改后的{n}" for n in ReportDraft.SECTIONS}})

    response = client.get("/supervision/mine/report-draft.docx")

    assert response.status_code == 200
    paragraphs = [p.text for p in Document(BytesIO(response.content)).paragraphs]
    assert paragraphs[0] == "张三丰代表履职情况报告"
    assert "五、为群众办实事" in paragraphs
    assert "修改后的deeds" in paragraphs
    assert client.get("/supervision/mine/report-draft.exe").status_code == 404


@pytest.mark.office
def test_the_draft_downloads_as_pdf(world, client_for, tmp_path):
    response = client_for(world["deputy"]).get("/supervision/mine/report-draft.pdf")

    assert response.status_code == 200
    path = tmp_path / "draft.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "张三丰代表履职情况报告" in text
    assert "一、行使代表权利" in text and "五、为群众办实事" in text


def test_town_staff_record_the_report_given_and_art26_counts_it(world, client_for):
    zhang = world["zhang"]
    url = f"/supervision/deputies/{zhang.pk}/report-draft/"

    response = client_for(world["town_a"]).post(
        url, {"action": "record", "date": "2025-06-01", "form": "oral"}
    )

    assert response.status_code == 302
    report = ConstituencyReport.objects.get()
    assert (report.deputy, report.date, report.form) == (zhang, date(2025, 6, 1), "oral")
    row = evaluate_year(2025, deputy_ids=[zhang.pk]).rows[0]
    art26 = next(r for r in row.results if r.rule.code == "ART26_REPORT")
    assert (art26.achieved, art26.required) == (1, 1)


def test_recording_is_refused_in_the_future_out_of_scope_and_for_the_deputy(world, client_for):
    zhang = world["zhang"]
    url = f"/supervision/deputies/{zhang.pk}/report-draft/"
    tomorrow = timezone.localdate() + timedelta(days=1)

    response = client_for(world["town_a"]).post(
        url, {"action": "record", "date": tomorrow.isoformat(), "form": "oral"}
    )
    assert response.status_code == 200
    assert "述职日期不能晚于今天。" in response.content.decode()
    assert client_for(world["town_b"]).get(url).status_code == 404
    client_for(world["deputy"]).post(MINE, {"action": "save", "rights": "已写好的内容"})
    response = client_for(world["deputy"]).post(
        MINE, {"action": "record", "date": "2025-06-01", "form": "oral"}
    )
    assert response.status_code == 404
    assert not ConstituencyReport.objects.exists()
    assert ReportDraft.objects.get().rights == "已写好的内容"  # and the draft is untouched
