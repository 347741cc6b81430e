"""Editor → publisher → public through the HTTP interface; the 403s; the draft never public;
the audit log; history and feeds; published values feeding the target status."""

from __future__ import annotations

import re

from .helpers import login, make_staff, objects, pdf_with_javascript, report_form


def _draft(client, **overrides):
    resp = client.post("/staff/progress/new", data=report_form(**overrides))
    assert resp.status_code == 303, resp.get_data(as_text=True)[:2000]
    match = re.search(r"/staff/progress/(\d+)$", resp.headers["Location"])
    assert match, resp.headers["Location"]
    return int(match.group(1))


def _public_texts(client, number=27):
    return [client.get(u).get_data(as_text=True) for u in (
        f"/plan/tasks/{number}", f"/en/plan/tasks/{number}", f"/plan/tasks/{number}.json", "/progress", "/progress.json",
        "/progress.csv", "/districts/wuzhong", "/districts/wuzhong.json", "/maps/progress.json", "/changes.json",
        "/changes.atom")]


def test_editor_drafts_publisher_publishes_public_sees(papp, pclient):
    make_staff(papp, "ed-police", "editor", ("public-security",))
    make_staff(papp, "plan-office", "publisher")
    login(pclient, "ed-police")
    assert pclient.get("/staff/").headers["Location"].endswith("/staff/progress/")  # an editor's start page
    form = pclient.get("/staff/progress/new").get_data(as_text=True)
    assert 'name="task"' in form and 'name="status"' in form and 'name="as_of"' in form
    rid = _draft(pclient)
    # Never public while a draft: not on any page, twin or feed.
    for text in _public_texts(pclient):
        assert "TEST FIXTURE notice" not in text
    assert pclient.get("/plan/tasks/27.json").json["task"]["progress"] == []
    # The editor may not publish.
    assert pclient.post(f"/staff/progress/{rid}/publish").status_code == 403
    assert pclient.post(f"/staff/progress/{rid}/return", data={"reason": "x"}).status_code == 403
    pclient.post("/staff/logout")

    login(pclient, "plan-office")
    page = pclient.get(f"/staff/progress/{rid}").get_data(as_text=True)
    assert "TEST FIXTURE notice" in page and 'id="publish"' in page
    resp = pclient.post(f"/staff/progress/{rid}/publish")
    assert resp.status_code == 303 and resp.headers["Location"].endswith(f"/staff/progress/{rid}")
    pclient.post("/staff/logout")

    data = pclient.get("/plan/tasks/27.json").json["task"]
    first = data["progress"][0]
    assert {k: first[k] for k in ("district", "status", "as_of", "source_title", "source_url", "note")} == {
        "district": "wuzhong", "status": "done", "as_of": "2025-01-10", "source_title": "TEST FIXTURE notice",
        "source_url": "https://example.test/notice", "note": "hand-made test record"}
    assert first["published_at"].endswith("+08:00")
    assert data["overdue"] is True  # 吴江 and 相城 have no published done (today pinned 2026-11-30)
    assert {s["district"]: s["overdue"] for s in data["scopes"]} == {"wujiang": True, "wuzhong": False, "xiangcheng": True}
    html = pclient.get("/plan/tasks/27").get_data(as_text=True)
    assert "TEST FIXTURE notice" in html and "逾期" in html
    en = pclient.get("/en/plan/tasks/27").get_data(as_text=True)
    assert "TEST FIXTURE notice" in en and "Overdue" in en
    # District page, progress page, map and history all read the published record.
    assert pclient.get("/districts/wuzhong.json").json["tasks"][0]["standing"] == "done"
    prog = pclient.get("/progress.json").json
    assert prog["latest"][0]["source_title"] == "TEST FIXTURE notice"
    assert any(o["task"] == 27 and o["district"] == "wujiang" for o in prog["overdue"])
    districts = {d["slug"]: d for d in pclient.get("/maps/progress.json").json["districts"]}
    assert districts["wuzhong"]["status"] == "done" and districts["wujiang"]["status"] == "overdue"
    changes = pclient.get("/changes.json?task=27").json["changes"]
    assert changes[0]["entity"] == "progress:wuzhong/27" and changes[0]["source_url"] == "https://example.test/notice"
    assert changes[0]["data_file"] == "progress"
    atom = pclient.get("/plan/tasks/27/changes.atom").get_data(as_text=True)
    assert "https://example.test/notice" in atom and "吴中区：任务27进展" in atom
    en_atom = pclient.get("/en/changes.atom").get_data(as_text=True)
    assert en_atom.count("<entry>") == 1 and "Wuzhong District: progress of task 27: status changed from — to done" in en_atom
    # A release was cut with the publication (downloads carry the new version).
    assert pclient.get("/data/releases.json").json["releases"][0]["changes"][0]["entity"] == "progress:wuzhong/27"


def test_editor_outside_the_tasks_bodies_gets_403_and_nothing_is_stored(papp, pclient):
    make_staff(papp, "ed-finance", "editor", ("finance",))
    login(pclient, "ed-finance")
    resp = pclient.post("/staff/progress/new", data=report_form())
    assert resp.status_code == 403
    assert objects(papp) == []
    assert 'value="27"' not in pclient.get("/staff/progress/new").get_data(as_text=True)


def test_roles_see_only_their_desk(papp, pclient):
    make_staff(papp, "rev", "reviewer")
    make_staff(papp, "ed", "editor", ("public-security",))
    login(pclient, "rev")
    assert pclient.get("/staff/progress/").status_code == 403
    assert pclient.get("/staff/progress/new").status_code == 403
    pclient.post("/staff/logout")
    login(pclient, "ed")
    assert pclient.get("/staff/export.csv").status_code == 403  # tips are not an editor's business
    assert pclient.get("/staff/tips/1").status_code == 403
    pclient.post("/staff/logout")
    assert pclient.get("/staff/progress/new").status_code == 303  # signed out: to the login page


def test_evidence_is_required_and_bad_input_is_a_400_that_keeps_the_text(papp, pclient):
    make_staff(papp, "ed", "editor", ("public-security",))
    login(pclient, "ed")
    resp = pclient.post("/staff/progress/new", data=report_form(source_title="", source_url="", note="keep me"))
    text = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "keep me" in text
    assert pclient.post("/staff/progress/new", data=report_form(as_of="2031-01-01")).status_code == 400
    assert pclient.post("/staff/progress/new", data=report_form(as_of="10/01/2025")).status_code == 400
    assert pclient.post("/staff/progress/new", data=report_form(district="atlantis")).status_code == 400
    assert pclient.post("/staff/progress/new", data=report_form(task="99")).status_code == 400
    assert pclient.post("/staff/progress/new", data=report_form(status="finished")).status_code == 400
    # Not started needs no evidence; a document number stands in for a web address.
    assert pclient.post("/staff/progress/new", data=report_form(status="not_started", source_title="",
                                                                 source_url="")).status_code == 303
    assert pclient.post("/staff/progress/new", data=report_form(source_url="", source_doc_no="吴政发〔2024〕99号",
                                                                 note="doc no")).status_code == 303
    assert len(objects(papp)) == 2


def test_the_same_form_posted_twice_is_one_draft(papp, pclient):
    make_staff(papp, "ed", "editor", ("public-security",))
    login(pclient, "ed")
    for _ in range(2):
        assert pclient.post("/staff/progress/new", data=report_form(submission_key="k" * 20)).status_code == 303
    assert len(objects(papp)) == 1


def test_send_back_revise_and_publish_with_an_audit_log(papp, pclient):
    make_staff(papp, "ed", "editor", ("public-security",))
    make_staff(papp, "office", "publisher")
    login(pclient, "ed")
    rid = _draft(pclient, status="in_progress")
    pclient.post("/staff/logout")
    login(pclient, "office")
    assert pclient.post(f"/staff/progress/{rid}/return", data={"reason": ""}).status_code == 303
    assert objects(papp)[0].state == "draft"  # a reason is required
    pclient.post(f"/staff/progress/{rid}/return", data={"reason": "Link to the signed notice, please"})
    assert objects(papp)[0].state == "returned"
    assert pclient.post(f"/staff/progress/{rid}/publish").status_code == 303
    assert objects(papp)[0].state == "returned"  # a returned record is not published
    pclient.post("/staff/logout")
    login(pclient, "ed")
    page = pclient.get(f"/staff/progress/{rid}/edit").get_data(as_text=True)
    assert "Link to the signed notice" in page
    assert pclient.post(f"/staff/progress/{rid}/edit", data=report_form(source_url="https://example.test/signed")).status_code == 303
    assert objects(papp)[0].state == "draft"
    pclient.post("/staff/logout")
    login(pclient, "office")
    pclient.post(f"/staff/progress/{rid}/publish")
    assert objects(papp)[0].state == "published"
    assert pclient.get(f"/staff/progress/{rid}/edit").status_code == 403  # published: final
    log = pclient.get(f"/staff/progress/{rid}").get_data(as_text=True)
    for word in ("drafted", "sent back", "revised", "published"):
        assert word in log or {"drafted": "起草", "sent back": "退回", "revised": "修改", "published": "发布"}[word] in log
    from cleanair.extensions import db
    from cleanair.progress.models import ProgressEvent

    with papp.app_context():
        actions = [(e.actor, e.action) for e in db.session.scalars(db.select(ProgressEvent).order_by(ProgressEvent.id))]
        assert actions == [("ed", "drafted"), ("office", "returned"), ("ed", "edited"), ("office", "published")]
        event = db.session.scalars(db.select(ProgressEvent)).first()
        event.note = "tampered"
        try:
            db.session.commit()
            raise AssertionError("the audit log must be append-only")
        except RuntimeError:
            db.session.rollback()


def test_discarded_drafts_never_appear(papp, pclient):
    make_staff(papp, "ed", "editor", ("public-security",))
    login(pclient, "ed")
    rid = _draft(pclient)
    assert pclient.post(f"/staff/progress/{rid}/discard").status_code == 303
    assert objects(papp)[0].state == "discarded"
    assert pclient.get("/plan/tasks/27.json").json["task"]["progress"] == []


def test_evidence_pdf_is_rebuilt_without_scripts_and_public_only_once_published(papp, pclient):
    from io import BytesIO

    make_staff(papp, "ed", "editor", ("public-security",))
    make_staff(papp, "office", "publisher")
    login(pclient, "ed")
    raw = pdf_with_javascript()
    assert b"/JavaScript" in raw and b"Secret Author" in raw
    data = report_form()
    data["attachment"] = (BytesIO(raw), "internal-draft.pdf")
    resp = pclient.post("/staff/progress/new", data=data, content_type="multipart/form-data")
    assert resp.status_code == 303
    record = objects(papp)[0]
    assert record.attachment_type == "application/pdf" and "internal-draft" not in record.attachment_key
    stored = (papp.config["PROGRESS_FILE_DIR"] + f"/{record.attachment_key[:2]}/{record.attachment_key}")
    clean = open(stored, "rb").read()
    for secret in (b"/JavaScript", b"Secret Author", b"hidden comment", b"/Annots", b"/OpenAction"):
        assert secret not in clean
    assert pclient.get(f"/progress/files/{record.attachment_key}").status_code == 404  # draft: staff only
    assert pclient.get(f"/staff/progress/{record.id}/file").status_code == 200
    bad = report_form(submission_key="other")
    bad["attachment"] = (BytesIO(b"%PDF-1.4 not really"), "x.pdf")
    assert pclient.post("/staff/progress/new", data=bad, content_type="multipart/form-data").status_code == 400
    pclient.post("/staff/logout")
    login(pclient, "office")
    pclient.post(f"/staff/progress/{record.id}/publish")
    pclient.post("/staff/logout")
    resp = pclient.get(f"/progress/files/{record.attachment_key}")
    assert resp.status_code == 200 and resp.content_type == "application/pdf"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert pclient.get("/plan/tasks/27.json").json["task"]["progress"][0]["attachment"].endswith(record.attachment_key)


def test_published_values_feed_the_target_status_and_chart(papp, pclient):
    make_staff(papp, "office", "publisher")
    login(pclient, "office")
    before = pclient.get("/targets/pm25-annual-mean.json").json["target"]
    resp = pclient.post("/staff/progress/values/new", data={
        "target": "pm25-annual-mean", "value": "28", "date": "2025-12-31", "period": "year",
        "source_title": "TEST FIXTURE bulletin", "source_url": "https://example.test/bulletin",
        "source_issuer": "", "source_date": "", "republished_by": "", "note": "hand-made test value"})
    assert resp.status_code == 303, resp.get_data(as_text=True)[:1500]
    vid = int(resp.headers["Location"].rsplit("/", 1)[1])
    assert pclient.get("/targets/pm25-annual-mean.json").json["target"] == before  # a draft changes nothing
    pclient.post(f"/staff/progress/values/{vid}/publish")
    target = pclient.get("/targets/pm25-annual-mean.json").json["target"]
    # A value for the deadline's year (hand-made) decides the status through the one status function.
    assert target["status"] == "achieved" and target["latest"]["value"] == 28
    assert target["latest"]["source_title"].startswith("TEST FIXTURE bulletin")
    html = pclient.get("/targets/pm25-annual-mean").get_data(as_text=True)
    assert "<svg" in html and "TEST FIXTURE bulletin" in html and 'viewBox="0 0 400 240"' in html
    change = pclient.get("/changes.json?target=pm25-annual-mean").json["changes"][0]
    assert change["entity"] == "value:pm25-annual-mean/2025-12-31/year" and change["kind"] == "added"
