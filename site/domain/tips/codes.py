"""Tracking codes: random, unguessable, and easy to read aloud over the phone.

Crockford's base32 alphabet without the characters people confuse (0/O, 1/I/L) and without U:
30 symbols; 12 of them carry about 59 bits of randomness, shown as three groups of four.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 12
GROUP = 4
_VALID = re.compile(f"^[{ALPHABET}]{{{LENGTH}}}$")


def new_code() -> str:
    """A fresh code in its canonical (ungrouped) form."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(text: str) -> str | None:
    """A typed or spoken code back to canonical form; None if it cannot be one of ours."""
    cleaned = re.sub(r"[\s\-_.]", "", text or "").upper()
    return cleaned if _VALID.match(cleaned) else None


def grouped(code: str) -> str:
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))
