"""The deputy's inbox and what the deputy and staff do with a message."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.models import PublicOpinion
from citizens import services
from citizens.models import CitizenMessage

pytestmark = pytest.mark.django_db


def leave(cz, page=None, **fields):
    values = {
        "category": "urban",
        "content": "小区门口的路灯坏了三个月。",
        "name": "张先生",
        "phone": "13900001111",
        **fields,
    }
    return services.submit_message(page or cz.page_a, **values)


def test_each_sees_only_their_own_or_their_towns_messages(cz, client_for):
    mine, _code = leave(cz)
    theirs, _code = leave(cz, cz.page_b, content="南翔老街停车难的问题。")
    url = reverse("citizens:inbox") + "?status=all"
    assert "路灯" in client_for(cz.user_a).get(url).content.decode()
    assert "南翔老街" not in client_for(cz.user_a).get(url).content.decode()
    assert "南翔老街" in client_for(cz.user_b).get(url).content.decode()
    assert "路灯" not in client_for(cz.other_town).get(url).content.decode()
    for user, message in ((cz.user_b, mine), (cz.other_town, mine), (cz.user_a, theirs)):
        response = client_for(user).get(reverse("citizens:detail", args=[message.pk]))
        assert response.status_code == 404


def test_the_deputy_sees_the_phone_town_staff_see_it_masked(cz, client_for):
    message, _code = leave(cz)
    url = reverse("citizens:detail", args=[message.pk])
    deputy = client_for(cz.user_a).get(url).content.decode()
    town = client_for(cz.town).get(url).content.decode()
    assert "13900001111" in deputy and "张先生" in deputy
    assert "13900001111" not in town and "139****1111" in town
    assert "张先生" not in town and "张**" in town


def test_inbox_costs_the_same_queries_for_many_messages(
    cz, client_for, django_assert_max_num_queries
):
    for i in range(30):
        leave(cz, content=f"第{i}条留言，关于道路。")
    client = client_for(cz.town)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("citizens:inbox"))
    assert response.content.decode().count("关于道路") == 30


def test_reply_refer_close_and_callback_and_the_citizen_sees_the_outcome(cz, client_for, client):
    message, code = leave(cz)
    deputy = client_for(cz.user_a)
    deputy.post(reverse("citizens:reply", args=[message.pk]), {"reply": "已收到，正在了解。"})
    deputy.post(
        reverse("citizens:refer", args=[message.pk]),
        {"hotline_ticket": "JD20260001", "hotline_unit": "安亭镇市政所"},
    )
    message.refresh_from_db()
    opinion = message.opinion
    assert opinion.deputy == cz.a
    assert opinion.hotline_ticket == "JD20260001"
    assert opinion.hotline_status == PublicOpinion.HotlineStatus.REFERRED
    assert message.hotline_unit == "安亭镇市政所"
    town = client_for(cz.town)
    town.post(reverse("citizens:hotline_status", args=[message.pk]), {"hotline_status": "handling"})
    town.post(
        reverse("citizens:hotline_status", args=[message.pk]),
        {"hotline_status": "closed", "hotline_outcome": "路灯已全部修复。"},
    )
    town.post(
        reverse("citizens:callback", args=[message.pk]),
        {"callback_result": "电话回访，群众表示满意。", "satisfaction": "satisfied"},
    )
    message.refresh_from_db()
    assert message.opinion.hotline_status == PublicOpinion.HotlineStatus.CLOSED
    assert message.satisfaction == "satisfied"
    text = client.post(reverse("citizens:lookup"), {"code": code}).content.decode()
    assert "已办结" in text
    assert "路灯已全部修复。" in text
    assert "已收到，正在了解。" in text


def test_closing_without_an_outcome_is_refused(cz, client_for):
    message, _code = leave(cz)
    services.refer(message, cz.user_a, "JD1", "市政所")
    response = client_for(cz.town).post(
        reverse("citizens:hotline_status", args=[message.pk]), {"hotline_status": "closed"},
        follow=True,
    )  # fmt: skip
    assert "办结时须填写办理结果。" in response.content.decode()
    message.opinion.refresh_from_db()
    assert message.opinion.hotline_status == PublicOpinion.HotlineStatus.REFERRED


def test_only_the_deputy_replies(cz, client_for):
    message, _code = leave(cz)
    response = client_for(cz.town).post(
        reverse("citizens:reply", args=[message.pk]), {"reply": "x"}
    )
    assert response.status_code == 404
    message.refresh_from_db()
    assert message.reply == ""


def test_turning_into_a_public_opinion_once(cz, client_for):
    message, _code = leave(cz)
    client = client_for(cz.user_a)
    client.post(reverse("citizens:make_opinion", args=[message.pk]))
    client.post(reverse("citizens:make_opinion", args=[message.pk]))
    assert PublicOpinion.objects.filter(deputy=cz.a).count() == 1
    assert PublicOpinion.objects.get().content == "小区门口的路灯坏了三个月。"


def test_staff_hide_a_message_as_spam_and_it_is_recorded(cz, client_for):
    message, code = leave(cz)
    assert client_for(cz.user_a).post(
        reverse("citizens:hide", args=[message.pk]), {"reason": "广告"}
    ).status_code == 404  # fmt: skip
    client_for(cz.town).post(reverse("citizens:hide", args=[message.pk]), {"reason": "广告"})
    message.refresh_from_db()
    assert message.hidden_by == cz.town and message.hidden_reason == "广告"
    last = message.history.first()
    assert last.history_user == cz.town
    assert last.history_change_reason == "屏蔽：广告"
    # Out of the work lists, and the citizen learns only that it was not accepted.
    assert CitizenMessage.objects.shown().count() == 0
    assert services.message_for_code(code).hidden_at is not None


def test_contact_details_are_erased_after_the_retention_period(cz, settings):
    settings.CITIZEN_CONTACT_RETENTION_DAYS = 30
    old, _code = leave(cz)
    CitizenMessage.objects.filter(pk=old.pk).update(received_at=timezone.now() - timedelta(days=40))
    old.refresh_from_db()
    old.reply = "答复"
    old.save()  # a history row holding the phone
    recent, _code = leave(cz, phone="13700002222")
    result = services.erase_expired_contacts(timezone.localdate())
    assert result.messages == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.name, old.phone, old.contact_erased_on) == ("", "", timezone.localdate())
    assert old.content == "小区门口的路灯坏了三个月。"
    assert set(old.history.values_list("phone", flat=True)) == {""}
    assert recent.phone == "13700002222"
    assert services.erase_expired_contacts(timezone.localdate()).messages == 0


def test_the_retention_command_erases_citizens_contacts_too(cz, settings):
    from django.core.management import call_command

    settings.CITIZEN_CONTACT_RETENTION_DAYS = 30
    old, _code = leave(cz)
    CitizenMessage.objects.filter(pk=old.pk).update(received_at=timezone.now() - timedelta(days=40))
    call_command("erase_constituent_contacts")
    old.refresh_from_db()
    assert old.phone == ""


def test_unanswered_messages_remind_the_deputy_and_fill_the_town_todo(cz, settings):
    from jdrenda.todo import todo_items
    from supervision.models import Notification

    settings.CITIZEN_UNANSWERED_DAYS = 7
    late, _code = leave(cz)
    CitizenMessage.objects.filter(pk=late.pk).update(received_at=timezone.now() - timedelta(days=8))
    leave(cz, content="昨天的留言，还没到期。")
    answered, _code = leave(cz, content="早就答复过的留言。")
    CitizenMessage.objects.filter(pk=answered.pk).update(
        received_at=timezone.now() - timedelta(days=9)
    )
    answered.refresh_from_db()
    services.reply(answered, cz.user_a, "已答复")
    services.remind_unanswered(cz.today)
    services.remind_unanswered(cz.today)  # the same day again: nothing new
    note = Notification.objects.get(kind=services.KIND_UNANSWERED)
    assert note.recipient == cz.user_a
    assert note.subject == "有 1 条群众留言超过 7 天未答复"
    town_items = {item.key: item.count for item in todo_items(cz.town, cz.today)}
    assert town_items["citizen_messages"] == 1
    other = {item.key: item.count for item in todo_items(cz.other_town, cz.today)}
    assert other["citizen_messages"] == 0


def test_figures_per_deputy_and_year(cz):
    from citizens.selectors import figures

    first, _code = leave(cz)
    second, _code = leave(cz)
    leave(cz)
    spam, _code = leave(cz)
    services.hide(spam, cz.town, "广告")
    CitizenMessage.objects.filter(pk=first.pk).update(
        received_at=timezone.now() - timedelta(days=2)
    )
    first.refresh_from_db()
    services.reply(first, cz.user_a, "答复")
    services.refer(second, cz.user_a, "JD9", "市政所")
    services.update_hotline(second, "closed", "已修复")
    result = figures([cz.a.pk], timezone.localdate().year)
    assert (result.received, result.answered, result.referred, result.closed) == (3, 2, 1, 1)
    assert result.avg_days == 1.0  # (2 days + 0 days) / 2
    assert figures([cz.b.pk], timezone.localdate().year).received == 0


def test_figures_show_on_the_deputy_file(cz, client_for):
    leave(cz)
    text = client_for(cz.office).get(reverse("deputies:detail", args=[cz.a.pk])).content.decode()
    assert "群众留言（代表码）" in text
    assert "收到 1 条" in text


def test_figures_show_on_the_group_page(cz, client_for):
    leave(cz)
    url = reverse("supervision:group_detail", args=[cz.group.pk])
    text = client_for(cz.office).get(url).content.decode()
    assert "收到 1 条" in text
    assert "不计入达标考核" in text


def test_the_place_poster_form_lists_the_towns_places(cz, client_for):
    text = client_for(cz.town).get(reverse("citizens:inbox")).content.decode()
    assert '<option value="安亭镇代表之家">' in text
    assert (
        "安亭镇代表之家"
        not in client_for(cz.other_town).get(reverse("citizens:inbox")).content.decode()
    )


def test_the_dashboard_shows_messages_per_delegation(cz, client_for):
    # Three messages to A (安亭镇: one answered, one referred and 办结) and one hidden as spam;
    # none to B, so 南翔镇 has no row.
    first, _code = leave(cz)
    second, _code = leave(cz)
    leave(cz)
    spam, _code = leave(cz)
    services.hide(spam, cz.town, "广告")
    services.reply(first, cz.user_a, "答复")
    services.refer(second, cz.user_a, "JD9", "市政所")
    services.update_hotline(second, "closed", "已修复")
    response = client_for(cz.office).get(reverse("dashboard:index"))
    html = response.content.decode()
    table = html[html.index('id="jd-table-citizens"') :]
    table = table[: table.index("</table>")]
    cells = re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", table.split("<tbody>")[1])
    assert cells == ["安亭镇", "3", "2", "1", "1"]
    assert "不计入达标考核" in html
