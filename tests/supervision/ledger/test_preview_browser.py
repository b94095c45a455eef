"""In a real browser under the CSP: office staff upload a ledger a second time with one changed
attendance, one new meeting and a sheet with an error; the preview says per sheet what it
counts, keeps the other sheets' counts, and shows the records to be saved (old → new)."""

import pytest

from supervision.ledger import import_ledger
from tests.conftest import PASSWORD
from tests.e2e.test_csp_browser import watch_violations
from tests.totp import current_code

from .conftest import MEETING, full_sheets, workbook_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_preview_shows_counts_and_a_sample(live_server, browser_page, screenshot, make_user,
                                           tmp_path):  # fmt: skip
    from deputies.models import Role

    assert import_ledger(workbook_bytes(full_sheets()), "第七届").applied
    make_user("office", roles=[(Role.OFFICE_STAFF, None)])
    sheets = full_sheets()
    sheets["大会会议"][3][4] = "出席"  # 王五 缺席 → 出席
    sheets["大会会议"].append(["第二次全体会议", "全体会议", "2024-01-11", "D001", "出席", None])
    sheets["大会发言"].append(["2024-01-10", "D999", MEETING, "不存在的代表"])
    upload = tmp_path / "台账.xlsx"
    upload.write_bytes(workbook_bytes(sheets))

    page = browser_page
    violations = watch_violations(page)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", "office")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit], form input[type=submit]").first.click()
    page.wait_for_url(lambda url: "/accounts/2fa/authenticate/" in url)
    page.fill("input[name=code]", current_code())
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/accounts/" not in url)

    page.goto(f"{live_server.url}/supervision/ledger/import/")
    page.set_input_files("input[name=file]", str(upload))
    page.fill("input[name=term]", "第七届")
    with page.expect_navigation():
        page.get_by_role("button", name="上传并预览").click()
    summary = page.locator("[data-sheet-summary]")
    assert summary.all_inner_texts()[3:6] == [
        "新增 1 条出席记录，更新 1 条，不变 2 条",
        "本表有错误，未计数",
        "新增 0 条活动参加记录，更新 0 条，不变 2 条",
    ]
    sample = page.locator('[data-sheet-sample="大会会议"] li').all_inner_texts()
    assert sample[-1] == f"更新 王五 · {MEETING}（2024-01-10） · 出席\n出席情况：缺席 → 出席"
    screenshot(page, "ledger-preview-counts-and-sample")
    page.wait_for_load_state("networkidle")
    assert violations == []


def test_a_ledger_goes_through_its_progress_pages(
    live_server, browser_page, screenshot, make_user, tmp_path, monkeypatch
):
    """With a worker busy (the queue held here, the task run by the test), the upload lands on
    a progress page that polls every second, reloads into the same preview, and the confirm
    goes through a second progress page to the same result page."""
    from deputies.models import Deputy, Role
    from supervision.ledger import services
    from supervision.ledger.models import LedgerImportJob
    from supervision.tasks import run_ledger_job

    sent = []
    monkeypatch.setattr(services, "enqueue", lambda name, *args: sent.append(args[0]))
    make_user("office", roles=[(Role.OFFICE_STAFF, None)])
    upload = tmp_path / "台账.xlsx"
    upload.write_bytes(workbook_bytes(full_sheets()))

    page = browser_page
    violations = watch_violations(page)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", "office")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit], form input[type=submit]").first.click()
    page.wait_for_url(lambda url: "/accounts/2fa/authenticate/" in url)
    page.fill("input[name=code]", current_code())
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/accounts/" not in url)

    page.goto(f"{live_server.url}/supervision/ledger/import/")
    page.set_input_files("input[name=file]", str(upload))
    page.fill("input[name=term]", "第七届")
    with page.expect_navigation():
        page.get_by_role("button", name="上传并预览").click()
    page.wait_for_url(lambda url: "/ledger/import/jobs/" in url)
    job_url = page.url
    status = page.locator("[data-state]")
    assert status.inner_text() == "排队中"
    preview = LedgerImportJob.objects.get(pk=sent[0])
    LedgerImportJob.objects.filter(pk=preview.pk).update(
        state="running", phase="validating", done=1200, total=4000
    )
    page.get_by_text("正在逐行检查：1200 / 4000 行").wait_for()  # the poll brought it
    bar = page.get_by_role("progressbar")
    assert bar.get_attribute("aria-valuenow") == "32"
    screenshot(page, "ledger-job-progress")

    run_ledger_job.apply(args=[preview.pk])
    page.get_by_text("检查通过，可以导入。").wait_for()  # reloaded into the preview
    assert page.url == job_url
    assert page.locator("[data-sheet-summary]").count() == len(full_sheets())
    screenshot(page, "ledger-job-preview")

    with page.expect_navigation():
        page.get_by_role("button", name="确认导入").click()
    page.wait_for_url(lambda url: "/ledger/import/jobs/" in url and url != job_url)
    assert "正在导入" in page.locator("main").inner_text()
    assert Deputy.objects.count() == 0
    screenshot(page, "ledger-job-apply-waiting")
    run_ledger_job.apply(args=[sent[1]])
    page.get_by_role("heading", name="台账导入完成").wait_for()
    assert "履职台账已导入。" in page.locator("body").inner_text()
    assert Deputy.objects.count() == 3
    screenshot(page, "ledger-job-done")
    page.wait_for_load_state("networkidle")
    assert violations == []
