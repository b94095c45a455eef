"""Supervision record pages: roles, scope, records written, validation, history, xlsx."""

from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook

from supervision.models import Award, ConstituencyReport, GroupAnnualReport, Interview

pytestmark = pytest.mark.django_db


def xlsx_rows(response):
    return list(
        load_workbook(BytesIO(response.content), read_only=True).active.iter_rows(values_only=True)
    )


# --- reports to constituents ------------------------------------------------------------------


def test_town_staff_record_a_report_for_their_town_only(world, client_for):
    client = client_for(world["town_a"])
    data = {"deputy": world["zhang"].pk, "date": "2024-05-06", "form": "oral", "summary": "述职"}
    assert client.post("/supervision/reports/new/", data).status_code == 302
    report = ConstituencyReport.objects.get()
    assert report.history.first().history_user == world["town_a"]
    # Another town's deputy is not a choice: the form refuses, nothing saved.
    data.update(deputy=world["wang"].pk)
    assert client.post("/supervision/reports/new/", data).status_code == 200
    assert ConstituencyReport.objects.count() == 1
    assert (
        client_for(world["town_b"]).get(f"/supervision/reports/{report.pk}/edit/").status_code
        == 404
    )
    assert client_for(world["leader_a"]).get("/supervision/reports/new/").status_code == 404


def test_report_date_outside_service_is_refused(world, client_for):
    data = {"deputy": world["zhang"].pk, "date": "2027-02-01", "form": "oral"}
    response = client_for(world["office"]).post("/supervision/reports/new/", data)
    assert "不在代表 张三 的任职期间内" in response.content.decode()
    assert not ConstituencyReport.objects.exists()


def test_report_list_scope_and_export(world, client_for):
    ConstituencyReport.objects.create(deputy=world["zhang"], date=date(2024, 3, 1), form="oral")
    ConstituencyReport.objects.create(deputy=world["wang"], date=date(2024, 4, 1), form="oral")
    town = client_for(world["town_a"])
    page = town.get("/supervision/reports/?year=2024").context["page"]
    assert [r.deputy.name for r in page] == ["张三"]
    rows = xlsx_rows(town.get("/supervision/reports/?year=2024&format=xlsx"))
    assert [r[2] for r in rows[1:]] == ["张三"]
    office = client_for(world["office"]).get("/supervision/reports/?year=2024&sort=date")
    assert [r.deputy.name for r in office.context["page"]] == ["张三", "王五"]


def test_report_delete_confirms_and_keeps_history(world, client_for):
    report = ConstituencyReport.objects.create(deputy=world["zhang"], date=date(2024, 3, 1))
    client = client_for(world["town_a"])
    url = f"/supervision/reports/{report.pk}/delete/"
    assert "确认删除" in client.get(url).content.decode()
    client.post(url)
    assert not ConstituencyReport.objects.exists()
    assert ConstituencyReport.history.filter(history_type="-").get().history_user == world["town_a"]


# --- group annual reports ---------------------------------------------------------------------


def test_group_report_statuses_and_who_submits(world, client_for):
    GroupAnnualReport.objects.create(
        group=world["group_b"], year=2024, submitted_date=date(2025, 1, 5)
    )
    office = client_for(world["office"]).get("/supervision/group-reports/?year=2024")
    statuses = {row["group"].name: row["status"] for row in office.context["page"]}
    assert statuses == {"安亭小组": "未报送", "南翔小组": "逾期报送"}

    leader = client_for(world["leader_a"])
    url = f"/supervision/group-reports/{world['group_a'].pk}/2024/"
    response = leader.post(url, {"submitted_date": "2024-12-20", "content": "已安排述职"})
    assert response.status_code == 302
    report = GroupAnnualReport.objects.get(group=world["group_a"])
    assert report.submitted_by == world["leader_a"]
    rows = leader.get("/supervision/group-reports/?year=2024").context["page"]
    assert [(r["group"].name, r["status"]) for r in rows] == [("安亭小组", "已报送")]
    # Another group: the leader and the other town may not submit.
    other = f"/supervision/group-reports/{world['group_b'].pk}/2024/"
    assert leader.get(other).status_code == 404
    assert client_for(world["town_a"]).get(other).status_code == 404
    assert client_for(world["town_b"]).get(other).status_code == 200


def test_group_report_export(world, client_for):
    rows = xlsx_rows(
        client_for(world["office"]).get("/supervision/group-reports/?year=2024&format=xlsx")
    )
    assert rows[0][0] == "代表小组" and {r[3] for r in rows[1:]} == {"未报送"}


# --- Art. 29 candidates and interviews --------------------------------------------------------


def test_candidate_list_scoped_with_prefilled_interview(world, client_for):
    # No record at all in 2024: both fall short of 联系选民 and have no activity.
    office = client_for(world["office"]).get("/supervision/interviews/candidates/?year=2024")
    assert {row.deputy.name for row in office.context["page"]} == {"张三", "王五"}
    leader = client_for(world["leader_a"])
    page = leader.get("/supervision/interviews/candidates/?year=2024").context["page"]
    assert [row.deputy.name for row in page] == ["张三"]
    form = leader.get(f"/supervision/interviews/new/?deputy={world['zhang'].pk}&year=2024").context[
        "form"
    ]
    assert "未按要求联系人民群众" in form.initial["reasons"]
    assert client_for(world["deputy"]).get("/supervision/interviews/candidates/").status_code == 404


def test_group_leader_records_interview_for_own_group_only(world, client_for):
    leader = client_for(world["leader_a"])
    data = {
        "deputy": world["zhang"].pk,
        "year": 2024,
        "kind": "interview",
        "conducted_by": "group",
        "date": "2025-01-10",
        "reasons": "未按要求联系人民群众",
    }
    assert leader.post("/supervision/interviews/new/", data).status_code == 302
    interview = Interview.objects.get()
    assert (interview.conducted_by, interview.recorded_by) == ("group", world["leader_a"])
    data["deputy"] = world["wang"].pk
    assert leader.post("/supervision/interviews/new/", data).status_code == 200
    assert Interview.objects.count() == 1
    assert client_for(world["town_a"]).get("/supervision/interviews/new/").status_code == 404


def test_interview_validation_in_chinese(world, client_for):
    data = {
        "deputy": world["zhang"].pk,
        "year": 2024,
        "kind": "warning",
        "conducted_by": "qualification",
        "date": "2023-05-01",
        "reasons": "x",
    }
    response = client_for(world["qualification"]).post("/supervision/interviews/new/", data)
    assert "不能早于所针对的年度" in response.content.decode()
    assert not Interview.objects.exists()


def test_interview_delete_history(world, client_for):
    i = Interview.objects.create(
        deputy=world["zhang"],
        year=2024,
        kind="interview",
        conducted_by="group",
        date=date(2025, 1, 2),
        reasons="r",
    )
    assert (
        client_for(world["leader_a"]).post(f"/supervision/interviews/{i.pk}/delete/").status_code
        == 302
    )
    assert Interview.history.filter(history_type="-").get().history_user == world["leader_a"]


# --- awards -----------------------------------------------------------------------------------


def test_awards_office_records_others_read(world, client_for):
    office = client_for(world["office"])
    data = {"year": 2024, "kind": "active_deputy", "deputy": world["zhang"].pk, "note": "优秀"}
    assert office.post("/supervision/awards/new/", data).status_code == 302
    response = office.post("/supervision/awards/new/", {"year": 2024, "kind": "active_deputy"})
    assert "请选择代表" in response.content.decode()
    assert Award.objects.count() == 1
    assert client_for(world["town_a"]).get("/supervision/awards/new/").status_code == 404
    town_b = client_for(world["town_b"]).get("/supervision/awards/")
    assert list(town_b.context["page"]) == []
    rows = xlsx_rows(client_for(world["town_a"]).get("/supervision/awards/?format=xlsx"))
    assert rows[1][2] == "张三"


# --- query counts -----------------------------------------------------------------------------


@pytest.mark.parametrize("n", [2, 25])
def test_record_lists_queries_do_not_grow(
    world, client_for, make_deputy, make_group, django_assert_max_num_queries, n
):
    for i in range(n):
        group = make_group(world["term"], world["del_a"], f"小组{i}")
        d = make_deputy(world["term"], f"X{i:03}", group=group)
        ConstituencyReport.objects.create(deputy=d, date=date(2024, 6, 1))
        GroupAnnualReport.objects.create(group=group, year=2024, submitted_date=date(2024, 12, 1))
        Interview.objects.create(
            deputy=d,
            year=2024,
            kind="interview",
            conducted_by="group",
            date=date(2024, 12, 2),
            reasons="r",
        )
        Award.objects.create(year=2024, kind="active_deputy", deputy=d)
    client = client_for(world["office"])
    for url in [
        "/supervision/reports/?year=2024",
        "/supervision/group-reports/?year=2024",
        "/supervision/interviews/?year=2024",
        "/supervision/interviews/candidates/?year=2024",
        "/supervision/awards/",
        "/supervision/reports/?year=2024&format=xlsx",
    ]:
        with django_assert_max_num_queries(30):
            assert client.get(url).status_code == 200
