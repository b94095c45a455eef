"""RFC 6238 TOTP, written here from the RFC (HMAC-SHA1, 30-second steps, 6 digits), so the
journeys check allauth's enrolment against an independent implementation, as a phone app
would: the code comes from the key shown on the page, never from the product's helpers."""

import base64
import hashlib
import hmac
import struct
import time


def totp(key: str, when: float | None = None, step: int = 30, digits: int = 6) -> str:
    key = "".join(key.split()).upper()  # the page may show the key in groups
    secret = base64.b32decode(key + "=" * (-len(key) % 8))
    counter = int((time.time() if when is None else when) // step)
    mac = hmac.new(secret, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)
