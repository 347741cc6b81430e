"""Plain helpers for progress tests (hand-made accounts and records; no factory framework)."""

from __future__ import annotations

import io
from types import SimpleNamespace

from flask import Flask

PASSWORD = "a long test password"


def make_staff(app: Flask, username: str, role: str, bodies: tuple[str, ...] = ()) -> SimpleNamespace:
    from cleanair.extensions import db
    from cleanair.progress.service import set_bodies
    from cleanair.staff.auth import create_user

    with app.app_context():
        user = create_user(username, PASSWORD, role)
        if bodies:
            set_bodies(user, bodies)
            db.session.commit()
        return SimpleNamespace(id=user.id, username=username, role=role)


def login(client, username: str):
    resp = client.post("/staff/login", data={"username": username, "password": PASSWORD})
    assert resp.status_code == 303, resp.get_data(as_text=True)[:500]
    return resp


def report_form(**overrides) -> dict:
    """A valid task-27 report for 吴中区 (hand-made test data, labelled as such in the note)."""
    data = {"task": "27", "district": "wuzhong", "status": "done", "as_of": "2025-01-10",
            "source_title": "TEST FIXTURE notice", "source_url": "https://example.test/notice",
            "source_issuer": "Test issuer", "source_date": "2025-01-03", "republished_by": "",
            "source_doc_no": "", "note": "hand-made test record"}
    data.update(overrides)
    return data


def pdf_with_javascript() -> bytes:
    """A one-page PDF carrying an open action with JavaScript, an annotation and metadata."""
    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    w = PdfWriter()
    w.add_blank_page(200, 200)
    from pypdf.actions import JavaScript

    w.add_open_action(JavaScript("app.alert('hello');"))
    w.add_metadata({"/Author": "Secret Author", "/Title": "Internal draft"})
    page = w.pages[0]
    annot = DictionaryObject({NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Text"),
                              NameObject("/Contents"): TextStringObject("hidden comment")})
    w.add_annotation(page, annot)
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def objects(app: Flask, kind: str = "report") -> SimpleNamespace:
    from cleanair.extensions import db
    from cleanair.progress.models import IndicatorReport, ProgressReport

    model = ProgressReport if kind == "report" else IndicatorReport
    with app.app_context():
        rows = db.session.scalars(db.select(model).order_by(model.id)).all()
        return [SimpleNamespace(**{c.name: getattr(r, c.name) for c in model.__table__.columns}) for r in rows]
