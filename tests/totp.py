"""TOTP codes for test logins, computed with allauth's own helpers."""

from tests.conftest import TOTP_SECRET


def current_code(secret: str = TOTP_SECRET) -> str:
    """The code an authenticator app shows now for this secret (make_user's by default)."""
    import time

    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // app_settings.TOTP_PERIOD))
