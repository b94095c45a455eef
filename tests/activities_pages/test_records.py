"""Communications with constituents, SC members' communications and 社情民意."""

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from activities.models import Communication, LiaisonCommunication, PublicOpinion

COMMS = reverse("activities:communication_list")
NEW_COMM = reverse("activities:communication_create")
LIAISON = reverse("activities:liaison_list")
NEW_LIAISON = reverse("activities:liaison_create")
OPINIONS = reverse("activities:opinion_list")
NEW_OPINION = reverse("activities:opinion_create")


def _comm(world, **kw):
    data = {
        "deputy": world.d1.pk,
        "date": "2024-03-01",
        "method": "visit",
        "constituents": [world.c1.pk],
        "content": "了解停车问题",
    }
    data.update(kw)
    return data


@pytest.mark.django_db
def test_communication_recorded_by_town_staff_and_merged(world, client_for):
    client = client_for(world.town)
    assert client.post(NEW_COMM, _comm(world)).status_code == 302
    response = client.post(NEW_COMM, _comm(world, constituents=[world.c2.pk]), follow=True)
    assert "已将所选选民合并到该记录" in response.content.decode()
    comm = Communication.objects.get()
    assert set(comm.constituents.values_list("name", flat=True)) == {"选民甲", "选民乙"}
    # A different method is a different communication.
    client.post(NEW_COMM, _comm(world, method="phone"))
    assert Communication.objects.count() == 2


@pytest.mark.django_db
def test_communication_validation(world, client_for, make_deputy):
    client = client_for(world.town)
    # Another deputy's constituent is not offered and refused.
    response = client.post(NEW_COMM, _comm(world, constituents=[world.c_s.pk]))
    assert response.status_code == 200
    assert not Communication.objects.exists()
    response = client.post(NEW_COMM, _comm(world, constituents=[]))
    assert "请至少选择一名选民" in response.content.decode()
    # Town staff may not record for a deputy of another delegation.
    response = client.post(NEW_COMM, _comm(world, deputy=world.s1.pk, constituents=[world.c_s.pk]))
    assert not Communication.objects.exists()
    # A date outside the deputy's service.
    from deputies.models import Constituent

    c = Constituent.objects.create(deputy=world.d_late, name="选民丁", phone="")
    response = client.post(
        NEW_COMM, _comm(world, deputy=world.d_late.pk, constituents=[c.pk], date="2023-01-01")
    )
    # 王三 took office on 2024-06-01; the term ends 2026-12-31; nothing after today.
    from django.utils import timezone

    end = min(timezone.localdate(), date(2026, 12, 31)).isoformat()
    expected = f"日期须在 2024-06-01 至 {end} 之间（任职期间，且不晚于今天）"
    assert expected in response.content.decode()
    assert not Communication.objects.exists()


@pytest.mark.django_db
def test_a_deputy_reports_through_the_self_report_review(world, client_for):
    # A deputy's own communication counts only once reviewed (issue 5), so the direct form
    # sends them to 填报 and records nothing.
    client = client_for(world.deputy_user)
    response = client.post(NEW_COMM, _comm(world))
    assert response.url == reverse("supervision:self_report_new") + "?kind=communication"
    client.post(NEW_COMM, _comm(world, deputy=world.s1.pk, constituents=[world.c_s.pk]))
    assert not Communication.objects.exists()
    # Leadership sees but may not record; no role at all: 404.
    assert client_for(world.leadership).get(NEW_COMM).status_code == 404
    assert client_for(world.leadership).get(COMMS).status_code == 200
    assert client_for(world.nobody).get(COMMS).status_code == 404


@pytest.mark.django_db
def test_phone_masked_except_deputy_and_office(world, client_for):
    comm = Communication.objects.create(deputy=world.d1, date=date(2024, 3, 1), method="visit")
    comm.constituents.add(world.c1)
    masked, full = "138****5678", "13812345678"
    town = client_for(world.town).get(COMMS).content.decode()
    assert masked in town and full not in town
    assert full in client_for(world.office).get(COMMS).content.decode()
    assert full in client_for(world.deputy_user).get(COMMS).content.decode()
    form = client_for(world.town).get(NEW_COMM, {"deputy": world.d1.pk}).content.decode()
    assert masked in form and full not in form
    xlsx = client_for(world.town).get(COMMS, {"format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.values)
    assert masked in rows[1][5] and full not in rows[1][5]


@pytest.mark.django_db
def test_communication_list_scope_and_queries(world, client_for, django_assert_max_num_queries):
    def add(deputy, constituent, day):
        comm = Communication.objects.create(deputy=deputy, date=day, method="visit")
        comm.constituents.add(constituent)

    add(world.d1, world.c1, date(2024, 1, 1))
    add(world.s1, world.c_s, date(2024, 1, 1))
    client = client_for(world.town)
    with django_assert_max_num_queries(20) as small:
        page = client.get(COMMS).context["page"]
    assert [c.deputy.code for c in page] == ["N01"]
    for day in range(2, 25):
        add(world.d1, world.c1, date(2024, 1, day))
        add(world.s1, world.c_s, date(2024, 1, day))
    with django_assert_max_num_queries(20) as large:
        client.get(COMMS)
    assert len(large.captured_queries) == len(small.captured_queries)
    assert client_for(world.leader).get(COMMS).context["page"].paginator.count == 24


@pytest.mark.django_db
def test_communication_edit_and_delete(world, client_for):
    comm = Communication.objects.create(deputy=world.d1, date=date(2024, 3, 1), method="visit")
    comm.constituents.add(world.c1)
    edit = reverse("activities:communication_edit", args=[comm.pk])
    client_for(world.town).post(edit, {"constituents": [world.c2.pk], "content": "改"})
    assert list(comm.constituents.values_list("name", flat=True)) == ["选民乙"]
    assert client_for(world.leader).get(edit).status_code == 404
    delete = reverse("activities:communication_delete", args=[comm.pk])
    client_for(world.town).post(delete)
    assert not Communication.objects.exists()
    assert Communication.history.filter(id=comm.pk, history_type="-").exists()


# --- SC members' communications ---------------------------------------------------------


def _liaison(world, **kw):
    data = {"member": world.sc.pk, "deputy": world.d1.pk, "date": "2024-04-01",
            "method": "phone", "content": "了解履职情况"}  # fmt: skip
    data.update(kw)
    return data


@pytest.mark.django_db
def test_liaison_by_member_and_office(world, client_for):
    assert client_for(world.sc_user).post(NEW_LIAISON, _liaison(world)).status_code == 302
    assert LiaisonCommunication.objects.count() == 1
    response = client_for(world.sc_user).post(NEW_LIAISON, _liaison(world))
    assert "该联系记录已存在" in response.content.decode()
    assert LiaisonCommunication.objects.count() == 1
    response = client_for(world.office).post(NEW_LIAISON, _liaison(world, deputy=world.sc.pk))
    assert "常委会组成人员不能联系自己" in response.content.decode()
    # Not an SC member: not offered as member.
    response = client_for(world.office).post(NEW_LIAISON, _liaison(world, member=world.d2.pk))
    assert response.status_code == 200
    assert LiaisonCommunication.objects.count() == 1
    # A plain deputy and town staff may not record.
    assert client_for(world.deputy_user).get(NEW_LIAISON).status_code == 404
    assert client_for(world.town).get(NEW_LIAISON).status_code == 404


@pytest.mark.django_db
def test_liaison_list_scope_and_xlsx(world, client_for):
    LiaisonCommunication.objects.create(
        member=world.sc, deputy=world.d1, date=date(2024, 4, 1), method="phone"
    )
    LiaisonCommunication.objects.create(
        member=world.sc, deputy=world.s1, date=date(2024, 4, 2), method="phone"
    )
    assert client_for(world.town).get(LIAISON).context["page"].paginator.count == 1
    assert client_for(world.sc_user).get(LIAISON).context["page"].paginator.count == 2
    assert client_for(world.nobody).get(LIAISON).status_code == 404
    xlsx = client_for(world.office).get(LIAISON, {"format": "xlsx", "sort": "date"})
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.values)
    assert [r[3] for r in rows[1:]] == ["张一", "赵四"]


# --- 社情民意 ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_opinion_record_refer_and_close(world, client_for):
    client = client_for(world.deputy_user)
    response = client.post(
        NEW_OPINION,
        {"deputy": world.d1.pk, "date": "2024-06-01", "title": "路灯不亮", "content": "某路"},
    )
    assert response.status_code == 302
    opinion = PublicOpinion.objects.get()
    refer = reverse("activities:opinion_refer", args=[opinion.pk])
    response = client.post(refer, {"hotline_ticket": ""}, follow=True)
    assert "转办12345须填写工单号" in response.content.decode()
    opinion.refresh_from_db()
    assert opinion.hotline_status == ""
    client.post(refer, {"hotline_ticket": "GD2024-001"})
    opinion.refresh_from_db()
    assert (opinion.hotline_ticket, opinion.hotline_status) == ("GD2024-001", "referred")
    status = reverse("activities:opinion_status", args=[opinion.pk])
    response = client.post(status, {"hotline_status": "closed", "hotline_outcome": ""}, follow=True)
    assert "办结时须填写办理结果" in response.content.decode()
    client.post(status, {"hotline_status": "closed", "hotline_outcome": "已修复"})
    opinion.refresh_from_db()
    assert (opinion.hotline_status, opinion.hotline_outcome) == ("closed", "已修复")


@pytest.mark.django_db
def test_opinion_scope(world, client_for, django_assert_max_num_queries):
    north = PublicOpinion.objects.create(
        deputy=world.d1, date=date(2024, 1, 1), title="北", content="x"
    )
    south = PublicOpinion.objects.create(
        deputy=world.s1, date=date(2024, 1, 1), title="南", content="y"
    )
    town = client_for(world.town)
    with django_assert_max_num_queries(20):
        assert [o.title for o in town.get(OPINIONS).context["page"]] == ["北"]
    assert town.get(reverse("activities:opinion_detail", args=[south.pk])).status_code == 404
    refer = reverse("activities:opinion_refer", args=[south.pk])
    assert town.post(refer, {"hotline_ticket": "X"}).status_code == 404
    # The group leader sees the south opinion but may not change it.
    leader = client_for(world.leader)
    assert leader.get(reverse("activities:opinion_detail", args=[south.pk])).status_code == 200
    assert leader.post(refer, {"hotline_ticket": "X"}).status_code == 404
    xlsx = client_for(world.office).get(OPINIONS, {"format": "xlsx", "sort": "deputy"})
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.values)
    assert [r[3] for r in rows[1:]] == ["北", "南"]
    assert north.pk
