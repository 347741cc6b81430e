"""Plan pages. Views parse the request, call domain functions and render; nothing more."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for

from ..domain import plan_records as pr
from ..domain.charts import Point, line_chart
from ..domain.targets import STATUSES
from ..history import views as hv
from ..links import current_url, kept_args
from ..progress import service as progress_svc
from ..services import plan, site_data, today
from ..twins import render_twin, twin_links, twin_route
from . import bp


def _meta() -> dict:
    p = plan()
    return {
        "source_zh": pr.plan_citation(p, "zh"),
        "source_en": pr.plan_citation(p, "en"),
        "source_file_sha256": p.source.get("sha256"),
        "licence": pr.DATA_LICENCE,
        "url": current_url(),
    }


@bp.route("/plan")
def overview():
    p = plan()
    return render_template("plan/overview.html", plan=p)


@twin_route(bp, "/plan/measures/<int:number>")
def measure(number: int, fmt: str):
    p = plan()
    m = p.measure(number)
    if m is None:
        abort(404)
    tasks = [p.task(n) for n in m.tasks]
    records = [pr.task_record(p, t) for t in tasks if t]
    payload = lambda: {  # noqa: E731
        "measure": {
            "number": m.number, "numeral": m.numeral, "chapter": m.chapter,
            "title_zh": m.title_zh, "title_en": m.title_en, "text_zh": m.text_zh, "text_en": m.text_en,
        },
        "tasks": records,
        "meta": _meta(),
    }
    return render_twin(
        fmt, "plan/measure.html", payload, lambda: map(pr.task_csv_row, records), pr.TASK_COLUMNS,
        f"measure-{number}-tasks.csv",
        plan=p, measure=m, chapter=p.chapter(m.chapter), tasks=tasks,
        standings=progress_svc.task_standings(t for t in tasks if t),
        alternates=twin_links("plan.measure", number=number),
    )


@twin_route(bp, "/plan/tasks")
def tasks(fmt: str):
    if fmt == "html" and any(v == "" for v in request.args.values()):
        # The filter form submits every field; drop the empty ones so shared links stay short.
        return redirect(url_for("plan.tasks", fmt=fmt, **kept_args("fmt")), code=302)
    p = plan()
    filters, errors = pr.TaskFilters.from_args(request.args)
    errors += pr.unknown_filter_values(p, filters)
    selected = pr.filter_tasks(p, filters)
    records = [pr.task_record(p, t) for t in selected]
    district = pr.district_scope(p, filters.district, selected) if filters.district else None
    return render_twin(
        fmt, "plan/tasks.html",
        lambda: {"tasks": records, "count": len(records), "filters": filters.as_args(), "district": district,
                 "meta": _meta()},
        lambda: map(pr.task_csv_row, records), pr.TASK_COLUMNS, "suzhou-plan-tasks.csv",
        plan=p, tasks=selected, filters=filters, filter_errors=errors, district=district,
        standings=progress_svc.task_standings(selected),
        years=pr.deadline_years(p), alternates=twin_links("plan.tasks"),
    )


@twin_route(bp, "/plan/tasks/<int:number>")
def task(number: int, fmt: str):
    as_of = hv.requested_as_of()
    p, values_for, day = hv.plan_on(as_of)
    t = p.task(number)
    if t is None:
        abort(404)
    record = pr.task_record(p, t)
    record.update(progress_svc.task_progress(t, as_of))  # "progress" and "overdue" (docs/progress.md)
    targets = [pr.target_record(p, tg, values_for(tg.slug), day) for tg in p.targets_for_task(number)]
    changes = hv.page_history(plan(), task=number)
    feed = url_for("history.task_feed", number=number)
    return render_twin(
        fmt, "plan/task.html",
        lambda: {"task": record, "as_of": as_of, "changes": changes, "meta": _meta()},
        lambda: [pr.task_csv_row(record)], pr.TASK_COLUMNS, f"suzhou-plan-task-{number}.csv",
        plan=p, task=t, measure=p.measure(t.measure), chapter=p.chapter(t.chapter), targets=targets, record=record,
        prev_task=plan().task(number - 1), next_task=plan().task(number + 1),
        as_of=hv.as_of_banner(as_of), changes=changes, feed_url=feed,
        alternates=twin_links("plan.task", number=number) + [hv.atom_link(feed)],
    )


@twin_route(bp, "/departments")
def departments(fmt: str):
    p = plan()
    records = [pr.department_record(p, d.slug) for d in p.departments]
    return render_twin(
        fmt, "plan/departments.html", lambda: {"departments": records, "meta": _meta()},
        lambda: map(pr.department_csv_row, records), pr.DEPARTMENT_COLUMNS, "suzhou-plan-departments.csv",
        plan=p, records=records, alternates=twin_links("plan.departments"),
    )


@twin_route(bp, "/departments/<slug>")
def department(slug: str, fmt: str):
    as_of = hv.requested_as_of()
    p, _values, _day = hv.plan_on(as_of)
    dep = p.department(slug)
    if dep is None:
        abort(404)
    record = pr.department_record(p, slug)
    record["progress"] = progress_svc.department_progress(slug)
    changes = hv.page_history(plan(), department=slug)
    feed = url_for("history.department_feed", slug=slug)
    return render_twin(
        fmt, "plan/department.html",
        lambda: {"department": record, "as_of": as_of, "changes": changes, "meta": _meta()},
        lambda: [pr.department_csv_row(record)], pr.DEPARTMENT_COLUMNS, f"suzhou-plan-department-{slug}.csv",
        plan=p, department=dep, tasks=p.tasks_for_department(slug), record=record,
        as_of=hv.as_of_banner(as_of), changes=changes, feed_url=feed,
        alternates=twin_links("plan.department", slug=slug) + [hv.atom_link(feed)],
    )


def _target_records() -> list[dict]:
    p, data, now = plan(), site_data(), today()
    return [pr.target_record(p, t, data.indicator_values(t.slug), now) for t in p.targets]


@twin_route(bp, "/targets")
def targets(fmt: str):
    records = _target_records()
    status = request.args.get("status")
    if status in STATUSES:
        records = [r for r in records if r["status"] == status]
    return render_twin(
        fmt, "plan/targets.html", lambda: {"targets": records, "meta": _meta()},
        lambda: map(pr.target_csv_row, records), pr.TARGET_COLUMNS, "suzhou-plan-targets.csv",
        plan=plan(), records=records, counts=pr.status_counts(_target_records()), status=status,
        alternates=twin_links("plan.targets"),
    )


@twin_route(bp, "/targets/<slug>")
def target(slug: str, fmt: str):
    as_of = hv.requested_as_of()
    p, values_for, day = hv.plan_on(as_of)
    tg = p.target(slug)
    if tg is None:
        abort(404)
    record = pr.target_record(p, tg, values_for(slug), day)
    changes = hv.page_history(plan(), target=slug)
    feed = url_for("history.target_feed", slug=slug)
    return render_twin(
        fmt, "plan/target.html",
        lambda: {"target": record, "as_of": as_of, "changes": changes, "meta": _meta()},
        lambda: [pr.target_csv_row(record)], pr.TARGET_COLUMNS, f"suzhou-plan-target-{slug}.csv",
        plan=p, target=tg, record=record, tasks=[p.task(n) for n in tg.tasks if p.task(n)], chart=target_chart(tg, record),
        as_of=hv.as_of_banner(as_of), changes=changes, feed_url=feed,
        og_image=hv.absolute(f"/targets/{slug}/share.png"), embed_src=hv.absolute(f"/embed/targets/{slug}"),
        alternates=twin_links("plan.target", slug=slug) + [hv.atom_link(feed)],
    )


def target_chart(tg, record: dict):
    """The history of a target's values as line-chart geometry (target line and deadline marked)."""
    from datetime import date

    points = [Point(date.fromisoformat(v["date"]), v["value"], v["period"] not in ("year_to_date",))
              for v in record["history"]]
    # The line is drawn where a value meets the goal: the target value, or 2 for "double", 1 for "complete".
    line = {"double": 2.0, "complete": 1.0}.get(tg.comparator, tg.target_value)
    return line_chart(points, line, tg.deadline)
