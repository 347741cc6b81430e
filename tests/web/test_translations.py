"""No English message on a Chinese page: every message in the code has its Chinese translation."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

SITE = Path(__file__).resolve().parents[2] / "site"
PO = SITE / "translations" / "zh_Hans" / "LC_MESSAGES" / "messages.po"


def test_every_extracted_message_is_translated():
    """Extracts like babel.cfg (python + jinja2, keywords incl. _l and N_) and checks the catalog."""
    method_map = [("**.py", "python"), ("templates/**.html", "jinja2")]
    options = {"templates/**.html": {"extensions": "jinja2.ext.do"}}
    keywords = {**DEFAULT_KEYWORDS, "_l": None}
    found = {msg[2] if isinstance(msg[2], str) else msg[2][0]
             for msg in extract_from_dir(str(SITE), method_map, options, keywords)}
    with PO.open("rb") as fh:
        catalog = read_po(fh)
    missing = []
    for msgid in sorted(found):
        entry = catalog.get(msgid)
        strings = entry.string if entry is not None else None
        if entry is None or not (all(strings) if isinstance(strings, tuple) else strings) or entry.fuzzy:
            missing.append(msgid)
    assert not missing, f"{len(missing)} messages without a Chinese translation: {missing[:10]}"
    assert len(found) > 500
