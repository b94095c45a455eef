"""Two-factor authentication (TOTP) is required for staff and leadership.

A user who holds any role other than deputy or group leader, or who is is_staff/superuser,
must have a TOTP authenticator. Deputies may enrol but are not forced: many of them log in
rarely from their own phone, and their pages show only their own record.

RequireMFAMiddleware sends such a user without TOTP to allauth's activation page; MFAAdapter
keeps them from deactivating it. A user who has TOTP is remembered in the session, so the
check costs no query after the first request. A user without TOTP is checked on every
request: a role (or is_staff) given while they are signed in must ask for TOTP at the next
page, not at the next login. That check is user_scope(), which the view reuses.
"""

from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
        if (
            user is not None
            and user.is_authenticated
            and request.session.get(SESSION_KEY) != user.pk
            and not self.is_exempt(request.path_info)
            and mfa_required(user)
        ):
            if not has_totp(user):
                return self.send_to_enrolment(request)
            request.session[SESSION_KEY] = user.pk
        return self.get_response(request)

    def is_exempt(self, path: str) -> bool:
        static = "/" + settings.STATIC_URL.lstrip("/")
        return path in self.exempt_paths() or path.startswith(static)

    def send_to_enrolment(self, request):
        url = reverse("mfa_activate_totp")
        if request.headers.get("HX-Request"):
            # htmx would swap the activation page into a fragment; make it a full navigation.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        messages.warning(
            request,
            _(
                "您的账号可以查看或修改其他代表的履职记录，按规定须启用双因素认证："
                "请用手机上的验证器应用（如微信小程序“腾讯身份验证器”、Microsoft "
                "Authenticator 等）扫描下方二维码，输入显示的 6 位数字。启用后才能使用其他页面。"
            ),
            fail_silently=True,
        )
        return redirect(url)
