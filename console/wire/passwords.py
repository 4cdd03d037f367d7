"""Operator passwords as slow salted hashes (scrypt, standard library): the centre makes the
verifier, seats check a typed password against the verifier they were sent, offline too. The
secret itself is never stored or sent; a verifier names its parameters so they can grow."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

_N, _R, _P, _LEN = 2**14, 8, 1, 32  # 16 MiB, ~50 ms on a seat PC: slow for guessing, quick at sign-in
# An initial password read out or handed over on paper: no 0/O, 1/l/I.
_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789"
PASSWORD_MAX = 128


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def make_verifier(password: str) -> str:
    """`scrypt$N$r$p$salt$hash` for `password`."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=_LEN)
    return f"scrypt${_N}${_R}${_P}${_b64(salt)}${_b64(digest)}"


def verify(password: str, verifier: str) -> bool:
    """True when `password` matches; False for a wrong password or a malformed verifier."""
    try:
        scheme, n, r, p, salt, digest = verifier.split("$")
        if scheme != "scrypt" or len(password) > PASSWORD_MAX:
            return False
        expected = base64.b64decode(digest)
        got = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r),
                             p=int(p), dklen=len(expected), maxmem=64 * 1024 * 1024)
    except (ValueError, TypeError):  # not a verifier we made: no match, never an exception at sign-in
        return False
    return hmac.compare_digest(got, expected)


def new_password(length: int = 10) -> str:
    """A one-time initial password: printed once, stored only as its verifier."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))
