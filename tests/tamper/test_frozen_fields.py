"""Fields outside the counted records that still change a closed year's evaluation: a term's
dates (days in office, term rules) and a deputy's SC membership (ART15_SC_LIAISON) and term.
They change only with office-staff rights and a reason, like a counted record of that year;
a deputy's other fields stay free."""

from datetime import date

import pytest
from django.db import transaction
from django.urls import reverse

from deputies.models import Deputy, Role, Term
from supervision.closing.services import (
    REASON_FIELD,
    ClosedYearError,
    close_year,
    closed_year_change,
    closed_years,
    request_state,
)
from supervision.ledger import import_ledger
from tests.supervision.ledger.conftest import full_sheets, workbook_bytes

pytestmark = pytest.mark.django_db
CLOSED_MESSAGE = "该年度（2025）的记录已结账，不能修改。如需更正，请联系人事代表工委"


@pytest.fixture
def closed_2025(world):
    return close_year(world.office, 2025, "2025年度反馈表已发出")


def deputy_data(deputy, **changes):
    data = {
        "code": deputy.code,
        "name": deputy.name,
        "delegation": deputy.delegation_id,
        "group": deputy.group_id or "",
        "gender": deputy.gender,
        "birth_date": "",
        "ethnicity": deputy.ethnicity,
        "political_affiliation": deputy.political_affiliation,
        "workplace_title": deputy.workplace_title,
        "constituency": deputy.constituency,
        "mobile": deputy.mobile,
    }
    if deputy.is_sc_member:
        data["is_sc_member"] = "on"
    data.update(changes)
    return data


# -- a deputy's SC membership ------------------------------------------------------------------


def test_sc_membership_change_by_town_staff_is_refused_and_nothing_changes(
    world, closed_2025, client_for
):
    url = reverse("deputies:edit", args=[world.deputy.pk])
    response = client_for(world.town_staff).post(url, deputy_data(world.deputy, is_sc_member="on"))
    assert response.status_code == 403
    assert CLOSED_MESSAGE in response.content.decode()
    world.deputy.refresh_from_db()
    assert world.deputy.is_sc_member is False
    assert world.deputy.history.count() == 1  # only the creation


def test_office_staff_give_a_reason_for_an_sc_membership_change(world, closed_2025, client_for):
    client = client_for(world.office)
    url = reverse("deputies:edit", args=[world.deputy.pk])
    data = deputy_data(world.deputy, is_sc_member="on")
    asked = client.post(url, data)
    assert asked.status_code == 409 and "更正理由" in asked.content.decode()
    world.deputy.refresh_from_db()
    assert world.deputy.is_sc_member is False

    saved = client.post(url, {**data, REASON_FIELD: "2025年起任常委会组成人员，漏登"})
    assert saved.status_code == 302
    world.deputy.refresh_from_db()
    assert world.deputy.is_sc_member is True
    latest = world.deputy.history.first()
    assert latest.history_user == world.office
    assert latest.history_change_reason == "2025年起任常委会组成人员，漏登"


def test_other_deputy_fields_stay_free_in_a_closed_year(world, closed_2025, client_for):
    url = reverse("deputies:edit", args=[world.deputy.pk])
    data = deputy_data(world.deputy, name="张叁", mobile="13900000000", workplace_title="新单位")
    assert client_for(world.town_staff).post(url, data).status_code == 302
    world.deputy.refresh_from_db()
    assert (world.deputy.name, world.deputy.mobile) == ("张叁", "13900000000")
    assert world.deputy.workplace_title == "新单位"


def test_sc_membership_of_a_deputy_not_in_office_in_the_closed_year_is_free(
    world, make_deputy, closed_2025
):
    left = make_deputy(world.term, "D009", group=world.group, service_end=date(2024, 6, 30))
    left.is_sc_member = True
    left.save()  # no override: 2025 is not one of this deputy's years
    left.refresh_from_db()
    assert left.is_sc_member is True


# -- a deputy's term ---------------------------------------------------------------------------


def test_moving_a_deputy_to_another_term_needs_office_and_a_reason(world, closed_2025):
    eighth = Term.objects.create(
        name="第八届", start_date=date(2027, 1, 1), end_date=date(2031, 12, 31)
    )
    deputy = Deputy.objects.get(pk=world.deputy.pk)
    deputy.term = eighth
    with pytest.raises(ClosedYearError):
        deputy.save()
    with closed_year_change(world.town_staff, "调整届次"), pytest.raises(ClosedYearError):
        deputy.save()
    assert Deputy.objects.get(pk=deputy.pk).term_id == world.term.pk

    with closed_year_change(world.office, "届次登记错误"):
        deputy.save()
    assert Deputy.objects.get(pk=deputy.pk).term_id == eighth.pk
    assert deputy.history.first().history_change_reason == "届次登记错误"


def test_deleting_a_deputy_in_office_in_a_closed_year_needs_a_reason(world, closed_2025):
    """Deleting cascades to the deputy's service periods, which are guarded."""
    with pytest.raises(ClosedYearError), transaction.atomic():
        Deputy.objects.get(pk=world.other.pk).delete()
    assert Deputy.objects.filter(pk=world.other.pk).exists()
    with closed_year_change(world.office, "重复录入的代表"):
        Deputy.objects.get(pk=world.other.pk).delete()
    assert not Deputy.objects.filter(pk=world.other.pk).exists()


def test_the_guard_costs_one_query_per_save_and_none_for_other_fields(
    world, closed_2025, django_assert_num_queries
):
    deputy = Deputy.objects.get(pk=world.deputy.pk)
    with request_state():
        closed_years()  # read once per request
        deputy.mobile = "13900000001"
        with django_assert_num_queries(2):  # the UPDATE and its history row
            deputy.save(update_fields=["mobile"])
        with django_assert_num_queries(3):  # + one look at the old row and service periods
            deputy.save()


# -- a term's dates ----------------------------------------------------------------------------


def test_term_dates_of_a_closed_year_need_office_and_a_reason(world, closed_2025):
    term = Term.objects.get(pk=world.term.pk)
    term.end_date = date(2027, 1, 31)
    with pytest.raises(ClosedYearError):
        term.save()
    with closed_year_change(world.town_staff, "换届推迟"), pytest.raises(ClosedYearError):
        term.save()
    assert Term.objects.get(pk=term.pk).end_date == date(2026, 12, 31)

    with closed_year_change(world.office, "换届推迟"):
        term.save()
    assert Term.objects.get(pk=term.pk).end_date == date(2027, 1, 31)
    latest = term.history.first()
    assert latest.history_change_reason == "换届推迟" and latest.history_user == world.office


def test_admin_asks_for_a_reason_before_changing_term_dates(
    world, closed_2025, make_user, client_for
):
    admin_user = make_user("admin", is_superuser=True)
    client = client_for(admin_user)
    url = reverse("admin:deputies_term_change", args=[world.term.pk])
    data = {"name": "第七届", "start_date": "2022-01-01", "end_date": "2026-11-30"}
    asked = client.post(url, data)
    assert asked.status_code == 409 and "更正理由" in asked.content.decode()
    assert Term.objects.get(pk=world.term.pk).end_date == date(2026, 12, 31)
    saved = client.post(url, {**data, REASON_FIELD: "届期依决定提前结束"})
    assert saved.status_code == 302
    assert Term.objects.get(pk=world.term.pk).end_date == date(2026, 11, 30)
    assert world.term.history.first().history_change_reason == "届期依决定提前结束"


def test_term_dates_touching_only_open_years_are_free(world):
    close_year(world.office, 2020, "上一届最后一年")
    term = Term.objects.get(pk=world.term.pk)
    term.start_date = date(2022, 3, 1)  # 2020 neither was nor is in the term
    term.save()
    assert Term.objects.get(pk=term.pk).start_date == date(2022, 3, 1)
    term.start_date = date(2020, 6, 1)  # now it would be
    with pytest.raises(ClosedYearError):
        term.save()
    assert Term.objects.get(pk=term.pk).start_date == date(2022, 3, 1)


def test_a_new_term_covering_a_closed_year_is_free(world, closed_2025):
    """Creating a term changes no evaluation (nobody serves in it yet): saved with no office
    rights and no reason, where changing an existing term's dates is refused."""
    Term.objects.create(name="试点届", start_date=date(2025, 1, 1), end_date=date(2029, 12, 31))
    created = Term.objects.get(name="试点届")
    assert (created.start_date, created.end_date) == (date(2025, 1, 1), date(2029, 12, 31))
    assert [h.history_type for h in created.history.all()] == ["+"]
    assert created.history.get().history_change_reason is None


# -- the ledger import ---------------------------------------------------------------------------


@pytest.fixture
def office(make_user):
    return make_user("office", roles=[(Role.OFFICE_STAFF, None)])


@pytest.fixture
def imported_then_closed(office):
    assert import_ledger(workbook_bytes(full_sheets()), "第七届", user=office).applied
    close_year(office, 2024, "2024年度反馈表已发出")


def frozen_changes():
    sheets = full_sheets()
    sheets["届次"][1][2] = "2027-01-31"  # the term's end
    sheets["代表名册"][2][5] = "是"  # D002 becomes an SC member
    sheets["代表名册"][3][1] = "王伍"  # D003's name: free
    return sheets


def test_import_of_term_dates_and_sc_membership_is_refused_naming_the_year(
    imported_then_closed,
):
    result = import_ledger(workbook_bytes(frozen_changes()), "第七届")
    assert not result.applied
    messages = sorted(str(e) for e in result.errors)
    assert len(messages) == 2, messages
    assert messages[0].startswith("工作表 代表名册 第 3 行 「常委会组成人员」")
    assert messages[1].startswith("工作表 届次 第 2 行 「结束日期」")
    assert all("该年度（2024）的记录已结账" in m for m in messages)
    assert Term.objects.get(name="第七届").end_date == date(2026, 12, 31)
    assert not Deputy.objects.get(code="D002").is_sc_member
    assert Deputy.objects.get(code="D003").name == "王五"


def test_import_of_other_roster_fields_is_free(imported_then_closed):
    sheets = full_sheets()
    sheets["代表名册"][3][1] = "王伍"
    result = import_ledger(workbook_bytes(sheets), "第七届")
    assert result.applied, [str(e) for e in result.errors]
    assert Deputy.objects.get(code="D003").name == "王伍"


def test_import_with_an_office_reason_saves_term_dates_and_sc_membership(
    imported_then_closed, office
):
    with closed_year_change(office, "按换届决定更正"):
        result = import_ledger(workbook_bytes(frozen_changes()), "第七届", user=office)
    assert result.applied, [str(e) for e in result.errors]
    term = Term.objects.get(name="第七届")
    assert term.end_date == date(2027, 1, 31)
    assert "按换届决定更正" in term.history.first().history_change_reason
    deputy = Deputy.objects.get(code="D002")
    assert deputy.is_sc_member
    assert "按换届决定更正" in deputy.history.first().history_change_reason
