"""The attendance grid and approved leave (issues 11.3, 20.4): a 假 backed by a leave request
approved by the head and the secretary-general shows it; changing or clearing it asks first,
and on confirmation the request becomes 已撤销, with who and why in its history. 出席/缺席 for
a meeting that has not taken place is refused, as the bulk button does."""

import re

import pytest
from django.urls import reverse

from activities.models import Attendance, LeaveRequest
from activities.sessions import services

pytestmark = pytest.mark.django_db

CONFIRM = "张三 在“第一次全体会议”（{date}）的请假申请已经代表团团长同意、大会秘书长批准"


def cell_url(world):
    return reverse("activities:attendance_cell", args=[world.session.pk])


def approved_leave(world, deputy):
    # Asked before the meeting (the `held` world has moved it into the past, and a held
    # meeting can no longer be asked for), then approved by both.
    leave = LeaveRequest.objects.create(
        deputy=deputy, meeting=world.plenary, reason="illness", explanation="住院",
        requested_by=world.deputy_user,
    )  # fmt: skip
    leave.meetings.add(world.plenary)
    services.head_decide(world.head_a, leave, True)
    return services.sg_decide(world.sg, leave, True)


def test_future_meeting_refuses_present_and_absent_but_takes_leave(world, client_for):
    deputy = world.deputies_a[1]
    client = client_for(world.town_a)
    for status in ("present", "absent"):
        data = {"deputy": deputy.pk, "meeting": world.plenary.pk, "status": status}
        html = client.post(cell_url(world), data).content.decode()
        assert f"会议尚未举行（{world.plenary.date}），不能登记出席或缺席" in html
        assert 'class="c s-u"' in html
    assert not Attendance.objects.exists()
    data = {"deputy": deputy.pk, "meeting": world.plenary.pk, "status": "leave"}
    data["reason"] = "important"
    client.post(cell_url(world), data)
    assert Attendance.objects.get().status == "leave"


def test_grid_shows_the_cells_backed_by_approved_leave(held, client_for):
    world = held
    zhang, other = world.deputies_a[0], world.deputies_a[1]
    approved_leave(world, zhang)
    Attendance.objects.create(
        meeting=world.plenary, deputy=other, status="leave", leave_reason="important"
    )
    client = client_for(world.town_a)
    text = client.get(reverse("activities:attendance_grid", args=[world.session.pk]))
    text = text.content.decode()
    zhang_row = re.search(rf'<tr data-d="{zhang.pk}"[^>]*>(.*?)</tr>', text).group(1)
    other_row = re.search(rf'<tr data-d="{other.pk}"[^>]*>(.*?)</tr>', text).group(1)
    assert "data-lv" in zhang_row and "请假申请已批准" in zhang_row
    assert "data-lv" not in other_row
    # 假 again (key 2) asks nothing and keeps the request; the returned cell is the grid's.
    data = {"deputy": zhang.pk, "meeting": world.plenary.pk, "status": "leave"}
    data["reason"] = "important"
    returned = client.post(cell_url(world), data).content.decode().strip()
    assert returned in zhang_row
    assert LeaveRequest.objects.get().status == LeaveRequest.Status.APPROVED
    assert Attendance.objects.get(deputy=zhang).leave_reason == "illness"  # the request's


@pytest.mark.parametrize(("status", "word"), [("present", "出席"), ("absent", "缺席")])
def test_changing_approved_leave_asks_then_cancels_the_request(held, client_for, status, word):
    world = held
    zhang = world.deputies_a[0]
    leave = approved_leave(world, zhang)
    client = client_for(world.town_a)
    data = {"deputy": zhang.pk, "meeting": world.plenary.pk, "status": status}

    asked = client.post(cell_url(world), data).content.decode()
    assert CONFIRM.format(date=world.plenary.date) in asked
    assert f"改为“{word}”将撤销该请假申请" in asked
    assert f'data-status="{status}"' in asked and "s-leave" in asked
    assert Attendance.objects.get(deputy=zhang).status == "leave"
    leave.refresh_from_db()
    assert leave.status == LeaveRequest.Status.APPROVED

    done = client.post(cell_url(world), {**data, "confirm_leave": "1"}).content.decode()
    assert f"s-{status}" in done and "data-confirm" not in done
    assert Attendance.objects.get(deputy=zhang).status == status
    leave.refresh_from_db()
    assert leave.status == LeaveRequest.Status.CANCELLED
    last = leave.history.order_by("-history_date").first()
    assert last.history_user == world.town_a
    assert last.history_change_reason == f"出席登记表改为“{word}”，已批准的请假撤销"
    page = client_for(world.deputy_user).get(reverse("activities:leave_detail", args=[leave.pk]))
    text = page.content.decode()
    assert "已撤销" in text and "请假已撤销" in text and "已在出席登记中记为请假" not in text
    assert f"出席登记表改为“{word}”，已批准的请假撤销" in text


def test_clearing_approved_leave_asks_then_cancels_the_request(held, client_for):
    world = held
    zhang = world.deputies_a[0]
    leave = approved_leave(world, zhang)
    row = Attendance.objects.get(deputy=zhang)
    client = client_for(world.office)
    data = {"deputy": zhang.pk, "meeting": world.plenary.pk, "status": ""}

    asked = client.post(cell_url(world), data).content.decode()
    assert "改为“未登记”将撤销该请假申请" in asked
    assert Attendance.objects.filter(pk=row.pk).exists()
    leave.refresh_from_db()
    assert leave.status == LeaveRequest.Status.APPROVED

    client.post(cell_url(world), {**data, "confirm_leave": "1"})
    assert not Attendance.objects.filter(pk=row.pk).exists()
    leave.refresh_from_db()
    assert leave.status == LeaveRequest.Status.CANCELLED
    assert leave.history.order_by("-history_date").first().history_user == world.office


def test_service_refuses_without_confirmation(held):
    """The rule is the service's, not only the grid's: any caller must confirm."""
    from django.core.exceptions import ValidationError

    world = held
    zhang = world.deputies_a[0]
    approved_leave(world, zhang)
    with pytest.raises(ValidationError, match="撤销该请假申请"):
        services.set_attendance(world.office, world.plenary, zhang, "present")
    assert Attendance.objects.get(deputy=zhang).status == "leave"
