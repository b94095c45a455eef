"""Leave for a whole session (issue 14.1): one request covers the chosen meetings of one
session; the head and the secretary-general approve it once each; approval marks 请假 on
every chosen meeting; the queue shows 事由 and the meetings, approves several at once (each
checked on the server) and a decision leads to the next request. Held meetings cannot be
asked for. Old single-meeting requests keep working."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.models import Attendance, AttendanceStatus, LeaveRequest
from activities.sessions import services

pytestmark = pytest.mark.django_db


def create_url(world, deputy):
    url = reverse("activities:leave_create")
    return f"{url}?deputy={deputy.pk}&session={world.session.pk}"


def ask_many(client, world, deputy, meetings, reason="abroad", explanation="出访德国"):
    data = {"meetings": [m.pk for m in meetings], "reason": reason, "explanation": explanation}
    return client.post(create_url(world, deputy), data)


def marks(deputy):
    return dict(Attendance.objects.filter(deputy=deputy).values_list("meeting__name", "status"))


def test_the_form_offers_the_deputys_meetings_in_time_order_with_select_all(world, client_for):
    text = client_for(world.deputy_user).get(reverse("activities:leave_create")).content.decode()
    # 张三 (甲镇): 预备 before 第一次全体 (same day), then 甲镇's delegation meeting; not 乙镇's.
    assert (
        text.index("预备会议") < text.index("第一次全体会议") < text.index("甲镇代表团第一次会议")
    )
    assert "乙镇代表团第一次会议" not in text
    assert 'data-jd-checkall="meetings"' in text and "全选（整次大会）" in text


def test_one_request_for_a_whole_session_approved_once_each_marks_every_meeting(world, client_for):
    zhang = world.deputies_a[0]
    mine = [world.prep, world.plenary, world.meet_a]
    deputy = client_for(world.deputy_user)
    response = ask_many(deputy, world, zhang, mine)
    leave = LeaveRequest.objects.get()
    assert response.status_code == 302
    assert set(leave.meetings.all()) == set(mine) and leave.meeting == world.prep
    # One history row for the creation, holding the three meetings.
    (created,) = leave.history.all()
    assert created.history_type == "+"
    assert {h.meeting for h in created.meetings.all()} == set(mine)
    detail = deputy.get(response.url).content.decode()
    assert "请假申请已提交（3 次会议），等待代表团团长审核。" in detail
    assert "共 3 次会议" in detail

    client_for(world.head_a).post(
        reverse("activities:leave_head", args=[leave.pk]), {"approve": "1"}
    )
    client_for(world.sg).post(reverse("activities:leave_sg", args=[leave.pk]), {"approve": "1"})
    leave.refresh_from_db()
    assert leave.status == LeaveRequest.Status.APPROVED
    assert marks(zhang) == {
        "预备会议": AttendanceStatus.LEAVE,
        "第一次全体会议": AttendanceStatus.LEAVE,
        "甲镇代表团第一次会议": AttendanceStatus.LEAVE,
    }
    assert set(Attendance.objects.filter(deputy=zhang).values_list("leave_reason", flat=True)) == {
        "abroad"
    }
    # The grid shows each 假 as backed by approved leave.
    grid = client_for(world.office).get(
        reverse("activities:attendance_grid", args=[world.session.pk])
    )
    assert grid.content.decode().count("data-lv") >= 3


def test_refusals_name_the_meeting_and_save_nothing(world, client_for):
    zhang = world.deputies_a[0]
    client = client_for(world.deputy_user)
    ask_many(client, world, zhang, [world.plenary])
    # Asking again for a meeting already covered: refused, the meeting named, nothing saved.
    response = ask_many(client, world, zhang, [world.prep, world.plenary])
    assert "该代表对“第一次全体会议”" in response.content.decode()
    assert LeaveRequest.objects.count() == 1
    # Another delegation's meeting is not offered and is refused when posted.
    response = ask_many(client, world, zhang, [world.prep, world.meet_b])
    assert "所选会议不在可请假的会议中" in response.content.decode()
    assert LeaveRequest.objects.count() == 1
    # Nothing chosen.
    response = ask_many(client, world, zhang, [])
    assert "请至少选择一次会议。" in response.content.decode()
    assert LeaveRequest.objects.count() == 1


def test_a_held_meeting_cannot_be_asked_for_even_by_the_service(world, client_for):
    """The session has begun: yesterday's meeting is neither offered nor accepted."""
    yesterday = timezone.localdate() - timedelta(days=1)
    type(world.session).objects.filter(pk=world.session.pk).update(start_date=yesterday)
    type(world.prep).objects.filter(pk=world.prep.pk).update(date=yesterday)
    zhang = world.deputies_a[0]
    text = client_for(world.town_a).get(create_url(world, zhang)).content.decode()
    assert "预备会议" not in text and "第一次全体会议" in text
    response = ask_many(client_for(world.town_a), world, zhang, [world.prep, world.plenary])
    assert "所选会议不在可请假的会议中" in response.content.decode()
    world.prep.refresh_from_db()
    with pytest.raises(services.ValidationError, match="已经举行，不能再申请请假"):
        services.request_leave(world.town_a, zhang, [world.prep], "illness", "住院")
    assert not LeaveRequest.objects.exists()


def test_queue_shows_the_explanation_and_approves_several_each_checked(world, client_for):
    a1, a2 = world.deputies_a[1], world.deputies_a[2]
    town = client_for(world.town_a)
    ask_many(town, world, a1, [world.prep, world.plenary, world.meet_a], explanation="出访德国")
    ask_many(town, world, a2, [world.plenary], reason="illness", explanation="住院手术")
    b_leave = services.request_leave(world.town_b, world.deputies_b[0], world.plenary, "illness",
                                     "住院")  # fmt: skip
    first, second = LeaveRequest.objects.filter(deputy__in=[a1, a2]).order_by("requested_at")

    head = client_for(world.head_a)
    queue = head.get(reverse("activities:leave_queue")).content.decode()
    assert "出访德国" in queue and "住院手术" in queue and "共 3 次会议" in queue
    assert 'name="ids"' in queue and "批准所选" in queue

    # 乙镇's request rides along in the POST: refused for this head, the two others approved.
    response = head.post(
        reverse("activities:leave_queue_approve"),
        {"ids": [first.pk, second.pk, b_leave.pk]},
        follow=True,
    )
    text = response.content.decode()
    assert "已批准 2 份请假申请。" in text and "不在您的权限范围内" in text
    statuses = dict(LeaveRequest.objects.values_list("pk", "status"))
    assert statuses == {
        first.pk: LeaveRequest.Status.PENDING_SG,
        second.pk: LeaveRequest.Status.PENDING_SG,
        b_leave.pk: LeaveRequest.Status.PENDING_HEAD,
    }
    # Approving again is refused by state, and changes nothing.
    text = head.post(
        reverse("activities:leave_queue_approve"), {"ids": [first.pk]}, follow=True
    ).content.decode()
    assert "该申请不在待团长审核状态，不能再审核。" in text

    # The secretary-general approves both at once: every covered meeting becomes 请假.
    client_for(world.sg).post(
        reverse("activities:leave_queue_approve"), {"ids": [first.pk, second.pk]}
    )
    assert set(marks(a1).values()) == {AttendanceStatus.LEAVE} and len(marks(a1)) == 3
    assert marks(a2) == {"第一次全体会议": AttendanceStatus.LEAVE}
    # Staff and deputies cannot use the bulk approval at all.
    assert (
        client_for(world.town_a)
        .post(reverse("activities:leave_queue_approve"), {"ids": [b_leave.pk]})
        .status_code
        == 404
    )


def test_a_decision_leads_to_the_next_request_then_to_the_empty_queue(world, client_for):
    town = client_for(world.town_a)
    ask_many(town, world, world.deputies_a[1], [world.plenary])
    ask_many(town, world, world.deputies_a[2], [world.plenary])
    first, second = LeaveRequest.objects.order_by("requested_at", "pk")
    head = client_for(world.head_a)
    response = head.post(reverse("activities:leave_head", args=[first.pk]), {"approve": "1"})
    assert response.url == reverse("activities:leave_detail", args=[second.pk])
    response = head.post(
        reverse("activities:leave_head", args=[second.pk]), {"approve": "0", "comment": "会期重要"}
    )
    assert response.url == reverse("activities:leave_queue")


def test_grid_override_of_one_meeting_keeps_the_rest_of_the_leave(held, client_for):
    """Approved leave for three meetings; the grid marks the deputy 出席 at one (confirmed):
    the request stays approved for the other two and drops that one, said in its history."""
    world = held
    zhang = world.deputies_a[0]
    leave = LeaveRequest.objects.create(
        deputy=zhang, meeting=world.prep, reason="abroad", explanation="出访"
    )
    leave.meetings.set([world.prep, world.plenary, world.meet_a])
    services.head_decide(world.head_a, leave, True)
    services.sg_decide(world.sg, leave, True)
    services.set_attendance(world.office, world.prep, zhang, "present", confirm_leave=True)
    leave.refresh_from_db()
    assert leave.status == LeaveRequest.Status.APPROVED
    assert set(leave.meetings.all()) == {world.plenary, world.meet_a}
    assert leave.meeting == world.plenary
    latest = leave.history.first()
    assert "出席登记表将“预备会议”" in latest.history_change_reason
    # The history row holds the meetings still covered; one row for the correction.
    assert {h.meeting for h in latest.meetings.all()} == {world.plenary, world.meet_a}
    assert leave.history.filter(history_change_reason__contains="出席登记表").count() == 1
    assert marks(zhang) == {
        "预备会议": AttendanceStatus.PRESENT,
        "第一次全体会议": AttendanceStatus.LEAVE,
        "甲镇代表团第一次会议": AttendanceStatus.LEAVE,
    }


def test_an_old_single_meeting_request_without_the_relation_still_works(world):
    """Rows written before the relation (or by a bulk writer) cover their one meeting."""
    zhang = world.deputies_a[0]
    leave = LeaveRequest.objects.create(
        deputy=zhang, meeting=world.plenary, reason="illness", explanation="住院"
    )
    services.head_decide(world.head_a, leave, True)
    services.sg_decide(world.sg, leave, True)
    assert marks(zhang) == {"第一次全体会议": AttendanceStatus.LEAVE}
    assert services.approved_leave(world.plenary, zhang) == leave
    # And it still blocks a second request for the same meeting.
    with pytest.raises(services.ValidationError, match="已有待审批或已批准的请假申请"):
        services.request_leave(world.deputy_user, zhang, [world.plenary], "illness", "再次")


def test_leave_queue_queries_do_not_grow_with_requests(
    world, client_for, add_deputies, django_assert_max_num_queries
):
    town = client_for(world.town_a)
    ask_many(town, world, world.deputies_a[1], [world.prep, world.plenary, world.meet_a])
    head = client_for(world.head_a)
    url = reverse("activities:leave_queue")
    head.get(url)
    with django_assert_max_num_queries(20) as few:
        head.get(url)
    n = len(few.captured_queries)
    for d in add_deputies(world.term, world.a, 10, "A7"):
        ask_many(town, world, d, [world.prep, world.plenary, world.meet_a])
    with django_assert_max_num_queries(n):
        head.get(url)


def test_the_migration_puts_each_existing_request_in_the_new_relation(world):
    """Rows from before the relation cover their one meeting after the data migration."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("activities.migrations.0005_leave_request_meetings")
    zhang, li = world.deputies_a[0], world.deputies_a[1]
    old = [
        LeaveRequest.objects.create(deputy=d, meeting=m, reason="illness", explanation="住院")
        for d, m in ((zhang, world.plenary), (li, world.meet_a))
    ]
    migration.copy_meeting_into_meetings(apps, None)
    assert [list(r.meetings.all()) for r in old] == [[world.plenary], [world.meet_a]]
