"""Checks and masks for personal data (name, mainland mobile number, claim PIN)."""

from __future__ import annotations

import re

MOBILE = re.compile(r"^1[3-9]\d{9}$")
PIN = re.compile(r"^\d{6}$")


def normalise_mobile(text: str) -> str | None:
    """A mainland mobile number as 11 digits (spaces, dashes and +86 allowed); None if not one."""
    digits = re.sub(r"[\s\-()]", "", text or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    return digits if MOBILE.match(digits) else None


def valid_pin(text: str) -> bool:
    return bool(PIN.match(text or ""))


def weak_pin(pin: str) -> bool:
    """PINs anyone would try first (all same digit, runs) are refused."""
    return len(set(pin)) == 1 or pin in "0123456789" or pin in "9876543210"


def mask_name(name: str | None) -> str:
    if not name:
        return ""
    name = name.strip()
    if len(name) <= 1:
        return "*"
    return name[0] + "*" * min(len(name) - 1, 3)


def mask_phone(phone: str | None) -> str:
    if not phone:
        return ""
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 8 else "*" * len(phone)
