"""RSA-SHA256 (PKCS#1 v1.5) signature checks for the Anboto emulator, in plain Python.

The reference doc (api-reference.md, "Authentication"; notes.md §1.2, §1.8.4) lets a
self-generated key sign with "RSA_SHA256" and send the signature as base64, without naming a
padding or a key format. The emulator takes the usual reading: PKCS#1 v1.5 ("SHA256withRSA"),
public keys in PEM (`PUBLIC KEY`, X.509 SubjectPublicKeyInfo, or `RSA PUBLIC KEY`, PKCS#1).
Written here from RFC 8017 rather than with a crypto package, so the sandbox needs no extra
dependency and shares no code with any client that signs.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from dataclasses import dataclass

__all__ = ["RsaPublicKey", "load_public_key_pem", "verify_pkcs1v15_sha256"]

# DigestInfo DER prefix for SHA-256 (RFC 8017 §9.2, note 1).
_SHA256_DIGEST_INFO = bytes.fromhex("3031300d060960864801650304020105000420")
_RSA_ENCRYPTION_OID = bytes.fromhex("2a864886f70d010101")  # 1.2.840.113549.1.1.1


@dataclass(frozen=True, slots=True)
class RsaPublicKey:
    """An RSA public key.

    Attributes:
        modulus: n.
        exponent: e.
    """

    modulus: int
    exponent: int

    @property
    def size_bytes(self) -> int:
        """Length of the modulus (and of every signature) in bytes."""
        return (self.modulus.bit_length() + 7) // 8


def _read_tlv(data: bytes, offset: int) -> tuple[int, bytes, int]:
    # One DER element at `offset`: (tag, contents, offset after it).
    if offset + 2 > len(data):
        raise ValueError("truncated DER")
    tag = data[offset]
    length = data[offset + 1]
    offset += 2
    if length & 0x80:
        count = length & 0x7F
        if count == 0 or count > 4 or offset + count > len(data):
            raise ValueError("bad DER length")
        length = int.from_bytes(data[offset : offset + count], "big")
        offset += count
    end = offset + length
    if end > len(data):
        raise ValueError("truncated DER")
    return tag, data[offset:end], end


def _read_sequence(data: bytes) -> list[tuple[int, bytes]]:
    items: list[tuple[int, bytes]] = []
    offset = 0
    while offset < len(data):
        tag, contents, offset = _read_tlv(data, offset)
        items.append((tag, contents))
    return items


def _rsa_public_key_der(der: bytes) -> RsaPublicKey:
    # RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }
    tag, body, _ = _read_tlv(der, 0)
    items = _read_sequence(body) if tag == 0x30 else []
    if len(items) != 2 or any(item_tag != 0x02 for item_tag, _ in items):
        raise ValueError("not an RSAPublicKey")
    modulus = int.from_bytes(items[0][1], "big")
    exponent = int.from_bytes(items[1][1], "big")
    if modulus <= 0 or exponent <= 1:
        raise ValueError("not an RSAPublicKey")
    return RsaPublicKey(modulus, exponent)


def _subject_public_key_info_der(der: bytes) -> RsaPublicKey:
    # SubjectPublicKeyInfo ::= SEQUENCE { AlgorithmIdentifier, BIT STRING }
    tag, body, _ = _read_tlv(der, 0)
    items = _read_sequence(body) if tag == 0x30 else []
    if len(items) != 2 or items[0][0] != 0x30 or items[1][0] != 0x03:
        raise ValueError("not a SubjectPublicKeyInfo")
    algorithm = _read_sequence(items[0][1])
    if not algorithm or algorithm[0] != (0x06, _RSA_ENCRYPTION_OID):
        raise ValueError("not an RSA key")
    bits = items[1][1]
    if not bits or bits[0] != 0:
        raise ValueError("bad BIT STRING")
    return _rsa_public_key_der(bits[1:])


def load_public_key_pem(pem: str) -> RsaPublicKey:
    """Read an RSA public key from PEM.

    Args:
        pem: `-----BEGIN PUBLIC KEY-----` (SubjectPublicKeyInfo) or
            `-----BEGIN RSA PUBLIC KEY-----` (PKCS#1) text.

    Returns:
        The key.

    Raises:
        ValueError: The text is not one of those two forms of an RSA key.
    """
    lines = [line.strip() for line in pem.strip().splitlines() if line.strip()]
    if (
        len(lines) < 3
        or not lines[0].startswith("-----BEGIN ")
        or not lines[-1].startswith("-----END ")
    ):
        raise ValueError("not PEM")
    label = lines[0].removeprefix("-----BEGIN ").removesuffix("-----")
    try:
        der = base64.b64decode("".join(lines[1:-1]), validate=True)
    except binascii.Error as exc:
        raise ValueError("bad PEM base64") from exc
    if label == "PUBLIC KEY":
        return _subject_public_key_info_der(der)
    if label == "RSA PUBLIC KEY":
        return _rsa_public_key_der(der)
    raise ValueError(f"unsupported PEM label {label!r}")


def verify_pkcs1v15_sha256(key: RsaPublicKey, message: bytes, signature: bytes) -> bool:
    """True when `signature` is the RSASSA-PKCS1-v1_5 SHA-256 signature of `message`.

    Args:
        key: The signer's public key.
        message: The exact bytes that were signed.
        signature: The raw signature (base64-decoded), as long as the modulus.

    Returns:
        Whether it verifies (RFC 8017 §8.2.2, comparing the whole encoded message).
    """
    size = key.size_bytes
    if len(signature) != size:
        return False
    value = int.from_bytes(signature, "big")
    if value >= key.modulus:
        return False
    encoded = pow(value, key.exponent, key.modulus).to_bytes(size, "big")
    digest_info = _SHA256_DIGEST_INFO + hashlib.sha256(message).digest()
    padding_len = size - len(digest_info) - 3
    if padding_len < 8:
        return False
    expected = b"\x00\x01" + b"\xff" * padding_len + b"\x00" + digest_info
    return hmac.compare_digest(encoded, expected)
