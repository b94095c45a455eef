"""TOTP codes for test logins, computed here from RFC 6238 (HMAC-SHA1, 30-second steps), not
with allauth's helpers: a test must not take its expected value from the code it checks.
tests/security/test_totp_vectors.py checks totp() against the RFC's Appendix B vectors."""

import base64
import hashlib
import hmac
import struct
import time

from tests.conftest import TOTP_SECRET


def totp(key: bytes, at: float, digits: int = 6, step: int = 30) -> str:
    """RFC 6238 with SHA-1: HOTP (RFC 4226) of the number of steps since the epoch."""
    counter = struct.pack(">Q", int(at) // step)
    mac = hmac.new(key, counter, hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)


def current_code(secret: str = TOTP_SECRET) -> str:
    """The code an authenticator app shows now for this base32 secret (make_user's by
    default)."""
    return totp(base64.b32decode(secret), time.time())
