"""Two-factor authentication (TOTP) is required for staff and leadership.

A user who holds any role other than deputy or group leader, or who is is_staff/superuser,
must have a TOTP authenticator. Deputies may enrol but are not forced: many of them log in
rarely from their own phone, and their pages show only their own record.

RequireMFAMiddleware sends such a user without TOTP to allauth's activation page; MFAAdapter
keeps them from deactivating it. A fragment request (a navigation badge, an htmx swap) from
such a user gets an empty 204 instead: a page pasted into a badge shows a second enrolment
form, and an HX-Redirect from a badge loaded on every page reloads the page for ever. The
pages such a user may see draw no badges at all (request.mfa_pending, base.html).

A user who has TOTP is remembered in the session, so the check costs no query after the
first request. A user without TOTP is checked on every request: a role (or is_staff) given
while they are signed in must ask for TOTP at the next page, not at the next login. That
check is user_scope(), which the view reuses.
"""

from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.forms import ActivateTOTPForm as AllauthActivateTOTPForm
from allauth.mfa.totp.internal import auth as totp_auth
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from .models import Role
from .scopes import user_scope

# Roles that see or change other people's records: they need a second factor.
OPTIONAL_MFA_ROLES = frozenset({Role.DEPUTY, Role.GROUP_LEADER})
SESSION_KEY = "jdrenda_mfa_ok"

# Pages a user who must enrol can still reach: enrolment itself (and the password
# re-confirmation allauth asks for before it), the recovery codes shown after it, logout.
EXEMPT_URL_NAMES = (
    "mfa_activate_totp",
    "mfa_view_recovery_codes",
    "mfa_download_recovery_codes",
    "mfa_reauthenticate",
    "account_reauthenticate",
    "account_logout",
    "account_login",
    "healthz",
    "favicon",
    "mfa_new_totp_secret",
)


def mfa_required(user) -> bool:
    """Whether this user must have a TOTP authenticator."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff or user.is_superuser:
        return True
    return bool(user_scope(user).roles - OPTIONAL_MFA_ROLES)


def has_totp(user) -> bool:
    return Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()


def mfa_satisfied(user) -> bool:
    return not mfa_required(user) or has_totp(user)


def remember_on_login(sender, request, user, **kwargs):
    """At login, remember a user who has TOTP (they have just passed allauth's code step) so
    the first page after it costs no extra query."""
    session = getattr(request, "session", None)
    if session is not None and mfa_required(user) and has_totp(user):
        session[SESSION_KEY] = user.pk


class MFAAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "cannot_delete_authenticator": gettext_lazy(
            "您的角色要求使用双因素认证，不能停用。更换手机时请联系区人大常委会人事代表工委"
            "重置验证器。"
        ),
        "incorrect_code": gettext_lazy("验证码不正确，请输入验证器应用当前显示的 6 位数字。"),
    }

    def get_totp_issuer(self) -> str:
        return settings.MFA_TOTP_ISSUER

    def can_delete_authenticator(self, authenticator) -> bool:
        if authenticator.type == Authenticator.Type.TOTP and mfa_required(authenticator.user):
            return False
        return super().can_delete_authenticator(authenticator)


class ActivateTOTPForm(AllauthActivateTOTPForm):
    """allauth's form makes a new secret on every GET, so a reload (or any second fetch of the
    page) silently invalidates the key the user has just typed into the app. Keep the secret
    in the session until it is confirmed or the user asks for another (new_totp_secret)."""

    def __init__(self, *args, **kwargs) -> None:
        self.user = kwargs.pop("user")
        forms.Form.__init__(self, *args, **kwargs)
        self.secret = totp_auth.get_totp_secret(regenerate=False)


@login_required
@require_POST
def new_totp_secret(request):
    """换一个密钥: drop the unconfirmed secret; the activation page makes a new one."""
    totp_auth.clear_totp_secret(request)
    messages.info(request, _("已生成新的密钥，请在验证器应用中删除旧的条目，重新扫描二维码。"))
    return redirect("mfa_activate_totp")


def is_fragment_request(request) -> bool:
    """A request whose answer is pasted into a page (htmx, fetch), not shown as a page.

    htmx sends HX-Request; static/js/nav-count.js sends X-Requested-With; any other script
    fetch from a browser says Sec-Fetch-Dest: empty (a page navigation says "document")."""
    headers = request.headers
    return bool(
        headers.get("HX-Request")
        or headers.get("X-Requested-With")
        or headers.get("Sec-Fetch-Dest") == "empty"
    )


class RequireMFAMiddleware:
    """After AuthenticationMiddleware and MessageMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._exempt_paths = None

    def exempt_paths(self) -> frozenset:
        if self._exempt_paths is None:
            self._exempt_paths = frozenset(reverse(name) for name in EXEMPT_URL_NAMES)
        return self._exempt_paths

    def __call__(self, request):
        user = getattr(request, "user", None)
        request.mfa_pending = False
        if (
            user is not None
            and user.is_authenticated
            and request.session.get(SESSION_KEY) != user.pk
            and mfa_required(user)
        ):
            if not has_totp(user):
                if not self.is_exempt(request.path_info):
                    return self.send_to_enrolment(request)
                request.mfa_pending = True  # the enrolment pages draw no badges
            else:
                request.session[SESSION_KEY] = user.pk
        return self.get_response(request)

    def is_exempt(self, path: str) -> bool:
        static = "/" + settings.STATIC_URL.lstrip("/")
        return path in self.exempt_paths() or path.startswith(static)

    def send_to_enrolment(self, request):
        if is_fragment_request(request):
            # Nothing to paste and no redirect: the page around the fragment is the
            # enrolment page (or will be at its next navigation).
            return HttpResponse(status=204)
        messages.warning(
            request,
            _(
                "您的账号可以查看或修改其他代表的履职记录，按规定须启用双因素认证："
                "请用手机上的验证器应用（如微信小程序“腾讯身份验证器”、Microsoft "
                "Authenticator 等）扫描下方二维码，输入显示的 6 位数字。启用后才能使用其他页面。"
            ),
            fail_silently=True,
        )
        return redirect("mfa_activate_totp")
