"""Error pages in production (DEBUG off) are in Chinese and say what to do: Django's own are
English ("Not Found", "403 Forbidden … CSRF verification failed"), and a deputy who follows an
old link, or a staff member whose form sat open past a new sign-in, would meet them."""

import pytest
from django.test import Client, RequestFactory
from django.views.defaults import server_error

from deputies.models import Role

ENGLISH = ("Not Found", "Forbidden", "CSRF", "Server Error", "Bad Request")


@pytest.fixture(autouse=True)
def production(settings):
    settings.DEBUG = False


def assert_chinese(html: str, heading: str) -> None:
    assert heading in html
    assert "返回首页" in html
    for word in ENGLISH:
        assert word not in html, word


def test_a_page_that_does_not_exist(client_for, make_user):
    response = client_for(make_user("deputy")).get("/no-such-page/")
    assert response.status_code == 404
    assert_chinese(response.content.decode(), "页面不存在")


def test_a_page_out_of_the_users_scope_is_the_same_chinese_404(client_for, make_user):
    # A deputy opening the leadership dashboard (scoped lists answer 404 out of scope).
    response = client_for(make_user("deputy")).get("/dashboard/")
    assert response.status_code == 404
    assert_chinese(response.content.decode(), "页面不存在")


def test_a_form_posted_without_its_csrf_token(make_user):
    user = make_user("office", roles=[(Role.OFFICE_STAFF, None)])
    client = Client(enforce_csrf_checks=True)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post("/accounts/logout/")
    assert response.status_code == 403
    html = response.content.decode()
    assert_chinese(html, "页面已过期，未能提交")
    assert "没有任何内容被修改" in html


def test_a_server_error(db):
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert_chinese(response.content.decode(), "系统出错了")
