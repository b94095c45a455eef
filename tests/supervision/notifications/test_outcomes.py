"""Issue 14 item 10: every outcome that concerns a deputy notifies exactly that deputy, in
Chinese with a link, once the write commits; each kind's email can be switched off (the inbox
entry stays); one run that concerns a deputy several times sends one digest email."""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from activities.models import AttendanceStatus
from supervision.models import Notification, NotificationSetting

pytestmark = pytest.mark.django_db


@dataclass
class World:
    term: object
    deputy: object  # 张三, with an account that wants email
    user: object
    other: object  # 李四, same delegation, with an account
    other_user: object
    office: object
    head: object
    sg: object


@pytest.fixture
def world(make_term, make_delegation, make_user, make_deputy):
    from deputies.models import Role

    today = timezone.localdate()
    term = make_term("测试届", date(today.year - 1, 1, 1), date(today.year + 3, 12, 31))
    town = make_delegation("甲镇")
    user = make_user("zhangsan", email="zs@example.org")
    other_user = make_user("lisi", email="ls@example.org")
    for u in (user, other_user):
        NotificationSetting.objects.create(user=u, email=True)
    return World(
        term=term,
        deputy=make_deputy(term, "A001", name="张三", delegation=town, user=user),
        user=user,
        other=make_deputy(term, "A002", name="李四", delegation=town, user=other_user),
        other_user=other_user,
        office=make_user("office", roles=[(Role.OFFICE_STAFF, None)]),
        head=make_user("head", roles=[(Role.DELEGATION_HEAD, town)]),
        sg=make_user("sg", roles=[(Role.SECRETARY_GENERAL, None)]),
    )


def only_notification():
    rows = list(Notification.objects.values_list("recipient__username", "kind", "subject", "url"))
    assert len(rows) == 1, rows
    return rows[0]


def a_leave(world):
    from activities.models import Attendance, LeaveRequest, Meeting, Session

    day = timezone.localdate() + timedelta(days=7)
    session = Session.objects.create(term=world.term, name="测试大会", start_date=day,
                                     end_date=day)  # fmt: skip
    meeting = Meeting.objects.create(
        term=world.term, session=session, name="第一次全体会议", kind=Meeting.Kind.PLENARY,
        date=day,
    )  # fmt: skip
    leave = LeaveRequest.objects.create(
        deputy=world.deputy, meeting=meeting, reason=Attendance.LeaveReason.values[0],
        explanation="出差", requested_by=world.user,
    )  # fmt: skip
    return leave, f"第一次全体会议（{day.isoformat()}）"


def test_leave_approved(world, django_capture_on_commit_callbacks):
    from activities.sessions import services as session_services

    leave, what = a_leave(world)
    with django_capture_on_commit_callbacks(execute=True):
        session_services.head_decide(world.head, leave, True)
    assert not Notification.objects.exists()  # the head's approval is a step, not an outcome
    with django_capture_on_commit_callbacks(execute=True):
        session_services.sg_decide(world.sg, leave, True)
    assert only_notification() == (
        "zhangsan",
        "leave_approved",
        f"您的请假申请已批准：{what}",
        reverse("activities:leave_detail", args=[leave.pk]),
    )
    assert [m.to for m in mail.outbox] == [["zs@example.org"]]
    assert mail.outbox[0].subject == f"您的请假申请已批准：{what}"


def test_leave_rejected_by_the_head(world, django_capture_on_commit_callbacks):
    from activities.sessions import services as session_services

    leave, what = a_leave(world)
    with django_capture_on_commit_callbacks(execute=True):
        session_services.head_decide(world.head, leave, False, "会期冲突，请安排出席")
    recipient, kind, subject, _url = only_notification()
    assert (recipient, kind, subject) == ("zhangsan", "leave_rejected",
                                          f"您的请假申请未获批准：{what}")  # fmt: skip
    assert "意见：会期冲突，请安排出席" in Notification.objects.get().body


def test_a_refused_decision_notifies_nobody(world, django_capture_on_commit_callbacks):
    from django.core.exceptions import ValidationError

    from activities.sessions import services as session_services

    leave, _what = a_leave(world)
    with pytest.raises(ValidationError), django_capture_on_commit_callbacks(execute=True):
        session_services.sg_decide(world.sg, leave, True)  # the head has not approved yet
    assert not Notification.objects.exists() and not mail.outbox


def a_report(world):
    from supervision.models import SelfReport

    return SelfReport.objects.create(
        deputy=world.deputy, kind=SelfReport.Kind.ACTIVITY, activity_type="research",
        date=timezone.localdate() - timedelta(days=3), title="社区调研", content="调研养老服务",
        submitted_by=world.user,
    )  # fmt: skip


def test_self_report_confirmed(world, django_capture_on_commit_callbacks):
    from supervision.self_reports import services as self_reports

    report = a_report(world)
    with django_capture_on_commit_callbacks(execute=True):
        self_reports.confirm(world.office, report)
    day = report.date.isoformat()
    # Confirming records a participation: the deputy hears "confirmed", not also "invited".
    assert only_notification() == (
        "zhangsan", "self_report_confirmed", f"您的填报已确认：自行组织的履职活动 {day}",
        reverse("deputies:mine"),
    )  # fmt: skip


def test_self_report_rejected(world, django_capture_on_commit_callbacks):
    from supervision.self_reports import services as self_reports

    report = a_report(world)
    with django_capture_on_commit_callbacks(execute=True):
        self_reports.reject(world.office, report, "请补充调研对象")
    day = report.date.isoformat()
    assert only_notification() == (
        "zhangsan", "self_report_rejected", f"您的填报被退回：自行组织的履职活动 {day}",
        reverse("deputies:mine"),
    )  # fmt: skip


def a_proposal(world, cosigners=()):
    from proposals.models import Cosignature, Proposal

    proposal = Proposal.objects.create(
        term=world.term, number="J001", kind=Proposal.Kind.SUGGESTION, title="关于增设公交线路",
        submitted_date=timezone.localdate() - timedelta(days=60), lead=world.deputy,
        status=Proposal.Status.HANDLING,
    )  # fmt: skip
    for deputy in cosigners:
        Cosignature.objects.create(proposal=proposal, deputy=deputy)
    return proposal


def test_reply_asks_the_lead_to_evaluate_and_tells_cosigners(
    world, django_capture_on_commit_callbacks
):
    from proposals import services

    proposal = a_proposal(world, [world.other])
    with django_capture_on_commit_callbacks(execute=True):
        services.record_reply(proposal, "已增设 3 路公交", timezone.localdate())
    url = reverse("proposals:proposal_detail", args=[proposal.pk])
    rows = set(Notification.objects.values_list("recipient__username", "kind", "subject", "url"))
    assert rows == {
        ("zhangsan", "evaluation_requested", "您领衔的建议已答复，请评价办理结果：关于增设公交线路",
         url),
        ("lisi", "proposal_replied", "您附议的建议已答复：关于增设公交线路", url),
    }  # fmt: skip
    assert sorted(m.to[0] for m in mail.outbox) == ["ls@example.org", "zs@example.org"]


def test_flag_resolved(world, django_capture_on_commit_callbacks):
    from supervision.models import RecordFlag
    from supervision.self_reports import services as self_reports

    flag = RecordFlag.objects.create(
        deputy=world.deputy, year=timezone.localdate().year, kind=RecordFlag.Kind.MISSING,
        comment="3月的接待漏记", created_by=world.user,
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        self_reports.resolve(world.office, flag, "已补录")
    assert only_notification() == (
        "zhangsan", "flag_resolved", "您的错重漏反馈已处理：漏记", reverse("deputies:mine"),
    )  # fmt: skip
    assert "处理结果：已补录" in Notification.objects.get().body


def an_activity(world, days=10, name="视察河道整治"):
    from activities.models import Activity

    return Activity.objects.create(
        term=world.term, name=name, date=timezone.localdate() + timedelta(days=days),
        type="inspection",
    )  # fmt: skip


def test_added_to_an_activity_ahead_is_an_invitation(world, django_capture_on_commit_callbacks):
    from activities import services

    activity = an_activity(world)
    with django_capture_on_commit_callbacks(execute=True):
        services.add_participant(activity, world.deputy, AttendanceStatus.ABSENT)
    assert only_notification() == (
        "zhangsan", "activity_invited",
        f"您被邀请参加履职活动：视察河道整治（{activity.date.isoformat()}）",
        reverse("activities:activity_detail", args=[activity.pk]),
    )  # fmt: skip


def test_added_after_the_day_is_a_record(world, django_capture_on_commit_callbacks):
    from activities import services
    from activities.models import AttendanceStatus

    activity = an_activity(world, days=-2)
    with django_capture_on_commit_callbacks(execute=True):
        services.add_participant(activity, world.deputy, AttendanceStatus.PRESENT)
    assert only_notification()[2] == (
        f"您已被登记参加履职活动：视察河道整治（{activity.date.isoformat()}）"
    )


def test_switching_a_kind_off_stops_its_email_keeps_the_inbox(
    world, client_for, django_capture_on_commit_callbacks
):
    from activities import services

    client = client_for(world.user)
    html = client.get(reverse("notifications:settings")).content.decode()
    assert "被邀请或登记参加履职活动" in html
    # Every box ticked except the activity one (an unticked box posts nothing).
    keep = ["leave", "self_report", "proposal_replied", "evaluation_requested", "flag_resolved"]
    response = client.post(
        reverse("notifications:settings"), {"email": "on", **{f"kind_{k}": "on" for k in keep}}
    )
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        services.add_participant(an_activity(world), world.deputy, AttendanceStatus.ABSENT)
    assert not mail.outbox
    assert Notification.objects.get().delivery == Notification.Delivery.INBOX
    leave, _what = a_leave(world)
    from activities.sessions import services as session_services

    with django_capture_on_commit_callbacks(execute=True):
        session_services.head_decide(world.head, leave, False, "不同意")
    assert [m.subject.startswith("您的请假申请未获批准") for m in mail.outbox] == [True]


def test_settings_page_shows_no_deputy_kinds_to_staff(world, client_for):
    html = client_for(world.office).get(reverse("notifications:settings")).content.decode()
    assert "被邀请或登记参加履职活动" not in html


def test_bulk_add_to_thirty_activities_sends_one_digest_per_deputy(
    world, django_capture_on_commit_callbacks
):
    """30 activities' rolls filled in one run: 30 inbox entries each, one email each."""
    from django.db import transaction

    from activities import services
    from deputies.models import Deputy
    from supervision.notifications import services as notifications

    both = Deputy.objects.filter(pk__in=[world.deputy.pk, world.other.pk])
    activities = [an_activity(world, days=i + 1, name=f"活动{i:02d}") for i in range(30)]
    with (
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
        notifications.digest(),
    ):
        for activity in activities:
            services.add_participants_bulk(activity, both)
    assert Notification.objects.filter(recipient=world.user).count() == 30
    assert Notification.objects.filter(recipient=world.other_user).count() == 30
    assert sorted(m.to[0] for m in mail.outbox) == ["ls@example.org", "zs@example.org"]
    assert mail.outbox[0].subject == "您有 30 条新通知"
    assert "活动00" in mail.outbox[0].body and "活动29" in mail.outbox[0].body
    assert set(Notification.objects.values_list("delivery", flat=True)) == {"sent"}


def test_a_digest_run_that_fails_sends_nothing(world, django_capture_on_commit_callbacks):
    from activities import services
    from deputies.models import Deputy
    from supervision.notifications import services as notifications

    activity = an_activity(world)
    with (
        pytest.raises(RuntimeError),
        django_capture_on_commit_callbacks(execute=True),
        notifications.digest(),
    ):
        services.add_participants_bulk(activity, Deputy.objects.filter(pk=world.deputy.pk))
        raise RuntimeError("the run broke")
    assert not Notification.objects.exists() and not mail.outbox
