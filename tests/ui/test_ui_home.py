"""The home page per role, the navigation, and the sign-in requirement."""

import re

import pytest
from django.urls import reverse

from deputies.models import Role

pytestmark = pytest.mark.django_db


def home_html(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("url", ["/", "/admin/", "/admin/deputies/deputy/"])
def test_anonymous_user_is_sent_to_the_login_page(client, url):
    response = client.get(url, follow=True)
    final_url, _status = response.redirect_chain[-1]
    assert final_url.startswith("/accounts/login/?next=")
    assert response.status_code == 200
    assert "用户名或手机号" in response.content.decode()


def test_town_staff_sees_role_with_scope_and_deputy_count(
    client_for, make_user, make_delegation, make_deputy, term
):
    nanxiang = make_delegation("南翔镇")
    other = make_delegation("安亭镇")
    make_deputy(term, "N1", delegation=nanxiang)
    make_deputy(term, "N2", delegation=nanxiang)
    make_deputy(term, "A1", delegation=other)
    user = make_user("nx", roles=[(Role.TOWN_STAFF, nanxiang)])
    html = home_html(client_for(user))
    assert "镇（街道）人大工作人员 · 南翔镇" in html
    assert "安亭镇" not in html
    response = client_for(user).get(reverse("home"))
    assert response.context["visible_count"] == 2
    assert response.context["editable_count"] == 2


def test_deputy_and_group_leader_see_both_roles(
    client_for, make_user, make_delegation, make_group, make_deputy, term
):
    jiading = make_delegation("嘉定工业区")
    user = make_user("dep")
    deputy = make_deputy(term, "J1", delegation=jiading, user=user)
    group = make_group(term, jiading, name="第三代表小组", leader=deputy)
    deputy.group = group
    deputy.save()
    # Issue 5: a deputy (group leader or not) lands on their own file instead of the cards.
    response = client_for(user).get(reverse("home"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("deputies:mine")
    html = response.content.decode()
    assert f"{term.name} · 嘉定工业区 · 第三代表小组" in html
    assert reverse("supervision:review_list") in html  # the leader's review queue
    # A deputy is not staff: no data-management link.
    assert reverse("admin:index") not in html


def test_several_assigned_roles_each_get_a_card(client_for, make_user, make_delegation):
    anting = make_delegation("安亭镇")
    user = make_user(
        "multi",
        roles=[
            (Role.DELEGATION_HEAD, anting),
            (Role.SECRETARY_GENERAL, None),
            (Role.LEADERSHIP, None),
        ],
    )
    html = home_html(client_for(user))
    assert "代表团团长 · 安亭镇" in html
    assert "大会秘书长 · 全区" in html
    assert "常委会领导 · 全区" in html
    assert html.count('class="card h-100 jd-role-card') == 3


def test_superuser_is_office_staff_with_admin_link(client_for, make_user):
    user = make_user("boss", is_superuser=True)
    html = home_html(client_for(user))
    assert "人事代表工委工作人员 · 全区" in html
    assert "数据管理" in html
    assert reverse("admin:deputies_deputy_changelist") in html
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html)


def test_user_without_role_is_told_so(client_for, make_user):
    html = home_html(client_for(make_user("nobody")))
    assert "尚未分配角色" in html


def test_home_queries_do_not_grow_with_deputies(
    client_for, make_user, make_delegation, make_deputy, term, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    nanxiang = make_delegation("南翔镇")
    user = make_user("nx", roles=[(Role.TOWN_STAFF, nanxiang)])
    client = client_for(user)
    for i in range(3):
        make_deputy(term, f"N{i}", delegation=nanxiang)
    with CaptureQueriesContext(connection) as few:
        home_html(client)
    for i in range(3, 30):
        make_deputy(term, f"N{i}", delegation=nanxiang)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert "30" in home_html(client)
