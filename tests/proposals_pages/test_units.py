"""主办/会办 handling units, each with its own 办理期限 and reply (答复函 allowed), and the
proposal's 正文 (issue 14, item 7). The proposal is 答复 once every 主办 unit has replied;
办结 stays an explicit step."""

import importlib
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from proposals.models import Assignment, Proposal

NEW = reverse("proposals:proposal_create")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 100


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _form(w, **kw):
    data = {
        "term": w.term.pk,
        "number": "J200",
        "kind": "suggestion",
        "title": "关于增设公交线路的建议",
        "content": "嘉定新城至安亭镇之间缺少直达公交。\n建议增设线路。",
        "submitted_date": "2024-01-15",
        "lead": w.lead.pk,
        "lead_units": [w.unit.pk],
        "assist_units": [w.unit2.pk],
    }
    data.update(kw)
    return data


def unit_reply(client, assignment, **data):
    prefixed = {f"u{assignment.pk}-{k}": v for k, v in data.items()}
    return client.post(reverse("proposals:unit_reply", args=[assignment.pk]), prefixed, follow=True)


def page_messages(response):
    return [str(m) for m in response.context["messages"]]


@pytest.mark.django_db
def test_register_with_content_lead_and_assisting_units(pworld, client_for):
    client = client_for(pworld.office)
    assert client.post(NEW, _form(pworld)).status_code == 302
    p = Proposal.objects.get(number="J200")
    assert p.content == "嘉定新城至安亭镇之间缺少直达公交。\n建议增设线路。"
    got = [(a.unit.name, a.role, a.due_date) for a in p.assignments.all()]
    # 主办 first; each due three months after submission unless set otherwise.
    assert got == [
        ("区交通委", "lead", date(2024, 4, 15)),
        ("区建管委", "assist", date(2024, 4, 15)),
    ]
    assert set(p.handling_units.values_list("name", flat=True)) == {"区交通委", "区建管委"}
    html = client.get(reverse("proposals:proposal_detail", args=[p.pk])).content.decode()
    assert "嘉定新城至安亭镇之间缺少直达公交。<br>建议增设线路。" in html
    assert "区交通委（主办）" in html and "区建管委（会办）" in html


@pytest.mark.django_db
def test_a_unit_cannot_be_lead_and_assisting(pworld, client_for):
    response = client_for(pworld.office).post(
        NEW, _form(pworld, assist_units=[pworld.unit.pk, pworld.unit2.pk])
    )
    assert "区交通委 不能既是主办单位又是会办单位。" in response.content.decode()
    assert not Proposal.objects.exists()


@pytest.mark.django_db
def test_replied_when_the_lead_unit_replied_and_closing_stays_explicit(
    pworld, client_for, make_proposal
):
    p = make_proposal(status="handling")
    lead = Assignment.objects.create(proposal=p, unit=pworld.unit, role="lead")
    assist = Assignment.objects.create(proposal=p, unit=pworld.unit2, role="assist")
    client = client_for(pworld.office)
    # The 会办 unit's reply alone does not answer the proposal.
    unit_reply(client, assist, reply="配合调研", reply_date="2024-03-01", due_date="2024-04-10")
    p.refresh_from_db()
    assert (p.status, p.reply_date) == ("handling", None)
    response = unit_reply(
        client, lead, reply="已增开 3 条线路", reply_date="2024-03-20", due_date="2024-04-10",
        letter=SimpleUploadedFile("答复函.pdf", PDF),
    )  # fmt: skip
    assert page_messages(response) == ["已保存区交通委的办理情况。"]
    p.refresh_from_db()
    assert (p.status, p.reply_date) == ("replied", date(2024, 3, 20))
    assert p.reply == "【区交通委】已增开 3 条线路"
    lead.refresh_from_db()
    assert lead.letter_name == "答复函.pdf" and lead.due_date == date(2024, 4, 10)
    letter = client.get(reverse("proposals:unit_letter", args=[lead.pk]))
    assert letter.status_code == 200 and b"".join(letter.streaming_content) == PDF
    assert letter["Content-Type"] == "application/pdf"
    # The lead deputy sees the letter; another town's staff do not.
    assert (
        client_for(pworld.lead_user)
        .get(reverse("proposals:unit_letter", args=[lead.pk]))
        .status_code
        == 200
    )
    assert (
        client_for(pworld.south_town)
        .get(reverse("proposals:unit_letter", args=[lead.pk]))
        .status_code
        == 404
    )
    assert Proposal.objects.get(pk=p.pk).status != "closed"  # 办结 is a separate step


@pytest.mark.django_db
def test_a_bad_letter_changes_nothing(pworld, client_for, make_proposal, media):
    p = make_proposal(status="handling")
    lead = Assignment.objects.create(proposal=p, unit=pworld.unit, role="lead")
    response = unit_reply(
        client_for(pworld.office), lead, reply="已办理", reply_date="2024-03-20",
        letter=SimpleUploadedFile("答复函.jpg", EXE),
    )  # fmt: skip
    assert page_messages(response) == [
        "“答复函.jpg”的内容不是有效的图片文件（与扩展名不符），未上传。"
    ]
    lead.refresh_from_db()
    p.refresh_from_db()
    assert (lead.reply, lead.reply_date, p.status) == ("", None, "handling")
    assert not (media / "reply_letters").exists() or not list((media / "reply_letters").iterdir())


@pytest.mark.django_db
def test_only_office_records_a_unit_reply(pworld, client_for, make_proposal):
    p = make_proposal(status="handling")
    lead = Assignment.objects.create(proposal=p, unit=pworld.unit, role="lead")
    for user in (pworld.town, pworld.lead_user, pworld.leadership):
        response = client_for(user).post(
            reverse("proposals:unit_reply", args=[lead.pk]),
            {f"u{lead.pk}-reply": "x", f"u{lead.pk}-reply_date": "2024-03-01"},
        )
        assert response.status_code == 404
    lead.refresh_from_db()
    assert lead.reply == ""


@pytest.mark.django_db
def test_migration_makes_existing_units_lead_with_the_reply(pworld, make_proposal):
    """The data step of the migration: each unit already on a proposal becomes 主办 and
    carries the proposal's reply."""
    from django.apps import apps

    p = make_proposal(status="replied", reply="已答复", reply_date=date(2024, 3, 1))
    p.handling_units.add(pworld.unit, pworld.unit2)
    migration = importlib.import_module(
        "proposals.migrations.0003_proposal_content_and_assignments"
    )
    migration.units_become_lead(apps, None)
    got = sorted((a.unit.name, a.role, a.reply, a.reply_date) for a in p.assignments.all())
    assert got == [
        ("区交通委", "lead", "已答复", date(2024, 3, 1)),
        ("区建管委", "lead", "已答复", date(2024, 3, 1)),
    ]


@pytest.mark.django_db
def test_a_unit_taken_off_loses_its_reply_and_letter(
    pworld, client_for, make_proposal, media, django_capture_on_commit_callbacks
):
    client = client_for(pworld.office)
    client.post(NEW, _form(pworld))
    p = Proposal.objects.get(number="J200")
    p.status = "handling"
    p.save()
    assist = p.assignments.get(role="assist")
    unit_reply(
        client, assist, reply="配合", reply_date="2024-03-01",
        letter=SimpleUploadedFile("函.pdf", PDF),
    )  # fmt: skip
    assert len(list((media / "reply_letters").iterdir())) == 1
    edit = reverse("proposals:proposal_edit", args=[p.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(edit, _form(pworld, assist_units=[]))
    assert [a.unit.name for a in p.assignments.all()] == ["区交通委"]
    assert list(p.handling_units.values_list("name", flat=True)) == ["区交通委"]
    assert list((media / "reply_letters").iterdir()) == []
