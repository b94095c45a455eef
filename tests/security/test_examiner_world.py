"""Examiner (issue 7 review): over every URL of the access matrix's world, (1) a staff
account that has not enrolled in TOTP reaches no page, POST, htmx endpoint or export, and
(2) no page as rendered for any role carries an inline script, handler or javascript: URL
(the template scan reads templates/ only; allauth's and the admin's templates and HTML
built in Python are rendered here)."""

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client

from tests.security import test_access_matrix as matrix
from tests.security.test_examiner_accounts import ACTIVATE, LOGIN, inline_script_in
from tests.security.world import ROLES

pytestmark = pytest.mark.django_db

world = matrix.world  # the matrix's fixture: one world for this module
PATTERNS, snapshot, url_for = matrix.PATTERNS, matrix.snapshot, matrix.url_for


def sent_to_enrolment(response) -> bool:
    if response.status_code == 204:  # a fragment request: nothing, and no redirect loop
        return "HX-Redirect" not in response and response.content == b""
    return response.status_code == 302 and response["Location"] == ACTIVATE


# --- (1) a staff account without TOTP reaches nothing ----- --------------------------------------

# Pages outside the matrix: the admin and allauth's own, each of which must be closed too.
EXTRA_URLS = [
    "/admin/",
    "/admin/deputies/deputy/",
    "/admin/deputies/constituent/",
    "/admin/supervision/exportlog/",
    "/admin/password_change/",
    "/accounts/email/",
    "/accounts/password/change/",
    "/accounts/password/set/",
    "/accounts/2fa/",
    "/accounts/2fa/recovery-codes/generate/",
    "/accounts/2fa/totp/deactivate/",
]


def unenrolled_office_client(world):
    """The world's office account with its authenticator removed, freshly signed in."""
    office = world["users"]["office"]
    Authenticator.objects.filter(user=office).delete()
    client = Client()
    client.force_login(office, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_unenrolled_staff_gets_no_page_no_post_no_htmx_no_export(world):
    client = unenrolled_office_client(world)
    before = snapshot()
    reached = {}
    for name in sorted(PATTERNS):
        if name in ("healthz", "favicon"):  # public by design (probes, the browser's icon)
            continue
        url = url_for(world, name)
        for method, extra in (
            ("get", {}),
            ("get", {"format": "xlsx"}),
            ("post", {}),
        ):
            response = getattr(client, method)(url, extra)
            if not sent_to_enrolment(response):
                reached[f"{method.upper()} {name} {extra}"] = response.status_code
        hx = client.post(url, HTTP_HX_REQUEST="true")
        if not sent_to_enrolment(hx):
            reached[f"htmx POST {name}"] = hx.status_code
    for url in EXTRA_URLS:
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            if not sent_to_enrolment(response):
                reached[f"{method.upper()} {url}"] = response.status_code
    assert not reached, reached
    assert snapshot() == before


def test_no_rendered_page_has_inline_script(world):
    """The template scan reads templates/ only: allauth's, the admin's and any HTML built in
    Python (format_html, widgets' attrs, the QR code's SVG) are checked here, as rendered
    for every role."""
    offenders = {}
    for role in ROLES:
        client = Client()
        user = world["users"][role]
        if user is not None:
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        urls = [url_for(world, name) for name in sorted(PATTERNS)]
        if role == "office":
            urls += [u for u in EXTRA_URLS if "deactivate" not in u] + [
                "/admin/deputies/deputy/add/",
                f"/admin/deputies/deputy/{world['deputy'].pk}/change/",
                f"/admin/deputies/constituent/{world['constituent'].pk}/change/",
                "/admin/auth/user/",
            ]
        if role == "anonymous":
            urls += [LOGIN, "/accounts/password/reset/", "/accounts/signup/"]
        for url in urls:
            response = client.get(url)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            found = inline_script_in(response.content.decode())
            if found:
                offenders[f"{role} {url}"] = found
    assert not offenders, offenders
