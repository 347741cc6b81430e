"""Regenerate content/plan/plan.zh.yaml from the plan's seed text.

    python scripts/build_plan_content.py [--seed PATH] [--check]

The Chinese content is derived from the seed text only; English lives in the hand-written
content/plan/plan.en.yaml. --check exits 1 when the committed file is out of date.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import sys
from pathlib import Path
from typing import Any

import yaml
from cleanair.domain.plan_source import (
    SourcePlan,
    extract_deadlines,
    extract_recurring,
    parse_seed,
    responsibility_clauses,
    squash,
)

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SEED = REPO.parent / "shared" / "seed" / "000_b12c08994cccf728.txt"
OUTPUT = REPO / "content" / "plan" / "plan.zh.yaml"
COUNTY_SLUG = "county-governments"
# Row 1 of the table ends: 各县级市（区）人民政府（管委会）负责落实。以下均需地方各级人民政府（管委会）
# 负责落实，不再列出 — the county-level governments are responsible for implementing every
# task. That is its own role (负责落实), not 按职责分工负责 (joint), which the table gives to
# named city departments.
COUNTY_ROLE = "implementing"

# The annex table is a PDF of a table with merged "重点工作任务" cells. A blank cell normally
# continues the row above, but for these rows the merged cell's text was printed on a later
# row, so "continue the previous heading" would file them under the wrong measure.
# task number: (measure it belongs to, why — in the words of the seed)
MEASURE_OVERRIDES: dict[int, tuple[int, str]] = {
    28: (15, "内容（储罐呼吸阀、紧急泄压阀、火炬燃烧装置）与正文措施（十五）第一句一致"),
    46: (
        23,
        "内容“在生产、销售、进口、使用等环节严格执行VOCs含量限值标准”是正文措施（二十三）的第一句",
    ),
}

# Printed headings worded differently from the measure title in the body of the plan.
# task number: measure number (the build fails if a heading matches neither a title nor this).
HEADING_WORDING: dict[int, int] = {
    24: 12,  # 加强扬尘精细化管控 vs （十二）加强扬尘精细化管理
    34: 18,  # 稳步推进大气氮污染防治 vs （十八）稳步推进大气氨污染防治
    36: 19,  # …城市空气质量改善达标管理 vs （十九）…城市空气质量达标管理
}


def _load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _name_to_slug(content_dir: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for dept in _load_yaml(content_dir / "plan" / "departments.yaml")["departments"]:
        for name in [dept["name_zh"], *dept.get("synonyms", [])]:
            out[name] = dept["slug"]
    return out


def _district_names(content_dir: Path) -> list[tuple[str, str]]:
    pairs = []
    for d in _load_yaml(content_dir / "plan" / "districts.yaml")["districts"]:
        for name in [d["name_zh"], *d.get("synonyms", [])]:
            pairs.append((name, d["slug"]))
    return pairs


def map_tasks(src: SourcePlan) -> list[dict[str, Any]]:
    """Assign each table row its effective heading, measure and any recorded discrepancy."""
    by_title = {squash(m.title): m for m in src.measures}
    by_number = {m.number: m for m in src.measures}
    # Heading as printed for each measure, taken from the row that carries it.
    printed_for: dict[int, str] = {}
    rows_out: list[dict[str, Any]] = []
    prev_heading: str | None = None
    prev_measure: int | None = None
    for row in src.rows:
        discrepancy = None
        if row.heading_printed:
            key = squash(row.heading_printed)
            if key in by_title:
                measure = by_title[key].number
            elif row.number in HEADING_WORDING:
                measure = HEADING_WORDING[row.number]
                m = by_number[measure]
                discrepancy = (
                    f"分解表第{row.number}行印作“{row.heading_printed}”，"
                    f"正文措施（{m.numeral}）标题为“{m.title}”；按内容归入措施（{m.numeral}）。"
                )
            else:
                raise ValueError(
                    f"task {row.number}: heading {row.heading_printed!r} matches no measure title"
                    " and is not listed in HEADING_WORDING"
                )
            heading = row.heading_printed
            printed_for.setdefault(measure, heading)
        else:
            if prev_measure is None or prev_heading is None:
                raise ValueError(f"task {row.number}: first row has no heading")
            heading, measure = prev_heading, prev_measure
        rows_out.append(
            {"row": row, "heading": heading, "measure": measure, "discrepancy": discrepancy}
        )
        prev_heading, prev_measure = heading, measure

    for item in rows_out:
        number = item["row"].number
        if number not in MEASURE_OVERRIDES:
            continue
        target, why = MEASURE_OVERRIDES[number]
        m, wrong = by_number[target], by_number[item["measure"]]
        carrier = next(
            r["row"].number for r in rows_out if r["measure"] == target and r["row"].heading_printed
        )
        item["discrepancy"] = (
            f"分解表第{number}行“重点工作任务”栏为空（合并单元格），按版面会沿用上一行的"
            f"“{item['heading']}”（措施（{wrong.numeral}））；该合并单元格的标题印在第{carrier}行"
            f"（“{printed_for[target]}”），且{why}，故归入措施（{m.numeral}）“{m.title}”。"
        )
        item["heading"], item["measure"] = printed_for[target], target
    return rows_out


def build(seed_path: Path, content_dir: Path = REPO / "content") -> dict[str, Any]:
    seed = seed_path.read_text(encoding="utf-8")
    src = parse_seed(seed)
    names = _name_to_slug(content_dir)
    districts = _district_names(content_dir)
    measure_chapter = {m.number: m.chapter for m in src.measures}

    tasks = []
    note = None
    for item in map_tasks(src):
        row = item["row"]
        clauses, county = responsibility_clauses(row.responsibility)
        if county:
            note = row.responsibility[row.responsibility.index("各县级市") :]
        depts: list[dict[str, str]] = []
        for clause in clauses:
            for name in clause.names:
                if name not in names:
                    raise ValueError(f"task {row.number}: {name!r} not in departments.yaml")
                if all(d["slug"] != names[name] for d in depts):
                    depts.append({"slug": names[name], "role": clause.role})
        # The table's note on row 1 applies to every row (see COUNTY_ROLE).
        depts.append({"slug": COUNTY_SLUG, "role": COUNTY_ROLE})
        # Roles whose list ends with 等 ("and others"): the plan names only some of the bodies.
        and_others = [r for r in ("lead", "cooperating", "joint") if any(c.role == r and c.and_others for c in clauses)]
        # Districts in the order the text names them.
        hits = sorted((row.text.index(n), slug) for n, slug in districts if n in row.text)
        found = list(dict.fromkeys(slug for _, slug in hits))
        tasks.append(
            {
                "number": row.number,
                "heading_printed": row.heading_printed,
                "heading": item["heading"],
                "measure": item["measure"],
                "chapter": measure_chapter[item["measure"]],
                "text": row.text,
                "responsibility": row.responsibility,
                "departments": depts,
                "and_others": and_others,
                "districts": found,
                "deadlines": [d.isoformat() for d in extract_deadlines(row.text)],
                "recurring": extract_recurring(row.text),
                "discrepancy": item["discrepancy"],
            }
        )
    if note is None:
        raise ValueError("county-government note not found in the table")

    chapters = [
        {
            "number": c.number,
            "numeral": c.numeral,
            "title": c.title,
            "text": "\n\n".join(c.paragraphs) if c.number == 1 else None,
            "measures": list(c.measures),
        }
        for c in src.chapters
    ]
    measures = [
        {
            "number": m.number,
            "numeral": m.numeral,
            "chapter": m.chapter,
            "title": m.title,
            "text": m.text,
        }
        for m in src.measures
    ]
    return {
        "source": {
            "file": seed_path.name,
            "sha256": hashlib.sha256(seed_path.read_bytes()).hexdigest(),
            "generated_by": "scripts/build_plan_content.py",
        },
        "title": src.title,
        "preamble": src.preamble,
        "general_requirements": src.general_requirements,
        "main_goals": src.main_goals,
        "note": note,
        "chapters": chapters,
        "measures": measures,
        "tasks": tasks,
    }


def render(data: dict[str, Any]) -> str:
    header = "# GENERATED by scripts/build_plan_content.py from the seed text; do not edit.\n"
    return header + yaml.safe_dump(
        data, allow_unicode=True, sort_keys=False, width=10_000, default_flow_style=False
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=Path, default=DEFAULT_SEED)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--check", action="store_true", help="exit 1 if the output is stale")
    args = parser.parse_args(argv)
    text = render(build(args.seed))
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            sys.stdout.writelines(
                difflib.unified_diff(
                    current.splitlines(True), text.splitlines(True), str(args.output), "seed"
                )
            )
            print(
                f"{args.output} is out of date; run scripts/build_plan_content.py", file=sys.stderr
            )
            return 1
        return 0
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
