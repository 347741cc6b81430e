"""HTML pages with `.json` and `.csv` twins at the same path, built from one function."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from flask import Blueprint, Response, abort, render_template, url_for

from .domain.opendata import Column, to_csv, to_json

FORMATS = ("html", "json", "csv")


def twin_route(bp: Blueprint, rule: str, **options: Any) -> Callable:
    """Register `rule`, `rule.json` and `rule.csv` for one view taking a `fmt` argument."""

    def decorator(view: Callable) -> Callable:
        endpoint = options.pop("endpoint", view.__name__)
        csv_too = options.pop("csv", True)
        bp.add_url_rule(rule, endpoint, view, defaults={"fmt": "html"}, **options)
        bp.add_url_rule(rule + ".json", endpoint, view, defaults={"fmt": "json"}, **options)
        if csv_too:
            bp.add_url_rule(rule + ".csv", endpoint, view, defaults={"fmt": "csv"}, **options)
        return view

    return decorator


def twin_links(endpoint: str, csv: bool = True, **values: Any) -> list[dict[str, str]]:
    """The alternates announced in <head> and offered as download links, filters kept."""
    from .links import kept_args

    args = kept_args("fmt", *values)
    links = [{"fmt": "json", "type": "application/json", "href": url_for(endpoint, fmt="json", **values, **args)}]
    if csv:
        links.append({"fmt": "csv", "type": "text/csv", "href": url_for(endpoint, fmt="csv", **values, **args)})
    return links


def _stamped(payload: Mapping[str, Any]) -> Mapping[str, Any]:
    """Every download says which data release it belongs to and when it was generated."""
    from datetime import UTC, datetime

    from flask import current_app

    history = current_app.extensions.get("cleanair_history")
    stamp = {
        "version": getattr(history, "version", None),
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
    }
    return {**payload, **{k: v for k, v in stamp.items() if k not in payload}}


def json_response(payload: Mapping[str, Any], status: int = 200) -> Response:
    resp = Response(to_json(payload), status=status, content_type="application/json; charset=utf-8")
    resp.headers["Access-Control-Allow-Origin"] = "*"
    return resp


def download_json_response(payload: Mapping[str, Any], status: int = 200) -> Response:
    """A JSON download: the payload plus `version` (data release) and `generated_at`."""
    return json_response(_stamped(payload), status=status)


def csv_response(rows: Iterable[Mapping[str, Any]], columns: Sequence[Column], filename: str) -> Response:
    resp = Response(to_csv(rows, columns), content_type="text/csv; charset=utf-8")
    resp.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    resp.headers["Access-Control-Allow-Origin"] = "*"
    return resp


def render_twin(
    fmt: str,
    template: str,
    payload: Callable[[], Mapping[str, Any]],
    csv_rows: Callable[[], Iterable[Mapping[str, Any]]] | None = None,
    columns: Sequence[Column] | None = None,
    filename: str = "data.csv",
    **context: Any,
) -> Response | str:
    """Answer one request in the asked format from the same data."""
    if fmt == "json":
        return download_json_response(payload())
    if fmt == "csv":
        if csv_rows is None or columns is None:
            abort(404)
        return csv_response(csv_rows(), columns, filename)
    return render_template(template, **context)
