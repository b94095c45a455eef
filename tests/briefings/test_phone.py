"""知情知政 on a 390 px phone: the list (with pagination) and a briefing with a PDF pass axe
(no serious or critical violation), every target a thumb must hit is 44 px, nothing scrolls
sideways. Uses the checks of tests/a11y/test_axe.py."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.a11y.test_axe import PHONE, SMALL_TARGETS, TAP, describe, open_as, scan

from .conftest import PDF

pytestmark = [pytest.mark.browser, pytest.mark.axe, pytest.mark.django_db(transaction=True)]


def test_the_deputy_pages_on_a_phone(world, publish, live_server, browser_page, screenshot):
    for n in range(21):
        publish(title=f"区人大常委会第{n + 1}次会议情况通报", audience="all")
    briefing = publish(
        title="区政府关于2026年民生实事项目推进情况的通报",
        audience="delegation",
        delegation=world.nanxiang,
        attachments=[SimpleUploadedFile("区政府民生实事项目推进情况.pdf", PDF)],
    )
    page = open_as(browser_page.context.browser, live_server, "uNX01", PHONE)
    found, small, wide = {}, {}, {}
    for name, path in [
        ("list", "/briefings/mine/"),
        ("read", f"/briefings/mine/{briefing.pk}/"),
    ]:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        screenshot(page, f"briefings-phone-{name}")
        if violations := scan(page):
            found[path] = violations
        if targets := page.evaluate(SMALL_TARGETS, TAP):
            small[path] = targets
        if page.evaluate("document.documentElement.scrollWidth") > PHONE["width"]:
            wide[path] = page.evaluate("document.documentElement.scrollWidth")
    assert not found, "axe-core (390 px):\n" + describe(found)
    assert not small, small
    assert not wide, wide
