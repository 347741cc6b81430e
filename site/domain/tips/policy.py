"""Who receives a tip, whether it is an official report, and whether a reward can follow.

One deployment setting, read once at start-up, that every page states in the same words
(templates/report/_policy.html): the home page, the form, the rules, the privacy notice, the
receipt and the status page. The defaults are those of an independent site: tips go to the site
itself, they are not official reports, no reward is paid for them by anyone, and the official
channels (12369, 12345) are named instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

DEFAULT_CHANNEL_ZH = "12369 生态环境违法行为举报热线（或其网上举报平台），或 12345 政务服务便民热线"
DEFAULT_CHANNEL_EN = ("the 12369 environmental violation hotline (or its online reporting platform), "
                      "or the 12345 government service hotline")


class PolicyError(ValueError):
    """A combination of settings that would make the site promise something untrue."""


@dataclass(frozen=True)
class TipPolicy:
    operator_zh: str  # who receives tips; empty: this site itself (an independent project)
    operator_en: str
    official: bool  # tips sent here are official reports to the authority named as operator
    rewards: bool  # rewards under Jiangsu's rules can follow a tip sent here (paid by the operator)
    channel_zh: str  # the official channel to use otherwise
    channel_en: str
    response_days: int  # staff aim to act on a new tip within this many days (staff desk)

    @property
    def independent(self) -> bool:
        return not self.official


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value or "").strip().lower() in ("1", "true", "yes", "on")


def from_config(cfg: Mapping[str, Any]) -> TipPolicy:
    """The policy from TIPS_OPERATOR_ZH/_EN, TIPS_OFFICIAL, TIPS_REWARDS, TIPS_OFFICIAL_CHANNEL_ZH/_EN,
    TIPS_RESPONSE_DAYS; refuses combinations that would promise what no one delivers."""
    policy = TipPolicy(
        operator_zh=str(cfg.get("TIPS_OPERATOR_ZH") or "").strip(),
        operator_en=str(cfg.get("TIPS_OPERATOR_EN") or "").strip(),
        official=_flag(cfg.get("TIPS_OFFICIAL")),
        rewards=_flag(cfg.get("TIPS_REWARDS")),
        channel_zh=str(cfg.get("TIPS_OFFICIAL_CHANNEL_ZH") or DEFAULT_CHANNEL_ZH).strip(),
        channel_en=str(cfg.get("TIPS_OFFICIAL_CHANNEL_EN") or DEFAULT_CHANNEL_EN).strip(),
        response_days=int(cfg.get("TIPS_RESPONSE_DAYS") or 7),
    )
    if policy.rewards and not policy.official:
        raise PolicyError("TIPS_REWARDS=1 needs TIPS_OFFICIAL=1: rewards under Jiangsu's rules follow only "
                          "official reports, so a site that is not an official channel cannot promise them")
    if policy.official and not (policy.operator_zh and policy.operator_en):
        raise PolicyError("TIPS_OFFICIAL=1 needs TIPS_OPERATOR_ZH and TIPS_OPERATOR_EN: the authority that "
                          "receives the reports, named on every page that takes or describes a tip")
    if policy.response_days < 1:
        raise PolicyError("TIPS_RESPONSE_DAYS must be a whole number of days, at least 1")
    return policy


@dataclass(frozen=True)
class ResponseDue:
    """Where a tip stands against the response deadline (staff queue)."""

    deadline: datetime
    answered_at: datetime | None  # the first staff action (accept, decline, route, note…)
    late: bool  # answered after the deadline, or still unanswered past it
    days_left: int  # whole days until the deadline (negative: whole days past it); 0 for answered tips


def response_due(submitted_at: datetime, first_action_at: datetime | None, now: datetime, days: int) -> ResponseDue:
    """The deadline is `days` after the tip was received; a tip is late when nobody acted on it by then."""
    deadline = submitted_at + timedelta(days=days)
    if first_action_at is not None:
        return ResponseDue(deadline, first_action_at, first_action_at > deadline, 0)
    left = deadline - now
    whole = left.days if left >= timedelta(0) else -((-left).days)  # whole days, towards zero
    return ResponseDue(deadline, None, now > deadline, whole)
