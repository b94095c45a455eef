"""The invitation pages: prefill, sending, the replies page (with query counts), chasing,
the deputy's phone page and the deadline."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.models import Participation
from invitations import services
from invitations.models import Invitation, InvitedDeputy
from supervision.models import Notification

from .conftest import deadline

pytestmark = pytest.mark.django_db


def test_the_create_page_is_prefilled_from_the_link(world, make_activity, client_for):
    activity = make_activity()
    url = reverse("invitations:create")
    html = (
        client_for(world.office)
        .get(url, {"activity": activity.pk, "deputies": f"{world.d1.pk},{world.d3.pk},abc"})
        .content.decode()
    )
    assert re.search(rf'<option value="{activity.pk}" selected>', html)
    chosen = re.findall(r'<option value="(\d+)" selected>([^<]+)</option>', html)
    assert ("张一（N01）" in [name for _pk, name in chosen]) and (
        "王三（N03）" in [name for _pk, name in chosen]
    )
    assert "链接中的参数“deputies”无效，已忽略。" in html
    assert 'value="区人大常委会会议室"' in html  # the activity's place


def test_a_link_to_someone_elses_activity_is_ignored(world, make_activity, client_for):
    activity = make_activity(organiser=world.district_org)
    html = (
        client_for(world.town)
        .get(reverse("invitations:create"), {"activity": activity.pk})
        .content.decode()
    )
    assert "链接中的参数“activity”无效，已忽略。" in html
    assert "列席常委会第三十次会议" not in html


def test_sending_from_the_page(
    world, make_activity, client_for, django_capture_on_commit_callbacks
):
    activity = make_activity()
    data = {
        "activity": activity.pk,
        "kind": "required",
        "reply_deadline": deadline(world).strftime("%Y-%m-%dT%H:%M"),
        "group": world.g2.pk,
        "delegation": world.south.pk,
        "deputies": [world.d1.pk],
        "place": "区人大常委会会议室",
    }
    office = client_for(world.office)
    with django_capture_on_commit_callbacks(execute=True):
        response = office.post(reverse("invitations:create"), data)
    invitation = Invitation.objects.get()
    assert response.url == reverse("invitations:detail", args=[invitation.pk])
    names = sorted(invitation.invitees.values_list("deputy__name", flat=True))
    assert names == ["张一", "王三", "赵四"]  # 周离 left office: not invited
    assert invitation.kind == "required"
    assert Notification.objects.filter(kind="invitation").count() == 3
    page = office.get(response.url).content.decode()
    assert "1 名在活动日期不在任职期间，未邀请" in page


def test_sending_without_deputies_says_so_and_sends_nothing(world, make_activity, client_for):
    activity = make_activity()
    data = {
        "activity": activity.pk,
        "kind": "signup",
        "reply_deadline": deadline(world).strftime("%Y-%m-%dT%H:%M"),
    }
    html = client_for(world.office).post(reverse("invitations:create"), data).content.decode()
    assert "请选择要邀请的代表" in html
    assert not Invitation.objects.exists()


def _counts(html):
    return dict(re.findall(r'data-count="(\w+)">(\d+)<', html))


def test_replies_page_counts_and_chase(
    world, make_activity, invite, client_for, django_capture_on_commit_callbacks
):
    sent = invite(make_activity(), group=world.g1, delegation=world.south)
    rows = {r.deputy_id: r for r in sent.invitation.invitees.all()}
    services.reply(world.d1.user, rows[world.d1.pk], "accept")
    services.reply(world.s1.user, rows[world.s1.pk], "decline", "出国考察")
    office = client_for(world.office)
    url = reverse("invitations:detail", args=[sent.invitation.pk])
    html = office.get(url).content.decode()
    assert _counts(html) == {"invited": "3", "accepted": "1", "declined": "1", "unanswered": "1"}
    assert "出国考察" in html
    assert "一键催复（1 名未回复）" in html
    with django_capture_on_commit_callbacks(execute=True):
        office.post(reverse("invitations:chase", args=[sent.invitation.pk]))
    assert [n.recipient.username for n in Notification.objects.filter(kind="invitation_chase")] == [
        "d2"
    ]
    html = office.get(url).content.decode()
    assert "已催复 1 名代表" in html
    # Town staff of 南镇 manage nothing here (the activity is the district office's).
    assert client_for(world.south_town).get(url).status_code == 404


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def test_replies_page_costs_the_same_for_many_deputies(
    world, make_activity, invite, client_for, make_deputy, django_assert_max_num_queries
):
    few = invite(make_activity(), group=world.g1)
    office = client_for(world.office)
    office.get(reverse("invitations:list"))  # the session and the user are cached after this
    pages = ("invitations:detail", "invitations:replies")
    before = [_queries(office, reverse(p, args=[few.invitation.pk])) for p in pages]
    before.append(_queries(office, reverse("invitations:list")))
    for i in range(30):
        make_deputy(world.term, f"N9{i:02d}", group=world.g1)
    many = invite(make_activity(name="代表座谈会", type="forum"), group=world.g1)
    assert many.invited == 32
    after = [_queries(office, reverse(p, args=[many.invitation.pk])) for p in pages]
    after.append(_queries(office, reverse("invitations:list")))
    assert after == before
    with django_assert_max_num_queries(13):
        office.get(reverse("invitations:detail", args=[many.invitation.pk]))


def test_the_deputy_replies_on_the_phone_page(world, make_activity, invite, client_for):
    activity = make_activity()
    sent = invite(activity, deputy_ids=[world.d1.pk])
    row = InvitedDeputy.objects.get()
    deputy = client_for(world.d1.user)
    mine = deputy.get(reverse("invitations:mine")).content.decode()
    assert "列席常委会第三十次会议" in mine and "待回复" in mine
    url = reverse("invitations:reply", args=[row.pk])
    html = deputy.post(url, {"answer": "decline", "reason": ""}, follow=True).content.decode()
    assert "请假须填写事由" in html
    deputy.post(url, {"answer": "accept"})
    row.refresh_from_db()
    assert row.answer == "accept"
    assert Participation.objects.get(activity=activity, deputy=world.d1).status == "invited"
    # Another deputy cannot open it.
    assert client_for(world.d2.user).get(url).status_code == 404
    assert sent.invitation.pk


def test_after_the_deadline_the_reply_is_refused_with_a_clear_message(
    world, make_activity, invite, client_for
):
    invite(make_activity(), deputy_ids=[world.d1.pk])
    row = InvitedDeputy.objects.get()
    Invitation.objects.update(reply_deadline=deadline(world, days=-1))
    url = reverse("invitations:reply", args=[row.pk])
    deputy = client_for(world.d1.user)
    assert "已过，不能再回复或修改" in deputy.get(url).content.decode()
    html = deputy.post(url, {"answer": "accept"}).content.decode()
    assert "已过，不能再回复或修改" in html
    row.refresh_from_db()
    assert row.answer == ""


def test_the_deputys_file_lists_invitations_awaiting_a_reply(
    world, make_activity, invite, client_for
):
    invite(make_activity(), deputy_ids=[world.d1.pk])
    invite(
        make_activity(name="已截止的座谈会", type="forum", days=1), days=1, deputy_ids=[world.d1.pk]
    )
    Invitation.objects.filter(activity__name="已截止的座谈会").update(
        reply_deadline=deadline(world, days=-1) - timedelta(hours=1)
    )
    html = client_for(world.d1.user).get(reverse("deputies:mine")).content.decode()
    item = re.search(r'href="([^"]+)" data-todo="invitations">.*?data-count>(\d+)<', html, re.S)
    assert item.groups() == (reverse("invitations:mine"), "1")


def test_staff_accept_leave_change_the_place_and_cancel_from_the_pages(
    world, make_activity, invite, client_for, django_capture_on_commit_callbacks
):
    activity = make_activity()
    sent = invite(activity, kind="required", deputy_ids=[world.d1.pk, world.d2.pk])
    inv = sent.invitation
    row = InvitedDeputy.objects.get(deputy=world.d1)
    services.reply(world.d1.user, row, "decline", "住院治疗")
    office = client_for(world.office)
    detail = reverse("invitations:detail", args=[inv.pk])
    assert "同意请假" in office.get(detail).content.decode()
    # Town staff of 南镇 cannot decide it.
    leave_url = reverse("invitations:leave_decide", args=[row.pk])
    assert client_for(world.south_town).post(leave_url, {"decision": "accept"}).status_code == 404
    assert InvitedDeputy.objects.get(pk=row.pk).leave_decision == "pending"
    office.post(leave_url, {"decision": "accept"})
    assert Participation.objects.get(activity=activity, deputy=world.d1).status == "leave"
    # A new place reaches both invited deputies.
    data = {
        "start_time": "14:30",
        "place": "嘉定区人大二楼会议室",
        "reply_deadline": timezone.localtime(inv.reply_deadline).strftime("%Y-%m-%dT%H:%M"),
        "note": "",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = office.post(reverse("invitations:edit", args=[inv.pk]), data)
    assert response.url == detail
    assert Notification.objects.filter(kind="invitation_changed").count() == 2
    # Cancelling asks first, then tells them.
    cancel = reverse("invitations:cancel", args=[inv.pk])
    assert "确认取消邀请" in office.get(cancel).content.decode()
    assert Invitation.objects.get().status == "open"
    with django_capture_on_commit_callbacks(execute=True):
        office.post(cancel, {"reason": "会议改期"})
    assert Invitation.objects.get().status == "cancelled"
    assert Notification.objects.filter(kind="invitation_cancelled").count() == 2
    html = (
        client_for(world.d2.user)
        .get(reverse("invitations:reply", args=[InvitedDeputy.objects.get(deputy=world.d2).pk]))
        .content.decode()
    )
    assert "该邀请已取消" in html and "会议改期" in html
