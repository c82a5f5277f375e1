"""The questions staff ask, over HTTP: the same functions and the same JSON as the command line.

Every answer a viewer gets is masked; every read of a node's properties is audited; a caller kept
to some towns asks the graph of those towns only (:class:`graph.scope.ScopedStore`).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import JSONResponse

from api.access import Caller, Forbidden
from api.audit import ids_in
from api.deps import AnswersDep, AuditDep, OneHop, SettingsDep, ViewDep, Viewer, heavy
from api.problems import RESPONSES
from api.schemas import (
    BrokersAnswer,
    CommonAnswer,
    CoverageAnswer,
    EgoAnswer,
    EntityAnswer,
    NeighboursAnswer,
    PathAnswer,
    PlacesAnswer,
    QualityAnswer,
    ReportAnswer,
    SearchAnswer,
    Stats,
    WorkList,
)
from graph.errors import InvalidQuery
from graph.masking import mask
from graph.scope import ScopedStore
from graph.settings import Settings
from queries.brokers import brokers
from queries.coverage import coverage
from queries.coverage_table import as_ledger_table, coverage_table
from queries.export import export
from queries.formats import FORMATS, XLSX
from queries.network import common, ego, entity, neighbours
from queries.options import (
    HOPS,
    MAX_HOPS,
    MAX_LOAD,
    MAX_NODES,
    NEIGHBOURS,
    OFFSET,
    PATHS,
    RESULTS,
    SKIP,
    TOP,
    WINDOW_DAYS,
    YEAR,
    Bound,
)
from queries.paths import path
from queries.places import places
from queries.quality import quality
from queries.report import base_networks, ledger, report
from queries.report_document import REPORT_FORMATS, report_format
from queries.search import search
from queries.stats import stats

router = APIRouter(route_class=OneHop, prefix="/api", tags=["queries"], responses=RESPONSES)
Via = Annotated[
    str | None, Query(max_length=500, description="只沿这些关系类型，逗号分隔 / relationship types, comma separated")
]
AsOf = Annotated[str | None, Query(max_length=40, description="统计日期，默认今天 / as-of date, default today")]


def within(bound: Bound):
    """A query parameter with the option's bounds and meaning (queries/options.py)."""
    return Query(ge=bound.low, le=bound.high, description=bound.help)


def for_caller(caller: Caller, answer: dict) -> dict:
    """The answer as this caller may see it: masked unless the role sees personal information."""
    return answer if caller.sees_personal_information else mask(answer)


@router.get("/me", summary="当前令牌的名称与角色 / who the token belongs to, and whether it may export")
def get_me(caller: Viewer, settings: SettingsDep) -> dict:
    return {
        "name": caller.name,
        "role": caller.role.value,
        "regions": list(caller.regions),
        "may_export": may_export(caller, settings),
    }


def may_export(caller: Caller, settings: Settings) -> bool:
    """Exports are for officers and admins; viewers only when the settings open masked ones to them."""
    return caller.sees_personal_information or settings.viewer_exports


@router.get("/stats", response_model=Stats, summary="节点与关系计数 / counts by label and type")
def get_stats(store: ViewDep, caller: Viewer) -> dict:
    return stats(store)


@router.get("/places", response_model=PlacesAnswer, summary="镇街列表 / the towns, to choose one from")
def get_places(store: ViewDep, caller: Viewer) -> dict:
    return {"places": places(store)}


@router.get(
    "/search", response_model=SearchAnswer, summary="搜索：中文、拼音、首字母、编号 / search by name, pinyin or id"
)
def get_search(
    store: ViewDep,
    caller: Viewer,
    q: Annotated[str, Query(min_length=1, max_length=100)],
    limit: Annotated[int, within(RESULTS)] = RESULTS.default,
    offset: Annotated[int, within(OFFSET)] = OFFSET.default,
    kind: Annotated[str | None, Query(max_length=50, description="只要这一类：Person、同心荟…")] = None,
    region: Annotated[str | None, Query(max_length=100, description="只要这个镇街的")] = None,
) -> dict:
    return for_caller(caller, search(store, q, limit=limit, offset=offset, kind=kind, region=region))


@router.get("/entities/{id}", response_model=EntityAnswer, summary="一个节点及其关系 / a node and its relationships")
def get_entity(store: ViewDep, audit: AuditDep, caller: Viewer, id: Annotated[str, Path(max_length=200)]) -> dict:
    answer = entity(store, id)
    audit.record(caller, "entity", [id], masked=not caller.sees_personal_information)
    return for_caller(caller, answer)


@router.get(
    "/entities/{id}/neighbours",
    response_model=NeighboursAnswer,
    summary="一个节点某类关系的全部对象，分页 / one of an entity's lists, a page at a time",
)
def get_neighbours(
    store: ViewDep,
    audit: AuditDep,
    caller: Viewer,
    id: Annotated[str, Path(max_length=200)],
    type: Annotated[str, Query(max_length=50, description="关系类型，中文或英文")],
    direction: Annotated[str, Query(description="out 或 in", json_schema_extra={"enum": ["out", "in"]})],
    offset: Annotated[int, within(SKIP)] = SKIP.default,
    limit: Annotated[int, within(NEIGHBOURS)] = NEIGHBOURS.default,
) -> dict:
    answer = neighbours(store, id, type, direction, offset=offset, limit=limit)
    return audited(audit, caller, "neighbours", answer)


@router.get("/entities/{id}/network", response_model=EgoAnswer, summary="周围的关系网 / ego network")
def get_network(
    store: ViewDep,
    audit: AuditDep,
    caller: Viewer,
    id: Annotated[str, Path(max_length=200)],
    hops: Annotated[int, within(HOPS)] = HOPS.default,
    via: Via = None,
    max_nodes: Annotated[int, within(MAX_NODES)] = MAX_NODES.default,
) -> dict:
    return audited(audit, caller, "network", ego(store, id, hops=hops, via=via, max_nodes=max_nodes))


def audited(audit, caller: Caller, operation: str, answer: dict) -> dict:
    """The answer as the caller may see it, once the log names the people in it."""
    audit.record(caller, operation, ids_in(answer), masked=not caller.sees_personal_information)
    return for_caller(caller, answer)


@router.get("/paths", response_model=PathAnswer, summary="最短关系路径 / shortest paths")
def get_paths(
    store: ViewDep,
    audit: AuditDep,
    caller: Viewer,
    source: Annotated[str, Query(alias="from", max_length=200)],
    target: Annotated[str, Query(alias="to", max_length=200)],
    max_hops: Annotated[int, within(MAX_HOPS)] = MAX_HOPS.default,
    via: Via = None,
    limit: Annotated[int, within(PATHS)] = PATHS.default,
) -> dict:
    whole = store.whole if isinstance(store, ScopedStore) else None
    found = path(store, source, target, max_hops=max_hops, via=via, limit=limit, whole=whole)
    return audited(audit, caller, "paths", found)


@router.get("/common", response_model=CommonAnswer, summary="共同联系 / shared neighbours")
def get_common(
    store: ViewDep,
    audit: AuditDep,
    caller: Viewer,
    a: Annotated[str, Query(max_length=200)],
    b: Annotated[str, Query(max_length=200)],
    via: Via = None,
) -> dict:
    return audited(audit, caller, "common", common(store, a, b, via=via))


@router.get("/coverage", response_model=CoverageAnswer, summary="列名联系覆盖情况 / liaison-system coverage")
@heavy
def get_coverage(
    request: Request,
    store: ViewDep,
    answers: AnswersDep,
    caller: Viewer,
    as_of: AsOf = None,
    window_days: Annotated[int, within(WINDOW_DAYS)] = WINDOW_DAYS.default,
    max_load: Annotated[int, within(MAX_LOAD)] = MAX_LOAD.default,
    candidates: Annotated[bool, Query(description="附上为未列名联系者建议的领导（需遍历关系网，较慢）")] = False,
) -> dict:
    def checked() -> dict:
        answer = coverage(store, as_of=as_of, window_days=window_days, max_load=max_load, candidates=candidates)
        return CoverageAnswer.model_validate(answer).model_dump(mode="json", by_alias=True)

    # Checked once per data version and sent as it is: checking a city's answer (a megabyte)
    # for every caller cost more than the query.
    key = ("coverage", as_of or today(), window_days, max_load, candidates)
    return JSONResponse(for_caller(caller, answers.get(key, store.version(), checked)))


@router.get(
    "/coverage/people",
    response_model=WorkList,
    summary="列名联系工作清单：逐人的覆盖、最近联系与建议领导 / the coverage as a work list, person by person",
    responses={200: {"content": {XLSX: {}}}},
)
@heavy
def get_work_list(
    request: Request,
    store: ViewDep,
    answers: AnswersDep,
    audit: AuditDep,
    caller: Viewer,
    as_of: AsOf = None,
    window_days: Annotated[int, within(WINDOW_DAYS)] = WINDOW_DAYS.default,
    max_load: Annotated[int, within(MAX_LOAD)] = MAX_LOAD.default,
    region: Annotated[str | None, Query(max_length=100, description="镇街名称")] = None,
    base: Annotated[str | None, Query(max_length=200, description="同心荟名称")] = None,
    leader: Annotated[str | None, Query(max_length=200, description="联系领导编号：其走访清单")] = None,
    overdue_days: Annotated[int | None, Query(ge=0, le=36600, description="至少多少天未联系")] = None,
    suggest: Annotated[bool, Query(description="为未列名联系者建议联系领导（需遍历关系网，较慢）")] = False,
    format: Annotated[
        str, Query(description="json 或 xlsx（台账格式）", json_schema_extra={"enum": ["json", "xlsx"]})
    ] = "json",
):
    """Names people (no personal information): every read is audited with their ids."""
    if format not in ("json", "xlsx"):
        raise InvalidQuery(f"不支持的格式「{format}」，可选：json、xlsx")
    filters = {"region": region, "base": base, "leader": leader, "overdue_days": overdue_days}
    key = ("work list", as_of or today(), window_days, max_load, suggest, *filters.values())
    made = answers.get(
        key,
        store.version(),
        lambda: coverage_table(
            store, as_of=as_of, window_days=window_days, max_load=max_load, suggest=suggest, **filters
        ),
    )
    audit.record(caller, "coverage_people", [r["id"] for r in made["rows"]], format=format)
    if format == "json":
        return made
    book = ledger({"as_of": made["as_of"], "tables": [as_ledger_table(made)]})
    return Response(
        book, media_type=XLSX, headers={"Content-Disposition": attachment(f"列名联系工作清单-{made['as_of']}.xlsx")}
    )


def leaders_pictured(store, as_of: str) -> list[str]:
    """The people a report document names: the leaders drawn by name in its base pictures."""
    return sorted(
        {
            node
            for _, graph in base_networks(store, as_of=as_of)
            for node, data in graph.nodes(data=True)
            if data.get("name")
        }
    )


def today() -> str:
    """What an answer "as of today" is keyed by: it changes at midnight even if the graph does not."""
    return dt.date.today().isoformat()


@router.get("/brokers", response_model=BrokersAnswer, summary="桥梁人物与圈子 / brokers and communities")
def get_brokers(
    store: ViewDep,
    caller: Viewer,
    scope: Annotated[str | None, Query(max_length=200)] = None,
    top: Annotated[int, within(TOP)] = TOP.default,
) -> dict:
    return for_caller(caller, brokers(store, scope=scope, top=top))


@router.get("/quality", response_model=QualityAnswer, summary="数据质量 / data quality")
def get_quality(store: ViewDep, caller: Viewer, as_of: AsOf = None) -> dict:
    return for_caller(caller, quality(store, as_of=as_of))


@router.get(
    "/report",
    response_model=ReportAnswer,
    summary="年度工作报表 / the yearly report: figures, ledger, printable report",
    responses={200: {"content": {f.media_type: {} for f in REPORT_FORMATS.values()}}},
)
@heavy
def get_report(
    request: Request,
    store: ViewDep,
    settings: SettingsDep,
    answers: AnswersDep,
    audit: AuditDep,
    caller: Viewer,
    as_of: AsOf = None,
    year: Annotated[int | None, within(YEAR)] = YEAR.default,
    format: Annotated[
        str,
        Query(
            description="json、xlsx（台账）、html 或 pdf（带图表，可打印 A4）",
            json_schema_extra={"enum": list(REPORT_FORMATS)},
        ),
    ] = "json",
):
    """Counts, and names only of bases, towns and listed leaders, so every role gets the same report."""
    chosen = report_format(format)
    version, key = store.version(), ("report", as_of or today(), year)
    made = answers.get(key, version, lambda: report(store, as_of=as_of, year=year))
    # The tables count; only the documents' base pictures name people (the listed leaders).
    named = (
        []
        if format in ("json", "xlsx")
        else answers.get((*key, "pictured"), version, lambda: leaders_pictured(store, made["as_of"]))
    )
    audit.record(caller, "report", named, format=format, year=made["year"], as_of=made["as_of"])
    if format == "json":
        return made
    document = answers.get((*key, format), version, lambda: chosen.write(store, made, settings.report_font))
    return Response(
        document, media_type=chosen.media_type, headers={"Content-Disposition": attachment(chosen.filename(made))}
    )


@router.get(
    "/export",
    summary="导出网络图 / export a scope as GraphML, GEXF, Cytoscape, JSON, CSV, DOT, RDF or HTML",
    response_class=Response,
    responses={200: {"content": {f.media_type: {} for f in FORMATS.values()}}},
)
@heavy
def get_export(
    request: Request,
    store: ViewDep,
    audit: AuditDep,
    settings: SettingsDep,
    answers: AnswersDep,
    caller: Viewer,
    format: Annotated[
        str, Query(description="、".join(FORMATS), json_schema_extra={"enum": list(FORMATS)})
    ] = "graphml",
    scope: Annotated[
        str | None, Query(max_length=300, description="all、base:ID、region:ID、ego:ID[:hops]、path:FROM:TO、gaps")
    ] = None,
) -> Response:
    if not may_export(caller, settings):
        raise Forbidden("导出限工作人员和管理员；如需让查看者下载脱敏导出，请管理员设置 TONGXIN_VIEWER_EXPORTS=true")
    masked = not caller.sees_personal_information
    made = answers.get(
        ("export", format, scope, masked), store.version(), lambda: export(store, format, scope, masked=masked)
    )
    audit.exported(caller, format, scope, masked, made.people, bytes=len(made.content))
    return Response(
        made.content, media_type=made.media_type, headers={"Content-Disposition": attachment(made.filename)}
    )


def attachment(filename: str) -> str:
    """A Content-Disposition for any file name: ASCII for old clients, UTF-8 (RFC 6266) for the rest.

    >>> print(attachment("tongxin-base-鹿城.json"))
    attachment; filename="tongxin-base-__.json"; filename*=UTF-8''tongxin-base-%E9%B9%BF%E5%9F%8E.json
    """
    fallback = "".join(c if c.isascii() and (c.isalnum() or c in ".-_") else "_" for c in filename)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
