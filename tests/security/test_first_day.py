"""Issue 11, items 1, 7 and 13: a staff member who must still enrol TOTP is never sent a page
in a badge or a redirect loop, and keeps the same key until it is confirmed; every page is in
Chinese whatever the browser prefers; /favicon.ico exists."""

import re

import pytest
from django.test import Client

from deputies.models import Role
from tests.security.logins import ACTIVATE, fresh_rate_limits, login  # noqa: F401
from tests.totp import current_code

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rate_limits")]

NEW_SECRET = "/accounts/2fa/totp/new-secret/"
SECRET_INPUT = re.compile(r'id="authenticator_secret"\s+value="([A-Z2-7]+)"')


@pytest.fixture
def town_staff(make_user, delegation):
    return make_user("town_staff", roles=[(Role.TOWN_STAFF, delegation)], mfa=False)


@pytest.fixture
def head(make_user, delegation):
    return make_user("head", roles=[(Role.DELEGATION_HEAD, delegation)], mfa=False)


def signed_in(username) -> Client:
    client = Client()
    assert login(client, username).status_code == 302
    return client


def shown_secret(response) -> str:
    return SECRET_INPUT.search(response.content.decode())[1]


# --- item 1: fragments, badges, a stable secret ------------------------------------------


@pytest.mark.parametrize(
    "url, headers",
    [
        # static/js/nav-count.js (the 填报审核 badge)
        ("/supervision/reviews/count/", {"X-Requested-With": "XMLHttpRequest"}),
        # the 大会 badge (htmx, hx-trigger="load")
        ("/activities/leave/queue/count/", {"HX-Request": "true"}),
        # any other script fetch a browser makes
        ("/supervision/reviews/count/", {"Sec-Fetch-Dest": "empty", "Sec-Fetch-Mode": "cors"}),
    ],
    ids=["nav-count.js", "htmx", "fetch"],
)
def test_a_badge_of_a_user_who_must_enrol_gets_nothing_not_a_page(town_staff, head, url, headers):
    client = signed_in("head" if "HX-Request" in headers else "town_staff")
    response = client.get(url, headers=headers)
    assert response.status_code == 204
    assert response.content == b""
    assert "Location" not in response
    assert "HX-Redirect" not in response


def test_the_enrolment_page_draws_no_badges_and_one_form(town_staff, head):
    for username in ("town_staff", "head"):
        html = signed_in(username).get(ACTIVATE).content.decode()
        assert "启用双因素认证" in html
        assert "data-count-url" not in html
        assert "hx-get" not in html
        assert "jd-bell" not in html
        main = html.split("<main", 1)[1].split("</main>", 1)[0]
        assert main.count("<form") == 1


def test_the_key_stays_the_same_across_reloads_until_confirmed(town_staff):
    client = signed_in("town_staff")
    first = shown_secret(client.get(ACTIVATE))
    assert shown_secret(client.get(ACTIVATE)) == first
    assert shown_secret(client.get(ACTIVATE)) == first
    # The code the app shows for the key read on the first visit is accepted.
    done = client.post(ACTIVATE, {"code": current_code(first)})
    assert done.status_code == 302
    assert client.get("/deputies/").status_code == 200


def test_a_new_key_only_on_request(town_staff):
    client = signed_in("town_staff")
    old = shown_secret(client.get(ACTIVATE))
    assert client.get(NEW_SECRET).status_code == 405  # a link or prefetch changes nothing
    assert shown_secret(client.get(ACTIVATE)) == old
    response = client.post(NEW_SECRET, follow=True)
    new = shown_secret(response)
    assert new != old
    assert "已生成新的密钥" in response.content.decode()
    assert shown_secret(client.get(ACTIVATE)) == new
    stale = client.post(ACTIVATE, {"code": current_code(old)})
    assert "验证码不正确" in stale.content.decode()


# --- item 7: Chinese whatever the browser prefers ------------------------------------------


def test_account_pages_are_chinese_for_a_browser_that_prefers_english(make_user):
    make_user("someone", roles=[])
    client = Client(headers={"Accept-Language": "en-US,en;q=0.9"})
    page = client.get("/accounts/login/").content.decode()
    assert "登录" in page
    for english in ("Sign In", "Password", "Username", "Remember"):
        assert english not in page
    refused = client.post("/accounts/login/", {"login": "someone", "password": "wrong"})
    assert "您提供的用户名或密码不正确。" in refused.content.decode()
    assert "not correct" not in refused.content.decode()


# --- item 13: favicon ------------------------------------------------------------------------


def test_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response.url == "/static/favicon.ico"
    page = client.get("/accounts/login/").content.decode()
    assert '<link rel="icon" href="/static/favicon.ico">' in page
