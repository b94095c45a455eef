"""axe-core (npm's, installed by `make install`) scans the most used pages, each as the role
that uses it, on the demo dataset: no serious or critical violation (WCAG 2.1 AA, which holds
colour contrast at 4.5:1 and asks every progress bar for a name). On a 390 px phone the
deputy's own file is scanned too, and every link, button and checkbox a thumb must hit is at
least 44 px tall and wide (including its label, for a checkbox).

axe is added with an init script, which the page's strict CSP does not govern, so the pages
are scanned exactly as they are served.
"""

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.test import Client, override_settings

from tests.conftest import AXE_SCRIPT, TOTP_SECRET

pytestmark = [pytest.mark.browser, pytest.mark.axe, pytest.mark.django_db(transaction=True)]

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
FAILING = ("serious", "critical")
TAP = 44  # px: the issue's (and WCAG 2.5.5's) target size


@pytest.fixture
def demo():
    """The demo dataset; staff accounts get the TOTP authenticator their role requires."""
    from deputies import demo as demo_data

    with override_settings(PASSWORD_HASHERS=FAST_HASHER):
        demo_data.seed_demo(log=lambda line: None)
    for user in get_user_model().objects.exclude(username="deputy"):
        Authenticator.objects.create(
            user=user, type=Authenticator.Type.TOTP, data={"secret": TOTP_SECRET}
        )


def pages():
    """(role, what, path) for the ten most used pages, looked up in the demo data."""
    from activities.models import Session
    from deputies.models import Deputy, DeputyGroup
    from proposals.models import Proposal

    deputy = Deputy.objects.get(user__username="deputy")
    group = DeputyGroup.objects.get(leader__user__username="leader")
    session = Session.objects.order_by("-start_date").first()
    proposal = Proposal.objects.filter(reply_date__isnull=False).order_by("pk").first()
    return [
        ("office", "首页", "/"),
        ("deputy", "首页（代表）", "/"),
        ("office", "代表名单", "/deputies/"),
        ("office", "代表详情", f"/deputies/{deputy.pk}/"),
        ("deputy", "我的履职档案", "/deputies/mine/"),
        ("office", "出勤登记", f"/activities/sessions/{session.pk}/attendance/"),
        ("office", "活动列表", "/activities/"),
        ("office", "议案建议列表", "/proposals/"),
        ("office", "议案建议详情", f"/proposals/{proposal.pk}/"),
        ("office", "考核评价", "/evaluation/"),
        ("leadership", "数据看板", "/dashboard/"),
        ("leader", "审核队列", "/supervision/reviews/"),
        ("leader", "代表小组", f"/supervision/groups/{group.pk}/"),
    ]


def open_as(browser, live_server, username, viewport):
    """A page logged in as `username` (the session cookie of a forced login), axe preloaded."""
    client = Client()
    client.force_login(
        get_user_model().objects.get(username=username),
        backend="django.contrib.auth.backends.ModelBackend",
    )
    cookie = client.cookies["sessionid"]
    context = browser.new_context(locale="zh-CN", viewport=viewport)
    context.set_default_timeout(15_000)
    context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])
    context.add_init_script(path=str(AXE_SCRIPT))
    return context.new_page()


def scan(page):
    """axe's WCAG 2.0/2.1 A and AA rules (plus best practices); returns serious/critical ones."""
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ["violations"]});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(" ") + " | " + n.failureSummary)}));
        }"""
    )
    return [v for v in result if v["impact"] in FAILING]


def describe(found):
    lines = []
    for where, violations in found.items():
        for v in violations:
            lines.append(f"{where}: {v['id']} ({v['impact']}) {v['help']} — {len(v['nodes'])} 处")
            lines += [f"    {node}" for node in v["nodes"][:6]]
    return "\n".join(lines)


def test_the_most_used_pages_have_no_serious_axe_violations(
    live_server, demo, browser_page, screenshot
):
    browser = browser_page.context.browser
    found, seen = {}, {}
    for number, (role, what, path) in enumerate(pages(), start=1):
        page = seen.get(role) or open_as(browser, live_server, role, DESKTOP)
        seen[role] = page
        response = page.goto(live_server.url + path)
        assert response.status == 200, (what, path, response.status)
        assert "/accounts/" not in page.url, (what, page.url)
        screenshot(page, f"a11y-{number:02}-{role}")
        violations = scan(page)
        if violations:
            found[f"{what} [{role}] {path}"] = violations
    assert not found, "axe-core:\n" + describe(found)


# Every visible link, button, summary, select and checkbox/radio (with its label, which takes
# the tap too) smaller than TAP px either way. Links inside running text are exempt, as WCAG
# 2.5.5 exempts them: a link whose block holds more text than the link itself, shown inline.
SMALL_TARGETS = """(tap) => {
    const rect = (el) => el.getBoundingClientRect();
    const union = (a, b) => ({
        width: Math.max(a.right, b.right) - Math.min(a.left, b.left),
        height: Math.max(a.bottom, b.bottom) - Math.min(a.top, b.top)});
    const inSentence = (el) => getComputedStyle(el).display === "inline"
        && el.parentElement.textContent.trim() !== el.textContent.trim();
    const small = [];
    const selector = "a[href], button, summary, select, input[type=checkbox], input[type=radio]";
    for (const el of document.querySelectorAll(selector)) {
        if (!el.checkVisibility({visibilityProperty: true})) continue;
        let box = rect(el);
        if (el.matches("input")) {
            const label = el.closest("label")
                || (el.id && document.querySelector(`label[for="${el.id}"]`));
            if (label) box = union(box, rect(label));
        } else if (el.matches("a") && inSentence(el)) continue;
        if (box.width < tap - 0.5 || box.height < tap - 0.5) {
            const name = (el.textContent || el.getAttribute("aria-label") || el.name || "").trim();
            small.push(`${el.tagName.toLowerCase()}.${el.className} “${name.slice(0, 20)}” `
                + `${Math.round(box.width)}×${Math.round(box.height)}`);
        }
    }
    return small;
}"""


# Table-header words (runs of text between spaces and punctuation: a name, 达标情况) that the
# browser broke over two lines.
BROKEN_HEADER_WORDS = """() => {
    const broken = [];
    for (const th of document.querySelectorAll("table th")) {
        if (!th.checkVisibility()) continue;
        const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            for (const word of node.data.matchAll(/[^\\s\\/、·,，:：()（）\\[\\]]+/g)) {
                const range = document.createRange();
                range.setStart(node, word.index);
                range.setEnd(node, word.index + word[0].length);
                const lines = new Set([...range.getClientRects()].map(r => Math.round(r.bottom)));
                if (lines.size > 1) broken.push(word[0]);
            }
        }
    }
    return broken;
}"""

# Scrolls the group table sideways; for every row, whether its first cell stayed at the
# table's left edge (sticky) and, where on screen, is the element shown there (not covered).
FIRST_COLUMN_AFTER_SCROLL = """() => {
    const box = document.querySelector('[data-testid="group-table"]').closest(".table-responsive");
    box.scrollIntoView();
    box.scrollLeft = 400;
    const left = box.getBoundingClientRect().left;
    return {scrolled: box.scrollLeft, rows: [...box.querySelectorAll("tr")].map(tr => {
        const cell = tr.cells[0], r = cell.getBoundingClientRect(), y = r.top + r.height / 2;
        if (Math.abs(r.left - left) > 1) return false;  // scrolled away with the rest
        if (y < 0 || y > innerHeight) return true;  // off screen: its place is checked above
        return cell.contains(document.elementFromPoint(left + 8, y));  // on top, not covered
    })};
}"""


def test_on_a_phone_the_deputy_file_passes_axe_and_every_target_is_44_px(
    live_server, demo, browser_page, screenshot
):
    """390 px wide: the deputy's file with every rule opened (the 有误 links show), the
    communication report form (constituent checkboxes), their proposal list, the office's
    deputy list (table links, pagination) and attendance grid, and the leader's group table,
    whose first column stays in place when the table scrolls sideways. No table header
    breaks a name or word over two lines."""
    from activities.models import Session
    from deputies.models import DeputyGroup

    browser = browser_page.context.browser
    group = DeputyGroup.objects.get(leader__user__username="leader")
    session = Session.objects.order_by("-start_date").first()
    runs = [
        ("deputy", "/deputies/mine/"),
        ("deputy", "/supervision/mine/report/?kind=communication"),
        ("deputy", "/proposals/"),
        ("office", "/deputies/"),
        ("leader", f"/supervision/groups/{group.pk}/"),
        ("office", f"/activities/sessions/{session.pk}/attendance/"),
    ]
    found, small, broken, seen = {}, {}, {}, {}
    for number, (role, path) in enumerate(runs, start=1):
        page = seen.get(role) or open_as(browser, live_server, role, PHONE)
        seen[role] = page
        response = page.goto(live_server.url + path)
        assert response.status == 200, (path, response.status)
        for details in page.locator("details").all():  # open the rules: 有误 links show
            details.evaluate("el => el.open = true")
        screenshot(page, f"a11y-phone-{number}-{role}")
        if violations := scan(page):
            found[f"{role} {path}"] = violations
        if targets := page.evaluate(SMALL_TARGETS, TAP):
            small[f"{role} {path}"] = targets
        if words := page.evaluate(BROKEN_HEADER_WORDS):
            broken[f"{role} {path}"] = words
        if path.startswith("/supervision/groups/"):
            sticky = page.evaluate(FIRST_COLUMN_AFTER_SCROLL)
            screenshot(page, "a11y-phone-group-table-scrolled")
            assert sticky["scrolled"] > 0  # the table is wider than the phone
            assert sticky["rows"] and all(sticky["rows"]), sticky
    assert not found, "axe-core (390 px):\n" + describe(found)
    assert not broken, f"表头中被拆开的词：{broken}"
    assert not small, "小于 44 px 的点击目标：\n" + "\n".join(
        f"{where}:\n    " + "\n    ".join(targets) for where, targets in small.items()
    )
