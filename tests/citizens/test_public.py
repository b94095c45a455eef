"""The public pages: the deputy's page, the receipt and the lookup, as a citizen meets them."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from citizens import services
from citizens.models import CitizenMessage
from tests.citizens.conftest import message_data

pytestmark = pytest.mark.django_db

CODE = re.compile(r'id="lookup-code">([A-Z0-9-]+)<')


def code_from(response) -> str:
    return CODE.search(response.content.decode()).group(1)


def test_page_shows_the_deputy_and_the_coming_reception_but_nothing_private(cz, client):
    response = client.get(reverse("citizens:page", args=[cz.page_a.token]))
    text = response.content.decode()
    day = cz.today + timedelta(days=6)
    assert response.status_code == 200
    assert "王建国" in text
    assert "安亭镇代表团" in text
    assert "安亭第一代表小组" in text
    assert "安亭镇代表之家" in text
    assert f"{day.year}年{day.month}月{day.day}日" in text
    assert "13812345678" not in text and "5678" not in text
    assert "某某公司" not in text
    assert "保存 365 天" in text  # the consent names how long contact details are kept


def test_the_page_is_reached_by_its_token_only(cz, client):
    assert client.get(f"/citizens/d/{cz.a.pk}/").status_code == 404
    assert client.get("/citizens/d/not-a-token/").status_code == 404


def test_public_pages_have_their_own_strict_csp_and_are_not_cached(cz, client):
    for url in (reverse("citizens:page", args=[cz.page_a.token]), reverse("citizens:lookup")):
        response = client.get(url)
        policy = dict(
            (part.split()[0], part.split()[1:])
            for part in response["Content-Security-Policy"].split(";")
            if part.strip()
        )
        assert policy["default-src"] == ["'none'"]
        assert "script-src" not in policy  # falls back to 'none': no script at all
        assert policy["style-src"] == ["'self'"]
        assert policy["form-action"] == ["'self'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert "no-store" in response["Cache-Control"]
        assert "<script" not in response.content.decode()


def test_a_message_with_consent_is_kept_and_the_receipt_shows_a_lookup_code(cz, post_message):
    response = post_message(cz.page_a)
    assert response.status_code == 200
    code = code_from(response)
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", code)
    message = CitizenMessage.objects.get()
    assert message.deputy == cz.a
    assert message.phone == "13900001111"
    assert message.consent_version == services.CONSENT_VERSION
    # The code itself is kept nowhere, only its digest.
    assert code.replace("-", "") not in str(list(CitizenMessage.objects.values()))
    assert services.message_for_code(code) == message


def test_without_consent_nothing_is_kept(cz, post_message):
    response = post_message(cz.page_a, consent="")
    assert "请勾选同意个人信息处理说明后再提交。" in response.content.decode()
    assert CitizenMessage.objects.count() == 0


def test_the_honeypot_field_refuses_the_message(cz, post_message):
    response = post_message(cz.page_a, website="http://spam.example")
    assert response.status_code == 400
    assert CitizenMessage.objects.count() == 0


def test_size_limits(cz, post_message, client):
    response = post_message(cz.page_a, content="长" * 1001)
    assert "留言内容最多 1000 个字。" in response.content.decode()
    response = client.post(
        reverse("citizens:page", args=[cz.page_a.token]),
        message_data(content="长" * 9000),
    )
    assert response.status_code == 413
    assert CitizenMessage.objects.count() == 0


def test_messages_per_address_are_limited(cz, post_message):
    statuses = [post_message(cz.page_a).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert CitizenMessage.objects.count() == 3
    # Another address is not held back.
    assert post_message(cz.page_a, ip="10.0.0.2").status_code == 200


def test_messages_per_deputy_are_limited(cz, post_message, settings):
    settings.CITIZEN_RATE_LIMITS = {**settings.CITIZEN_RATE_LIMITS, "message_deputy": "2/h/key"}
    statuses = [post_message(cz.page_a, ip=f"10.0.1.{i}").status_code for i in range(3)]
    assert statuses == [200, 200, 429]
    # Another deputy's page still takes messages.
    assert post_message(cz.page_b, ip="10.0.1.9").status_code == 200
    assert CitizenMessage.objects.filter(deputy=cz.a).count() == 2


def test_lookup_shows_the_status_and_reply_and_nothing_else(cz, post_message, client):
    code = code_from(post_message(cz.page_a))
    message = CitizenMessage.objects.get()
    services.reply(message, cz.user_a, "已联系街道，下周修复。")
    response = client.post(reverse("citizens:lookup"), {"code": code.lower()})
    text = response.content.decode()
    assert "代表已答复" in text
    assert "已联系街道，下周修复。" in text
    assert "路灯" not in text  # the content is not shown back
    assert "13900001111" not in text and "张先生" not in text


def test_a_wrong_code_shows_nothing(cz, post_message, client):
    code_from(post_message(cz.page_a))
    response = client.post(reverse("citizens:lookup"), {"code": "AAAA-AAAA-AAAA"})
    assert "查询码不正确，请核对后重新输入。" in response.content.decode()
    assert 'id="lookup-result"' not in response.content.decode()


def test_lookups_per_address_are_limited(cz, client, settings):
    settings.CITIZEN_RATE_LIMITS = {**settings.CITIZEN_RATE_LIMITS, "lookup": "3/h/ip"}
    statuses = [
        client.post(reverse("citizens:lookup"), {"code": f"AAAA-AAAA-AAA{i}"}).status_code
        for i in range(2, 6)
    ]
    assert statuses == [200, 200, 200, 429]


def test_what_a_citizen_writes_is_escaped_and_links_are_not_links(cz, post_message, client_for):
    content = (
        '<script>alert(1)</script> 详见 http://evil.example/x <a href="http://evil.example">点</a>'
    )
    post_message(cz.page_a, content=content, name="<b>张</b>")
    message = CitizenMessage.objects.get()
    for user in (cz.user_a, cz.town):
        text = client_for(user).get(reverse("citizens:detail", args=[message.pk])).content.decode()
        assert "<script>alert(1)</script>" not in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
        assert 'href="http://evil.example' not in text
        assert "<b>张</b>" not in text
        inbox = client_for(user).get(reverse("citizens:inbox")).content.decode()
        assert "<script>alert(1)" not in inbox and 'href="http://evil.example' not in inbox


def test_a_page_not_accepting_messages_keeps_none(cz, post_message):
    cz.page_a.accepting = False
    cz.page_a.save()
    response = post_message(cz.page_a)
    assert "该代表暂不接收网上留言，请到家站点当面反映。" in response.content.decode()
    assert CitizenMessage.objects.count() == 0


def test_another_client_without_the_code_cannot_see_the_message(cz, post_message):
    post_message(cz.page_a)
    message = CitizenMessage.objects.get()
    anonymous = Client()
    assert anonymous.get(reverse("citizens:detail", args=[message.pk])).status_code == 302


def test_a_deputy_no_longer_in_office_takes_no_messages(cz, post_message):
    from deputies.models import ServicePeriod

    ServicePeriod.objects.filter(deputy=cz.a).update(end_date=cz.today - timedelta(days=1))
    response = post_message(cz.page_a)
    assert "该代表暂不接收网上留言，请到家站点当面反映。" in response.content.decode()
    assert 'name="content"' not in response.content.decode()
    assert CitizenMessage.objects.count() == 0
