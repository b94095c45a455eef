"""Sessions and meetings: who may open, create, edit and delete them; Chinese validation."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from activities.models import Attendance, AttendanceStatus, Meeting, Session

pytestmark = pytest.mark.django_db


def test_session_list_for_viewers_and_404_for_others(world, client_for):
    url = reverse("activities:session_list")
    for user in (world.office, world.town_a, world.head_a, world.sg, world.leadership):
        response = client_for(user).get(url)
        assert response.status_code == 200, user
        assert "测试大会" in response.content.decode()
    for user in (world.deputy_user, world.committee):
        assert client_for(user).get(url).status_code == 404


def test_only_office_sees_create_and_may_create(world, client_for):
    assert (
        "新建大会"
        in client_for(world.office).get(reverse("activities:session_list")).content.decode()
    )
    assert (
        "新建大会"
        not in client_for(world.town_a).get(reverse("activities:session_list")).content.decode()
    )
    assert client_for(world.town_a).get(reverse("activities:session_create")).status_code == 404
    end = world.session.end_date
    data = {"term": world.term.pk, "name": "第二次大会", "start_date": end + timedelta(days=30),
            "end_date": end + timedelta(days=32)}  # fmt: skip
    assert (
        client_for(world.town_a).post(reverse("activities:session_create"), data).status_code == 404
    )
    response = client_for(world.office).post(reverse("activities:session_create"), data)
    session = Session.objects.get(name="第二次大会")
    assert response.status_code == 302
    assert session.history.first().history_user == world.office


def test_session_form_messages_in_chinese_and_nothing_saved(world, client_for):
    data = {"term": world.term.pk, "name": "测试大会", "start_date": world.session.start_date,
            "end_date": world.session.start_date - timedelta(days=1)}  # fmt: skip
    response = client_for(world.office).post(reverse("activities:session_create"), data)
    text = response.content.decode()
    assert response.status_code == 200
    assert "闭幕日期不能早于开幕日期。" in text
    assert "本届已有同名的大会。" in text
    assert Session.objects.count() == 1
    response = client_for(world.office).post(reverse("activities:session_create"), {})
    assert "此项为必填项。" in response.content.decode()


def test_session_detail_shows_meetings_scoped(world, client_for):
    url = reverse("activities:session_detail", args=[world.session.pk])
    office = client_for(world.office).get(url).content.decode()
    assert "甲镇代表团第一次会议" in office and "乙镇代表团第一次会议" in office
    town = client_for(world.town_a).get(url).content.decode()
    assert "甲镇代表团第一次会议" in town and "乙镇代表团第一次会议" not in town
    assert "预备会议" in town


def test_meeting_create_needs_delegation_for_delegation_meeting(world, client_for):
    url = reverse("activities:meeting_create", args=[world.session.pk])
    data = {"name": "甲镇代表团第二次会议", "kind": "delegation", "date": world.session.start_date}
    response = client_for(world.office).post(url, data)
    assert "代表团会议须选择代表团。" in response.content.decode()
    data["date"] = world.session.end_date + timedelta(days=5)
    data["delegation"] = world.a.pk
    response = client_for(world.office).post(url, data)
    assert "会议日期须在大会会期内" in response.content.decode()
    assert not Meeting.objects.filter(name="甲镇代表团第二次会议").exists()
    data["date"] = world.session.end_date
    response = client_for(world.office).post(url, data)
    assert response.status_code == 302
    meeting = Meeting.objects.get(name="甲镇代表团第二次会议")
    assert meeting.term == world.term and meeting.session == world.session
    # No roll rows are written in advance (see activities/session_selectors.py).
    assert not meeting.attendances.exists()
    assert client_for(world.town_a).post(url, data).status_code == 404


def test_meeting_duplicate_and_kind_change_refused(world, client_for):
    url = reverse("activities:meeting_create", args=[world.session.pk])
    data = {"name": "预备会议", "kind": "preparatory", "date": world.prep.date}
    assert "同一日期已有同名的会议。" in client_for(world.office).post(url, data).content.decode()
    Attendance.objects.create(
        meeting=world.meet_a, deputy=world.deputies_a[1], status=AttendanceStatus.PRESENT
    )
    edit = reverse("activities:meeting_edit", args=[world.meet_a.pk])
    data = {
        "name": world.meet_a.name,
        "kind": "delegation",
        "date": world.meet_a.date,
        "delegation": world.b.pk,
    }
    response = client_for(world.office).post(edit, data)
    assert "不能更改会议类型或代表团" in response.content.decode()
    world.meet_a.refresh_from_db()
    assert world.meet_a.delegation == world.a


def test_delete_session_asks_then_deletes_with_history(world, client_for):
    url = reverse("activities:session_delete", args=[world.session.pk])
    assert client_for(world.town_a).get(url).status_code == 404
    response = client_for(world.office).get(url)
    assert "确认删除" in response.content.decode()
    assert Session.objects.filter(pk=world.session.pk).exists()
    client_for(world.office).post(url)
    assert not Session.objects.filter(pk=world.session.pk).exists()
    deleted = Session.history.filter(id=world.session.pk, history_type="-").get()
    assert deleted.history_user == world.office


def test_session_list_xlsx_and_bounded_queries(world, client_for, django_assert_max_num_queries):
    client = client_for(world.office)
    url = reverse("activities:session_list")
    client.get(url)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    n = len(few.captured_queries)  # read now: a request resets the log
    for i in range(15):
        s = world.session
        Session.objects.create(term=world.term, name=f"大会{i}", start_date=s.start_date,
                               end_date=s.end_date)  # fmt: skip
    with django_assert_max_num_queries(n):
        client.get(url)
    response = client.get(url, {"format": "xlsx", "q": "大会1"})
    rows = list(load_workbook(BytesIO(response.content)).active.values)
    assert rows[0][:2] == ("届次", "名称")
    assert {r[1] for r in rows[1:]} == {"大会1", "大会10", "大会11", "大会12", "大会13", "大会14"}


def test_staff_who_record_attendance_can_invite_to_a_coming_meeting(world, client_for):
    url = reverse("activities:session_detail", args=[world.session.pk])
    invite = reverse("invitations:create") + f"?meeting={world.meet_a.pk}"
    for user in (world.office, world.town_a):
        assert invite in client_for(user).get(url).content.decode(), user
    # The secretary-general sees the meetings but does not send invitations.
    assert "发出邀请" not in client_for(world.sg).get(url).content.decode()
    # The button leads to the form with the meeting chosen.
    form = client_for(world.town_a).get(invite).content.decode()
    assert world.meet_a.name in form


def test_no_invitation_button_for_a_past_meeting(world, client_for):
    world.meet_a.date = timezone.localdate() - timedelta(days=1)
    world.meet_a.save()
    url = reverse("activities:session_detail", args=[world.session.pk])
    html = client_for(world.office).get(url).content.decode()
    invite = reverse("invitations:create")
    assert f"{invite}?meeting={world.meet_a.pk}" not in html
    assert f"{invite}?meeting={world.plenary.pk}" in html
