"""Issue 14 item 6: a deputy's record may not be dated after today or outside the term and
their service; the Chinese message names the allowed range. Activities and meetings may be
planned ahead, but 出席 and a speech are recorded only once the day has come."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

pytestmark = pytest.mark.django_db


@pytest.fixture
def dates_world(make_term, make_delegation, make_deputy, make_user):
    from types import SimpleNamespace

    from deputies.models import Constituent, Role

    today = timezone.localdate()
    term = make_term("测试届", date(today.year - 2, 1, 1), date(today.year + 2, 12, 31))
    town = make_delegation("甲镇")
    start = date(today.year - 1, 3, 1)
    deputy = make_deputy(term, "A001", name="张三", delegation=town, service_start=start)
    member = make_deputy(term, "A002", name="李四", delegation=town, is_sc_member=True)
    return SimpleNamespace(
        today=today,
        term=term,
        start=start,
        deputy=deputy,
        member=member,
        voter=Constituent.objects.create(deputy=deputy, name="选民甲", phone="13812345678"),
        office=make_user("office", roles=[(Role.OFFICE_STAFF, None)]),
        range_text=(
            f"日期须在 {start.isoformat()} 至 {today.isoformat()} 之间（任职期间，且不晚于今天）"
        ),
    )


def message(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def test_contact_tomorrow_names_the_range(dates_world):
    from activities import services
    from activities.models import Communication

    w = dates_world
    with pytest.raises(ValidationError) as exc:
        services.record_communication(w.deputy, w.today + timedelta(days=1), "visit", "走访",
                                      [w.voter])  # fmt: skip
    assert message(exc.value) == w.range_text
    assert not Communication.objects.exists()


def test_contact_before_service_refused_today_accepted(dates_world):
    from activities import services

    w = dates_world
    with pytest.raises(ValidationError) as exc:
        services.record_communication(w.deputy, w.start - timedelta(days=1), "visit", "走访",
                                      [w.voter])  # fmt: skip
    assert message(exc.value) == w.range_text
    comm, created = services.record_communication(w.deputy, w.today, "visit", "走访", [w.voter])
    assert created and comm.date == w.today


def test_suspended_day_is_named(dates_world):
    from activities import services
    from deputies.models import Suspension

    w = dates_world
    day = w.today - timedelta(days=10)
    Suspension.objects.create(deputy=w.deputy, start_date=day, end_date=day)
    with pytest.raises(ValidationError) as exc:
        services.record_communication(w.deputy, day, "visit", "走访", [w.voter])
    assert message(exc.value) == (
        f"{day.isoformat()} 不在任职期间（任职间断或暂停执行代表职务）；{w.range_text}"
    )


def test_liaison_names_the_deputy_out_of_range(dates_world):
    from activities import services

    w = dates_world
    with pytest.raises(ValidationError) as exc:
        services.record_liaison(w.member, w.deputy, w.start - timedelta(days=1), "visit", "座谈")
    assert message(exc.value) == f"张三：{w.range_text}"


def test_opinion_in_the_future_refused(dates_world):
    from activities import services
    from activities.forms import OpinionForm
    from activities.models import PublicOpinion

    w = dates_world
    tomorrow = w.today + timedelta(days=1)
    form = OpinionForm(
        {"deputy": w.deputy.pk, "date": tomorrow.isoformat(), "title": "停车难", "content": "x"},
        deputies=type(w.deputy).objects.all(),
    )
    assert form.is_valid(), form.errors
    with pytest.raises(ValidationError) as exc:
        services.save_opinion(form)
    assert message(exc.value) == w.range_text
    assert not PublicOpinion.objects.exists()


def test_self_report_in_the_future_refused(dates_world, make_user):
    from supervision.models import SelfReport
    from supervision.self_reports import services as self_reports

    w = dates_world
    user = make_user("zhangsan")
    w.deputy.user = user
    w.deputy.save()
    report = SelfReport(
        deputy=w.deputy, kind=SelfReport.Kind.ACTIVITY, activity_type="research",
        date=w.today + timedelta(days=1), title="调研", content="调研",
    )  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        self_reports.submit(user, report)
    assert exc.value.message_dict == {"date": [w.range_text]}
    assert not SelfReport.objects.exists()


def test_activity_ahead_takes_invitations_not_attendance(dates_world):
    from activities import services
    from activities.models import Activity, AttendanceStatus, Participation

    w = dates_world
    ahead = w.today + timedelta(days=5)
    activity = Activity.objects.create(term=w.term, name="视察", date=ahead, type="inspection")
    with pytest.raises(ValidationError) as exc:
        services.add_participant(activity, w.deputy, AttendanceStatus.PRESENT)
    assert message(exc.value) == (
        f"活动日期（{ahead.isoformat()}）尚未到，不能登记出席；请在活动当天或之后登记。"
    )
    assert not Participation.objects.exists()
    participation = services.add_participant(activity, w.deputy, AttendanceStatus.ABSENT)
    with pytest.raises(ValidationError):
        services.update_participation(participation, AttendanceStatus.PRESENT)
    participation.refresh_from_db()
    assert participation.status == AttendanceStatus.ABSENT


def test_speech_at_a_meeting_ahead_refused(dates_world, make_user):
    from activities.models import Meeting, Session, Speech
    from activities.sessions import services as session_services

    w = dates_world
    ahead = w.today + timedelta(days=3)
    session = Session.objects.create(term=w.term, name="大会", start_date=ahead, end_date=ahead)
    meeting = Meeting.objects.create(
        term=w.term, session=session, name="甲镇代表团会议", kind=Meeting.Kind.DELEGATION,
        date=ahead, delegation=w.deputy.delegation,
    )  # fmt: skip
    speech = Speech(meeting=meeting, deputy=w.deputy, topic="关于养老")
    with pytest.raises(ValidationError) as exc:
        session_services.save_speech(w.office, speech)
    end = w.today.isoformat()
    assert exc.value.message_dict == {
        "meeting": [f"日期须在 {w.start.isoformat()} 至 {end} 之间（任职期间，且不晚于今天）"]
    }
    assert not Speech.objects.exists()
