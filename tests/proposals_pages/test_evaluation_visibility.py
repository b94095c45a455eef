"""The lead deputy's 办理评价 (Art. 19) on every page and export that lists proposals, as
every role: present for the lead, office staff and leadership; absent for co-signers, town
staff, a delegation head and a group leader (issues 11 item 4, 12 item 5, 20 item 1).

The evaluation is 基本满意 with the comment 秘密意见; the proposal was reopened once because
an earlier evaluation was 不满意. Neither "基本满意", "秘密意见" nor "不满意" may reach those
who may not see it, and they see "重新办理" without its cause."""

import io
import zipfile
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from proposals.models import ProposalEvaluation

SECRETS = ("基本满意", "秘密意见", "不满意")
YEAR = {"year": 2024}


@pytest.fixture
def ev(pworld, make_proposal, make_user, make_group):
    from deputies.models import Role

    group = make_group(pworld.term, pworld.north, "第一小组")
    for d in (pworld.lead, pworld.co):
        d.group = group
        d.save()
    p = make_proposal(status="replied", cosigners=[pworld.co], reopened=True)
    p.reply, p.reply_date = "已答复", date(2024, 3, 1)
    p.save()
    ProposalEvaluation.objects.create(
        proposal=p, attitude="satisfied", result="basic", overall="basic", comment="秘密意见"
    )
    pworld.p = p
    pworld.head = make_user("head", roles=[(Role.DELEGATION_HEAD, pworld.north)])
    pworld.group_leader = make_user("gl", roles=[(Role.GROUP_LEADER, group)])
    return pworld


def readers(w):
    return {"lead": w.lead_user, "office": w.office, "leadership": w.leadership}


def others(w):
    return {"co": w.co_user, "town": w.town, "head": w.head, "group_leader": w.group_leader}


def _text(response):
    assert response.status_code == 200
    return response.content.decode()


def _xlsx_text(content: bytes) -> str:
    wb = load_workbook(io.BytesIO(content))
    return "\n".join(
        str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row
    )


def _assert_hidden(text, who, where):
    leaked = [s for s in SECRETS if s in text]
    assert not leaked, f"{who} sees {leaked} on {where}"


@pytest.mark.django_db
def test_proposal_page(ev, client_for):
    detail = reverse("proposals:proposal_detail", args=[ev.p.pk])
    for who, user in readers(ev).items():
        text = _text(client_for(user).get(detail))
        assert "基本满意" in text and "秘密意见" in text, who
        assert "因不满意已重新办理" in text, who
    for who, user in others(ev).items():
        if who == "group_leader":
            continue  # a group leader sees the proposals of their group's deputies: below
        text = _text(client_for(user).get(detail))
        _assert_hidden(text, who, "the proposal page")
        assert 'data-testid="reopened">已重新办理<' in text, who


@pytest.mark.django_db
def test_proposal_page_group_leader(ev, client_for):
    detail = reverse("proposals:proposal_detail", args=[ev.p.pk])
    text = _text(client_for(ev.group_leader).get(detail))
    _assert_hidden(text, "group leader", "the proposal page")
    assert 'data-testid="reopened">已重新办理<' in text


@pytest.mark.django_db
def test_proposal_list_badge(ev, client_for):
    url = reverse("proposals:proposal_list")
    for who, user in readers(ev).items():
        assert 'data-testid="reopened">因不满意重新办理<' in _text(client_for(user).get(url)), who
    for who, user in others(ev).items():
        text = _text(client_for(user).get(url))
        _assert_hidden(text, who, "the proposal list")
        assert 'data-testid="reopened">重新办理<' in text, who


@pytest.mark.django_db
def test_proposal_list_xlsx(ev, client_for):
    url = reverse("proposals:proposal_list")
    for who, user in readers(ev).items():
        content = client_for(user).get(url, {"format": "xlsx"}).content
        rows = list(load_workbook(io.BytesIO(content)).active.values)
        assert rows[0][-1] == "满意度", who
        assert rows[1][-1] == "基本满意", who
    for who, user in others(ev).items():
        response = client_for(user).get(url, {"format": "xlsx"})
        assert response.status_code == 200
        text = _xlsx_text(response.content)
        _assert_hidden(text, who, "the list xlsx")
        assert "J001" in text, who


@pytest.mark.django_db
def test_deputy_files(ev, client_for):
    """/deputies/<pk>/ of the lead and of the co-signer: the 满意度 column and its value."""
    for deputy in (ev.lead, ev.co):
        url = reverse("deputies:detail", args=[deputy.pk])
        for who, user in {"office": ev.office, "leadership": ev.leadership}.items():
            text = _text(client_for(user).get(url, YEAR))
            assert "<td>基本满意</td>" in text, (who, deputy.name)
        hidden = {"town": ev.town, "head": ev.head, "group_leader": ev.group_leader}
        for who, user in hidden.items():
            text = _text(client_for(user).get(url, YEAR))
            _assert_hidden(text, who, f"{deputy.name}'s file")
            assert "关于J001的建议" in text, (who, deputy.name)
            assert "满意度" not in text, (who, deputy.name)


@pytest.mark.django_db
def test_own_file_mine(ev, client_for):
    url = reverse("deputies:mine")
    lead = _text(client_for(ev.lead_user).get(url, YEAR))
    assert "我的评价：基本满意" in lead
    co = _text(client_for(ev.co_user).get(url, YEAR))
    assert "关于J001的建议" in co
    assert "我的评价" not in co
    _assert_hidden(co, "co-signer", "/deputies/mine/")


@pytest.mark.django_db
def test_own_feedback_sheet(ev, client_for):
    url = reverse("supervision:my_feedback")

    def proposals_sheet(user):
        response = client_for(user).get(url, YEAR)
        assert response.status_code == 200
        return list(load_workbook(io.BytesIO(response.content))["议案建议"].values)

    lead = proposals_sheet(ev.lead_user)
    assert lead[0][7] == "办理评价"
    assert (lead[1][0], lead[1][4], lead[1][7]) == ("J001", "领衔", "基本满意")
    co = proposals_sheet(ev.co_user)
    assert (co[1][0], co[1][4], co[1][7]) == ("J001", "附议", None)


@pytest.mark.django_db
def test_feedback_zip(ev, tmp_path):
    """The district's zip: each sheet is its deputy's own; only the lead's carries it."""
    from supervision.reports.bundle import write_feedback_zip

    target = tmp_path / "fb.zip"
    write_feedback_zip(2024, target, ev.term)
    with zipfile.ZipFile(target) as archive:
        sheets = {n: archive.read(n) for n in archive.namelist()}

    def sheet_of(code):
        (name,) = [n for n in sheets if f"_{code}_" in n]
        return list(load_workbook(io.BytesIO(sheets[name]))["议案建议"].values)

    assert sheet_of("N01")[1][7] == "基本满意"
    co = sheet_of("N02")
    assert (co[1][0], co[1][7]) == ("J001", None)
    _assert_hidden(_xlsx_text(sheets[next(n for n in sheets if "_N02_" in n)]), "co", "zip")


@pytest.mark.django_db
def test_evaluation_pages_and_award_candidates_refuse_others(ev, client_for):
    """The year's evaluation pages and the 优秀代表建议 candidates (which rank proposals by
    their evaluation) are for office staff and leadership only."""
    candidates = reverse("supervision:award_candidates")
    for who, user in readers(ev).items():
        if who == "lead":
            continue
        text = _text(client_for(user).get(candidates, {"list": "proposals", "year": 2024}))
        assert "基本满意" in text, who
    for who, user in {"lead": ev.lead_user, **others(ev)}.items():
        for url, params in (
            (candidates, {"list": "proposals", "year": 2024}),
            (candidates, {"list": "proposals", "year": 2024, "format": "xlsx"}),
            (reverse("evaluation:index"), YEAR),
            (reverse("evaluation:download"), YEAR),
        ):
            assert client_for(user).get(url, params).status_code == 404, (who, url)
