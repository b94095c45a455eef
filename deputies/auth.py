"""Login by username or by the mobile number on a deputy's roster entry; the lock-out after
repeated failures counts both spellings of one account together."""

import time

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core import context
from allauth.core.internal.ratelimit import _consume_single_rate, parse_rates
from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.utils.translation import gettext


def user_for_mobile(number: str):
    """The one active account whose deputy record carries this mobile number, else None."""
    from .models import Deputy

    user_ids = set(
        Deputy.objects.filter(mobile=number, user__isnull=False).values_list("user_id", flat=True)
    )
    if len(user_ids) != 1:
        return None
    return get_user_model().objects.filter(pk=user_ids.pop()).first()


class MobileNumberBackend(ModelBackend):
    """Lets a deputy type the mobile number the office has on the roster instead of a username."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or not password or not username.isdigit():
            return None
        user = user_for_mobile(username)
        if user and user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def password_typed_recently(request) -> bool:
    """Whether this session's user signed in with their password within the
    reauthentication window (ACCOUNT_REAUTHENTICATION_TIMEOUT, 5 minutes by default)."""
    if request is None or not request.user.is_authenticated:
        return False
    window = account_settings.REAUTHENTICATION_TIMEOUT
    return any(
        record.get("method") == "password" and time.time() - record.get("at", 0) < window
        for record in get_authentication_records(request, request.user)
    )


def _login_failed_rates(per: str):
    rates = parse_rates(settings.ACCOUNT_RATE_LIMITS.get("login_failed"))
    return [rate for rate in rates if rate.per == per]


def lockout_minutes(per: str = "key") -> int:
    """How long an account ("key") or a computer's address ("ip") stays refused after too
    many failures (the longest such window of ACCOUNT_RATE_LIMITS["login_failed"]), in whole
    minutes."""
    seconds = max((rate.duration for rate in _login_failed_rates(per)), default=300)
    return max(1, round(seconds / 60))


def account_locked(request, cache_key: str) -> bool:
    """Whether the account's own failure count is exhausted (a dry run: nothing counted)."""
    return any(
        _consume_single_rate(
            request,
            app="allauth.account",
            action="login_failed",
            rate=rate,
            key=cache_key,
            dry_run=True,
        )
        is None
        for rate in _login_failed_rates("key")
    )


# The refusal when the per-address limit, not the account's own, was reached: the account is
# not locked, and saying so would send its owner to the office for nothing.
IP_LIMITED = "too_many_login_attempts_from_ip"


class LockoutMessages(dict):
    """allauth's error messages, with the lock-out one in Chinese and naming the wait; built
    when read, so a test that changes the rate limit sees its own figure."""

    def __getitem__(self, key):
        if key == "too_many_login_attempts":
            return gettext(
                "登录失败次数过多，该账号已暂时锁定。请 %(minutes)d 分钟后再试；"
                "忘记密码请联系本镇（街道）人大工作人员。"
            ) % {"minutes": lockout_minutes()}
        if key == IP_LIMITED:
            return gettext(
                "此电脑登录失败次数过多，请 %(minutes)d 分钟后再试。"
                "若多人共用此电脑或网络，请稍候再登录。"
            ) % {"minutes": lockout_minutes("ip")}
        return super().__getitem__(key)


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are issued by the office: no self-service sign-up."""

    error_messages = LockoutMessages(DefaultAccountAdapter.error_messages)

    def is_open_for_signup(self, request):
        return False

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        # allauth asks for the password again before TOTP can be set up or removed. A staff
        # member sent to enrol straight after signing in has just typed it: a password login
        # within the reauthentication window counts, as a reauthentication would.
        required = super().is_reauthentication_required(app=app, **kwargs)
        if required and app == "allauth.mfa":
            return not password_typed_recently(context.request)
        return required

    def pre_authenticate(self, request, **credentials):
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError as error:
            if getattr(error, "code", None) != "too_many_login_attempts":
                raise
            key = self._get_login_attempts_cache_key(request, **credentials)
            if not account_locked(request, key):
                raise self.validation_error(IP_LIMITED) from error
            raise

    def _get_login_attempts_cache_key(self, request, **credentials):
        # allauth counts failed logins per typed login string. A deputy's mobile number and
        # username are two strings for one account: count them as the username, or an
        # attacker would get twice the guesses.
        login = credentials.get("username", "")
        if login.isdigit():
            user = user_for_mobile(login)
            if user is not None:
                credentials = {**credentials, "username": user.get_username()}
        return super()._get_login_attempts_cache_key(request, **credentials)


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, with the message in Chinese: its zh-hans catalogue lacks this one (a plural
    form), so staff changing a password were told in English."""

    def get_error_message(self):
        return gettext("密码太短，至少需要 %(min_length)d 个字符。") % {
            "min_length": self.min_length
        }

    def get_help_text(self):
        return gettext("密码至少需要 %(min_length)d 个字符。") % {"min_length": self.min_length}
