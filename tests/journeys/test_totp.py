"""The journeys' own TOTP (tests/journeys/totp.py) against RFC 6238's published vectors."""

import base64

from tests.journeys.totp import totp


def test_rfc_6238_vectors():
    """The SHA-1 vectors of RFC 6238, appendix B (8 digits, key "12345678901234567890")."""
    key = base64.b32encode(b"12345678901234567890").decode()
    assert totp(key, 59, digits=8) == "94287082"
    assert totp(key, 1111111109, digits=8) == "07081804"
    assert totp(key, 2000000000, digits=8) == "69279037"
