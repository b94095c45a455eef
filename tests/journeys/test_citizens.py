"""代表码 (issue 17): a citizen on a 390 px phone scans the deputy's QR code, leaves a message
with consent and keeps the lookup code; the deputy refers it to 12345; the town staff record
办理, 办结 and the 回访; the citizen's lookup shows the outcome."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MESSAGE = "小区北门的路灯坏了三个月，晚上老人出门很不安全，请代表帮忙反映。（旅程测试）"
OUTCOME = "镇市政所已更换北门路灯 4 盏，现已正常照明。"
PHONE = {"width": 390, "height": 844}


def test_citizen_message_is_followed_to_its_end(journey, live_server, settings):
    from citizens import services
    from citizens.models import CitizenMessage
    from citizens.posters import qr_svg
    from deputies.models import Deputy
    from tests.qr import decode_qr_svg

    settings.PUBLIC_BASE_URL = live_server.url
    deputy_record = Deputy.objects.get(user__username="deputy")
    # The QR code on the poster, read as a phone reads it.
    url = decode_qr_svg(qr_svg(services.public_url(services.page_for(deputy_record))))
    assert url.startswith(live_server.url + "/citizens/d/")

    # The citizen, on a phone: the page fits 390 px, no login.
    citizen = journey("citizen")
    page = citizen.page
    page.set_viewport_size(PHONE)
    page.goto(url)
    citizen.step("deputy-page", forms=1)
    assert deputy_record.name in page.inner_text("h1")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert "个人信息处理说明" in page.inner_text("#consent-text")
    page.select_option("select[name=category]", "urban")
    page.fill("textarea[name=content]", MESSAGE)
    page.fill("input[name=name]", "张阿姨")
    page.fill("input[name=phone]", "13900001111")
    page.get_by_role("button", name="提交留言").click()
    page.wait_for_load_state()
    citizen.step("no-consent", forms=1)
    assert "请勾选同意个人信息处理说明后再提交。" in page.inner_text("main")
    assert CitizenMessage.objects.count() == 0
    page.get_by_label("我已阅读并同意上述个人信息处理说明").check()
    page.get_by_role("button", name="提交留言").click()
    page.wait_for_load_state()
    citizen.step("receipt")
    code = page.inner_text("#lookup-code").strip()
    assert len(code) == 14
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    message = CitizenMessage.objects.get()
    assert message.deputy == deputy_record

    # The deputy: the message is in the inbox; refer it to 12345.
    deputy = journey("deputy")
    deputy.log_in("deputy")
    deputy.step("home")
    deputy.nav("群众留言（代表码）", menu="履职监督")
    deputy.step("inbox")
    assert "张阿姨" in deputy.page.inner_text("main")
    deputy.page.locator("main table a").first.click()
    deputy.page.wait_for_load_state()
    deputy.step("message")
    assert "13900001111" in deputy.page.inner_text("main")
    deputy.page.fill("input[name=hotline_ticket]", "JD2026120301")
    deputy.page.fill("input[name=hotline_unit]", "嘉定区南翔镇市政所")
    deputy.page.get_by_role("button", name="转办12345热线").click()
    deputy.page.wait_for_load_state()
    deputy.step("referred")
    assert "已转办12345热线。" in deputy.page.inner_text("main")
    assert deputy.page.inner_text("#hotline-status") == "已转12345"

    # The town staff: the phone is masked; 办理, then 办结 with the outcome, then the 回访.
    town = journey("town")
    town.log_in("town")
    town.enrol_totp()
    town.goto("/citizens/inbox/?status=all", "inbox")
    text = town.page.inner_text("main")
    assert "13900001111" not in text and "139****1111" in text
    town.page.locator("main table a").first.click()
    town.page.wait_for_load_state()
    town.step("message")
    town.page.select_option("select[name=hotline_status]", "handling")
    town.page.get_by_role("button", name="保存办理情况").click()
    town.page.wait_for_load_state()
    town.step("handling")
    town.page.select_option("select[name=hotline_status]", "closed")
    town.page.fill("textarea[name=hotline_outcome]", OUTCOME)
    town.page.get_by_role("button", name="保存办理情况").click()
    town.page.wait_for_load_state()
    town.step("closed")
    assert town.page.inner_text("#hotline-status") == "已办结"
    town.page.fill("textarea[name=callback_result]", "电话回访张阿姨，路灯已修好，表示满意。")
    town.page.select_option("select[name=satisfaction]", "satisfied")
    town.page.get_by_role("button", name="保存回访").click()
    town.page.wait_for_load_state()
    town.step("callback")
    assert "已登记回访情况。" in town.page.inner_text("main")

    # The citizen looks the message up with the code.
    page.goto(live_server.url + "/citizens/lookup/")
    citizen.step("lookup", forms=1)
    page.fill("input[name=code]", code)
    page.get_by_role("button", name="查询").click()
    page.wait_for_load_state()
    citizen.step("outcome", forms=1)
    result = page.inner_text("#lookup-result")
    assert "已办结" in result
    assert OUTCOME in result
    assert "13900001111" not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
