"""Encryption of tipsters' names and phone numbers, and hashing of claim PINs and staff passwords."""

from __future__ import annotations

import logging
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.fernet import Fernet, InvalidToken, MultiFernet

log = logging.getLogger(__name__)
# Argon2id with the library's defaults (RFC 9106 low-memory profile).
hasher = PasswordHasher()


def load_cipher(configured: str | None, env: str, instance_path: str) -> MultiFernet:
    """Keys from TIPS_ENCRYPTION_KEY (comma-separated, newest first, for rotation).

    Production refuses to run without one; development creates instance/tips_key so a fresh
    checkout works, and the key never sits in the repository.
    """
    if not configured:
        if env == "production":
            raise RuntimeError(
                "TIPS_ENCRYPTION_KEY must be set when CLEANAIR_ENV=production "
                "(generate one with: python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')"
            )
        key_file = Path(instance_path) / "tips_key"
        if not key_file.exists():
            key_file.write_text(Fernet.generate_key().decode())
            key_file.chmod(0o600)
            log.warning("created a development encryption key for tip personal data in %s", key_file)
        configured = key_file.read_text().strip()
    try:
        return MultiFernet([Fernet(k.strip().encode()) for k in configured.split(",") if k.strip()])
    except (ValueError, TypeError) as exc:
        raise RuntimeError("TIPS_ENCRYPTION_KEY is not a valid Fernet key (32 url-safe base64 bytes)") from exc


def encrypt(cipher: MultiFernet, text: str | None) -> bytes | None:
    return cipher.encrypt(text.encode("utf-8")) if text else None


def decrypt(cipher: MultiFernet, token: bytes | None) -> str | None:
    if not token:
        return None
    try:
        return cipher.decrypt(token).decode("utf-8")
    except InvalidToken:
        return None  # a key was lost or rotated away: say "unreadable", never crash the desk


def hash_secret(secret: str) -> str:
    return hasher.hash(secret)


def verify_secret(stored: str | None, secret: str) -> bool:
    if not stored:
        return False
    try:
        return hasher.verify(stored, secret)
    except (VerificationError, InvalidHashError):
        return False


# Verifying against this when the account does not exist keeps login time the same either way.
DUMMY_HASH = hasher.hash("not-a-real-password")
