"""Layout checks run inside the page (one `page.evaluate` per page and width), shared by the layout
test and anyone checking a running site by hand (docs in README § Test it).

What fails (issue 13):
- the document scrolls sideways;
- text in a table cell is stacked on three or more lines in a box narrower than four characters
  of its font (a column squeezed to a character per line);
- a chart is wider than its box (clipped or scrolled), at any width;
- a chart or table container scrolls sideways at 768 px and wider.
"""

from __future__ import annotations

import os
from pathlib import Path

WIDTHS = (320, 390, 768, 1280)
WIDE = 768  # from here on no table or chart may need its own sideways scrolling
TASKS_MAX_HEIGHT_390 = 12_000
# Screenshots of these pages (both languages) at 390 and 1280 px are written by the layout test.
MAIN_PAGES = ("/", "/plan/tasks", "/targets", "/data", "/air", "/air/history", "/air/stations/1162A",
              "/maps/stations", "/report", "/report/rules", "/progress", "/districts")


def screenshot_dir() -> Path:
    """Where the layout test writes its screenshots (git-ignored; CI keeps the folder as an artifact)."""
    root = Path(__file__).resolve().parents[2]
    return Path(os.environ.get("LAYOUT_SCREENSHOTS", root / "test-artifacts" / "screenshots"))


CHECK_JS = r"""
({wide}) => {
  const out = [];
  const de = document.documentElement;
  const describe = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    else if (el.classList.length) s += '.' + [...el.classList].join('.');
    const t = (el.innerText || el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 40);
    return t ? `${s} "${t}"` : s;
  };
  if (de.scrollWidth > de.clientWidth + 1) {
    // Name the widest element that sticks out, so the message says where to look.
    let worst = null, right = de.clientWidth;
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width && r.right > right + 1) { right = r.right; worst = el; }
    }
    out.push(`document scrolls sideways by ${de.scrollWidth - de.clientWidth}px` + (worst ? ` (widest: ${describe(worst)})` : ''));
  }
  const lineCount = (cell, fs) => {
    const tops = [];
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (!n.textContent.trim()) continue;
      range.selectNodeContents(n);
      for (const r of range.getClientRects()) if (r.width > 0 && r.height > 0) tops.push(r.top);
    }
    tops.sort((a, b) => a - b);
    let lines = 0, last = -1e9;
    for (const t of tops) { if (t - last > fs * 0.6) { lines++; last = t; } }
    return lines;
  };
  const hiddenBox = (el) => {
    // Visually hidden (the header row of a table shown as cards): not read on screen.
    for (let e = el; e && e.tagName !== 'TABLE'; e = e.parentElement) {
      const b = e.getBoundingClientRect();
      if (b.width <= 1 || b.height <= 1) return true;
    }
    return false;
  };
  for (const cell of document.querySelectorAll('td, th')) {
    if (!cell.textContent.trim()) continue;
    const r = cell.getBoundingClientRect();
    if (!r.width || !r.height || hiddenBox(cell)) continue;
    const cs = getComputedStyle(cell);
    if (cs.visibility === 'hidden') continue;
    const fs = parseFloat(cs.fontSize);
    const inner = cell.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
    if (inner >= 4 * fs) continue;
    const lines = lineCount(cell, fs);
    if (lines >= 3) out.push(`table cell stacked on ${lines} lines in ${Math.round(inner)}px (< 4 × ${fs}px): ${describe(cell)}`);
  }
  for (const svg of document.querySelectorAll('svg[role="img"], figure svg')) {
    const box = svg.parentElement;
    const r = svg.getBoundingClientRect();
    if (!r.width) continue;
    if (r.width > box.clientWidth + 1) out.push(`chart wider than its box (${Math.round(r.width)} > ${box.clientWidth}px): ${describe(box)}`);
  }
  if (wide) {
    for (const el of document.querySelectorAll('main *')) {
      const ox = getComputedStyle(el).overflowX;
      if (ox !== 'auto' && ox !== 'scroll') continue;
      if (!el.querySelector('table, svg') && el.tagName !== 'TABLE') continue;
      if (el.scrollWidth > el.clientWidth + 1) out.push(`${describe(el)} scrolls sideways by ${el.scrollWidth - el.clientWidth}px`);
    }
  }
  return {problems: out, height: de.scrollHeight};
}
"""


def check(page, width: int) -> tuple[list[str], int]:
    """Resize the open page to `width` and run every check in one evaluate: (problems, page height)."""
    page.set_viewport_size({"width": width, "height": 800})
    res = page.evaluate(CHECK_JS, {"wide": width >= WIDE})
    return res["problems"], res["height"]
