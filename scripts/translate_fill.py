"""Re-extract messages, merge them into the zh_Hans catalog and fill translations from JSON files.

    python scripts/translate_fill.py zh.json [more.json ...]

Each JSON file maps an English msgid to its Chinese msgstr (for plurals: a list of forms).
Existing translations are kept unless a file gives a new one. Prints msgids still untranslated.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "site/translations/zh_Hans/LC_MESSAGES/messages.po"


def main(paths: list[str]) -> int:
    py = sys.executable
    babel = [py, "-m", "babel.messages.frontend", "-q"]
    # Relative paths keep the committed catalog free of machine-specific locations.
    subprocess.check_call([*babel, "extract", "-F", "babel.cfg", "-k", "_l", "--sort-by-file",
                           "--no-wrap", "-o", "site/translations/messages.pot", "site"], cwd=ROOT)
    subprocess.check_call([*babel, "update", "-i", "site/translations/messages.pot", "-d",
                           "site/translations", "--no-wrap", "--no-fuzzy-matching", "--ignore-obsolete"],
                          cwd=ROOT)
    with PO.open("rb") as fh:
        catalog = read_po(fh)
    given: dict = {}
    for p in paths:
        given.update(json.loads(Path(p).read_text("utf-8")))
    missing = []
    for message in catalog:
        if not message.id:
            continue
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        if key in given:
            value = given[key]
            message.string = tuple(value) if isinstance(message.id, tuple) else value
        if not (message.string if not isinstance(message.string, tuple) else all(message.string)):
            missing.append(key)
    with PO.open("wb") as fh:
        write_po(fh, catalog, width=0, sort_by_file=True, include_previous=False)
    for key in missing:
        print("untranslated:", key)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
