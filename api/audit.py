"""The audit log: who, when, which operation, which ids.  Durable and append-only: each
record is one JSON line, flushed to disk before the answer leaves; if it cannot be
written, the request fails."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

from filelock import FileLock

from api.access import Caller
from graph.errors import StoreUnavailable

AUDIT_FILE = "audit.jsonl"


class AuditLog:
    def __init__(self, config_dir: Path):
        self.path = Path(config_dir) / AUDIT_FILE
        self._lock = FileLock(str(self.path) + ".lock", timeout=30)

    def record(self, caller: Caller | None, operation: str, ids: list[str] | None = None, **detail) -> None:
        entry = {
            "at": dt.datetime.now(dt.UTC).astimezone().isoformat(timespec="seconds"),
            "token": caller.token_id if caller else None,
            "name": caller.name if caller else "命令行",
            "role": caller.role.value if caller else "admin",
            "operation": operation,
            "ids": sorted(set(ids or [])),
            **detail,
        }
        line = json.dumps(entry, ensure_ascii=False) + "\n"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            with self._lock, open(descriptor, "a", encoding="utf-8") as handle:
                handle.write(line)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as exc:
            raise StoreUnavailable(f"无法写入审计日志 {self.path}：{exc}；为保证留痕，本次操作未执行") from None

    def ingested(self, caller: Caller | None, files: list[str], report) -> None:
        """An ingest that wrote: its files, the rows read and what changed."""
        self.record(caller, "ingest", [], files=files, rows=report.rows, **report.changes())

    def exported(self, caller: Caller | None, fmt: str, scope: str | None, masked: bool, **detail) -> None:
        """An export left the system: in which format, of what, masked or not."""
        self.record(caller, "export", [], format=fmt, scope=scope or "all", masked=masked, **detail)

    def read(self, limit: int = 1000, offset: int = 0) -> tuple[int, list[dict]]:
        """(how many records there are, ``limit`` of them from ``offset``, oldest first);
        a negative ``offset`` counts from the end, so ``-limit`` gives the latest."""
        if not self.path.exists():
            return 0, []
        with open(self.path, encoding="utf-8") as handle:
            lines = handle.readlines()
        start = max(0, len(lines) + offset) if offset < 0 else offset
        return len(lines), [json.loads(line) for line in lines[start : start + limit]]
