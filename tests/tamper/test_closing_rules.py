"""Closing a year (issues 11.2 and 20.3): generating files never closes a year; closing is its
own act on the closed-years page, refused before the year has ended, confirmed after reading
what it blocks; one rule (may_close_years) says who may close and re-open, from every role."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from activities.models import Attendance, LeaveRequest
from deputies.models import Role
from supervision.closing.services import REASON_FIELD, close_year, may_close_years, reopen_year
from supervision.models import ClosedYear, ExportJob

pytestmark = pytest.mark.django_db


@pytest.fixture
def roles(world, make_user):
    """Every role's account, with whether it may close and re-open a year (README: office
    staff only)."""
    return [
        (world.office, True),
        (world.town_staff, False),
        (world.leadership, False),
        (world.deputy_user, False),
        (make_user("head", roles=[(Role.DELEGATION_HEAD, world.town)]), False),
        (make_user("sg", roles=[(Role.SECRETARY_GENERAL, None)]), False),
        (make_user("leader", roles=[(Role.GROUP_LEADER, world.group)]), False),
        (make_user("qual", roles=[(Role.QUALIFICATION, None)]), False),
    ]


# -- generating files never closes ---------------------------------------------------------


def test_feedback_zip_from_the_evaluation_page_closes_nothing(
    world, client_for, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_ROOT = tmp_path
    for user in (world.leadership, world.office):
        with django_capture_on_commit_callbacks(execute=True):
            response = client_for(user).post(reverse("evaluation:feedback"), {"year": 2025})
        assert response.status_code == 302
    jobs = ExportJob.objects.filter(kind="feedback_zip", year=2025)
    assert [j.state for j in jobs] == [ExportJob.State.DONE, ExportJob.State.DONE]
    assert not ClosedYear.objects.exists()
    # The 2025 attendance can still be changed by town staff, without any reason.
    meeting = world.meeting2025
    url = reverse("activities:attendance_cell", args=[meeting.session_id])
    data = {"meeting": meeting.pk, "deputy": world.deputy.pk, "status": "absent"}
    client_for(world.town_staff).post(url, data, HTTP_HX_REQUEST="true")
    assert Attendance.objects.get(meeting=meeting).status == "absent"


def test_year_end_feedback_task_closes_nothing(world, tmp_path, settings):
    from supervision.tasks import year_end_feedback

    settings.EXPORT_ROOT = tmp_path
    year_end_feedback.apply(args=[2025]).get()
    assert ExportJob.objects.get(kind="feedback_zip", year=2025).state == ExportJob.State.DONE
    assert not ClosedYear.objects.exists()


def test_evaluation_page_says_files_do_not_close_and_links_closing_for_office_only(
    world, client_for
):
    closing_url = reverse("supervision:closed_years")
    office = client_for(world.office).get(reverse("evaluation:index")).content.decode()
    leader = client_for(world.leadership).get(reverse("evaluation:index")).content.decode()
    for page in (office, leader):
        assert "生成工作簿或反馈表不会结账" in page
    assert f'href="{closing_url}"' in office
    assert f'href="{closing_url}"' not in leader


# -- one rule, from every role ------------------------------------------------------------


def test_who_may_close_and_reopen_is_one_rule_checked_from_every_role(world, roles, client_for):
    ClosedYear.objects.create(year=2024, closed_by=world.office, note="旧年度")
    for user, may in roles:
        assert may_close_years(user) is may, user.username
        client = client_for(user)
        page = client.get(reverse("supervision:closed_years"))
        close = client.post(
            reverse("supervision:close_year"), {"year": 2025, "reason": "定稿", "confirm": "1"}
        )
        reopen = client.post(
            reverse("supervision:reopen_year", args=[2024]), {"reason": "补录", "confirm": "1"}
        )
        if may:
            assert (page.status_code, close.status_code, reopen.status_code) == (200, 302, 302)
        else:
            assert (page.status_code, close.status_code, reopen.status_code) == (404, 404, 404)
            with pytest.raises(ValidationError, match="只有人事代表工委工作人员可以结账"):
                close_year(user, 2023, "定稿")
            with pytest.raises(ValidationError, match="只有人事代表工委工作人员可以重新开放"):
                reopen_year(user, 2024, "补录")
    # Only the office's two acts happened.
    assert list(ClosedYear.objects.values_list("year", flat=True)) == [2025]
    history = ClosedYear.history.order_by("history_date")
    assert [(h.year, h.history_type, h.history_user) for h in history] == [
        (2024, "+", None),
        (2025, "+", world.office),
        (2024, "-", world.office),
    ]


# -- closing: not before the year ends, after a confirmation naming what it blocks -----------


def test_closing_a_year_that_has_not_ended_is_refused(world, client_for):
    this_year = timezone.localdate().year
    url = reverse("supervision:close_year")
    response = client_for(world.office).post(
        url, {"year": this_year, "reason": "提前结账", "confirm": "1"}
    )
    text = response.content.decode()
    assert f"{this_year} 年度尚未结束，不能结账" in text
    assert f"{this_year + 1} 年 1 月 1 日起" in text
    assert 'name="confirm"' not in text  # nothing to confirm
    assert not ClosedYear.objects.exists()
    with pytest.raises(ValidationError, match="尚未结束"):
        close_year(world.office, 2026, "提前结账", today=date(2026, 12, 31))
    assert close_year(world.office, 2026, "年度结束", today=date(2027, 1, 1)).year == 2026
    # The page offers only years that have ended.
    page = client_for(world.office).get(reverse("supervision:closed_years")).content.decode()
    assert f'<option value="{this_year}">' not in page
    assert f'<option value="{this_year - 1}">' in page


def test_close_confirmation_names_what_closing_blocks(
    world, client_for, django_assert_max_num_queries
):

    # A request asked before the meeting and still pending (the service now refuses to ask
    # for a meeting already held, so it is written as it was then).
    leave = LeaveRequest.objects.create(
        deputy=world.deputy, meeting=world.meeting2025, reason="illness", explanation="住院"
    )
    leave.meetings.add(world.meeting2025)
    client = client_for(world.office)
    # The page's own queries plus 9 counts (one per kind of record), whatever the data size.
    with django_assert_max_num_queries(21):
        response = client.post(
            reverse("supervision:close_year"), {"year": 2025, "reason": "2025年度评价定稿"}
        )
    text = response.content.decode()
    assert response.status_code == 200 and not ClosedYear.objects.exists()  # asked first
    assert "确认结账 2025 年度" in text
    assert "代表不能再为该年度的会议请假" in text
    # The world's 2025: one meeting, one attendance, one pending leave request, one activity
    # with one participation.
    for line in (
        "会议（含大会会议）：1",
        "出席登记：1",
        "请假申请（结账后不能再提交、审批；其中待审批的）：1",
        "活动：1",
        "活动参加记录：1",
    ):
        assert line in text, line
    assert 'name="confirm" value="1"' in text
    assert LeaveRequest.objects.count() == 1


# -- a refused page says how to proceed; the grid has its reason field ----------------------


def test_grid_in_a_closed_year_offers_office_the_reason_field(world, client_for):
    close_year(world.office, 2025, "2025年度评价定稿")
    meeting = world.meeting2025
    grid = reverse("activities:attendance_grid", args=[meeting.session_id])
    office_page = client_for(world.office).get(grid).content.decode()
    town_page = client_for(world.town_staff).get(grid).content.decode()
    assert 'id="jd-closed-reason"' in office_page and "2025 年度已结账" in office_page
    assert 'id="jd-closed-reason"' not in town_page
    assert "请联系人事代表工委" in town_page

    url = reverse("activities:attendance_cell", args=[meeting.session_id])
    data = {"meeting": meeting.pk, "deputy": world.deputy.pk, "status": "absent"}
    office = client_for(world.office)
    refused = office.post(url, data, HTTP_HX_REQUEST="true").content.decode()
    assert "data-reason-needed" in refused and "修改须填写更正理由" in refused
    assert Attendance.objects.get(meeting=meeting).status == "present"
    town = client_for(world.town_staff).post(url, data, HTTP_HX_REQUEST="true").content.decode()
    assert "data-reason-needed" not in town and "请联系人事代表工委" in town

    saved = office.post(url, {**data, REASON_FIELD: "签到表核对"}, HTTP_HX_REQUEST="true")
    assert "data-error" not in saved.content.decode()
    row = Attendance.objects.get(meeting=meeting)
    assert row.status == "absent"
    assert row.history.first().history_change_reason == "签到表核对"
