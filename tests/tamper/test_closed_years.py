"""Closed years (issue 7.4): after a year's feedback sheets are issued its counted records
change only with office-staff rights and a reason, kept in the history."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from activities.models import Activity, Attendance, Participation
from supervision.closing.services import (
    REASON_FIELD,
    ClosedYearError,
    close_year,
    closed_year_change,
    reopen_year,
)
from supervision.models import ClosedYear, ExportJob

CLOSED_MESSAGE = "该年度（2025）的记录已结账，不能修改。如需更正，请联系人事代表工委"


def edit_data(activity, **changes):
    data = {
        "term": activity.term_id,
        "name": activity.name,
        "type": activity.type,
        "date": activity.date.isoformat(),
        "organiser": activity.organiser_id,
        "place": "新地点",
        "topic": activity.topic,
        "group": "",
        "signin_opens_at": "",
        "signin_closes_at": "",
    }
    data.update(changes)
    return data


@pytest.fixture
def closed_2025(world):
    return close_year(world.office, 2025, "2025年度反馈表已发出")


# -- closing ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_district_feedback_job_never_closes_its_year(world, tmp_path, settings):
    """Issue 11.2: generating files never closes a year (closing is its own act)."""
    from supervision.reports.jobs import run_job

    settings.EXPORT_ROOT = tmp_path
    job = ExportJob.objects.create(kind="feedback_zip", year=2025, created_by=world.office)
    run_job(job)
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE
    assert not ClosedYear.objects.exists()


@pytest.mark.django_db
def test_delegation_feedback_and_evaluation_jobs_do_not_close(world, tmp_path, settings):
    from supervision.reports.jobs import run_job

    settings.EXPORT_ROOT = tmp_path
    run_job(ExportJob.objects.create(kind="feedback_zip", year=2025, delegation=world.town))
    run_job(ExportJob.objects.create(kind="evaluation", year=2025))
    assert not ClosedYear.objects.exists()


# -- the guard through the pages -----------------------------------------------------------


@pytest.mark.django_db
def test_town_staff_edit_of_closed_year_is_refused_and_nothing_changes(
    world, closed_2025, client_for
):
    url = reverse("activities:activity_edit", args=[world.activity2025.pk])
    response = client_for(world.town_staff).post(url, edit_data(world.activity2025))
    assert response.status_code == 403
    assert CLOSED_MESSAGE in response.content.decode()
    world.activity2025.refresh_from_db()
    assert world.activity2025.place == ""
    assert world.activity2025.history.count() == 1  # only the creation


@pytest.mark.django_db
def test_records_of_open_years_are_unaffected(world, closed_2025, client_for):
    url = reverse("activities:activity_edit", args=[world.activity2026.pk])
    response = client_for(world.town_staff).post(url, edit_data(world.activity2026))
    assert response.status_code == 302
    world.activity2026.refresh_from_db()
    assert world.activity2026.place == "新地点"


@pytest.mark.django_db
def test_office_staff_are_asked_for_a_reason_then_the_change_is_saved(
    world, closed_2025, client_for
):
    client = client_for(world.office)
    url = reverse("activities:activity_edit", args=[world.activity2025.pk])
    asked = client.post(url, edit_data(world.activity2025))
    assert asked.status_code == 409
    page = asked.content.decode()
    assert "更正理由" in page and f'name="{REASON_FIELD}"' in page
    assert 'value="新地点"' in page  # the same POST, re-submitted with the reason
    world.activity2025.refresh_from_db()
    assert world.activity2025.place == ""

    blank = client.post(url, {**edit_data(world.activity2025), REASON_FIELD: "  "})
    assert blank.status_code == 409 and "请填写更正理由" in blank.content.decode()

    saved = client.post(url, {**edit_data(world.activity2025), REASON_FIELD: "地点登记错误"})
    assert saved.status_code == 302
    world.activity2025.refresh_from_db()
    assert world.activity2025.place == "新地点"
    latest = world.activity2025.history.first()
    assert latest.history_type == "~"
    assert latest.history_user == world.office
    assert latest.history_change_reason == "地点登记错误"


@pytest.mark.django_db
def test_moving_a_record_out_of_a_closed_year_is_refused(world, closed_2025, client_for):
    url = reverse("activities:activity_edit", args=[world.activity2025.pk])
    data = edit_data(world.activity2025, date="2026-03-10", place="")
    assert client_for(world.town_staff).post(url, data).status_code == 403
    world.activity2025.refresh_from_db()
    assert world.activity2025.date == date(2025, 3, 10)


@pytest.mark.django_db
def test_deleting_needs_office_staff_and_a_reason(world, closed_2025, client_for):
    url = reverse("activities:activity_delete", args=[world.activity2025.pk])
    refused = client_for(world.town_staff).post(url)
    assert refused.status_code == 403 and CLOSED_MESSAGE in refused.content.decode()
    assert Activity.objects.filter(pk=world.activity2025.pk).exists()
    assert Participation.objects.filter(activity=world.activity2025).exists()

    office = client_for(world.office)
    assert office.post(url).status_code == 409
    assert Activity.objects.filter(pk=world.activity2025.pk).exists()
    assert office.post(url, {REASON_FIELD: "重复登记的活动"}).status_code == 302
    assert not Activity.objects.filter(pk=world.activity2025.pk).exists()
    gone = Activity.history.filter(id=world.activity2025.pk, history_type="-").get()
    assert gone.history_user == world.office
    assert gone.history_change_reason == "重复登记的活动"
    # The cascaded participation's deletion carries the same reason.
    row = Participation.history.filter(activity_id=world.activity2025.pk, history_type="-").get()
    assert row.history_change_reason == "重复登记的活动"


@pytest.mark.django_db
def test_attendance_cell_in_a_closed_year_is_refused_in_the_cell(world, closed_2025, client_for):
    url = reverse("activities:attendance_cell", args=[world.session2025.pk])
    data = {"meeting": world.meeting2025.pk, "deputy": world.deputy.pk, "status": "absent"}
    response = client_for(world.town_staff).post(url, data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200  # htmx swaps the cell, which carries the refusal
    body = response.content.decode()
    assert body.startswith("<td") and "data-error" in body and "已结账" in body
    assert Attendance.objects.get(meeting=world.meeting2025).status == "present"
    # 2026 is open.
    url26 = reverse("activities:attendance_cell", args=[world.session2026.pk])
    data26 = {"meeting": world.meeting2026.pk, "deputy": world.deputy.pk, "status": "absent"}
    body26 = client_for(world.town_staff).post(url26, data26, HTTP_HX_REQUEST="true")
    assert "data-error" not in body26.content.decode()
    assert Attendance.objects.get(meeting=world.meeting2026).status == "absent"


# -- services, without a request ---------------------------------------------------------


@pytest.mark.django_db
def test_services_refuse_without_override_and_accept_office_with_reason(world, closed_2025):
    from activities.services import delete_participation

    participation = Participation.objects.get(activity=world.activity2025)
    pk = participation.pk
    with pytest.raises(ClosedYearError):
        delete_participation(participation)
    with closed_year_change(world.town_staff, "理由"), pytest.raises(ClosedYearError):
        delete_participation(participation)  # a reason is not enough: office staff only
    with closed_year_change(world.office, ""), pytest.raises(ClosedYearError):
        delete_participation(participation)  # office staff without a reason
    assert Participation.objects.filter(pk=participation.pk).exists()
    with closed_year_change(world.office, "误登记"):
        delete_participation(participation)
    assert not Participation.objects.filter(pk=pk).exists()
    row = Participation.history.filter(id=pk, history_type="-").get()
    assert row.history_change_reason == "误登记"


@pytest.mark.django_db
def test_service_periods_guard_only_the_years_they_change(world, closed_2025):
    from deputies.models import ServicePeriod

    period = ServicePeriod.objects.get(deputy=world.deputy)  # 2022-01-01, open
    period.end_date = date(2026, 6, 30)  # ends in 2026: 2025 keeps its days
    period.save()
    period.end_date = date(2025, 6, 30)  # now 2025 loses days: refused
    with pytest.raises(ClosedYearError):
        period.save()


# -- closing by hand, re-opening -----------------------------------------------------------


@pytest.mark.django_db
def test_reopening_allows_changes_again_and_is_in_the_history(world, closed_2025, client_for):
    office = client_for(world.office)
    url = reverse("supervision:reopen_year", args=[2025])
    confirm = office.post(url, {"reason": "补录2025年漏记活动"})
    assert confirm.status_code == 200 and "确认" in confirm.content.decode()
    assert ClosedYear.objects.filter(year=2025).exists()  # asked first
    assert office.post(url, {"reason": "补录2025年漏记活动", "confirm": "1"}).status_code == 302
    assert not ClosedYear.objects.filter(year=2025).exists()
    reopened = ClosedYear.history.filter(year=2025, history_type="-").get()
    assert reopened.history_user == world.office
    assert reopened.history_change_reason == "补录2025年漏记活动"

    edit = reverse("activities:activity_edit", args=[world.activity2025.pk])
    assert client_for(world.town_staff).post(edit, edit_data(world.activity2025)).status_code == 302


@pytest.mark.django_db
def test_closing_by_hand_needs_a_reason_and_confirmation(world, client_for):
    office = client_for(world.office)
    url = reverse("supervision:close_year")
    assert office.post(url, {"year": 2024, "reason": ""}).status_code == 200
    assert not ClosedYear.objects.exists()
    assert office.post(url, {"year": 2024, "reason": "年度评价已定稿"}).status_code == 200
    assert not ClosedYear.objects.exists()
    done = office.post(url, {"year": 2024, "reason": "年度评价已定稿", "confirm": "1"})
    assert done.status_code == 302
    closed = ClosedYear.objects.get(year=2024)
    assert closed.closed_by == world.office
    assert closed.history.get().history_change_reason == "年度评价已定稿"


@pytest.mark.django_db
def test_closed_years_page_is_office_only(world, client_for):
    url = reverse("supervision:closed_years")
    assert client_for(world.office).get(url).status_code == 200
    for user in (world.town_staff, world.leadership, world.deputy_user):
        assert client_for(user).get(url).status_code == 404
        assert (
            client_for(user)
            .post(reverse("supervision:close_year"), {"year": 2024, "reason": "x", "confirm": "1"})
            .status_code
            == 404
        )
    assert not ClosedYear.objects.exists()
    close_year(world.office, 2024, "定稿")
    with pytest.raises(ValidationError):
        reopen_year(world.town_staff, 2024, "x")
    assert ClosedYear.objects.filter(year=2024).exists()


@pytest.mark.django_db
def test_constituents_edit_freely_but_delete_only_with_reason(world, closed_2025):
    from activities.services import record_communication
    from deputies.models import Constituent
    from deputies.services import delete_constituent

    with closed_year_change(world.office, "补录"):
        voter = Constituent.objects.create(deputy=world.deputy, name="赵六", phone="1")
        record_communication(world.deputy, date(2025, 5, 1), "visit", "", [voter])
    voter.phone = ""  # e.g. the retention erasure: no count changes
    voter.save()
    with pytest.raises(ClosedYearError):
        delete_constituent(voter)  # would drop a 2025 contact from the count
    assert Constituent.objects.filter(pk=voter.pk).exists()
