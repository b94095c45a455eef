"""Examiner (issue 7 review): trying to get around the account promises of the README's
安全 section: TOTP for staff, the lock-out, no self-service accounts, and a CSP without
inline script on every page the project serves (not only its own template files)."""

import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from deputies.models import Role, RoleAssignment
from tests.security.logins import (
    ACTIVATE,
    AUTHENTICATE,
    LOGIN,
    fresh_rate_limits,  # noqa: F401 - a fixture, used through pytestmark
    login,
    signed_in_user,
)
from tests.security.test_headers import EVENT_HANDLER, HX_EVAL, INLINE_SCRIPT, JS_URL
from tests.totp import current_code

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rate_limits")]


def inline_script_in(html: str) -> list[str]:
    found = []
    for pattern in (INLINE_SCRIPT, EVENT_HANDLER, JS_URL, HX_EVAL):
        found += [m.group(0).strip() for m in pattern.finditer(html)]
    return found


def sent_to_enrolment(response) -> bool:
    if response.status_code == 204:  # a fragment request: nothing, and no redirect loop
        return "HX-Redirect" not in response and response.content == b""
    return response.status_code == 302 and response["Location"] == ACTIVATE


# --- (1) TOTP for staff ---------------------------------------------------------------


def test_a_role_given_during_a_session_requires_enrolment_at_the_next_request(
    client_for, make_user, make_deputy, term, delegation
):
    """A deputy (TOTP optional) is made town staff while signed in: the next page must ask
    for TOTP, or the new rights are used without a second factor for as long as the session
    is kept alive (every request renews it)."""
    user = make_user("dep")
    make_deputy(term, "D001", user=user, delegation=delegation)
    client = Client()
    assert login(client, "dep").status_code == 302
    assert client.get("/deputies/mine/").status_code == 200
    RoleAssignment.objects.create(user=user, role=Role.TOWN_STAFF, delegation=delegation)
    assert sent_to_enrolment(client.get("/deputies/"))
    assert sent_to_enrolment(client.get("/deputies/", HTTP_HX_REQUEST="true"))


def test_made_admin_staff_during_a_session_requires_enrolment(make_user, make_deputy, term):
    user = make_user("dep")
    make_deputy(term, "D001", user=user)
    client = Client()
    login(client, "dep")
    assert client.get("/deputies/mine/").status_code == 200
    get_user_model().objects.filter(pk=user.pk).update(is_staff=True)
    assert sent_to_enrolment(client.get("/admin/"))


def test_mobile_number_login_of_a_staff_deputy_still_asks_for_the_code(
    make_user, make_deputy, term, delegation
):
    user = make_user("staffdep", roles=[(Role.TOWN_STAFF, delegation)])
    make_deputy(term, "D001", user=user, delegation=delegation, mobile="13911112222")
    client = Client()
    response = login(client, "13911112222")
    assert response.status_code == 302 and response.url == AUTHENTICATE
    assert signed_in_user(client) is None
    client.post(AUTHENTICATE, {"code": current_code()})
    assert signed_in_user(client) == user


def test_mobile_number_of_an_inactive_account_does_not_sign_in(make_user, make_deputy, term):
    user = make_user("dep", is_active=False)
    make_deputy(term, "D001", user=user, mobile="13911112222")
    client = Client()
    login(client, "13911112222")
    assert signed_in_user(client) is None


def test_a_mobile_number_shared_by_two_accounts_signs_in_neither(make_user, make_deputy, term):
    make_deputy(term, "D001", user=make_user("one"), mobile="13911112222")
    make_deputy(term, "D002", user=make_user("two"), mobile="13911112222")
    client = Client()
    login(client, "13911112222")
    assert signed_in_user(client) is None


# --- lock-out: other spellings of one login string count together --------------------------


@pytest.mark.parametrize(
    "spellings",
    [
        ["Town_Staff", "TOWN_STAFF", " town_staff", "town_staff ", "tOWN_sTAFF"],
        ["13911112222", " 13911112222", "13911112222 ", "staffdep", "STAFFDEP"],
    ],
)
def test_case_and_whitespace_do_not_give_more_guesses(
    make_user, make_deputy, term, delegation, spellings
):
    user = make_user(
        "town_staff" if spellings[0] == "Town_Staff" else "staffdep",
        roles=[(Role.TOWN_STAFF, delegation)],
    )
    make_deputy(term, "D001", user=user, delegation=delegation, mobile="13911112222")
    client = Client()
    for spelling in spellings:
        login(client, spelling, password="wrong-Password-1")
    refused = login(client, user.username).content.decode()
    assert "登录失败次数过多" in refused
    assert signed_in_user(client) is None


# --- no self-service accounts --------------------------------------------------------------


def test_signup_is_closed(client):
    before = get_user_model().objects.count()
    client.get("/accounts/signup/")
    client.post(
        "/accounts/signup/",
        {"username": "intruder", "password1": "Zx9-long-pass", "password2": "Zx9-long-pass"},
    )
    assert get_user_model().objects.count() == before


def test_login_by_emailed_code_is_off(client, make_user):
    """Login by e-mailed code is not enabled (ACCOUNT_LOGIN_BY_CODE_ENABLED unset): the login
    page offers no code, the request page does not exist, and no code is ever mailed."""
    make_user("office", roles=[(Role.OFFICE_STAFF, None)], email="office@example.org")
    page = client.get(LOGIN).content.decode()
    assert "/accounts/login/code/" not in page
    assert client.get("/accounts/login/code/").status_code == 404
    assert client.post("/accounts/login/code/", {"email": "office@example.org"}).status_code == 404
    response = client.post(LOGIN, {"login": "office", "password": "", "code": "1"})
    assert response.status_code == 200
    assert signed_in_user(client) is None
    # With no code login pending, the confirm page sends back to the login page.
    confirm = client.get("/accounts/login/code/confirm/")
    assert (confirm.status_code, confirm["Location"]) == (302, LOGIN)
    assert mail.outbox == []


def test_password_reset_by_email_does_not_skip_the_code(client, make_user):
    """A staff account with an e-mail address gets a reset link (README: adding an address
    needs the password again, for this reason); setting a new password that way changes the
    password but does not sign in, and the next login still asks for the code."""
    user = make_user("office", roles=[(Role.OFFICE_STAFF, None)], email="office@example.org")
    client.post("/accounts/password/reset/", {"email": "office@example.org"})
    assert [m.to for m in mail.outbox] == [["office@example.org"]]
    link = re.search(r"https?://[^/]+(/accounts/password/reset/key/\S+)", mail.outbox[0].body)
    assert link
    form = client.get(link.group(1), follow=True)
    assert form.status_code == 200 and form.redirect_chain
    action = form.redirect_chain[-1][0]
    done = client.post(action, {"password1": "New-pass-2026-x", "password2": "New-pass-2026-x"})
    assert (done.status_code, done["Location"]) == (302, "/accounts/password/reset/key/done/")
    user.refresh_from_db()
    assert user.check_password("New-pass-2026-x")
    assert signed_in_user(client) is None
    response = login(client, "office", "New-pass-2026-x")
    assert response.url == AUTHENTICATE
    assert signed_in_user(client) is None


# --- (2) CSP on the sign-in pages --------------------------------------------------------


def test_staff_login_pages_have_no_inline_script(make_user):
    make_user("office", roles=[(Role.OFFICE_STAFF, None)])
    make_user("newstaff", roles=[(Role.OFFICE_STAFF, None)], mfa=False)
    client = Client()
    login(client, "office")
    offenders = inline_script_in(client.get(AUTHENTICATE).content.decode())
    fresh = Client()
    login(fresh, "newstaff")
    offenders += inline_script_in(fresh.get(ACTIVATE).content.decode())
    assert not offenders, offenders
    assert settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["script-src"] == ["'self'"]


# --- an open session cannot be turned into a later password reset ---------------------------


def test_an_email_for_password_reset_cannot_be_added_without_the_password(
    make_user, make_deputy, term, settings
):
    """On a shared town PC a deputy's session is left open: adding an e-mail address there
    must ask for the password, or the address receives a reset link at any later time (the
    deputy has no second factor)."""
    user = make_user("dep")
    make_deputy(term, "D001", user=user)
    client = Client()
    login(client, "dep")
    session = client.session
    session["account_authentication_methods"] = [
        {**r, "at": r["at"] - 600} for r in session.get("account_authentication_methods", [])
    ]
    session.save()
    client.post("/accounts/email/", {"action_add": "", "email": "intruder@example.org"})
    assert not user.emailaddress_set.filter(email="intruder@example.org").exists()
    mail.outbox.clear()
    client.post("/accounts/password/reset/", {"email": "intruder@example.org"})
    assert not any("/password/reset/key/" in m.body for m in mail.outbox)
