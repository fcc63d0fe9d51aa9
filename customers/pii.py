"""The full SSN: encrypted at rest, with a keyed hash beside it for duplicate checks.

Both keys are derived from settings.PII_KEY. Nothing here logs or returns the SSN in
clear except `ssn_decrypt`, which no page calls.
"""

import base64
import hashlib
import hmac
import re
from functools import cache

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

_SSN_RE = re.compile(r"^(\d{3})-?(\d{2})-?(\d{4})$")


class InvalidSSN(ValueError):
    pass


def _derive(purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(
        settings.PII_KEY.encode()
    )


@cache
def _fernet(key: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_derive(b"casemgmt ssn encryption")))


def ssn_normalize(raw: str) -> str:
    """Nine digits, or InvalidSSN naming what is wrong (never echoing the number)."""
    match = _SSN_RE.match(raw.strip())
    if not match:
        raise InvalidSSN("A Social Security number has nine digits, as 123-45-6789.")
    area, group, serial = match.groups()
    if area in ("000", "666") or area.startswith("9") or group == "00" or serial == "0000":
        raise InvalidSSN("This is not a valid Social Security number; check the digits.")
    return area + group + serial


def ssn_encrypt(ssn: str) -> str:
    return _fernet(settings.PII_KEY).encrypt(ssn.encode()).decode()


def ssn_decrypt(token: str) -> str:
    return _fernet(settings.PII_KEY).decrypt(token.encode()).decode()


def ssn_hash(ssn: str) -> str:
    key = _derive(b"casemgmt ssn duplicate hash")
    return hmac.new(key, ssn.encode(), hashlib.sha256).hexdigest()
