"""Office staff create and revoke API clients in the browser; the token is shown once."""

import re

import pytest
from django.test import Client

from api.models import ApiClient
from deputies.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(make_user, client_for):
    return client_for(make_user("office1", roles=[(Role.OFFICE_STAFF, None)]))


def test_office_creates_a_town_client_and_sees_the_token_once(office, make_delegation):
    anting = make_delegation("安亭镇")
    response = office.post(
        "/api/clients/",
        {"name": "安亭镇数据平台", "role": Role.TOWN_STAFF, "delegation": anting.pk, "note": ""},
    )
    html = response.content.decode()
    assert response.status_code == 200
    token = re.search(r'value="(jdapi_[^"]+)"', html).group(1)
    assert "离开本页后无法再次查看" in html
    client = ApiClient.objects.get(name="安亭镇数据平台")
    assignment = client.user.role_assignments.get()
    assert (assignment.role, assignment.delegation) == (Role.TOWN_STAFF, anting)
    assert not client.user.has_usable_password()
    # The token works, and the list page never shows it again.
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.get("/api/v1/terms/").status_code == 200
    listing = office.get("/api/clients/").content.decode()
    assert "安亭镇数据平台" in listing
    assert token not in listing
    assert client.token_prefix in listing


def test_a_town_role_needs_a_delegation(office):
    response = office.post("/api/clients/", {"name": "无范围", "role": Role.TOWN_STAFF})
    assert "该角色须选择代表团。" in response.content.decode()
    assert not ApiClient.objects.exists()


def test_revoking_needs_the_confirmation(office):
    from api.services import create_client

    client, token = create_client("网关", Role.OFFICE_STAFF)
    office.post(f"/api/clients/{client.pk}/revoke/")
    client.refresh_from_db()
    assert client.revoked_at is None
    office.post(f"/api/clients/{client.pk}/revoke/", {"confirm": "1"})
    client.refresh_from_db()
    assert client.revoked_at is not None
    assert Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/v1/terms/").status_code == 401


def test_only_office_staff_manage_clients(make_user, client_for, make_delegation):
    town = make_user("town1", roles=[(Role.TOWN_STAFF, make_delegation("安亭镇"))])
    assert client_for(town).get("/api/clients/").status_code == 404
    response = client_for(town).post("/api/clients/", {"name": "x", "role": Role.OFFICE_STAFF})
    assert response.status_code == 404
    assert not ApiClient.objects.exists()


def test_a_client_cannot_sign_in_to_the_pages(make_user):
    from api.services import create_client

    client, _ = create_client("网关", Role.OFFICE_STAFF)
    browser = Client()
    assert not browser.login(username=client.user.username, password="")
