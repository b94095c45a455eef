"""填报→审核: a deputy's report counts only after a reviewer in scope confirms it."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from activities.models import Activity, Communication, Participation
from supervision.evaluation.compliance import evaluate_year
from supervision.models import Notification, SelfReport

pytestmark = pytest.mark.django_db

NEW = reverse("supervision:self_report_new")
QUEUE = reverse("supervision:review_list")


def voters(deputy, year):
    row = evaluate_year(year, term=deputy.term, deputy_ids=[deputy.pk]).rows[0]
    return row.result("ART15_VOTERS").achieved


def submit_communication(client, world, day, constituents=None):
    constituents = constituents or world["constituents"][:1]
    return client.post(
        f"{NEW}?kind=communication",
        {
            "date": day.isoformat(),
            "method": "visit",
            "constituents": [c.pk for c in constituents],
            "content": "走访了解小区加装电梯意见",
        },
    )


def test_communication_counts_only_after_the_group_leader_confirms(world, client_for, recent):
    zhang, first = world["zhang"], world["constituents"][0]
    earlier = Communication.objects.create(deputy=zhang, date=recent - timedelta(days=1),
                                           method="phone")  # fmt: skip
    earlier.constituents.add(first)
    deputy = client_for(world["deputy"])
    assert voters(zhang, recent.year) == 0

    response = submit_communication(deputy, world, recent)
    assert response.status_code == 302
    report = SelfReport.objects.get(deputy=zhang)
    assert report.status == SelfReport.Status.PENDING
    page = deputy.get(reverse("deputies:mine")).content.decode()
    assert "待审核" in page
    assert voters(zhang, recent.year) == 0  # pending does not count

    leader = client_for(world["leader"])
    queue = leader.get(QUEUE).content.decode()
    assert "张三" in queue and "走访了解小区加装电梯意见" in queue
    assert leader.post(reverse("supervision:review_confirm", args=[report.pk])).status_code == 302
    report.refresh_from_db()
    assert report.status == SelfReport.Status.CONFIRMED
    assert report.reviewed_by == world["leader"]
    assert list(report.communication.constituents.all()) == [first]
    assert voters(zhang, recent.year) == 1
    page = deputy.get(reverse("deputies:mine")).content.decode()
    assert 'data-testid="achieved-ART15_VOTERS"><strong>1</strong>' in page


def test_confirm_merges_into_the_communication_of_the_same_day_and_method(world, client_for,
                                                                           recent):  # fmt: skip
    zhang, (a, b) = world["zhang"], world["constituents"][:2]
    existing = Communication.objects.create(deputy=zhang, date=recent, method="visit")
    existing.constituents.add(a)
    submit_communication(client_for(world["deputy"]), world, recent, [b])
    report = SelfReport.objects.get()
    client_for(world["town_a"]).post(reverse("supervision:review_confirm", args=[report.pk]))
    assert Communication.objects.filter(deputy=zhang).count() == 1
    assert set(existing.constituents.all()) == {a, b}
    report.refresh_from_db()
    assert report.communication == existing


def test_reception_and_own_activity_write_an_activity_with_attendance(world, client_for, recent):
    deputy = client_for(world["deputy"])
    deputy.post(
        f"{NEW}?kind=reception",
        {"date": recent.isoformat(), "title": "安亭镇代表之家", "no_visitors": "on"},
    )
    deputy.post(f"{NEW}?kind=activity", {"date": recent.isoformat(), "activity_type": "research",
                "title": "社区养老服务调研", "content": "走访三家养老机构"})  # fmt: skip
    office = client_for(world["office"])
    for report in SelfReport.objects.all():
        assert office.post(reverse("supervision:review_confirm", args=[report.pk])).status_code
    reception = Participation.objects.get(deputy=world["zhang"], activity__type="reception")
    assert reception.status == "present" and reception.no_visitors
    assert reception.activity.organiser is None
    research = Activity.objects.get(type="research")
    assert research.name == "社区养老服务调研"
    assert research.participations.get().deputy == world["zhang"]
    row = evaluate_year(recent.year, term=world["term"], deputy_ids=[world["zhang"].pk]).rows[0]
    assert row.result("ART16_RECEPTION").achieved == 1
    assert row.result("ART11_SC_ACTIVITY").achieved == 1


def test_invalid_reports_are_refused_with_a_message(world, client_for, today):
    deputy = client_for(world["deputy"])
    future = today + timedelta(days=2)
    response = submit_communication(deputy, world, future)
    start = date(today.year - 2, 1, 1).isoformat()  # the term's (and 张三's service's) start
    expected = f"日期须在 {start} 至 {today.isoformat()} 之间（任职期间，且不晚于今天）"
    assert expected in response.content.decode()
    response = deputy.post(f"{NEW}?kind=reception", {"date": today.isoformat(), "title": "站"})
    assert "请填写接待情况，或勾选“无来访”" in response.content.decode()
    foreign = world["zhao"].constituents.get()
    response = deputy.post(f"{NEW}?kind=communication", {"date": today.isoformat(),
                           "method": "visit", "constituents": [foreign.pk]})  # fmt: skip
    assert response.status_code == 200
    assert not SelfReport.objects.exists()


def test_confirmation_notifies_the_deputy(
    world, client_for, recent, django_capture_on_commit_callbacks
):
    """Issue 11: 填报 → 组长审核 → 通知; the deputy hears of a confirmation, once."""
    submit_communication(client_for(world["deputy"]), world, recent)
    report = SelfReport.objects.get()
    confirm = reverse("supervision:review_confirm", args=[report.pk])
    with django_capture_on_commit_callbacks(execute=True):  # delivered once the write commits
        assert client_for(world["leader"]).post(confirm).status_code == 302
    note = Notification.objects.get(recipient=world["deputy"])
    assert note.subject == f"您的填报已确认：联系选民 {recent.isoformat()}"
    assert note.url == reverse("deputies:mine")
    inbox = client_for(world["deputy"]).get(reverse("notifications:inbox")).content.decode()
    assert "您的填报已确认" in inbox


def test_rejection_needs_a_reason_notifies_the_deputy_who_may_resubmit(
    world, client_for, recent, django_capture_on_commit_callbacks
):
    submit_communication(client_for(world["deputy"]), world, recent)
    report = SelfReport.objects.get()
    leader = client_for(world["leader"])
    reject = reverse("supervision:review_reject", args=[report.pk])

    response = leader.post(reject, {"reason": "  "}, follow=True)
    assert "退回时请填写原因" in response.content.decode()
    report.refresh_from_db()
    assert report.status == SelfReport.Status.PENDING

    with django_capture_on_commit_callbacks(execute=True):  # notified once the write commits
        leader.post(reject, {"reason": "日期有误，应为上周五"})
    report.refresh_from_db()
    assert report.status == SelfReport.Status.REJECTED
    note = Notification.objects.get(recipient=world["deputy"])
    assert "日期有误，应为上周五" in note.body
    deputy = client_for(world["deputy"])
    page = deputy.get(reverse("deputies:mine")).content.decode()
    assert "已退回" in page and "日期有误，应为上周五" in page

    edit = reverse("supervision:self_report_edit", args=[report.pk])
    assert "日期有误" in deputy.get(edit).content.decode()
    data = {"date": (recent - timedelta(days=1)).isoformat(), "method": "visit",
            "constituents": [world["constituents"][0].pk]}  # fmt: skip
    response = deputy.post(edit, data)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == SelfReport.Status.PENDING
    assert report.date == recent - timedelta(days=1)
    assert SelfReport.objects.count() == 1


def test_nobody_reviews_their_own_report(world, client_for, recent):
    """The group leader's own report goes to town or office staff, never to the leader."""
    li = world["li"]
    leader = client_for(world["leader"])
    leader.post(f"{NEW}?kind=communication", {"date": recent.isoformat(), "method": "visit",
                "constituents": [li.constituents.get().pk]})  # fmt: skip
    report = SelfReport.objects.get(deputy=li)
    # Not in the leader's queue (the page names the leader in the user menu, so the check is
    # on the listed reports, not on the whole page).
    assert report not in list(leader.get(QUEUE).context["page"])
    assert leader.post(reverse("supervision:review_confirm", args=[report.pk])).status_code == 404
    report.refresh_from_db()
    assert report.status == SelfReport.Status.PENDING
    client_for(world["town_a"]).post(reverse("supervision:review_confirm", args=[report.pk]))
    report.refresh_from_db()
    assert report.status == SelfReport.Status.CONFIRMED


def test_service_refuses_self_review_even_for_office_staff(world, recent):
    from django.core.exceptions import ValidationError

    from deputies.models import Role, RoleAssignment
    from supervision.self_reports import services as self_reports

    RoleAssignment.objects.create(user=world["deputy"], role=Role.OFFICE_STAFF)
    report = self_reports.submit(
        world["deputy"],
        SelfReport(deputy=world["zhang"], kind="communication", date=recent, method="phone"),
        world["constituents"][:1],
    )
    with pytest.raises(ValidationError, match="不能审核本人的填报"):
        self_reports.confirm(world["deputy"], report)


def test_reviewers_are_scoped(world, client_for, recent):
    """Leader: own group only; town staff: own delegation (also a group without a leader
    account); other delegations' staff and deputies: 404."""
    client_for(world["other"]).post(f"{NEW}?kind=communication", {"date": recent.isoformat(),
        "method": "phone", "constituents": [world["zhao"].constituents.get().pk]})  # fmt: skip
    report = SelfReport.objects.get(deputy=world["zhao"])
    confirm = reverse("supervision:review_confirm", args=[report.pk])
    for name in ("leader", "town_b", "deputy", "nobody"):
        client = client_for(world[name])
        assert "赵六" not in client.get(QUEUE).content.decode()
        assert client.post(confirm).status_code == 404
    assert client_for(world["deputy"]).get(QUEUE).status_code == 404
    town_a = client_for(world["town_a"])
    assert "赵六" in town_a.get(QUEUE).content.decode()
    assert town_a.post(confirm).status_code == 302
    report.refresh_from_db()
    assert report.status == SelfReport.Status.CONFIRMED


def test_queue_filters_by_group_and_counts_pending(world, client_for, recent):
    for user, deputy in (("deputy", "zhang"), ("other", "zhao")):
        data = {"date": recent.isoformat(), "method": "phone",
                "constituents": [world[deputy].constituents.first().pk]}  # fmt: skip
        client_for(world[user]).post(f"{NEW}?kind=communication", data)
    office = client_for(world["office"])
    page = office.get(QUEUE, {"group": world["group_a2"].pk}).content.decode()
    assert "赵六" in page and "张三" not in page
    assert "2</span>" in office.get(reverse("supervision:review_count")).content.decode()
    assert "1</span>" in client_for(world["leader"]).get(
        reverse("supervision:review_count")).content.decode()  # fmt: skip
    assert client_for(world["deputy"]).get(reverse("supervision:review_count")).content == b""
    xlsx = office.get(QUEUE, {"format": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_confirmed_report_cannot_be_confirmed_twice_or_edited(world, client_for, recent):
    submit_communication(client_for(world["deputy"]), world, recent)
    report = SelfReport.objects.get()
    office = client_for(world["office"])
    office.post(reverse("supervision:review_confirm", args=[report.pk]))
    response = office.post(reverse("supervision:review_confirm", args=[report.pk]), follow=True)
    assert "该填报已审核" in response.content.decode()
    edit = reverse("supervision:self_report_edit", args=[report.pk])
    assert client_for(world["deputy"]).get(edit).status_code == 404
