"""The sign-in page and the allauth pages in our shell: Chinese, no CDN, mobile-number login."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"
EXTERNAL = re.compile(r"""(?:src|href|action)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)
LOCAL_ASSET = re.compile(r"""(?:src|href)="(/static/[^"]+)\"""")


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # allauth counts failed logins in the cache; one test's failures must not lock another.
    cache.clear()
    yield
    cache.clear()


def login(client, login_value, password=PASSWORD):
    return client.post(LOGIN_URL, {"login": login_value, "password": password})


def logged_in_user(client):
    response = client.get(reverse("home"), follow=True)  # a deputy lands on their file
    user = response.context["user"] if response.status_code == 200 else None
    return user if user is not None and user.is_authenticated else None


def test_login_page_is_chinese_and_self_contained(client):
    response = client.get(LOGIN_URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in html
    assert "登录" in html
    assert "用户名或手机号" in html
    assert "嘉定区人大代表履职管理系统" in html
    # No sign-up invitation: accounts are issued by the office.
    assert "注册" not in html
    assert not EXTERNAL.findall(html), EXTERNAL.findall(html)


def test_login_page_assets_are_vendored(client):
    html = client.get(LOGIN_URL).content.decode()
    assets = LOCAL_ASSET.findall(html)
    names = {asset.rsplit("/", 1)[-1] for asset in assets}
    assert {"bootstrap.min.css", "bootstrap.bundle.min.js", "htmx.min.js"} <= names
    for asset in assets:
        assert finders.find(asset.removeprefix("/static/")), f"{asset} is not in static/"


def test_login_by_username(client, make_user):
    user = make_user("nanxiang_staff")
    response = login(client, "nanxiang_staff")
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert logged_in_user(client) == user


def test_login_by_deputy_mobile_number(client, make_user, make_deputy, term):
    user = make_user("deputy_wang")
    make_deputy(term, "D001", name="王代表", user=user, mobile="13800000001")
    response = login(client, "13800000001")
    assert response.status_code == 302
    assert logged_in_user(client) == user


def test_wrong_password_is_refused_in_chinese(client, make_user, make_deputy, term):
    user = make_user("deputy_li")
    make_deputy(term, "D002", user=user, mobile="13800000002")
    response = login(client, "13800000002", password="not-the-password")
    html = response.content.decode()
    assert response.status_code == 200
    assert "不正确" in html
    assert logged_in_user(client) is None


def test_mobile_number_shared_by_two_accounts_does_not_log_in(client, make_user, make_deputy, term):
    # Two people on the roster with the same number: the number names nobody.
    make_deputy(term, "D003", user=make_user("a_user"), mobile="13800000003")
    make_deputy(term, "D004", user=make_user("b_user"), mobile="13800000003")
    response = login(client, "13800000003")
    assert response.status_code == 200
    assert logged_in_user(client) is None


def test_inactive_account_cannot_log_in_by_mobile(client, make_user, make_deputy, term):
    user = make_user("gone", is_active=False)
    make_deputy(term, "D005", user=user, mobile="13800000005")
    login(client, "13800000005")
    assert logged_in_user(client) is None


def test_logout_is_a_post_form_in_the_navbar(client_for, make_user):
    client = client_for(make_user("someone"))
    html = client.get(reverse("home")).content.decode()
    assert re.search(r'<form method="post" action="/accounts/logout/">', html)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert logged_in_user(client) is None


@pytest.mark.parametrize("url_name", ["mfa_index", "account_change_password"])
def test_account_pages_use_the_page_shell(client_for, make_user, url_name):
    client = client_for(make_user("someone"))
    response = client.get(reverse(url_name))
    html = response.content.decode()
    assert response.status_code == 200
    assert "嘉定区人大代表履职管理系统" in html
    assert "退出登录" in html
    assert not EXTERNAL.findall(html)


def test_mfa_page_is_in_chinese(client_for, make_user):
    html = client_for(make_user("someone")).get(reverse("mfa_index")).content.decode()
    assert "双因素" in html
    assert "Two-Factor" not in html


def test_password_change_offers_no_reset_by_email(client_for, make_user):
    # Accounts have no email address; a reset-by-email link would lead nowhere.
    html = client_for(make_user("someone")).get(reverse("account_change_password"))
    assert "/accounts/password/reset/" not in html.content.decode()


def test_htmx_requests_carry_the_csrf_token_from_the_page(make_user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("someone"), backend="django.contrib.auth.backends.ModelBackend")
    html = client.get(reverse("home")).content.decode()
    token = re.search(r"""hx-headers='\{"X-CSRFToken": "([^"]+)"\}'""", html).group(1)
    assert client.post("/accounts/logout/").status_code == 403
    response = client.post("/accounts/logout/", headers={"X-CSRFToken": token})
    assert response.status_code == 302
    assert logged_in_user(client) is None
