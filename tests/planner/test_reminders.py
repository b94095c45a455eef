"""Issue 16 item 4: a group leader reminds the members behind on any rule, in one action;
recorded; only their own group's members."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from planner.models import GroupReminder
from supervision.models import Notification


def remind_url(group):
    return reverse("planner:remind", args=[group.pk])


def texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.django_db
def test_the_leader_sees_the_members_behind(district, client_for):
    """On 25 November with nothing recorded every member is behind the pace (预警)."""
    response = client_for(district["leader_user"]).get(
        reverse("supervision:group_detail", args=[district["group_a"].pk])
    )
    html = response.content.decode()
    assert "提醒落后的组员" in html
    behind = [m.deputy.name for m, _rules in response.context["reminder"].members]
    assert behind == ["张组长", "李四", "赵六"]


@pytest.mark.django_db
def test_others_on_the_group_page_get_no_reminder_panel(district, client_for):
    response = client_for(district["office"]).get(
        reverse("supervision:group_detail", args=[district["group_a"].pk])
    )
    assert response.status_code == 200
    assert "提醒落后的组员" not in response.content.decode()


@pytest.mark.django_db
def test_a_reminder_notifies_the_chosen_members_and_is_recorded(
    district, client_for, django_capture_on_commit_callbacks
):
    leader = district["leader_user"]
    ids = [district["li"].pk, district["no_account"].pk]
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(leader).post(remind_url(district["group_a"]), {"deputies": ids})
    assert response.status_code == 302
    assert texts(response) == [
        "已向 1 位组员发送履职提醒。",
        "1 位组员没有系统账号，未能发送提醒，请电话联系。",
    ]
    reminder = GroupReminder.objects.get()
    assert (reminder.group, reminder.sent_by, reminder.year) == (district["group_a"], leader, 2026)
    assert list(reminder.recipients.all()) == [district["li"]]
    latest = reminder.history.latest()  # the history: who sent it, to whom
    assert latest.history_user == leader
    assert [r.deputy_id for r in latest.recipients.all()] == [district["li"].pk]
    note = Notification.objects.get(kind="group_reminder")
    assert note.recipient == district["li_user"]
    assert note.subject.startswith("代表小组组长提醒")
    assert "张组长" in note.body and "履职学习培训" in note.body
    # A second reminder is a second message, not swallowed as a repeat.
    with django_capture_on_commit_callbacks(execute=True):
        client_for(leader).post(remind_url(district["group_a"]), {"deputies": ids})
    assert Notification.objects.filter(kind="group_reminder").count() == 2
    # The group page says when the last reminder went out, and to how many.
    page = client_for(leader).get(
        reverse("supervision:group_detail", args=[district["group_a"].pk])
    )
    latest = GroupReminder.objects.order_by("-pk").first()
    when = timezone.localtime(latest.sent_at).strftime("%Y-%m-%d %H:%M")
    assert f"上次提醒：{when}，发给 1 位组员。" in page.content.decode()


@pytest.mark.django_db
def test_a_leader_may_remind_only_their_own_group(
    district, client_for, django_capture_on_commit_callbacks
):
    """Group A's leader: group B's URL is a 404; B's member's id on A's URL reminds nobody.
    Office staff and B's leader cannot remind group A."""
    wang = district["wang"].pk
    leader = client_for(district["leader_user"])
    with django_capture_on_commit_callbacks(execute=True):
        other = leader.post(remind_url(district["group_b"]), {"deputies": [wang]})
        response = leader.post(remind_url(district["group_a"]), {"deputies": [wang]})
        refused = {
            who: client_for(district[who])
            .post(remind_url(district["group_a"]), {"deputies": [district["li"].pk]})
            .status_code
            for who in ("office", "leader_b", "li_user")
        }
    assert other.status_code == 404
    assert texts(response) == ["所选组员当前没有落后的履职要求，未发送提醒。"]
    assert refused == {"office": 404, "leader_b": 404, "li_user": 404}
    assert not GroupReminder.objects.exists()
    assert not Notification.objects.filter(kind="group_reminder").exists()


@pytest.mark.django_db
def test_nothing_chosen_sends_nothing(district, client_for):
    response = client_for(district["leader_user"]).post(remind_url(district["group_a"]), {})
    assert texts(response) == ["请至少选择一位要提醒的组员。"]
    assert not GroupReminder.objects.exists()


@pytest.mark.django_db
def test_the_reminder_kind_has_its_own_switch(district, client_for):
    from supervision.notifications.services import OUTCOME_KINDS

    assert str(OUTCOME_KINDS["group_reminder"]) == "代表小组组长的履职提醒"
    html = client_for(district["li_user"]).get(reverse("notifications:settings")).content
    assert "代表小组组长的履职提醒" in html.decode()
