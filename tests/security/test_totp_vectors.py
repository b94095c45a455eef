"""The tests' own TOTP (tests/totp.py) against RFC 6238 Appendix B (SHA-1, 8 digits, the
20-byte ASCII secret "12345678901234567890")."""

import pytest

from tests.totp import totp

RFC_6238_SHA1 = [
    (59, "94287082"),
    (1111111109, "07081804"),
    (1111111111, "14050471"),
    (1234567890, "89005924"),
    (2000000000, "69279037"),
    (20000000000, "65353130"),
]


@pytest.mark.parametrize("at,code", RFC_6238_SHA1)
def test_rfc_6238_sha1_vectors(at, code):
    assert totp(b"12345678901234567890", at, digits=8) == code


def test_six_digits_are_the_last_six():
    # RFC 4226: the 6-digit code is the same truncation modulo 10^6.
    assert totp(b"12345678901234567890", 59) == "287082"
