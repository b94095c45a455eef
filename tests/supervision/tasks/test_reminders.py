"""Reminders and the year-end feedback: one digest per person, never twice per period."""

import zipfile
from datetime import date
from smtplib import SMTPException

import pytest
from django.core import mail

from supervision import tasks
from supervision.models import (
    ExportJob,
    GroupAnnualReport,
    JobRun,
    Notification,
    ShortfallFlag,
)
from supervision.notifications.reminders import KIND_SHORTFALL, quarter_period, shortfall_reminders
from supervision.notifications.services import set_email_preference

pytestmark = pytest.mark.django_db

PERIOD = "2026-Q4"
ENDED = date(2027, 1, 4)


def inbox(user, kind=KIND_SHORTFALL):
    return list(Notification.objects.filter(recipient=user, kind=kind))


def test_quarter_period_names():
    assert quarter_period(date(2026, 12, 28)) == "2026-Q4"
    assert quarter_period(date(2026, 3, 28)) == "2026-Q1"


def test_one_digest_per_person_even_when_run_twice(district):
    # Run once 2026 has ended: its unmet rules are 未达标, flagged since the scan.
    shortfall_reminders(PERIOD, 2026, ENDED)
    report = shortfall_reminders(PERIOD, 2026, ENDED)
    assert report.sent.created == 0
    (member,) = inbox(district.member_user)
    assert "履职学习培训" in member.body and "未达标" in member.body and "自 " in member.body
    # The leader: own items and the group's members in one message.
    (leader,) = inbox(district.leader_user)
    assert "您在 2026 年度" in leader.body and "第一代表小组" in leader.body
    assert "赵代表" in leader.body and "李代表" in leader.body
    assert Notification.objects.count() == 2
    # The deputy without an account is counted, not messaged.
    assert report.deputies_without_account == 1


def test_running_year_reminds_warnings_only_never_shortfalls(district):
    """On 3 December 2026 the year runs: 0/1 履职学习培训 is 预警 (due round(337/365) = 1),
    nothing is 未达标, and no flag is opened."""
    shortfall_reminders(PERIOD, 2026, date(2026, 12, 3))
    (member,) = inbox(district.member_user)
    assert "履职学习培训（第13条）：0/1，预警（进度落后，请在本年度结束前完成）" in member.body
    assert "未达标" not in member.body
    assert not ShortfallFlag.objects.filter(year=2026).exists()


def test_another_period_is_a_new_reminder(district):
    shortfall_reminders(PERIOD, 2026)
    shortfall_reminders("2026-11-01", 2026)
    assert len(inbox(district.member_user)) == 2


def test_warnings_are_reminded_with_their_label(district):
    shortfall_reminders("2025-Q4", 2025)
    (member,) = inbox(district.member_user)
    assert "预警" in member.body and "本届任期结束前" in member.body


def test_email_when_chosen_and_delivery_recorded(district):
    set_email_preference(district.leader_user, True)
    set_email_preference(district.member_user, True)  # but no address
    shortfall_reminders(PERIOD, 2026)
    shortfall_reminders(PERIOD, 2026)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["zuzhang@example.cn"]
    assert inbox(district.leader_user)[0].delivery == Notification.Delivery.SENT
    member = inbox(district.member_user)[0]
    assert member.delivery == Notification.Delivery.FAILED and "邮箱" in member.delivery_error


def test_smtp_failure_is_recorded(district, monkeypatch):
    set_email_preference(district.leader_user, True)

    def refuse(self, fail_silently=False):
        raise SMTPException("relay refused")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    shortfall_reminders(PERIOD, 2026)
    leader = inbox(district.leader_user)[0]
    assert leader.delivery == Notification.Delivery.FAILED
    assert "relay refused" in leader.delivery_error


def test_inbox_only_by_default(district):
    shortfall_reminders(PERIOD, 2026)
    assert not mail.outbox
    assert inbox(district.leader_user)[0].delivery == Notification.Delivery.INBOX


def test_reminder_task_records_skipped_deputies(district):
    tasks.shortfall_reminders.delay("quarter", 2026).get()
    run = JobRun.objects.get(name="shortfall_reminders")
    assert run.succeeded and "1 deputies without an account" in run.detail


def test_failed_run_is_recorded(district, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("规则配置错误")

    monkeypatch.setattr("supervision.notifications.reminders.scan_shortfalls", broken)
    with pytest.raises(ValueError):
        tasks.shortfall_reminders.delay("quarter", 2026).get()
    run = JobRun.objects.get(name="shortfall_reminders")
    assert run.succeeded is False and "规则配置错误" in run.detail


def test_group_report_reminder_only_for_missing_reports(district, make_group, make_user):
    other_leader = make_user("zuzhang2")
    from deputies.models import Role

    done = make_group(district.term, district.group.delegation, "第二代表小组")
    from deputies.models import RoleAssignment

    RoleAssignment.objects.create(user=other_leader, role=Role.GROUP_LEADER, group=done)
    GroupAnnualReport.objects.create(group=done, year=2026, submitted_date=date(2026, 12, 2))
    tasks.group_report_reminders.delay(2026).get()
    tasks.group_report_reminders.delay(2026).get()
    reminders = Notification.objects.filter(kind="group-report-reminder")
    assert [(n.recipient, n.period) for n in reminders] == [
        (district.leader_user, "2026-12-group-report")
    ]
    assert "第一代表小组" in reminders[0].body


def test_year_end_feedback_twice_gives_one_zip_and_one_message_each(district, exports):
    tasks.year_end_feedback.delay(2026).get()
    tasks.year_end_feedback.delay(2026).get()
    job = ExportJob.objects.get()
    assert job.state == ExportJob.State.DONE and job.created_by is None
    files = [p for p in exports.rglob("*") if p.is_file()]
    assert [p.suffix for p in files] == [".zip"]
    with zipfile.ZipFile(files[0]) as archive:
        assert len(archive.namelist()) == 3
    feedback = Notification.objects.filter(kind="year-end-feedback")
    assert sorted(n.recipient.username for n in feedback) == ["daibiao", "zuzhang"]
    assert "2026 年度的履职情况" in feedback.get(recipient=district.member_user).body
    ready = Notification.objects.get(kind="feedback-sheets-ready")
    assert ready.recipient == district.office_user and ready.url.endswith(f"/jobs/{job.pk}/")
