"""Logging in through allauth's real forms, for the account tests: the URLs, one login POST,
who the client is signed in as, and a cache emptied around each test (allauth keeps failure
counts and used TOTP codes there)."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.conftest import PASSWORD

LOGIN = "/accounts/login/"
ACTIVATE = "/accounts/2fa/totp/activate/"
AUTHENTICATE = "/accounts/2fa/authenticate/"


@pytest.fixture
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def login(client, login_value, password=PASSWORD):
    return client.post(LOGIN, {"login": login_value, "password": password})


def signed_in_user(client):
    user = client.get(reverse("mfa_index")).wsgi_request.user
    return user if user.is_authenticated else None
