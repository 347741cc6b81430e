"""Target status: one function decides a target's status and the one value it rests on.

Every surface — the home card, /targets, the target page, /targets.json and .csv, the embed and
the share image — shows what `assess` returns: the status, the value it was computed from, a
running (part-period) value kept apart, and one explanation in Chinese and English. So they
cannot disagree. Indicator values come from data/indicators/values.csv and the air engine
today, and from published progress records later; all of them go through `assess`.

Rules:
1. Values dated after `today` are ignored.
2. A running value (period `year_to_date`) never decides a status: it is returned as `running`
   and shown apart, labelled with its period and day count.
3. Deadline passed (today after the deadline): `achieved` or `missed` only on a value for the
   deadline's period — a full-year value of the deadline's year, or a value dated on the
   deadline; for `complete` targets also a "done" value dated on or before it. Without one the
   status is `deadline_passed_no_data`, whatever older values say.
4. Otherwise the basis is the latest final value (on equal dates the later one in the list).
   None: `no_data`. Met: `achieved` when it covers the deadline's period, when a `complete`
   target is done, when a full-year value meets a target without a deadline, or a full-year
   value of a plan year meets a yearly target; else `on_track`. Not met: `missed` for a plan
   year of a yearly target, else `off_track`.
5. "Met" reads the comparator as the plan's Chinese does (domain.plan.quote_comparators):
   at_most ≤, below <, at_least / reach ≥ (左右 targets judged on the nominal figure),
   complete: value ≥ 1. reduce_by_pct / increase_by_pct / double: with a baseline_value the
   value is the level and the change is computed; without one (the plan gives none) the value
   is the change itself (% reduction, % increase, ratio to the baseline year).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from babel.dates import format_date
from babel.numbers import format_decimal

from .plan import IndicatorValue, Target

STATUSES = ("achieved", "on_track", "off_track", "missed", "deadline_passed_no_data", "no_data")
# Status names are data, like the plan's role words: (Chinese, English).
STATUS_NAMES = {
    "achieved": ("已实现", "Achieved"),
    "on_track": ("进展正常", "On track"),
    "off_track": ("进展滞后", "Off track"),
    "missed": ("未实现", "Missed"),
    "deadline_passed_no_data": ("期限已过，无发布值", "Deadline passed, no published value"),
    "no_data": ("暂无发布数据", "No published data"),
}
RUNNING_PERIODS = frozenset({"year_to_date"})
_LOCALES = {"zh": "zh_Hans_CN", "en": "en"}


@dataclass(frozen=True)
class Assessment:
    """A target's status with everything it rests on."""

    status: str
    basis: IndicatorValue | None  # the value the status is computed from: the one "latest value"
    running: IndicatorValue | None  # a later part-period value: shown apart, never decides
    deadline_passed: bool
    pre_plan: bool  # the basis covers a period before the plan's first year
    explanation_zh: str
    explanation_en: str
    basis_period_zh: str
    basis_period_en: str
    running_label_zh: str
    running_label_en: str


def latest(values: list[IndicatorValue]) -> IndicatorValue | None:
    """Most recent value by date; on equal dates the later one in the list wins."""
    best: IndicatorValue | None = None
    for v in values:
        if best is None or v.date >= best.date:
            best = v
    return best


def is_met(target: Target, v: float) -> bool:
    goal, c, base = target.target_value, target.comparator, target.baseline_value
    if c == "complete":
        return v >= 1
    assert goal is not None  # load_plan guarantees a value for every other comparator
    if c == "below":
        return v < goal
    if c == "at_most":
        return v <= goal
    if c in ("at_least", "reach"):
        return v >= goal
    if c == "reduce_by_pct":
        return ((base - v) / base * 100 if base else v) >= goal
    if c == "increase_by_pct":
        return ((v - base) / base * 100 if base else v) >= goal
    if c == "double":
        return (v / base if base else v) >= 2
    raise ValueError(f"unknown comparator {c!r}")


def _covers_deadline(target: Target, v: IndicatorValue, deadline: date) -> bool:
    """Is `v` a value for the deadline's period? (The plan's deadlines are year ends.)"""
    if v.period in RUNNING_PERIODS:
        return False
    if v.period == "year" and v.date.year == deadline.year:
        return True
    if target.comparator == "complete" and v.value >= 1 and v.date <= deadline:
        return True  # done by the deadline stays done
    return v.date == deadline


def assess(target: Target, values: list[IndicatorValue], today: date, start_year: int) -> Assessment:
    """The status of `target` on `today` from its indicator values (rules in the module doc).

    `start_year` is the plan's first year (Plan.start_year): a basis before it is said to be
    from before the plan.
    """
    known = [v for v in values if v.date <= today]
    final = [v for v in known if v.period not in RUNNING_PERIODS]
    newest_final = latest(final)
    running = latest([v for v in known if v.period in RUNNING_PERIODS
                      and (newest_final is None or v.date > newest_final.date)])
    deadline = target.deadline
    passed = deadline is not None and today > deadline
    if passed:
        assert deadline is not None
        covering = latest([v for v in final if _covers_deadline(target, v, deadline)])
        basis = covering or newest_final
        if covering is None:
            status = "deadline_passed_no_data"
        else:
            status = "achieved" if is_met(target, covering.value) else "missed"
    else:
        basis = newest_final
        status = "no_data" if basis is None else _status_before_deadline(target, basis, start_year)
    pre_plan = basis is not None and basis.date.year < start_year
    texts = _Texts(target, basis, running, status, pre_plan, start_year)
    return Assessment(
        status=status, basis=basis, running=running, deadline_passed=passed, pre_plan=pre_plan,
        explanation_zh=texts.explanation("zh"), explanation_en=texts.explanation("en"),
        basis_period_zh=period_text(basis, "zh") if basis else "",
        basis_period_en=period_text(basis, "en") if basis else "",
        running_label_zh=texts.running("zh"), running_label_en=texts.running("en"),
    )


def _status_before_deadline(target: Target, basis: IndicatorValue, start_year: int) -> str:
    full_year = basis.period == "year"
    plan_year = full_year and basis.date.year >= start_year
    if not is_met(target, basis.value):
        return "missed" if target.recurring == "yearly" and plan_year else "off_track"
    if target.comparator == "complete":
        return "achieved"
    if target.deadline is not None:
        return "achieved" if _covers_deadline(target, basis, target.deadline) else "on_track"
    if target.recurring == "yearly":
        return "achieved" if plan_year else "on_track"
    return "achieved" if full_year else "on_track"


# --- wording: one explanation in both languages --------------------------------------------


def number_text(value: float, lang: str, digits: int | None = None) -> str:
    fmt = None if digits is None else ("#,##0." + "0" * digits if digits else "#,##0")
    return format_decimal(value, format=fmt, locale=_LOCALES[lang])


def date_text(value: date, lang: str) -> str:
    return format_date(value, "medium", locale=_LOCALES[lang])


# Units of targets.yaml in Chinese and English; "10k t" (万吨) reads as tonnes in English.
UNIT_NAMES = {
    "µg/m³": ("微克/立方米", "µg/m³"),
    "days": ("天", "days"),
    "vehicles": ("辆", "vehicles"),
    "10k t": ("万吨", "tonnes"),
    "count": ("个", ""),
    "%": ("%", "%"),
}
# Decimals a measured value is shown with; goals are shown as written in the plan.
_UNIT_DIGITS = {"µg/m³": 1}


def value_text(value: float, unit: str | None, lang: str, measured: bool = True) -> str:
    """A value with its unit, read naturally: 8 million tonnes (not 800 ×10,000 t), 1 day, 16万辆."""
    digits = _UNIT_DIGITS.get(unit or "") if measured else None
    if unit == "10k t":  # 万吨: the plan counts freight in units of 10,000 tonnes
        if lang == "zh":
            return f"{number_text(value, lang)}万吨"
        tonnes = value * 10_000
        if tonnes >= 1_000_000:
            return f"{number_text(tonnes / 1_000_000, lang)} million tonnes"
        return f"{number_text(tonnes, lang)} tonnes"
    if lang == "zh":
        if unit == "vehicles" and value >= 10_000 and value % 100 == 0:
            return f"{number_text(value / 10_000, lang)}万辆"
        return number_text(value, lang, digits) + UNIT_NAMES.get(unit or "", ("", ""))[0] if unit else number_text(value, lang, digits)
    number = number_text(value, lang, digits)
    if unit == "days":
        return f"{number} day" if value == 1 else f"{number} days"
    if unit in (None, "count"):
        return number
    if unit == "%":
        return f"{number}%"
    return f"{number} {unit}"


def goal_text(target: Target, lang: str) -> str:
    """The target as a phrase: 'at most 30 µg/m³', '较2020年下降10%'."""
    v = "" if target.target_value is None else value_text(target.target_value, target.unit, lang, measured=False)
    y = target.baseline_year
    zh = lang == "zh"
    phrases = {
        "below": ("低于{v}", "below {v}"),
        "at_most": ("不超过{v}", "at most {v}"),
        "at_least": ("不低于{v}", "at least {v}"),
        "reach": ("达到{v}", "reach {v}"),
        "reduce_by_pct": ("较{y}年下降{v}" if y else "下降{v}", "reduce by {v} vs {y}" if y else "reduce by {v}"),
        "increase_by_pct": ("较{y}年增长{v}" if y else "增长{v}", "increase by {v} vs {y}" if y else "increase by {v}"),
        "double": ("较{y}年翻一番", "double vs {y}"),
        "complete": ("完成", "complete"),
    }[target.comparator]
    text = phrases[0 if zh else 1].format(v=v, y=y or "—")
    if target.approximate:
        text += "（左右／力争）" if zh else " (approximately / striving for)"
    return text


# The comparison a target makes, named (for change histories): (Chinese, English).
COMPARATOR_NAMES = {
    "below": ("低于", "below"), "at_most": ("不超过（含本数）", "at most (bound included)"),
    "at_least": ("不低于（含本数）", "at least (bound included)"), "reach": ("达到", "reach"),
    "reduce_by_pct": ("下降百分比", "reduce by a percentage"), "increase_by_pct": ("增长百分比", "increase by a percentage"),
    "double": ("翻一番", "double"), "complete": ("完成", "complete"),
}
_HALVES = {6: ("上半年", "H1"), 12: ("下半年", "H2")}


def period_text(v: IndicatorValue, lang: str) -> str:
    """The period a value covers: '2018', '2022 up to 4 Jan', 'H1 2019', '31 Dec 2025'."""
    zh = lang == "zh"
    y = v.date.year
    if v.period == "year":
        return f"{y}年" if zh else str(y)
    if v.period == "year_to_date":
        start = date(y, 1, 1)
        if zh:
            return f"{y}年1月1日至{v.date.month}月{v.date.day}日"
        return f"{date_text(start, lang)} – {date_text(v.date, lang)}"
    if v.period == "half_year" and v.date.month in _HALVES:
        half = _HALVES[v.date.month]
        return f"{y}年{half[0]}" if zh else f"{half[1]} {y}"
    if v.period == "quarter":
        q = (v.date.month - 1) // 3 + 1
        return f"{y}年第{q}季度" if zh else f"Q{q} {y}"
    if v.period == "month":
        return f"{y}年{v.date.month}月" if zh else format_date(v.date, "MMMM y", locale="en")
    return date_text(v.date, lang)


def _days(v: IndicatorValue) -> int:
    """Days a running value covers: the days with data where known, else the calendar span."""
    return v.days if v.days is not None else (v.date - date(v.date.year, 1, 1)).days + 1


@dataclass(frozen=True)
class _Texts:
    target: Target
    basis: IndicatorValue | None
    running_value: IndicatorValue | None
    status: str
    pre_plan: bool
    start_year: int

    def explanation(self, lang: str) -> str:
        zh = lang == "zh"
        t, b = self.target, self.basis
        goal = goal_text(t, lang)
        parts: list[str] = []
        if self.status == "deadline_passed_no_data":
            assert t.deadline is not None
            parts.append(
                f"期限（{date_text(t.deadline, lang)}）已过，尚无{t.deadline.year}年的发布值，无法判断目标是否实现。" if zh
                else f"The deadline ({date_text(t.deadline, lang)}) has passed and no value for "
                     f"{t.deadline.year} has been published or imported, so whether the target was met is not known.")
            if b is not None:
                parts.append(self._latest_sentence(b, lang))
        elif b is None:
            parts.append("尚未导入任何已发布的最终值，因此无法计算状态。" if zh
                         else "No final published value has been imported, so no status can be computed.")
        elif self.status in ("achieved", "missed"):
            met = self.status == "achieved"
            when = date_text(b.date, lang)
            if t.comparator == "complete":
                parts.append((f"截至{when}已完成。" if met else f"截至{when}尚未完成。") if zh
                             else (f"Done as of {when}." if met else f"Not done as of {when}."))
            else:
                value, period = value_text(b.value, t.unit, lang), period_text(b, lang)
                parts.append(f"{period}为{value}，{'达到' if met else '未达到'}目标（{goal}）。" if zh
                             else f"{period}: {value}, which {'meets' if met else 'does not meet'} the target ({goal}).")
        else:
            parts.append(self._based_on(b, lang))
            met = self.status in ("on_track", "achieved")
            if zh:
                parts.append(f"该值{'已达到' if met else '未达到'}目标（{goal}）。")
            else:
                parts.append(f"It {'already meets' if met else 'does not meet'} the target ({goal}).")
        if self.running_value is not None:
            parts.append("滚动值单独列出，不用于判断状态。" if zh
                         else "A running value is shown apart and does not decide the status.")
        return "".join(parts) if zh else " ".join(parts)

    def _based_on(self, b: IndicatorValue, lang: str) -> str:
        period = period_text(b, lang)
        full = b.period == "year"
        if lang == "zh":
            what = "最近一个完整年度" if full else "最近一个最终值"
            before = f"（早于行动计划的{self.start_year}年）" if self.pre_plan else ""
            return f"依据{period}{before}，{what}；此后没有更新的发布值。"
        what = "the latest complete year" if full else "the latest final value"
        before = f", before the plan (which starts in {self.start_year})" if self.pre_plan else ""
        return f"Based on {period}{before}, {what}; no later value has been published or imported."

    def _latest_sentence(self, b: IndicatorValue, lang: str) -> str:
        value = value_text(b.value, self.target.unit, lang)
        period = period_text(b, lang)
        if lang == "zh":
            before = "，早于行动计划" if self.pre_plan else ""
            return f"最近的最终值为{period}的{value}{before}。"
        before = ", before the plan" if self.pre_plan else ""
        return f"The latest final value is for {period}{before}: {value}."

    def running(self, lang: str) -> str:
        r = self.running_value
        if r is None:
            return ""
        n = _days(r)
        value = value_text(r.value, self.target.unit, lang)
        if lang == "zh":
            return f"滚动值（非最终值）：{value}，{period_text(r, lang)}，共{n}天有数据；不用于判断状态。"
        days = "1 day" if n == 1 else f"{number_text(n, lang)} days"
        return (f"Running value, not final: {value} for {period_text(r, lang)} ({days} with data); "
                f"it does not decide the status.")

