"""The explicit vocabulary of tip states and reward states, and the only transitions allowed."""

from __future__ import annotations

SUBMITTED = "submitted"
ACCEPTED = "accepted"
REJECTED = "rejected"
INVESTIGATING = "investigating"
VERIFIED = "verified"
NOT_VERIFIED = "not_verified"
STATES = (SUBMITTED, ACCEPTED, REJECTED, INVESTIGATING, VERIFIED, NOT_VERIFIED)

TRANSITIONS: dict[str, tuple[str, ...]] = {
    SUBMITTED: (ACCEPTED, REJECTED),
    ACCEPTED: (INVESTIGATING, REJECTED),
    INVESTIGATING: (VERIFIED, NOT_VERIFIED),
    REJECTED: (),
    VERIFIED: (),
    NOT_VERIFIED: (),
}
CLOSED_STATES = frozenset({REJECTED, VERIFIED, NOT_VERIFIED})
OPEN_STATES = frozenset(STATES) - CLOSED_STATES
# Every state is public for the tip's own status page and the statistics; personal data never is.
PUBLIC_STATES = frozenset(STATES)

REJECTION_REASONS = ("out_of_scope", "insufficient_evidence", "duplicate", "already_known")

REWARD_NONE = None
REWARD_PENDING = "reward_pending"
REWARD_APPROVED = "reward_approved"
REWARD_PAID = "reward_paid"
REWARD_DECLINED = "reward_declined"
REWARD_STATES = (REWARD_PENDING, REWARD_APPROVED, REWARD_PAID, REWARD_DECLINED)
REWARD_TRANSITIONS: dict[str | None, tuple[str, ...]] = {
    None: (REWARD_PENDING,),
    REWARD_PENDING: (REWARD_APPROVED, REWARD_DECLINED),
    REWARD_APPROVED: (REWARD_PAID, REWARD_DECLINED),
    REWARD_PAID: (),
    REWARD_DECLINED: (),
}
CLOSED_REWARD_STATES = frozenset({REWARD_PAID, REWARD_DECLINED})


def N_(message: str) -> str:
    """Marks a message for the catalog (Babel extracts N_) without translating it here: the
    domain has no locale; the staff desk translates `TransitionError.message` for the reader."""
    return message


class TransitionError(ValueError):
    """A state change the vocabulary does not allow (the message says which and why).

    `message` is an English catalog msgid with %(name)s placeholders and `params` their values
    (state codes, slugs), so the desk can show it in the reader's language with labels.
    """

    def __init__(self, message: str, **params: str | None) -> None:
        super().__init__(message % params if params else message)
        self.message, self.params = message, params


class TwoPersonRuleError(TransitionError):
    """A reward paid by the same person who approved it (the two-person rule)."""


def check_transition(current: str, new: str, reason: str | None = None) -> None:
    if new not in STATES:
        raise TransitionError(N_("unknown state %(new)s"), new=new)
    if new not in TRANSITIONS.get(current, ()):
        raise TransitionError(N_("cannot go from %(current)s to %(new)s"), current=current, new=new)
    if new == REJECTED and reason not in REJECTION_REASONS:
        raise TransitionError(N_("a rejection needs a reason"))
    if new != REJECTED and reason:
        raise TransitionError(N_("a reason is only given with a rejection"))


def check_reward_transition(status: str, reward: str | None, new: str, identity: str, is_primary: bool, *,
                            actor: str | None = None, approved_by: str | None = None,
                            two_person: bool = True, rewards_apply: bool = True) -> None:
    """Rewards start only for verified, real-name tips that are first in their cluster; with the
    two-person rule (on unless switched off), the payment is confirmed by someone other than the
    staff member who approved the reward, so nobody takes a tip from received to paid alone.
    Where the deployment pays no rewards (TIPS_REWARDS off), no reward state can be recorded."""
    if not rewards_apply:
        raise TransitionError(N_("this site's operator pays no rewards, so no reward can be recorded"))
    if new not in REWARD_STATES:
        raise TransitionError(N_("unknown reward state %(new)s"), new=new)
    if new not in REWARD_TRANSITIONS.get(reward, ()):
        raise TransitionError(N_("cannot go from reward state %(current)s to %(new)s"), current=reward, new=new)
    if new == REWARD_PENDING:
        if status != VERIFIED:
            raise TransitionError(N_("a reward can only be considered once the tip is verified"))
        if identity != "real_name":
            raise TransitionError(N_("anonymous tips are not eligible for a reward until the tipster comes forward"))
        if not is_primary:
            raise TransitionError(N_("only the first reporter in a cluster can receive the reward"))
    if new == REWARD_PAID and two_person and (approved_by is None or approved_by == actor):
        raise TwoPersonRuleError(N_("the payment must be confirmed by a staff member other than the one who approved the reward"))


def allowed_next(current: str) -> tuple[str, ...]:
    return TRANSITIONS.get(current, ())


def allowed_reward_next(reward: str | None) -> tuple[str, ...]:
    return REWARD_TRANSITIONS.get(reward, ())
