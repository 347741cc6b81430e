"""Long page texts (about, methodology, reward rules, privacy) live in content/pages as Markdown."""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Mapping
from pathlib import Path

import markdown


@dataclass(frozen=True)
class Page:
    name: str
    lang: str  # "zh" or "en"
    title: str
    html: str
    source: Path


def load_pages(pages_dir: Path, names: Mapping[str, tuple[str, str]] | None = None) -> dict[tuple[str, str], Page]:
    """Every `<name>.<zh|en>.md`; the first `# ` line is the title.

    `names` maps a placeholder to its (Chinese, English) text — `{plan_title}` is the plan's one
    title from content/plan — so pages never retype a name that lives elsewhere.
    """
    pages: dict[tuple[str, str], Page] = {}
    if not pages_dir.is_dir():
        return pages
    for path in sorted(pages_dir.glob("*.md")):
        name, _, lang = path.stem.rpartition(".")
        if lang not in ("zh", "en") or not name:
            raise ValueError(f"{path}: page files are named <name>.zh.md or <name>.en.md")
        text = path.read_text("utf-8")
        for key, (zh, en) in (names or {}).items():
            text = text.replace("{" + key + "}", en if lang == "en" else zh)
        first, _, body = text.partition("\n")
        if not first.startswith("# "):
            raise ValueError(f"{path}: the first line must be the title, starting with '# '")
        html = markdown.markdown(body, extensions=["tables", "toc", "sane_lists"], output_format="html")
        pages[(name, lang)] = Page(name, lang, first[2:].strip(), html, path)
    missing = {n for n, _ in pages} - {n for n, lang in pages if lang == "zh"} | (
        {n for n, _ in pages} - {n for n, lang in pages if lang == "en"}
    )
    if missing:
        raise ValueError(f"{pages_dir}: pages without both languages: {sorted(missing)}")
    return pages
