"""The Anboto emulator's demo keys: an HMAC key pair and a sandbox-only RSA key pair.

These are fixed in the source on purpose: `orderdesk-sandbox` prints them and the desk's demo
mode uses them. They protect nothing; never use them against a real venue.
"""

from __future__ import annotations

DEMO_API_KEY = "anb_sandbox_b0a5e51b833a2dcd"
"""The sandbox's system-generated (HMAC) API key (`ANBOTO-API-KEY`)."""
DEMO_API_SECRET = "XKYA6SdGDDgcSogyP0W6UO_BhB9BJYfR3B1fQ3yDVno"
"""Its secret: the HMAC-SHA256 key, used as its UTF-8 bytes (the doc does not say to decode
it; notes §1.2)."""
DEMO_RSA_API_KEY = "anb_sandbox_rsa_5c1f27d9e04b8a63"
"""The sandbox's self-generated (RSA) API key id."""
DEMO_RSA_PRIVATE_KEY_PEM = """-----BEGIN PRIVATE KEY-----
MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQDVyYDQEQ52A0/V
bQEJ9bvg4Lq4HjIhP6r7hYLEkYo/R05UhzSAH5I+54xPhxP64WgzsU9bPWbB0Gl1
VDlVd9lUaKCDyHRw3g4x01wzzxBuUjeFDC1N9ZBrE2EDJxY9uxcZST06/zv4C6bd
bJSQGTBMs3w5+L6T7xSbQwKHken7aKlaEfyVRg5Eudgl8vxxaI9Z9ctNfW5OmpmI
goX1VRncuWdrSGpzxUenOKXu1RUpX7cGLvzAYxHtOI8/ULQsqf4qUa4gEETmBB57
hcgaN7maWit/c6VIL0T8/3zLsZswWhUlwyiwy3WXsjUhuI+570/ThjOhfOzLZmOy
W15uVQinAgMBAAECggEACbfhv6ju1TAxr7GHU7ppzSoEwubjKijDRIYdW4Mu23vf
KdowPvIbIKSU98PbsCgRUmbpL8FwS4zbpmZAPvbg7cSIe2/K1JtQ3jSjTdryqRkw
Bep3oBdyy7NIpy8z2crd8hvRXpOzWFjAlUiLeQDJdcsjnAex3iFcTfHeCmdN0XcA
uFxNEx+ADjHVKaAYRaYC+FaA+opwEPdSD8fpWPxJCv16Xk7n4uHSfEn97MM6zH1a
mR8HImnAoKobwtnrWS3BRakMXFt4WE3StD0TtvLNS7BJD12xNhEId/0rkaZ5637M
B3WCWTTWjUrj+lRYU+z9sKUiG0hGyOhijUbkRiM+QQKBgQD2z/zR72ObgjYaW9P9
JWLFUmjzeGcplNPgsXjbFuMdsLcg9sMUAp3AlyIIRQpfWupoLFu1i0/h12IE/1Bh
SL22Erqi8/+q7a3fkfTzfgEqmeKTQVP4rVxaBQPO/lSbnzmTvIQdn3HgYQ4wIkpI
4GqOQ/7f0ZiinzrblNV/HCfPZwKBgQDdvsyIWNAsPMnUYOCp7uScJ+BeWiDUIwzh
rTwu7HRq03/GH2XbMYxZaPwlNdvgaLCI8RZTGXGfGYqZO+PHIYalFw+sXugyakQH
I3Gy/rsDXcQUabYo6LZ8fUcBhyA5s3dOnmewvJtavbpLjlytHKGXCs98rdhIS33F
LvFlJ5F0wQKBgFNI/hRNhrw8JUuhvxhGXF0foQC/mXhDm3fQC2tK/trO/gzmmA+R
jnAlz7sgqQ5iXIVIqq3JU+xuxMnQ6evaIwJksYw5cAXa7HhsBU+BLp2UjguI2PAq
d+Z8mLtpwV0+TqyWybJBUqkXtzTw7UZITEyzjzcxwCLoPnFIeP7KnnhzAoGBAIzi
2ALdIs6ohLeKIdP2M4u/jj+EVg1Sg7GzJmTN2R2yaSFQ+58ruPdpy6I8uQm4mkk3
nC6KIPWr/bJkKdFwTKMBpvSmjDLT74r1ixzl2Z5G6fjqPVF6oc8wrXecCe5/RxNN
c6YH/1DE8ONmfR2D7msP9EpMDfnI9QzeSYMyg6lBAoGBAJFdckolNX+xS+8Brvdy
dsoZ3p898Ye4khaUHNKeFAuDLyBQXuSmOcjldIQN15Bk2ONtEQ0SW6wHvbzu7rgX
OLBpjVcdXqY6Q6USTpQ7RmlRO0InHl3Fu0dXyFgGLLhoxzYQwtGTfCtbWffrX8vl
Wl/MroCoRlwVpSXsn5tjgnD0
-----END PRIVATE KEY-----
"""
"""The RSA-2048 private key (PKCS#8 PEM) of `DEMO_RSA_API_KEY`: sandbox only."""
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
