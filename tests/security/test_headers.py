"""HTTP security (issue 7.2): the Content-Security-Policy and other headers on every page,
templates with no inline script, and `check --deploy` clean under production settings."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from deputies.models import Role

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"
STATIC_JS = ROOT / "static" / "js"


def csp_directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/accounts/login/", "/", "/deputies/", "/dashboard/"])
def test_pages_carry_a_policy_without_inline_scripts(client, client_for, make_user, url):
    if url != "/accounts/login/":
        client = client_for(make_user("leader", roles=[(Role.LEADERSHIP, None)]))
    response = client.get(url)
    assert response.status_code == 200
    policy = csp_directives(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert "data:" in policy["img-src"]  # the TOTP QR code
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_session_cookie_is_httponly_and_samesite(client, make_user):
    make_user("someone")
    client.post("/accounts/login/", {"login": "someone", "password": "Jiading-Test-2024"})
    cookie = client.cookies["sessionid"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert not cookie["max-age"]  # ends with the browser


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>")
EVENT_HANDLER = re.compile(r"""\son[a-z]+\s*=\s*["']""", re.IGNORECASE)
JS_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']\s*javascript:""", re.IGNORECASE)
HX_EVAL = re.compile(r"""\bhx-on|hx-(?:vals|headers)\s*=\s*['"]\s*(?:js|javascript):""")


DJANGO_COMMENT = re.compile(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}", re.DOTALL)


def template_files():
    return sorted(TEMPLATES.rglob("*.html"))


def test_templates_have_no_inline_script_handlers_or_js_urls():
    offenders = []
    for path in template_files():
        text = DJANGO_COMMENT.sub("", path.read_text(encoding="utf-8"))
        for pattern in (INLINE_SCRIPT, EVENT_HANDLER, JS_URL, HX_EVAL):
            for match in pattern.finditer(text):
                offenders.append(f"{path.relative_to(ROOT)}: {match.group(0).strip()}")
    assert not offenders, "\n".join(offenders)


def test_the_scan_would_see_an_inline_handler():
    assert EVENT_HANDLER.search('<button onclick="window.print()">')
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert not INLINE_SCRIPT.search('<script src="/static/js/a.js"></script>')
    assert JS_URL.search('<a href="javascript:history.back()">')


def test_static_scripts_do_not_eval():
    for path in sorted(STATIC_JS.glob("*.js")):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\beval\(|new Function\(", text), path


@pytest.mark.django_db
def test_htmx_is_configured_without_eval(client_for, make_user):
    html = client_for(make_user("someone")).get("/").content.decode()
    assert """<meta name="htmx-config" content='{"allowEval": false""" in html


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "SECURE", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS"}
    }
    env.update(
        DEBUG="0",
        SECURE="1",
        SECRET_KEY=secrets.token_urlsafe(50)[:50],
        ALLOWED_HOSTS="rd.example.gov.cn",
        DJANGO_SETTINGS_MODULE="jdrenda.settings",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output, output
    assert "WARNING" not in output


def test_production_settings_force_https_and_secure_cookies(tmp_path):
    code = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT,"
        " s.SECURE_HSTS_SECONDS >= 31536000, s.SECURE_HSTS_INCLUDE_SUBDOMAINS)"
    )
    env = {**os.environ, "SECURE": "1", "DJANGO_SETTINGS_MODULE": "jdrenda.settings"}
    env.pop("SECURE_SSL_REDIRECT", None)
    env.pop("SECURE_HSTS_SECONDS", None)
    out = subprocess.run(
        [sys.executable, "-c", "import django; django.setup();" + code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.stdout.split() == ["True"] * 5, out.stderr
    # Without SECURE the development server keeps working over plain http.
    env.pop("SECURE")
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup();"
            + code.replace("s.SECURE_HSTS_SECONDS >= 31536000", "s.SECURE_HSTS_SECONDS == 0"),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.stdout.split() == ["False", "False", "False", "True", "False"], out.stderr
