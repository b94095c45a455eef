"""Journey (issue 16, item 2): the office publishes a briefing (通报) to 南翔镇 with a PDF; the
demo deputy of 南翔镇, never logged in before, finds it on a 390 px phone (the bell, then
知情知政), opens it; the office sees the read rate move and downloads the xlsx."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
from openpyxl import load_workbook

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "区政府2026年民生实事项目进展通报（旅程测试）"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def rate_row(page, delegation):
    cells = page.locator("#read-rates tbody tr", has_text=delegation).first.locator("th, td")
    return [cells.nth(i).inner_text().strip() for i in range(4)]


def test_briefing_reaches_the_delegation_and_the_read_rate_moves(journey, settings, tmp_path):
    from briefings.models import Briefing
    from deputies.models import Deputy, Term

    settings.MEDIA_ROOT = tmp_path
    today = date.today()
    term = Term.objects.get(start_date__lte=today, end_date__gte=today)
    # The deputies of 南翔镇 in office and not suspended today: the briefing's 应读.
    due = Deputy.objects.filter(term=term, delegation__name="南翔镇").active_on(today).count()
    assert due > 1

    office = journey("office")
    office.log_in("office")
    office.enrol_totp()
    office.goto("/briefings/", "briefings")
    page = office.page
    page.get_by_role("link", name="发布通报").click()
    page.wait_for_load_state()
    office.step("form", forms=1)
    page.fill("input[name=title]", TITLE)
    page.fill("textarea[name=body]", "今年区政府确定的十项民生实事项目，截至11月底已完成九项。")
    page.get_by_label("一个代表团").check()
    page.select_option("select[name=delegation]", label="南翔镇")
    page.set_input_files(
        "input[name=attachments]",
        files=[{"name": "民生实事进展.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    page.get_by_role("button", name="发布", exact=True).click()
    page.wait_for_url(lambda u: "/briefings/new/" not in u)
    office.step("published")
    assert "通报已发布" in page.inner_text("main")
    assert rate_row(page, "南翔镇") == ["南翔镇", str(due), "0", "0.0%"]
    briefing = Briefing.objects.get(title=TITLE)

    # The deputy, on a phone: the bell shows it, 知情知政 lists it unread, opening it reads it.
    deputy = journey("deputy")
    phone = deputy.page
    phone.set_viewport_size({"width": 390, "height": 844})
    deputy.log_in("deputy")
    deputy.step("home")
    phone.locator(".navbar-toggler").click()
    assert phone.locator(".jd-bell-count").inner_text() == "1"
    phone.get_by_role("link", name="知情知政").click()
    phone.wait_for_load_state()
    deputy.step("list")
    item = phone.locator(f'[data-briefing="{briefing.pk}"]')
    assert item.get_attribute("data-unread") == ""
    assert "未读" in item.inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    item.click()
    phone.wait_for_load_state()
    deputy.step("read")
    assert TITLE in phone.inner_text("main")
    assert "民生实事进展.pdf" in phone.inner_text("main")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.go_back()
    phone.reload()
    deputy.step("list-after")
    assert phone.locator(f'[data-briefing="{briefing.pk}"]').get_attribute("data-unread") is None

    # The office sees the rate move and downloads the workbook.
    page.reload()
    office.step("read-once")
    share = f"{(Decimal(100) / due).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"
    assert rate_row(page, "南翔镇") == ["南翔镇", str(due), "1", share]
    with page.expect_download() as download:
        page.get_by_role("link", name="导出 xlsx").click()
    path = tmp_path / "export.xlsx"
    download.value.save_as(path)
    wb = load_workbook(path)
    rows = [[c.value for c in row] for row in wb["按代表团阅读率"].iter_rows()]
    assert rows[1][:3] == ["南翔镇", due, 1]
    assert rows[1][3] == pytest.approx(float(share.rstrip("%")) / 100)
    readers = {r[1].value: r[4].value for r in wb["阅读情况"].iter_rows(min_row=2)}
    demo = Deputy.objects.get(user__username="deputy")
    assert readers[demo.name] == "已读"
    assert list(readers.values()).count("已读") == 1
