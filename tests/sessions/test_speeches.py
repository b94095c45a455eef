"""Speeches (Art. 8) recorded against a delegation meeting: roll check, scope, xlsx, delete."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from activities.models import Attendance, Speech

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _session_held(world):
    """The shared world's session is a week ahead; a speech is recorded only once its meeting
    has taken place (issue 14 item 6), so these tests hold the session three weeks earlier."""
    from datetime import timedelta

    from django.db.models import F

    from activities.models import Meeting, Session

    shift = timedelta(days=21)
    Session.objects.filter(pk=world.session.pk).update(
        start_date=F("start_date") - shift, end_date=F("end_date") - shift
    )
    Meeting.objects.filter(session=world.session).update(date=F("date") - shift)
    for meeting in (world.prep, world.plenary, world.meet_a, world.meet_b):
        meeting.refresh_from_db()


def record(client, meeting, deputy, topic="关于优化营商环境的建议"):
    data = {"meeting": meeting.pk, "deputy": deputy.pk, "topic": topic}
    return client.post(reverse("activities:speech_create"), data)


def test_record_speech_on_the_roll(world, client_for):
    response = record(client_for(world.town_a), world.meet_a, world.deputies_a[1])
    assert response.status_code == 302
    speech = Speech.objects.get()
    assert (speech.meeting, speech.date, speech.meeting_name) == (
        world.meet_a,
        world.meet_a.date,
        world.meet_a.name,
    )
    assert speech.history.first().history_user == world.town_a


def test_speech_refusals_in_chinese_nothing_saved(world, client_for):
    client = client_for(world.office)
    # Not on that delegation meeting's roll.
    response = record(client, world.meet_b, world.deputies_a[1])
    assert "不在这次代表团会议的出席名单中" in response.content.decode()
    # Marked absent for it.
    Attendance.objects.create(meeting=world.meet_a, deputy=world.deputies_a[2], status="absent")
    response = record(client, world.meet_a, world.deputies_a[2])
    assert "该代表本次会议登记为缺席，不能登记发言。" in response.content.decode()
    # A plenary meeting is not offered.
    response = record(client, world.plenary, world.deputies_a[1])
    assert "请从列表中选择。" in response.content.decode()
    response = client.post(reverse("activities:speech_create"), {})
    assert "此项为必填项。" in response.content.decode()
    assert not Speech.objects.exists()
    record(client, world.meet_a, world.deputies_a[1])
    response = record(client, world.meet_a, world.deputies_a[1])
    assert "已登记过相同主题的发言" in response.content.decode()
    assert Speech.objects.count() == 1


def test_town_staff_only_their_delegation(world, client_for):
    response = record(client_for(world.town_b), world.meet_a, world.deputies_a[1])
    assert "请从列表中选择。" in response.content.decode()
    assert not Speech.objects.exists()
    record(client_for(world.office), world.meet_a, world.deputies_a[1])
    speech = Speech.objects.get()
    assert (
        client_for(world.town_b)
        .get(reverse("activities:speech_edit", args=[speech.pk]))
        .status_code
        == 404
    )
    delete = reverse("activities:speech_delete", args=[speech.pk])
    assert client_for(world.town_b).post(delete).status_code == 404
    assert client_for(world.head_a).get(reverse("activities:speech_create")).status_code == 404
    assert Speech.objects.exists()


def test_speech_list_scoped_filtered_exported(
    world, client_for, django_assert_max_num_queries, add_deputies
):
    record(client_for(world.office), world.meet_a, world.deputies_a[1], "甲镇发言")
    record(client_for(world.office), world.meet_b, world.deputies_b[1], "乙镇发言")
    url = reverse("activities:speech_list")
    assert "乙镇发言" not in client_for(world.town_a).get(url).content.decode()
    own = client_for(world.deputy_user).get(url).content.decode()
    assert "乙镇发言" not in own and "暂无发言记录" in own
    assert "乙镇发言" in client_for(world.head_b).get(url).content.decode()
    assert client_for(world.committee).get(url).status_code == 404
    office = client_for(world.office)
    text = office.get(url, {"delegation": world.a.pk}).content.decode()
    assert "甲镇发言" in text and "乙镇发言" not in text
    office.get(url)
    with django_assert_max_num_queries(15) as few:
        office.get(url)
    n = len(few.captured_queries)
    for i, d in enumerate(add_deputies(world.term, world.b, 10, "B8")):
        Speech.objects.create(deputy=d, date=world.meet_b.date, meeting=world.meet_b,
                              meeting_name=world.meet_b.name, topic=f"主题{i}")  # fmt: skip
    with django_assert_max_num_queries(n):
        office.get(url)
    response = office.get(url, {"format": "xlsx", "session": world.session.pk, "q": "甲镇"})
    rows = list(load_workbook(BytesIO(response.content)).active.values)
    assert rows[0] == ("日期", "代表编号", "姓名", "代表团", "会议名称", "发言主题")
    assert [r[5] for r in rows[1:]] == ["甲镇发言"]


def test_delete_speech_confirms_and_records_history(world, client_for):
    record(client_for(world.town_a), world.meet_a, world.deputies_a[1])
    speech = Speech.objects.get()
    url = reverse("activities:speech_delete", args=[speech.pk])
    assert "确认删除" in client_for(world.town_a).get(url).content.decode()
    assert Speech.objects.exists()
    client_for(world.town_a).post(url)
    assert not Speech.objects.exists()
    assert Speech.history.filter(id=speech.pk, history_type="-").get().history_user == world.town_a
