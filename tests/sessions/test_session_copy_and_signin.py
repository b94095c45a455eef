"""A new 大会 from the last one (issue 14.2): the structure copied, dates shifted, meetings in
time order; and the sign-in sheet (issue 14.5): approved leave marked, 应到 / 实到 / 请假 /
缺席 totals and a 备注 column."""

from datetime import timedelta

import pytest
from django.urls import reverse

from activities.models import Attendance, LeaveRequest, Meeting, Session
from activities.sessions import services

pytestmark = pytest.mark.django_db


def test_copy_repeats_the_structure_with_dates_shifted(world, client_for):
    client = client_for(world.office)
    start = world.session.start_date + timedelta(days=364)
    response = client.post(
        reverse("activities:session_copy", args=[world.session.pk]),
        {"term": world.term.pk, "name": "测试大会（下一次）", "start_date": start},
    )
    new = Session.objects.get(name="测试大会（下一次）")
    assert response.url == reverse("activities:session_detail", args=[new.pk])
    assert (new.start_date, new.end_date) == (start, world.session.end_date + timedelta(days=364))
    copied = [(m.name, m.kind, m.date, m.delegation_id) for m in new.meetings.in_time_order()]
    assert copied == [
        ("预备会议", "preparatory", start, None),
        ("第一次全体会议", "plenary", start, None),
        # Same day, same kind: by name (乙 sorts before 甲).
        ("乙镇代表团第一次会议", "delegation", start + timedelta(days=1), world.b.pk),
        ("甲镇代表团第一次会议", "delegation", start + timedelta(days=1), world.a.pk),
    ]
    # Nothing but the structure: no marks, no leave.
    assert not Attendance.objects.filter(meeting__session=new).exists()
    assert (
        "已新建大会“测试大会（下一次）”，沿用“测试大会”的 4 次会议"
        in client.get(response.url).content.decode()
    )


def test_copy_refusals_in_chinese_and_nothing_saved(world, client_for):
    url = reverse("activities:session_copy", args=[world.session.pk])
    client = client_for(world.office)
    same_day = client.post(
        url, {"term": world.term.pk, "name": "另一次", "start_date": world.session.start_date}
    )
    assert "新大会的开幕日期须与原大会不同。" in same_day.content.decode()
    same_name = client.post(
        url,
        {"term": world.term.pk, "name": "测试大会",
         "start_date": world.session.start_date + timedelta(days=30)},
    )  # fmt: skip
    assert "本届已有同名的大会。" in same_name.content.decode()
    beyond = client.post(
        url,
        {"term": world.term.pk, "name": "届末",
         "start_date": world.term.end_date - timedelta(days=1)},
    )  # fmt: skip
    assert "不在届次起止日期内" in beyond.content.decode()
    assert Session.objects.count() == 1 and Meeting.objects.count() == 4
    # Only office staff manage sessions.
    assert client_for(world.town_a).get(url).status_code == 404


def test_session_detail_lists_the_preparatory_meeting_first(world, client_for):
    """预备会议 and 第一次全体会议 share a day; by name alone 第一次… sorts first."""
    text = (
        client_for(world.office)
        .get(reverse("activities:session_detail", args=[world.session.pk]))
        .content.decode()
    )
    assert (
        text.index("预备会议") < text.index("第一次全体会议") < text.index("甲镇代表团第一次会议")
    )
    assert [m.name for m in Meeting.objects.filter(session=world.session)][:2] == [
        "预备会议",
        "第一次全体会议",
    ]
    # The session list offers a copy of each session (沿用新建).
    listing = client_for(world.office).get(reverse("activities:session_list")).content.decode()
    assert reverse("activities:session_copy", args=[world.session.pk]) in listing


def test_signin_sheet_marks_approved_leave_with_totals_and_remarks(held, client_for):
    world = held
    zhang, a1, a2, a3 = world.deputies_a
    leave = LeaveRequest.objects.create(
        deputy=zhang, meeting=world.plenary, reason="abroad", explanation="出访"
    )
    leave.meetings.add(world.plenary)
    services.head_decide(world.head_a, leave, True)
    services.sg_decide(world.sg, leave, True)
    services.set_attendance(world.office, world.plenary, a1, "present")
    services.set_attendance(world.office, world.plenary, a2, "absent")
    services.set_attendance(world.office, world.plenary, a3, "leave", "illness")
    url = reverse("activities:signin_sheet", args=[world.plenary.pk])
    text = client_for(world.office).get(url).content.decode()
    # 7 expected (4 甲镇 + 3 乙镇): 1 present, 2 on leave, 1 absent, 3 not yet marked.
    for total in ("应到 <strong>7</strong>", "实到 <strong>1</strong>",
                  "请假 <strong>2</strong>", "缺席 <strong>1</strong>"):  # fmt: skip
        assert total in text, total
    assert "<th>备注</th>" in text
    assert "请假（已批准）：公务出国出境" in text  # from the approved request
    assert "请假：因病或特殊情况" in text  # marked in the grid, no request behind it
    row = text[text.index(zhang.code) :]
    assert row.index("请假（已批准）") < row.index("</tr>")
    # Town staff of 乙镇 see only their delegation and its totals.
    text_b = client_for(world.town_b).get(url).content.decode()
    assert "应到 <strong>3</strong>" in text_b and zhang.code not in text_b
