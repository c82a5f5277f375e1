"""What only admins may do over HTTP: upload rosters, read the audit log, ask Cypher."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Query, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from api.audit import ids_in
from api.deps import Admin, AuditDep, OneHop, SettingsDep, StoreDep
from api.problems import RESPONSES, problem
from api.schemas import AuditAnswer, CypherAnswer
from ingest.pipeline import IngestReport, ingest
from ingest.readers import ReadLimits

router = APIRouter(route_class=OneHop, prefix="/api", tags=["admin"], responses=RESPONSES)
CHUNK = 1 << 20


class CypherRequest(BaseModel):
    query: str = Field(max_length=10_000, description="只读 Cypher / read-only Cypher")
    params: dict = Field(default_factory=dict)
    limit: int = Field(default=1000, ge=1, le=10_000)


@router.get(
    "/audit", response_model=AuditAnswer, summary="审计日志，按时间顺序分页 / the audit log, oldest first, paged"
)
def get_audit(
    audit: AuditDep,
    caller: Admin,
    limit: Annotated[int, Query(ge=1, le=10000)] = 1000,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict:
    total, records = audit.read(limit, offset)
    return {"total": total, "offset": offset, "records": records}


@router.post(
    "/cypher",
    response_model=CypherAnswer,
    summary="只读 Cypher 控制台 / read-only Cypher console",
    responses={501: {"description": "嵌入式图库不支持 / not on the embedded store"}},
)
def post_cypher(body: CypherRequest, store: StoreDep, audit: AuditDep, caller: Admin) -> dict:
    try:
        answer = store.cypher(body.query, body.params, body.limit)
    except Exception as exc:  # a refused or failed query is logged too, with why
        audit.record(caller, "cypher", [], query=body.query, refused=str(exc)[:500])
        raise
    audit.record(caller, "cypher", ids_in(answer, label=None), query=body.query)
    return answer


NAME_BYTES = 200  # of an upload's name kept, its suffix included (file systems allow 255)


def _safe_name(name: str | None) -> str:
    """The upload's own file name (it says which template it is), without any folder, not
    ``.``/``..``, and short enough for any file system."""
    base = re.sub(r"[\\\\/:*?\"<>|\x00-\x1f]", "_", Path(name or "").name).strip(". ")
    stem, suffix = Path(base).stem or "upload", Path(base).suffix[:10]
    while len(f"{stem}{suffix}".encode()) > NAME_BYTES:
        stem = stem[:-1]
    return f"{stem}{suffix}"


@router.post(
    "/ingest",
    summary="上传名册并导入 / upload rosters and ingest them",
    responses={
        200: {"model": IngestReport, "description": "导入报告 / the ingest report"},
        413: {**RESPONSES[422], "description": "文件过大 / upload too large"},
        422: {**RESPONSES[422], "description": "名册有错误，未写入 / refused, nothing written"},
    },
)
async def post_ingest(
    settings: SettingsDep,
    store: StoreDep,
    audit: AuditDep,
    caller: Admin,
    files: Annotated[list[UploadFile], File(description="CSV、JSON 或 XLSX 名册")],
    skip_invalid: bool = False,
    dry_run: bool = False,
):
    limits = ReadLimits(
        settings.upload_rows, settings.upload_columns, settings.upload_cells, settings.upload_unpacked_mb
    )
    with tempfile.TemporaryDirectory(prefix="tongxin-upload-") as folder:
        paths = []
        for number, upload in enumerate(files, 1):  # the upload limit is kept by api.limits before the form is parsed
            path = Path(folder) / str(number) / _safe_name(upload.filename)  # a folder each: names may repeat
            path.parent.mkdir()
            with open(path, "wb") as handle:
                while chunk := await upload.read(CHUNK):
                    handle.write(chunk)
            paths.append(path)
        # Reading and writing take seconds to minutes: in a worker thread, so the API keeps answering.
        # The rows are checked in this process (forking a server's threads is not safe; its cores answer).
        report = await run_in_threadpool(
            ingest, store, paths, skip_invalid=skip_invalid, dry_run=dry_run, limits=limits
        )
    answer = report.as_dict()
    if report.written:
        audit.ingested(caller, [p.name for p in paths], report)
    if report.errors and not skip_invalid:
        return problem(422, f"名册有 {len(report.errors)} 处错误，未写入", **answer)
    return JSONResponse(answer)
