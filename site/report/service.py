"""Tips service: submission, look-up, staff actions, statistics and retention.

Views call these functions; they hold no request logic. Public functions never return personal
data unless their name says so (`contact_details`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from cryptography.fernet import MultiFernet
from flask import current_app
from sqlalchemy import func, insert, literal, or_, select, union_all
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from .. import clock
from ..clock import UTCDateTime
from ..domain.opendata import Column
from ..domain.tips import codes, geo
from ..domain.tips import states as st
from ..domain.tips.categories import Category, suggested_bodies
from ..domain.tips.images import CleanImage
from ..domain.tips.stats import month_starts, stats_from_counts
from ..extensions import db
from ..services import plan
from . import secrets_
from .models import Tip, TipEvent, TipPhoto
from .storage import PhotoStorage

def now() -> datetime:
    """The current instant (aware UTC, to the second): how every tip timestamp is stored."""
    return clock.now_utc()


def typed_now() -> str:
    """The value a datetime-local field shows for "now": Suzhou wall-clock time, to the minute."""
    return clock.to_local(now()).strftime("%Y-%m-%dT%H:%M")


@dataclass
class TipsRuntime:
    categories: tuple[Category, ...]
    cipher: MultiFernet
    storage: PhotoStorage
    boundaries: dict | None = None
    boundaries_path: Path | None = None
    category_index: dict[str, Category] = field(default_factory=dict)
    # (register version, public statistics) of this process (see stats()), and the tips per
    # month of the months already over ((first tip, current month's start), counts).
    stats_cache: tuple[int, dict] | None = None
    closed_months: tuple[tuple[datetime, datetime], dict[str, int]] | None = None

    def __post_init__(self) -> None:
        self.category_index = {c.slug: c for c in self.categories}


def runtime() -> TipsRuntime:
    return current_app.extensions["cleanair_tips"]


def categories(active_only: bool = True) -> list[Category]:
    return [c for c in runtime().categories if c.active or not active_only]


def category(slug: str | None) -> Category | None:
    return runtime().category_index.get(slug or "")


def lead_bodies(category_slug: str) -> tuple[str, ...]:
    cat = category(category_slug)
    if cat is None:
        return ()
    bodies = suggested_bodies(cat, plan())
    best = [b.slug for b in bodies if b.role == bodies[0].role] if bodies else []
    return tuple(best)


# --- submission ---------------------------------------------------------------------------


@dataclass(frozen=True)
class NewTip:
    """A validated submission (the form has already checked every field)."""

    submission_key: str
    category: str
    district: str | None
    address: str
    lat: float | None
    lon: float | None
    location_source: str
    occurred_at: datetime
    description: str
    polluter: str
    identity: str
    claim_pin: str | None
    name: str | None
    phone: str | None
    not_staff: bool
    locale: str


def find_duplicates(
    category_slug: str,
    lat: float | None,
    lon: float | None,
    district: str | None,
    address: str,
    occurred_at: datetime,
    exclude_id: int | None = None,
) -> list[tuple[Tip, float | None]]:
    """Tips of the same category within 200 m (or at the same address) and 48 hours."""
    window = geo.DUPLICATE_WINDOW
    q = select(Tip).where(
        Tip.category == category_slug,
        Tip.occurred_at >= occurred_at - window,
        Tip.occurred_at <= occurred_at + window,
    )
    conditions = []
    if lat is not None and lon is not None:
        s, w, n, e = geo.bounding_box(lat, lon, geo.DUPLICATE_RADIUS_M)
        conditions.append(Tip.lat.between(s, n) & Tip.lon.between(w, e))
    if district and address:
        conditions.append(Tip.district == district)
    if not conditions:
        return []
    tips = db.session.scalars(q.where(or_(*conditions)).limit(200)).all()
    by_id = {t.id: t for t in tips}
    new = geo.Located(exclude_id or -1, category_slug, lat, lon, district, address, occurred_at)
    located = [geo.Located(t.id, t.category, t.lat, t.lon, t.district, t.address, t.occurred_at) for t in tips]
    return [(by_id[c.id], d) for c, d in geo.duplicate_candidates(new, located)]


@dataclass(frozen=True)
class StoredPhoto:
    key: str
    content_type: str
    width: int
    height: int
    size: int


def store_photos(images: Iterable[CleanImage]) -> list[StoredPhoto]:
    storage = runtime().storage
    return [
        StoredPhoto(storage.save(img.data, img.extension), img.content_type, img.width, img.height, len(img.data))
        for img in images
    ]


def discard_photos(keys: Iterable[str]) -> None:
    storage = runtime().storage
    for key in keys:
        storage.delete(key)


def submit(new: NewTip, photos: list[StoredPhoto]) -> tuple[Tip, bool]:
    """Commit the tip (and its already stored photos); returns (tip, created).

    Posting the same form twice returns the first tip: nothing is duplicated.
    """
    rt = runtime()
    existing = db.session.scalar(select(Tip).where(Tip.submission_key == new.submission_key))
    if existing is not None:
        discard_photos(p.key for p in photos)
        return existing, False
    stamp = now()
    for _attempt in range(5):
        tip = Tip(
            code=codes.new_code(),
            submission_key=new.submission_key,
            category=new.category,
            district=new.district,
            address=new.address,
            lat=new.lat,
            lon=new.lon,
            location_source=new.location_source,
            occurred_at=new.occurred_at,
            submitted_at=stamp,
            description=new.description,
            polluter=new.polluter,
            identity=new.identity,
            claim_pin_hash=secrets_.hash_secret(new.claim_pin) if new.claim_pin else None,
            name_enc=secrets_.encrypt(rt.cipher, new.name),
            phone_enc=secrets_.encrypt(rt.cipher, new.phone),
            not_staff=new.not_staff,
            consent_at=stamp,
            locale=new.locale,
            status=st.SUBMITTED,
        )
        tip.photos = [
            TipPhoto(storage_key=p.key, content_type=p.content_type, width=p.width, height=p.height, size=p.size)
            for p in photos
        ]
        tip.events = [TipEvent(at=stamp, actor="citizen", action="submitted", to_value=st.SUBMITTED, note="", public=True)]
        db.session.add(tip)
        try:
            db.session.commit()
            return tip, True
        except IntegrityError:
            db.session.rollback()
            again = db.session.scalar(select(Tip).where(Tip.submission_key == new.submission_key))
            if again is not None:  # the same form, committed by a parallel request
                discard_photos(p.key for p in photos)
                return again, False
            # otherwise the random code collided (about 1 in 10^17): draw another
    discard_photos(p.key for p in photos)
    raise RuntimeError("could not store the tip")


def by_submission_key(key: str) -> Tip | None:
    return db.session.scalar(select(Tip).where(Tip.submission_key == key))


def get_by_code(code: str) -> Tip | None:
    canonical = codes.normalise(code)
    if canonical is None:
        return None
    return db.session.scalar(select(Tip).where(Tip.code == canonical))


def public_status(tip: Tip) -> dict:
    """What anyone holding the code may see: never name, phone, photos, exact place or notes."""
    return {
        "code": codes.grouped(tip.code),
        "category": tip.category,
        "district": tip.district,
        "occurred_on": clock.local_date(tip.occurred_at),
        "submitted_on": clock.local_date(tip.submitted_at),
        "status": tip.status,
        "rejection_reason": tip.rejection_reason,
        "reward_status": tip.reward_status,
        "identity": tip.identity,
        "duplicate_of_earlier_tip": tip.cluster_id is not None,
        "history": [
            {"date": clock.local_date(e.at), "action": e.action, "to": e.to_value}
            for e in tip.events
            if e.public
        ],
    }


def claim(tip: Tip, pin: str, name: str, phone: str) -> bool:
    """An anonymous tipster comes forward with the claim PIN; the tip becomes real-name."""
    if tip.identity != "anonymous" or tip.personal_data_purged_at or not secrets_.verify_secret(tip.claim_pin_hash, pin):
        return False
    rt = runtime()
    tip.identity = "real_name"
    tip.name_enc = secrets_.encrypt(rt.cipher, name)
    tip.phone_enc = secrets_.encrypt(rt.cipher, phone)
    tip.claim_pin_hash = None  # used once
    _log(tip, "citizen", "claimed", "anonymous", "real_name", "", public=True)
    db.session.commit()
    return True


# --- staff actions ---------------------------------------------------------------------------


def _log(tip: Tip, actor: str, action: str, old: str | None, new: str | None, note: str, public: bool = False) -> None:
    db.session.add(TipEvent(tip=tip, at=now(), actor=actor, action=action, from_value=old, to_value=new, note=note or "", public=public))


def _first_action(tip: Tip) -> None:
    if tip.first_action_at is None:
        tip.first_action_at = now()
        tip.first_action_wait = int((tip.first_action_at - tip.submitted_at).total_seconds())


def change_status(tip: Tip, actor: str, new: str, reason: str | None = None, note: str = "") -> None:
    st.check_transition(tip.status, new, reason)
    old = tip.status
    tip.status = new
    tip.rejection_reason = reason if new == st.REJECTED else None
    if new in st.CLOSED_STATES:
        tip.closed_at = now()
    _first_action(tip)
    _log(tip, actor, "status", old, new, (f"[{reason}] " if reason else "") + note, public=True)
    db.session.commit()


def reward_approved_by(tip: Tip) -> str | None:
    """Who set the reward to approved most recently (from the tip's audit log)."""
    approvals = [e for e in tip.events if e.action == "reward" and e.to_value == st.REWARD_APPROVED]
    return approvals[-1].actor if approvals else None


def change_reward(tip: Tip, actor: str, new: str, note: str = "") -> None:
    st.check_reward_transition(tip.status, tip.reward_status, new, tip.identity, tip.cluster_id is None, actor=actor,
                               approved_by=reward_approved_by(tip),
                               two_person=bool(current_app.config.get("TIPS_REWARD_TWO_PERSON", True)),
                               rewards_apply=current_app.extensions["cleanair_tip_policy"].rewards)
    if new == st.REWARD_PENDING and not tip.not_staff:
        raise st.TransitionError(st.N_("the tipster did not declare that they are not agency staff or a relative"))
    old = tip.reward_status
    tip.reward_status = new
    _first_action(tip)
    _log(tip, actor, "reward", old, new, note, public=True)
    db.session.commit()


def route(tip: Tip, actor: str, body: str, note: str = "") -> None:
    if plan().department(body) is None:
        raise st.TransitionError(st.N_("unknown responsible body %(body)s"), body=body)
    old = tip.routed_to
    tip.routed_to = body
    _first_action(tip)
    _log(tip, actor, "routed", old, body, note)
    db.session.commit()


def add_note(tip: Tip, actor: str, note: str) -> None:
    _log(tip, actor, "note", None, None, note)
    db.session.commit()


def merge(tip: Tip, into: Tip, actor: str, note: str = "") -> None:
    """Put `tip` in the cluster of `into`; the earliest submission stays the cluster's head."""
    if tip.id == into.id:
        raise st.TransitionError(st.N_("a tip cannot be merged into itself"))
    head = db.session.get(Tip, into.cluster_id) if into.cluster_id else into
    if head.id == tip.id:
        raise st.TransitionError(st.N_("that tip is already in this tip's cluster"))
    members = [tip, *db.session.scalars(select(Tip).where(Tip.cluster_id == tip.id)).all()]
    everyone = [head, *db.session.scalars(select(Tip).where(Tip.cluster_id == head.id)).all(), *members]
    first = min(everyone, key=lambda t: (t.submitted_at, t.id))
    for t in everyone:
        new_cluster = None if t.id == first.id else first.id
        if t.cluster_id != new_cluster:
            _log(t, actor, "cluster", str(t.cluster_id or ""), str(new_cluster or ""), note)
            t.cluster_id = new_cluster
    _first_action(tip)
    db.session.commit()


def cluster_members(tip: Tip) -> list[Tip]:
    head_id = tip.cluster_id or tip.id
    return list(
        db.session.scalars(select(Tip).where(or_(Tip.id == head_id, Tip.cluster_id == head_id)).order_by(Tip.submitted_at, Tip.id))
    )


def redact(tip: Tip, actor: str, description: str, polluter: str, note: str = "") -> None:
    """The shown text changes; the citizen's original stays in its own column for admins."""
    tip.description_redacted = description
    tip.polluter_redacted = polluter
    _log(tip, actor, "redacted", None, None, note)
    db.session.commit()


def contact_details(tip: Tip, actor: str) -> tuple[str | None, str | None]:
    """Decrypt name and phone for one staff member, and record that they were shown."""
    rt = runtime()
    name, phone = secrets_.decrypt(rt.cipher, tip.name_enc), secrets_.decrypt(rt.cipher, tip.phone_enc)
    if name or phone:
        _log(tip, actor, "personal_data_viewed", None, None, "")
        db.session.commit()
    return name, phone


def photo_viewed(tip: Tip, actor: str, photo_id: int) -> None:
    _log(tip, actor, "photo_viewed", None, str(photo_id), "")
    db.session.commit()


def masked_contact(tip: Tip) -> tuple[str, str]:
    from ..domain.tips.privacy import mask_name, mask_phone

    rt = runtime()
    return mask_name(secrets_.decrypt(rt.cipher, tip.name_enc)), mask_phone(secrets_.decrypt(rt.cipher, tip.phone_enc))


# --- statistics, export, retention -----------------------------------------------------------


def register_version() -> int:
    """Changes whenever the tip register does: every change to a tip (a new tip, a status,
    routing, a merge, a purge) writes an event to the append-only audit log, whose ids only grow."""
    return db.session.scalar(select(func.max(TipEvent.id))) or 0


def stats() -> dict:
    """The public statistics, grouped in the database and computed once per register version
    in each process (a page anyone can request again and again costs a look-up of that version)."""
    rt = runtime()
    version = register_version()
    cached = rt.stats_cache
    if cached is not None and cached[0] == version:
        return cached[1]
    data = _grouped_stats()
    rt.stats_cache = (version, data)
    return data


def forget_cached_stats() -> None:
    """After tips were removed or changed behind the site's back (tests clearing tables)."""
    rt = runtime()
    rt.stats_cache = rt.closed_months = None


def _public(q):
    # Every state is public today; should one be hidden, the counts follow (more slowly).
    return q if st.PUBLIC_STATES == frozenset(st.STATES) else q.where(Tip.status.in_(st.PUBLIC_STATES))


def _month_counts(starts: list[tuple[str, datetime]]) -> dict[str, int]:
    """Tips received between consecutive month starts: ranges of the submitted_at index."""
    ranges = [_public(select(literal(label), func.count()).where(Tip.submitted_at >= a, Tip.submitted_at < b))
              for (label, a), (_next, b) in zip(starts, starts[1:])]
    if not ranges:
        return {}
    return {label: n for label, n in db.session.execute(union_all(*ranges) if len(ranges) > 1 else ranges[0])}


def _months(total: int) -> dict[str, int]:
    """Tips per Suzhou calendar month. Months before the current one only change if a tip is
    removed or back-dated, which the site never does: they are kept per process and only the
    current month is counted; should the months not add up to `total`, all are counted again."""
    first = db.session.scalar(_public(select(func.min(Tip.submitted_at))))  # min() alone: one index step
    if first is None:
        return {}
    last = db.session.scalar(_public(select(func.max(Tip.submitted_at))))
    zone = clock.site_zone()
    starts = month_starts(first, max(last, now()), zone)
    current = month_starts(now(), now(), zone)[0][1]
    rt = runtime()
    closed = rt.closed_months
    if closed is None or closed[0] != (first, current):
        closed = ((first, current), _month_counts([s for s in starts if s[1] <= current]))
        rt.closed_months = closed
    months = {**closed[1], **_month_counts([s for s in starts if s[1] >= current])}
    if sum(months.values()) != total:
        rt.closed_months = None
        months = _month_counts(starts)
    return {label: n for label, n in months.items() if n}


def _grouped_stats() -> dict:
    """Narrow queries, each answered from an index alone: (routed_to, category), (status,
    district), tips per Suzhou calendar month (counted between the instants months begin), and
    the count and median of the waits until a first staff action."""
    route_category = db.session.execute(_public(
        select(Tip.routed_to, Tip.category, func.count()).group_by(Tip.routed_to, Tip.category))).all()
    status_district = db.session.execute(_public(
        select(Tip.status, Tip.district, func.count()).group_by(Tip.status, Tip.district))).all()
    total = sum(n for _status, _district, n in status_district)
    months = _months(total)
    wait = Tip.first_action_wait
    counted = db.session.scalar(_public(select(func.count(wait)).where(wait.is_not(None)))) or 0
    median = None
    if counted:
        middle = db.session.scalars(_public(select(wait).where(wait.is_not(None))).order_by(wait)
                                    .limit(2 - counted % 2).offset((counted - 1) // 2)).all()
        median = sum(middle) / len(middle)
    leads = {c.slug: lead_bodies(c.slug) for c in categories(active_only=False)}
    return stats_from_counts(route_category, status_district, months, leads, counted, median)


def tip_counts_by_district() -> dict[str, int]:
    """Tips per district slug (publicly visible states only, counts only) for the maps layer:
    the public statistics' figures, computed once per register version."""
    return {district: n for district, n in stats()["by_district"].items() if district}


EXPORT_FIELDS = (
    "code", "category", "district", "lat_approx", "lon_approx", "occurred_at", "submitted_at", "status",
    "rejection_reason", "reward_status", "routed_to", "cluster_of", "identity", "photos", "first_action_at", "closed_at",
)
# Personal data: the tipster's name and phone, and the typed address and exact point (they may be
# the tipster's home). Exported only on request, by an admin, and recorded in each tip's log.
PERSONAL_FIELDS = ("address", "lat", "lon", "name", "phone")
EXPORT_BATCH = 1000
EXPORT_COLUMNS = tuple(Column(f, "string", f, f) for f in EXPORT_FIELDS)
PERSONAL_COLUMNS = tuple(Column(f, "string", f, f) for f in PERSONAL_FIELDS)


def _has_personal_data():
    return or_(Tip.name_enc.is_not(None), Tip.phone_enc.is_not(None), Tip.address != "", Tip.lat.is_not(None))


def export_rows(include_personal: bool = False) -> Iterator[dict]:
    """Every tip as a flat row, oldest first, read in batches (a streamed download never holds the
    register in memory). Without `include_personal` only a point rounded to about 1 km is given."""
    head = aliased(Tip)
    photos = select(TipPhoto.tip_id, func.count().label("n")).group_by(TipPhoto.tip_id).subquery()
    cols = [Tip.code, Tip.category, Tip.district, Tip.lat, Tip.lon, Tip.occurred_at, Tip.submitted_at, Tip.status,
            Tip.rejection_reason, Tip.reward_status, Tip.routed_to, head.code.label("head_code"), Tip.identity,
            func.coalesce(photos.c.n, 0).label("photos"), Tip.first_action_at, Tip.closed_at]
    if include_personal:
        cols += [Tip.address, Tip.name_enc, Tip.phone_enc]
    q = (select(*cols).outerjoin(head, head.id == Tip.cluster_id).outerjoin(photos, photos.c.tip_id == Tip.id)
         .order_by(Tip.id).execution_options(yield_per=EXPORT_BATCH))
    cipher = runtime().cipher
    for r in db.session.execute(q):
        rough = geo.rough_point(r.lat, r.lon) if r.lat is not None and r.lon is not None else (None, None)
        row = {
            "code": codes.grouped(r.code), "category": r.category, "district": r.district,
            "lat_approx": rough[0], "lon_approx": rough[1], "occurred_at": r.occurred_at, "submitted_at": r.submitted_at,
            "status": r.status, "rejection_reason": r.rejection_reason, "reward_status": r.reward_status,
            "routed_to": r.routed_to, "cluster_of": codes.grouped(r.head_code) if r.head_code else "",
            "identity": r.identity, "photos": r.photos, "first_action_at": r.first_action_at, "closed_at": r.closed_at,
        }
        if include_personal:
            row.update(address=r.address, lat=r.lat, lon=r.lon, name=secrets_.decrypt(cipher, r.name_enc),
                       phone=secrets_.decrypt(cipher, r.phone_enc))
        yield row


def record_personal_export(actor: str) -> int:
    """One `personal_data_exported` event in the log of every tip with personal data, written in
    one statement before the download starts; returns how many tips. Commits."""
    stamp = now()
    src = select(Tip.id, literal(stamp, UTCDateTime()), literal(actor), literal("personal_data_exported"),
                 literal(""), literal(False)).where(_has_personal_data())
    result = db.session.execute(insert(TipEvent).from_select(["tip_id", "at", "actor", "action", "note", "public"], src))
    db.session.commit()
    return int(result.rowcount or 0)


def purge(retention_days: int, at: datetime | None = None) -> dict[str, int]:
    """Remove personal data and photos of tips closed more than `retention_days` ago.

    Kept for the statistics: category, district, dates, states, routing. The exact point is
    rounded to about 1 km and the typed address removed, since it may be the tipster's home.
    """
    cutoff = (at or now()) - timedelta(days=retention_days)
    q = select(Tip).where(
        Tip.closed_at.is_not(None),
        Tip.closed_at < cutoff,
        Tip.personal_data_purged_at.is_(None),
        or_(Tip.reward_status.is_(None), Tip.reward_status.in_(st.CLOSED_REWARD_STATES)),
    )
    storage = runtime().storage
    counts = {"tips": 0, "photos": 0}
    for tip in db.session.scalars(q).all():
        for photo in list(tip.photos):
            storage.delete(photo.storage_key)
            db.session.delete(photo)
            counts["photos"] += 1
        tip.name_enc = tip.phone_enc = tip.claim_pin_hash = None
        tip.address = ""
        if tip.lat is not None and tip.lon is not None:
            tip.lat, tip.lon = geo.rough_point(tip.lat, tip.lon)
        tip.personal_data_purged_at = now()
        _log(tip, "system", "personal_data_purged", None, None, f"retention {retention_days} days")
        counts["tips"] += 1
    db.session.commit()
    return counts
