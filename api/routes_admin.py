"""What only admins may do over HTTP: read the audit log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import Admin, AuditDep

router = APIRouter(prefix="/api", tags=["admin"])


@router.get("/audit", summary="审计日志（最近的记录）/ the audit log, newest last")
def get_audit(audit: AuditDep, caller: Admin, limit: Annotated[int, Query(ge=1, le=10000)] = 1000) -> dict:
    return {"records": audit.read(limit)}
