"""A checker for the Atom 1.0 rules we rely on (RFC 4287 section 4), used by the feed tests.

Checks: root element and namespace; feed has exactly one id, title, updated; an author on the
feed or on every entry; a self link; every entry has exactly one id, title, updated and a link
(no content element here, so an alternate link is required); ids are absolute IRIs and unique;
dates are RFC 3339 with a time-zone offset.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

NS = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def _one(parent: ET.Element, tag: str, where: str, problems: list[str]) -> ET.Element | None:
    found = parent.findall(NS + tag)
    if len(found) != 1:
        problems.append(f"{where}: {'missing' if not found else 'repeated'} {tag}")
        return None
    return found[0]


def _check_id(el: ET.Element | None, where: str, seen: set[str], problems: list[str]) -> None:
    if el is None:
        return
    value = (el.text or "").strip()
    if not urlsplit(value).scheme:
        problems.append(f"{where}: id {value!r} is not an absolute IRI")
    if value in seen:
        problems.append(f"{where}: duplicate id {value!r}")
    seen.add(value)


def _check_date(el: ET.Element | None, where: str, problems: list[str]) -> None:
    if el is not None and not RFC3339.match((el.text or "").strip()):
        problems.append(f"{where}: {el.tag.removeprefix(NS)} {el.text!r} is not RFC 3339")


def validate_atom(root: ET.Element) -> list[str]:
    problems: list[str] = []
    if root.tag != NS + "feed":
        return [f"root element is {root.tag}, not atom:feed"]
    seen: set[str] = set()
    _check_id(_one(root, "id", "feed", problems), "feed", seen, problems)
    _one(root, "title", "feed", problems)
    _check_date(_one(root, "updated", "feed", problems), "feed", problems)
    feed_author = root.find(NS + "author")
    if feed_author is not None and not (feed_author.findtext(NS + "name") or "").strip():
        problems.append("feed: author without name")
    if not any(link.get("rel") == "self" for link in root.findall(NS + "link")):
        problems.append("feed: no rel=self link")
    for i, entry in enumerate(root.findall(NS + "entry"), 1):
        where = f"entry {i}"
        _check_id(_one(entry, "id", where, problems), where, seen, problems)
        _one(entry, "title", where, problems)
        _check_date(_one(entry, "updated", where, problems), where, problems)
        for extra in entry.findall(NS + "published"):
            _check_date(extra, where, problems)
        if feed_author is None and entry.find(NS + "author") is None:
            problems.append(f"{where}: no author (and none on the feed)")
        if entry.find(NS + "content") is None and not any(
            link.get("rel", "alternate") == "alternate" for link in entry.findall(NS + "link")
        ):
            problems.append(f"{where}: neither content nor alternate link")
        for link in entry.findall(NS + "link"):
            if not link.get("href"):
                problems.append(f"{where}: link without href")
    if feed_author is None and not root.findall(NS + "entry"):
        problems.append("feed: no author")
    return problems
