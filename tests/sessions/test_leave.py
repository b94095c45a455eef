"""Leave requests (Art. 5): deputy asks → delegation head → secretary-general → filed, and
approved leave becomes 请假 on the roll; rejections; order enforced; queues."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from activities.models import Attendance, AttendanceStatus, LeaveRequest

pytestmark = pytest.mark.django_db


def ask(client, world, deputy, meeting=None, reason="illness", explanation="住院治疗"):
    meetings = meeting if isinstance(meeting, list) else [meeting or world.plenary]
    data = {"deputy": deputy.pk, "session": world.session.pk,
            "meetings": [m.pk for m in meetings], "reason": reason,
            "explanation": explanation}  # fmt: skip
    return client.post(reverse("activities:leave_create"), data)


def decide(client, leave, step, approve, comment=""):
    url = reverse(f"activities:leave_{step}", args=[leave.pk])
    return client.post(url, {"approve": "1" if approve else "0", "comment": comment}, follow=True)


def test_full_flow_deputy_head_sg_then_leave_on_the_roll(world, client_for):
    zhang = world.deputies_a[0]
    response = ask(client_for(world.deputy_user), world, zhang)
    assert response.status_code == 302
    leave = LeaveRequest.objects.get()
    assert (leave.status, leave.requested_by) == (
        LeaveRequest.Status.PENDING_HEAD,
        world.deputy_user,
    )

    # The head's queue has it; the SG's does not yet.
    queue = reverse("activities:leave_queue")
    assert "张三" in client_for(world.head_a).get(queue).content.decode()
    assert "张三" not in client_for(world.head_b).get(queue).content.decode()
    assert "张三" not in client_for(world.sg).get(queue).content.decode()
    count = reverse("activities:leave_queue_count")
    assert ">1<" in client_for(world.head_a).get(count).content.decode()

    decide(client_for(world.head_a), leave, "head", True, "同意")
    leave.refresh_from_db()
    assert leave.status == LeaveRequest.Status.PENDING_SG
    assert (leave.head_approved, leave.head_by, leave.head_comment) == (True, world.head_a, "同意")
    assert leave.head_at is not None and leave.filed_at is None
    assert "张三" not in client_for(world.head_a).get(queue).content.decode()
    assert "张三" in client_for(world.sg).get(queue).content.decode()

    response = decide(client_for(world.sg), leave, "sg", True)
    assert "已记录对 张三 的请假申请的审批意见。" in response.content.decode()
    leave.refresh_from_db()
    assert leave.status == LeaveRequest.Status.APPROVED
    assert leave.sg_by == world.sg and leave.filed_at is not None
    row = Attendance.objects.get(deputy=zhang, meeting=world.plenary)
    assert (row.status, row.leave_reason) == (AttendanceStatus.LEAVE, "illness")

    # Every step is shown on the request's page.
    text = (
        client_for(world.deputy_user)
        .get(reverse("activities:leave_detail", args=[leave.pk]))
        .content.decode()
    )
    for word in ("head_a", "sg", "已批准", "秘书处备案", "已在出席登记中记为请假"):
        assert word in text
    assert leave.history.count() == 3


def test_approval_overrides_an_existing_mark(world, client_for):
    deputy = world.deputies_a[1]
    Attendance.objects.create(deputy=deputy, meeting=world.plenary, status=AttendanceStatus.ABSENT)
    ask(client_for(world.town_a), world, deputy, reason="abroad")
    leave = LeaveRequest.objects.get()
    assert leave.requested_by == world.town_a
    decide(client_for(world.head_a), leave, "head", True)
    decide(client_for(world.sg), leave, "sg", True)
    row = Attendance.objects.get(deputy=deputy, meeting=world.plenary)
    assert (row.status, row.leave_reason) == ("leave", "abroad")


def test_head_rejection_leaves_the_deputy_expected(world, client_for):
    ask(client_for(world.deputy_user), world, world.deputies_a[0])
    leave = LeaveRequest.objects.get()
    response = decide(client_for(world.head_a), leave, "head", False)
    assert "不同意时请填写意见说明。" in response.content.decode()
    decide(client_for(world.head_a), leave, "head", False, "会议重要，请安排出席")
    leave.refresh_from_db()
    assert leave.status == LeaveRequest.Status.REJECTED and leave.head_approved is False
    assert leave.filed_at is None and leave.sg_approved is None
    assert not Attendance.objects.exists()
    # The SG cannot decide a rejected request.
    response = decide(client_for(world.sg), leave, "sg", True)
    assert "代表团团长尚未同意" in response.content.decode()
    # The grid still shows the deputy as expected (未登记).
    grid = client_for(world.office).get(
        reverse("activities:attendance_grid", args=[world.session.pk])
    )
    assert "c s-leave" not in grid.content.decode()


def test_sg_rejection_filed_and_roll_unchanged(world, client_for):
    ask(client_for(world.deputy_user), world, world.deputies_a[0])
    leave = LeaveRequest.objects.get()
    decide(client_for(world.head_a), leave, "head", True)
    decide(client_for(world.sg), leave, "sg", False, "不符合请假条件")
    leave.refresh_from_db()
    assert leave.status == LeaveRequest.Status.REJECTED
    assert leave.sg_approved is False and leave.filed_at is not None
    assert not Attendance.objects.exists()


def test_sg_before_head_refused_with_a_message(world, client_for):
    ask(client_for(world.deputy_user), world, world.deputies_a[0])
    leave = LeaveRequest.objects.get()
    response = decide(client_for(world.sg), leave, "sg", True)
    assert "代表团团长尚未同意，秘书长暂不能审批。" in response.content.decode()
    leave.refresh_from_db()
    assert leave.status == LeaveRequest.Status.PENDING_HEAD and leave.sg_approved is None


def test_head_of_another_delegation_cannot_decide(world, client_for):
    ask(client_for(world.deputy_user), world, world.deputies_a[0])
    leave = LeaveRequest.objects.get()
    assert decide(client_for(world.head_b), leave, "head", True).status_code == 404
    detail = reverse("activities:leave_detail", args=[leave.pk])
    assert client_for(world.head_b).get(detail).status_code == 404
    # Town staff and the deputy see it but cannot decide.
    assert decide(client_for(world.town_a), leave, "head", True).status_code == 404
    assert decide(client_for(world.deputy_user), leave, "sg", True).status_code == 404
    leave.refresh_from_db()
    assert leave.status == LeaveRequest.Status.PENDING_HEAD


def test_request_validation_in_chinese_and_nothing_saved(world, client_for):
    client = client_for(world.deputy_user)
    response = client.post(reverse("activities:leave_create"), {})
    text = response.content.decode()
    assert "此项为必填项。" in text and "请至少选择一次会议。" in text
    # Not on the roll: 乙镇's delegation meeting is not offered, and refused if posted.
    response = ask(client, world, world.deputies_a[0], meeting=world.meet_b)
    assert "所选会议不在可请假的会议中" in response.content.decode()
    # A deputy cannot ask for another deputy.
    response = ask(client, world, world.deputies_a[1])
    assert "请选择您可以代为请假的代表。" in response.content.decode()
    ask(client, world, world.deputies_a[0])
    response = ask(client, world, world.deputies_a[0])
    assert "已有待审批或已批准的请假申请" in response.content.decode()
    assert LeaveRequest.objects.count() == 1
    # Town staff cannot ask for another town's deputy.
    response = ask(client_for(world.town_b), world, world.deputies_a[1])
    assert "请选择您可以代为请假的代表。" in response.content.decode()
    assert LeaveRequest.objects.count() == 1


def test_leave_pages_by_role(world, client_for):
    ask(client_for(world.deputy_user), world, world.deputies_a[0])
    ask(client_for(world.town_b), world, world.deputies_b[0])
    url = reverse("activities:leave_list")
    seen = {
        user.username: client_for(user).get(url).content.decode()
        for user in (world.office, world.town_a, world.head_b, world.sg, world.deputy_user)
    }
    assert "张三" in seen["office"] and "B1000" in seen["office"] and "B1000" in seen["sg"]
    assert "张三" in seen["town_a"] and "B1000" not in seen["town_a"]
    assert "张三" not in seen["head_b"] and "B1000" in seen["head_b"]
    assert "张三" in seen["deputy"] and "B1000" not in seen["deputy"]
    assert client_for(world.committee).get(url).status_code == 404
    assert client_for(world.town_a).get(reverse("activities:leave_queue")).status_code == 404
    assert client_for(world.deputy_user).get(reverse("activities:leave_create")).status_code == 200


def test_leave_list_xlsx_and_bounded_queries(
    world, client_for, add_deputies, django_assert_max_num_queries
):
    client = client_for(world.office)
    url = reverse("activities:leave_list")
    ask(client, world, world.deputies_a[1])
    client.get(url)
    with django_assert_max_num_queries(15) as few:
        client.get(url)
    n = len(few.captured_queries)  # read now: a request resets the log
    for d in add_deputies(world.term, world.b, 20, "B7"):
        ask(client, world, d, reason="important")
    with django_assert_max_num_queries(n):
        client.get(url)
    response = client.get(url, {"format": "xlsx", "delegation": world.b.pk, "sort": "deputy"})
    rows = list(load_workbook(BytesIO(response.content)).active.values)
    assert rows[0][0] == "代表编号" and len(rows) == 21
    assert rows[1][0] == "B7000" and rows[1][5] == "重要会议活动"


def test_deputy_cannot_ask_for_a_held_meeting(world, client_for):
    past = world.session.start_date - timedelta(days=30)
    type(world.session).objects.filter(pk=world.session.pk).update(start_date=past, end_date=past)
    type(world.plenary).objects.filter(pk=world.plenary.pk).update(date=past)
    response = ask(client_for(world.deputy_user), world, world.deputies_a[0])
    assert "该大会已闭幕或不属于该代表的届次，不能再申请请假。" in response.content.decode()
    # Staff cannot either: leave approved on paper at a held meeting is marked in the grid.
    response = ask(client_for(world.town_a), world, world.deputies_a[0])
    assert "该大会已闭幕或不属于该代表的届次，不能再申请请假。" in response.content.decode()
    assert not LeaveRequest.objects.exists()


def snapshot(leave):
    """Everything a decision writes, and the roll row, to show a refusal changed nothing."""
    leave.refresh_from_db()
    fields = ("status", "head_approved", "head_by_id", "head_at", "head_comment",
              "sg_approved", "sg_by_id", "sg_at", "sg_comment", "filed_at")  # fmt: skip
    roll = list(Attendance.objects.values_list("deputy_id", "meeting_id", "status"))
    return [getattr(leave, f) for f in fields], roll, leave.history.count()


def test_head_cannot_decide_twice(world, client_for):
    ask(client_for(world.deputy_user), world, world.deputies_a[0])
    leave = LeaveRequest.objects.get()
    decide(client_for(world.head_a), leave, "head", True, "同意")
    before = snapshot(leave)
    response = decide(client_for(world.head_a), leave, "head", False, "改为不同意")
    assert "该申请不在待团长审核状态，不能再审核。" in response.content.decode()
    assert "审批意见已记录。" not in response.content.decode()
    assert snapshot(leave) == before
    assert (leave.status, leave.head_comment) == (LeaveRequest.Status.PENDING_SG, "同意")


def test_sg_cannot_decide_twice(world, client_for):
    zhang = world.deputies_a[0]
    ask(client_for(world.deputy_user), world, zhang)
    leave = LeaveRequest.objects.get()
    decide(client_for(world.head_a), leave, "head", True)
    decide(client_for(world.sg), leave, "sg", True, "准假")
    before = snapshot(leave)
    response = decide(client_for(world.sg), leave, "sg", False, "改为不批准")
    assert "该申请已审批完毕，不能再审批。" in response.content.decode()
    assert "审批意见已记录。" not in response.content.decode()
    assert snapshot(leave) == before
    assert (leave.status, leave.sg_comment) == (LeaveRequest.Status.APPROVED, "准假")
    row = Attendance.objects.get(deputy=zhang, meeting=world.plenary)
    assert row.status == AttendanceStatus.LEAVE


def test_sg_rejection_needs_a_comment(world, client_for):
    ask(client_for(world.deputy_user), world, world.deputies_a[0])
    leave = LeaveRequest.objects.get()
    decide(client_for(world.head_a), leave, "head", True)
    before = snapshot(leave)
    response = decide(client_for(world.sg), leave, "sg", False, "   ")
    assert "不批准时请填写意见说明。" in response.content.decode()
    assert "审批意见已记录。" not in response.content.decode()
    assert snapshot(leave) == before
    assert leave.status == LeaveRequest.Status.PENDING_SG and leave.filed_at is None
