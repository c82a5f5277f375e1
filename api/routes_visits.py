"""What staff record over HTTP: a leader's visit to a person, typed on a phone after it.

It goes in as a one-row 联系记录 through the same checks as a roster (ingest.pipeline), so
a visit recorded here and one in an uploaded 联系记录 are the same record."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api.deps import AuditDep, Officer, OneHop, StoreDep, ViewDep
from api.problems import RESPONSES, problem
from graph.errors import NotFound
from ingest.pipeline import IngestReport, ingest_tables
from ingest.readers import Table

router = APIRouter(route_class=OneHop, prefix="/api", tags=["records"], responses=RESPONSES)
SOURCE = "网页登记"  # what the record's source_file says


class Visit(BaseModel):
    leader: str = Field(max_length=200, description="联系领导的编号（或姓名）")
    person: str = Field(max_length=200, description="联系对象的编号（或姓名）")
    date: str = Field(max_length=40, description="日期，如 2026-11-30 或 2026年11月30日")
    method: str | None = Field(None, max_length=50, description="方式：走访、电话、座谈……")
    note: str | None = Field(None, max_length=2000, description="内容")


@router.post(
    "/contacts",
    summary="登记一次联系（走访、电话…）/ record a leader's contact with a person",
    responses={
        200: {"model": IngestReport, "description": "已登记 / recorded"},
        422: {**RESPONSES[422], "description": "有错误，未登记 / refused, nothing written"},
    },
)
def post_contact(visit: Visit, store: StoreDep, view: ViewDep, audit: AuditDep, caller: Officer):
    """Officers and admins; a town's officer only for people and leaders their token sees."""
    people = {end: _ids(view, end) for end in (visit.leader, visit.person)}
    for end, found in people.items():
        if view is not store and not found:
            raise NotFound(f"您的辖区内没有「{end}」")
    row = [visit.date, visit.leader, visit.person, visit.method or "", visit.note or ""]
    table = Table(SOURCE, None, "联系记录", ["日期", "联系领导", "联系对象", "方式", "内容"], [(2, row)])
    report = ingest_tables(store, [table])
    answer = report.as_dict()
    if report.errors:
        return problem(422, f"有 {len(report.errors)} 处错误，未登记：{report.errors[0].message}", **answer)
    audit.record(
        caller, "contact", [i for found in people.values() for i in found], date=visit.date, **report.changes()
    )
    return JSONResponse(answer)


def _ids(store, given: str) -> list[str]:
    """The people a leader or person cell names: an id, or everyone of that name."""
    if store.get(given) is not None:
        return [given]
    return store.ids_by("Person", "name", [given]).get(given, [])
