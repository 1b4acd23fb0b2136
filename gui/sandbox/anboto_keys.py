"""The Anboto emulator's demo keys: an HMAC key and the public half of a sandbox-only RSA key.

These are fixed in the source on purpose: `orderdesk-sandbox` prints the HMAC pair and the
desk's demo mode uses it. Like the venue, the emulator holds only the public half of a
self-generated RSA key ("only provide the public key to Anboto"); the private half lives with
the tests (tests/sandbox/anboto_rsa_key.py). They protect nothing; never use them against a
real venue.
"""

from __future__ import annotations

DEMO_API_KEY = "anb_sandbox_b0a5e51b833a2dcd"
"""The sandbox's system-generated (HMAC) API key (`ANBOTO-API-KEY`)."""
DEMO_API_SECRET = "XKYA6SdGDDgcSogyP0W6UO_BhB9BJYfR3B1fQ3yDVno"
"""Its secret: the HMAC-SHA256 key, used as its UTF-8 bytes (the doc does not say to decode
it; notes §1.2)."""
DEMO_RSA_API_KEY = "anb_sandbox_rsa_5c1f27d9e04b8a63"
"""The sandbox's self-generated (RSA) API key id."""
DEMO_RSA_PUBLIC_KEY_PEM = """-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA1cmA0BEOdgNP1W0BCfW7
4OC6uB4yIT+q+4WCxJGKP0dOVIc0gB+SPueMT4cT+uFoM7FPWz1mwdBpdVQ5VXfZ
VGigg8h0cN4OMdNcM88QblI3hQwtTfWQaxNhAycWPbsXGUk9Ov87+Aum3WyUkBkw
TLN8Ofi+k+8Um0MCh5Hp+2ipWhH8lUYORLnYJfL8cWiPWfXLTX1uTpqZiIKF9VUZ
3Llna0hqc8VHpzil7tUVKV+3Bi78wGMR7TiPP1C0LKn+KlGuIBBE5gQee4XIGje5
mlorf3OlSC9E/P98y7GbMFoVJcMosMt1l7I1IbiPue9P04YzoXzsy2ZjslteblUI
pwIDAQAB
-----END PUBLIC KEY-----
"""
"""Its public key (X.509 SubjectPublicKeyInfo PEM), the one the emulator verifies with."""
