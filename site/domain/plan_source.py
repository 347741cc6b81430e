"""Parse the plan's seed text (a PDF-to-text dump) into plain Python structures.

Everything here is a pure function of the text. Mapping names to department slugs and
deciding which table rows belong to which measure happens in scripts/build_plan_content.py,
where the hand-made decisions are kept visible as data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

NUMERALS = "一二三四五六七八九十"

# CJK ideographs, CJK/full-width punctuation, curly quotes and dashes. Spaces next to these
# are PDF layout artefacts ("到 2025 年", "含 VOCs 原辅材料"), never meaningful.
_CJK = r"\u2010-\u206f\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
_PM = re.compile(r"PM\s*_\{\s*2\.5\s*\}")
_SPACE_AFTER_CJK = re.compile(rf"(?<=[{_CJK}])[ \t\u00a0]+")
_SPACE_BEFORE_CJK = re.compile(rf"[ \t\u00a0]+(?=[{_CJK}])")

_CHAPTER_RE = re.compile(rf"^([{NUMERALS}]+)、(.+)$")
_MEASURE_RE = re.compile(rf"^[（(]\s*([{NUMERALS}]+)\s*[）)]\s*(.+)$", re.DOTALL)
# A paragraph ending in one of these is complete; anything else was cut by a page break.
_SENTENCE_END = tuple("。；！？：”")
ANNEX_MARKER = "附件：重点工作任务分解表"
TABLE_HEADER = ("序号", "重点工作任务")


def numeral_to_int(numeral: str) -> int:
    """Chinese numeral 一…九十九 → int (enough for chapter and measure numbers)."""
    if not numeral or any(ch not in NUMERALS for ch in numeral):
        raise ValueError(f"not a Chinese numeral: {numeral!r}")
    if "十" not in numeral:
        return NUMERALS.index(numeral) + 1
    tens, _, units = numeral.partition("十")
    return (NUMERALS.index(tens) + 1 if tens else 1) * 10 + (
        NUMERALS.index(units) + 1 if units else 0
    )


def normalise_text(text: str) -> str:
    """PM_{2.5} → PM2.5 and drop layout spaces next to Chinese characters."""
    text = _PM.sub("PM2.5", text)
    text = _SPACE_AFTER_CJK.sub("", text)
    text = _SPACE_BEFORE_CJK.sub("", text)
    return text.strip()


def squash(text: str) -> str:
    """Comparison key: normalised text with every whitespace removed (page breaks included)."""
    return re.sub(r"\s+", "", _PM.sub("PM2.5", text))


@dataclass(frozen=True)
class SourceMeasure:
    number: int
    numeral: str
    chapter: int
    title: str
    text: str


@dataclass(frozen=True)
class SourceChapter:
    number: int
    numeral: str
    title: str
    paragraphs: tuple[str, ...]  # only chapter 1 has running text
    measures: tuple[int, ...]


@dataclass(frozen=True)
class SourceRow:
    number: int
    heading_printed: str | None
    text: str
    responsibility: str


@dataclass(frozen=True)
class SourcePlan:
    title: str
    preamble: str
    general_requirements: str
    main_goals: str
    chapters: tuple[SourceChapter, ...]
    measures: tuple[SourceMeasure, ...]
    rows: tuple[SourceRow, ...]


def split_annex(seed: str) -> tuple[str, str]:
    """Body text before the annex marker, annex table text after it."""
    body, marker, annex = seed.partition(ANNEX_MARKER)
    if not marker:
        raise ValueError(f"annex marker {ANNEX_MARKER!r} not found in seed")
    return body, annex


def body_paragraphs(body: str) -> list[str]:
    """Blank-line separated paragraphs with page-break splits rejoined.

    A paragraph that does not end a sentence was cut by a page break ("提高" / "清洁运输比例"),
    unless it is the title or a chapter heading, which never end with punctuation.
    """
    raw = [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip()]
    out: list[str] = []
    for para in raw:
        para = " ".join(line.strip() for line in para.splitlines())
        if out:
            prev = out[-1]
            prev_is_heading = len(out) == 1 or _CHAPTER_RE.match(prev) is not None
            starts_new = _CHAPTER_RE.match(para) or _MEASURE_RE.match(para)
            if not prev_is_heading and not starts_new and not prev.endswith(_SENTENCE_END):
                out[-1] = prev + para
                continue
        out.append(para)
    return [normalise_text(p) for p in out]


def parse_body(body: str) -> tuple[str, str, str, str, list[SourceChapter], list[SourceMeasure]]:
    """Title, preamble, general requirements, main goals, chapters and measures."""
    paras = body_paragraphs(body)
    title, preamble = paras[0], paras[1]
    chapters: list[dict] = []
    measures: list[SourceMeasure] = []
    for para in paras[2:]:
        chapter = _CHAPTER_RE.match(para)
        measure = _MEASURE_RE.match(para)
        if chapter and len(para) < 40 and not para.endswith("。"):
            chapters.append(
                {
                    "numeral": chapter.group(1),
                    "title": chapter.group(2).strip(),
                    "paragraphs": [],
                    "measures": [],
                }
            )
        elif measure:
            numeral, rest = measure.group(1), measure.group(2).strip()
            measure_title, sep, text = rest.partition("。")
            if not sep:
                raise ValueError(f"measure （{numeral}） has no title sentence")
            number = numeral_to_int(numeral)
            measures.append(
                SourceMeasure(number, numeral, len(chapters), measure_title, text.strip())
            )
            chapters[-1]["measures"].append(number)
        elif chapters:
            chapters[-1]["paragraphs"].append(para)
        else:
            raise ValueError(f"unexpected paragraph before first chapter: {para[:30]!r}")
    out = [
        SourceChapter(i + 1, c["numeral"], c["title"], tuple(c["paragraphs"]), tuple(c["measures"]))
        for i, c in enumerate(chapters)
    ]
    general = [p for p in out[0].paragraphs if not p.startswith("主要目标")]
    goals = [p for p in out[0].paragraphs if p.startswith("主要目标")]
    if len(general) != 1 or len(goals) != 1:
        raise ValueError(
            "chapter 一 should hold one general-requirements and one main-goals paragraph"
        )
    return title, preamble, general[0], goals[0], out, measures


def parse_table(annex: str) -> list[SourceRow]:
    """Rows of 重点工作任务分解表; repeated header rows from page breaks are skipped."""
    rows: list[SourceRow] = []
    for line in annex.splitlines():
        if "\t" not in line:
            continue
        cells = [c.strip() for c in line.split("\t")]
        if tuple(cells[:2]) == TABLE_HEADER:
            continue
        if len(cells) != 4 or not cells[0].isdigit():
            raise ValueError(f"unexpected table line: {line[:40]!r}")
        number, heading, text, resp = cells
        rows.append(
            SourceRow(
                int(number),
                normalise_text(heading) or None,
                normalise_text(text),
                normalise_text(resp),
            )
        )
    numbers = [r.number for r in rows]
    if numbers != list(range(1, len(rows) + 1)):
        raise ValueError(f"table rows are not numbered 1..n: {numbers}")
    return rows


def parse_seed(seed: str) -> SourcePlan:
    body, annex = split_annex(seed)
    title, preamble, general, goals, chapters, measures = parse_body(body)
    return SourcePlan(
        title, preamble, general, goals, tuple(chapters), tuple(measures), tuple(parse_table(annex))
    )


# --- responsibility column -------------------------------------------------------------

# The first row of the table carries a note that applies to every row (county governments).
_COUNTY_NOTE_RE = re.compile(r"人民政府（管委会）负责落实|^不再列出$")
# Role words of the responsibility column, as printed, and the role each one names.
ROLE_WORDS = (("牵头", "lead"), ("配合", "cooperating"), ("按职责分工负责", "joint"))


@dataclass(frozen=True)
class Clause:
    """One clause of the responsibility column: bodies sharing a role, and whether the list
    ends with 等 ("and others"), i.e. the plan names only some of the bodies."""

    role: str
    names: tuple[str, ...]
    and_others: bool


def responsibility_clauses(text: str) -> tuple[list[Clause], bool]:
    """Responsibility text → ([Clause, ...], mentions_county_note).

    Grammar seen in the table: "A牵头", "B、C等配合", "D、E等按职责分工负责";
    clauses are separated by "，" (sometimes a half-width ","), sentences by "。".
    """
    found: list[Clause] = []
    county = False
    for clause in re.split(r"[，,。；]", text):
        clause = clause.strip()
        if not clause:
            continue
        if _COUNTY_NOTE_RE.search(clause):
            county = True
            continue
        for suffix, role in ROLE_WORDS:
            if clause.endswith(suffix):
                names = clause[: -len(suffix)]
                others = names.endswith("等")
                names = names.removesuffix("等").split("、")
                if not all(n.strip() for n in names):
                    raise ValueError(f"empty department name in {text!r}")
                found.append(Clause(role, tuple(n.strip() for n in names), others))
                break
        else:
            raise ValueError(f"cannot read responsibility clause {clause!r} in {text!r}")
    return found, county


def parse_responsibility(text: str) -> tuple[list[tuple[str, str]], bool]:
    """Responsibility text → ([(name_zh, role), ...], mentions_county_note)."""
    clauses, county = responsibility_clauses(text)
    return [(name, c.role) for c in clauses for name in c.names], county


# --- deadlines, recurrence ---------------------------------------------------------------

_DEADLINE_PATTERNS = (
    re.compile(r"到(\d{4})年"),  # 到2025年 / 到2025年底
    re.compile(r"(\d{4})年底前"),  # 2024年底前
    re.compile(r"(?:^|[。；])(\d{4})年[，,]"),  # "2024年，推广…" opening a sentence
)


def extract_deadlines(text: str) -> list[date]:
    """Year-end deadlines named in a task text; baselines (较2020年, 比2021年) never match."""
    years = {int(m.group(1)) for p in _DEADLINE_PATTERNS for m in p.finditer(squash(text))}
    return [date(y, 12, 31) for y in sorted(years)]


def extract_recurring(text: str) -> str | None:
    """'yearly' for 每年 (every year) and 逐年 (year by year); otherwise None."""
    return "yearly" if re.search("每年|逐年", text) else None
