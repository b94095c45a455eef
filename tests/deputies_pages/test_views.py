"""The deputy pages: roles, scope (404 outside), records written, query counts, masking."""

from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from deputies.models import Constituent, Deputy, LiaisonAssignment, ServicePeriod, Termination

pytestmark = pytest.mark.django_db


def names_in(response):
    return [d.name for d in response.context["page"]]


def test_list_is_scoped_by_role(world, client_for):
    assert set(names_in(client_for(world["office"]).get("/deputies/"))) == {"张三", "李四", "王五"}
    assert set(names_in(client_for(world["town_a"]).get("/deputies/"))) == {"张三", "李四"}
    assert names_in(client_for(world["leader"]).get("/deputies/")) == ["张三"]
    assert names_in(client_for(world["deputy"]).get("/deputies/")) == ["李四"]
    assert client_for(world["nobody"]).get("/deputies/").status_code == 404


def test_search_by_name_code_and_initials(world, client_for):
    client = client_for(world["office"])
    assert names_in(client.get("/deputies/?q=zs")) == ["张三"]
    assert names_in(client.get("/deputies/?q=B001")) == ["王五"]
    assert names_in(client.get("/deputies/?q=李")) == ["李四"]


def test_filters_status_and_compliance(world, client_for):
    client = client_for(world["office"])
    Termination.objects.create(deputy=world["wang"], date=date(2024, 5, 1), reason="moved")
    assert names_in(client.get("/deputies/?status=terminated")) == ["王五"]
    assert set(names_in(client.get("/deputies/?status=active"))) == {"张三", "李四"}
    group = world["group"].pk
    assert names_in(client.get(f"/deputies/?group={group}")) == ["张三"]
    # Nobody has any record: everyone in office in 2024 falls short.
    short = client.get("/deputies/?compliance=shortfall&year=2024")
    assert set(names_in(short)) == {"张三", "李四", "王五"}
    assert names_in(client.get("/deputies/?compliance=met&year=2024")) == []


def test_xlsx_export_matches_the_list(world, client_for):
    client = client_for(world["town_a"])
    shown = names_in(client.get("/deputies/?sort=-code"))
    response = client.get("/deputies/?sort=-code&format=xlsx")
    rows = list(
        load_workbook(BytesIO(response.content), read_only=True).active.iter_rows(values_only=True)
    )
    assert rows[0][:2] == ("代表编号", "姓名")
    assert [r[1] for r in rows[1:]] == shown == ["李四", "张三"]


@pytest.mark.parametrize("n", [3, 30])
def test_list_and_detail_queries_do_not_grow(world, client_for, make_deputy,
                                             django_assert_max_num_queries, n):  # fmt: skip
    for i in range(n):
        d = make_deputy(world["term"], f"X{i:03}", group=world["group"])
        Constituent.objects.create(deputy=d, name=f"选民{i}", phone="13812345678")
    client = client_for(world["office"])
    with django_assert_max_num_queries(40):
        assert client.get("/deputies/?year=2024").status_code == 200
    with django_assert_max_num_queries(40):
        assert (
            client.get("/deputies/?year=2024&compliance=shortfall&format=xlsx").status_code == 200
        )
    with django_assert_max_num_queries(45):
        assert client.get(f"/deputies/{world['zhang'].pk}/?year=2024").status_code == 200


def test_detail_scope_and_performance_file(world, client_for):
    url = f"/deputies/{world['zhang'].pk}/?year=2024"
    assert client_for(world["town_b"]).get(url).status_code == 404
    assert client_for(world["deputy"]).get(url).status_code == 404
    response = client_for(world["leader"]).get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-rule="ART14_GROUP_ACTIVITY"' in html
    assert 'data-status="shortfall"' in html and "text-bg-danger" in html


def test_phones_masked_except_for_the_deputy_and_office(world, client_for):
    li = world["li"]
    Constituent.objects.create(deputy=li, name="选民甲", phone="13812341234")
    url = f"/deputies/{li.pk}/"
    for who in ("office", "deputy"):
        assert "13812341234" in client_for(world[who]).get(url).content.decode()
    html = client_for(world["town_a"]).get(url).content.decode()
    assert "138****1234" in html and "13812341234" not in html
    export = client_for(world["town_a"]).get(reverse("deputies:constituents_xlsx", args=[li.pk]))
    rows = list(
        load_workbook(BytesIO(export.content), read_only=True).active.iter_rows(values_only=True)
    )
    assert rows[1][1] == "138****1234"


def test_town_staff_create_in_own_town_only(world, client_for):
    client = client_for(world["town_a"])
    data = {"term": world["term"].pk, "code": "A009", "name": "孙七",
            "delegation": world["del_b"].pk}  # fmt: skip
    response = client.post("/deputies/new/", data)
    assert response.status_code == 200 and not Deputy.objects.filter(code="A009").exists()
    data["delegation"] = world["del_a"].pk
    response = client.post("/deputies/new/", data)
    deputy = Deputy.objects.get(code="A009")
    assert response.status_code == 302 and deputy.name_initials == "sq"
    assert deputy.service_periods.count() == 1


def test_edit_rejects_a_group_of_another_town(world, client_for, make_group):
    other = make_group(world["term"], world["del_b"], "南翔小组")
    li = world["li"]
    data = {"code": li.code, "name": li.name, "delegation": world["del_a"].pk,
            "group": other.pk}  # fmt: skip
    response = client_for(world["office"]).post(f"/deputies/{li.pk}/edit/", data)
    assert "代表小组" in response.content.decode() and "不属于" in response.content.decode()
    li.refresh_from_db()
    assert li.group is None
    assert client_for(world["town_b"]).get(f"/deputies/{li.pk}/edit/").status_code == 404
    assert client_for(world["leader"]).get(f"/deputies/{li.pk}/edit/").status_code == 404


def test_service_period_outside_term_is_refused_in_chinese(world, client_for):
    li = world["li"]
    client = client_for(world["town_a"])
    url = f"/deputies/{li.pk}/service/new/"
    response = client.post(url, {"start_date": "2021-01-01"})
    assert "日期须在届次" in response.content.decode()
    assert li.service_periods.count() == 1


def test_termination_form_closes_the_period(world, client_for):
    li = world["li"]
    response = client_for(world["town_a"]).post(
        f"/deputies/{li.pk}/termination/", {"date": "2024-03-31", "reason": "resigned"}
    )
    assert response.status_code == 302
    assert li.service_periods.get().end_date == date(2024, 3, 31)
    assert Termination.objects.get(deputy=li).history.first().history_user == world["town_a"]


def test_delete_asks_then_deletes_with_history(world, client_for):
    li = world["li"]
    c = Constituent.objects.create(deputy=li, name="选民乙", phone="")
    client = client_for(world["town_a"])
    url = f"/deputies/constituents/{c.pk}/delete/"
    assert "确认删除" in client.get(url).content.decode()
    assert Constituent.objects.filter(pk=c.pk).exists()
    response = client.post(url, follow=True)
    assert not Constituent.objects.filter(pk=c.pk).exists()
    gone = Constituent.history.filter(id=c.pk, history_type="-").get()
    assert gone.history_user == world["town_a"]
    assert "少于第十五条要求的 5 名" in response.content.decode()
    assert client_for(world["town_b"]).post(url).status_code == 404


def test_constituent_phone_kept_when_masked_editor_leaves_it_blank(world, client_for):
    li = world["li"]
    c = Constituent.objects.create(deputy=li, name="选民丙", phone="13912345678")
    client = client_for(world["town_a"])
    url = f"/deputies/constituents/{c.pk}/edit/"
    assert "13912345678" not in client.get(url).content.decode()
    client.post(url, {"name": "选民丙", "phone": "", "address": "新地址"})
    c.refresh_from_db()
    assert (c.phone, c.address) == ("13912345678", "新地址")


def test_duplicate_constituent_refused(world, client_for):
    li = world["li"]
    Constituent.objects.create(deputy=li, name="选民丁", phone="1")
    response = client_for(world["office"]).post(
        f"/deputies/{li.pk}/constituents/new/", {"name": "选民丁", "phone": "1"}
    )
    assert "已有同名同电话的选民" in response.content.decode()
    assert li.constituents.count() == 1


def test_liaison_assignment_form(world, client_for, make_deputy):
    wang = world["wang"]
    others = [make_deputy(world["term"], f"L{i}") for i in range(7)]
    for d in others[:6]:
        LiaisonAssignment.objects.create(member=wang, deputy=d)
    client = client_for(world["office"])
    response = client.post(f"/deputies/{wang.pk}/liaison/new/", {"deputy": others[6].pk})
    assert "最多联系 6 名代表" in response.content.decode()
    assert LiaisonAssignment.objects.filter(member=wang).count() == 6
    assert client.get(f"/deputies/{world['li'].pk}/liaison/new/").status_code == 404
    page = client.get(f"/deputies/{wang.pk}/").content.decode()
    assert others[0].name in page


def test_deputy_sees_own_file_via_mine(world, client_for):
    # Issue 5: /deputies/mine/ is the deputy's own file page itself (tests/deputy_file).
    response = client_for(world["deputy"]).get("/deputies/mine/")
    assert response.status_code == 200 and world["li"].name in response.content.decode()
    assert client_for(world["office"]).get("/deputies/mine/").status_code == 404


def periods(deputy):
    return list(deputy.service_periods.order_by("start_date").values_list("start_date", "end_date"))


def test_service_period_last_one_cannot_be_deleted(world, client_for):
    period = ServicePeriod.objects.get(deputy=world["li"])
    before = periods(world["li"])
    response = client_for(world["office"]).post(
        f"/deputies/service/{period.pk}/delete/", follow=True
    )
    assert "这是该代表唯一的任职期间，不能删除。" in response.content.decode()
    assert "任职期间已删除。" not in response.content.decode()
    assert periods(world["li"]) == before
    assert period.history.count() == 1  # only the creation


def test_overlapping_service_periods_are_refused(world, client_for):
    li = world["li"]
    li.service_periods.update(end_date=date(2023, 12, 31))
    client = client_for(world["town_a"])
    refusal = "任职期间与该代表已有的任职期间重叠。"
    # Inside the existing period: refused, nothing added.
    response = client.post(
        f"/deputies/{li.pk}/service/new/", {"start_date": "2023-01-01", "end_date": "2023-06-30"}
    )
    assert refusal in response.content.decode()
    assert periods(li) == [(date(2022, 1, 1), date(2023, 12, 31))]
    # After it: saved.
    response = client.post(f"/deputies/{li.pk}/service/new/", {"start_date": "2024-03-01"})
    assert response.status_code == 302
    second = li.service_periods.get(start_date=date(2024, 3, 1))
    # Moving the second period's start into the first: refused, unchanged.
    response = client.post(f"/deputies/service/{second.pk}/edit/", {"start_date": "2023-06-01"})
    assert refusal in response.content.decode()
    assert periods(li) == [(date(2022, 1, 1), date(2023, 12, 31)), (date(2024, 3, 1), None)]


def test_service_period_ending_after_termination_is_refused(world, client_for):
    li = world["li"]
    client = client_for(world["town_a"])
    client.post(f"/deputies/{li.pk}/termination/", {"date": "2024-03-31", "reason": "resigned"})
    period = li.service_periods.get()
    refusal = "该代表已于 2024-03-31 终止代表资格，任职期间须在此前结束。"
    for end in ("2024-06-30", ""):  # a later end, or none (still in office)
        response = client.post(
            f"/deputies/service/{period.pk}/edit/", {"start_date": "2022-01-01", "end_date": end}
        )
        assert refusal in response.content.decode(), end
        assert periods(li) == [(date(2022, 1, 1), date(2024, 3, 31))]
    # Ending on the termination date is fine.
    response = client.post(
        f"/deputies/service/{period.pk}/edit/",
        {"start_date": "2022-01-01", "end_date": "2024-03-31", "note": "核对"},
    )
    assert response.status_code == 302
